// fetchArchive: a pinned archive (URLs + sha256) into the content-addressed cache, downloaded at most once, verified
// on every use, and never left half-written.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cacheEntry, hashFile, sweepStaleTemps, tempName, writeAtomic } from './archives.ts';
import { FetchError, messageOf } from './errors.ts';
import { DownloadError, download } from './http.ts';
import { downloadLimits } from './limits.ts';
import type { ProxyEnv } from './proxy.ts';
import { candidateUrls, mirrorBases } from './mirrors.ts';
import type { RemoteCache } from './remote.ts';

export interface Pin {
  readonly urls: readonly string[];
  readonly sha256: string;
  /** The archive's file name (e.g. "zlib-1.3.1.tar.gz"); defaults to the first URL's basename. */
  readonly name?: string | undefined;
}

export interface FetchOptions {
  readonly cacheDir: string;
  /** Mirror base URLs, tried before the pin's URLs as `<mirror>/<sha256>`; defaults to POGOGEN_MIRRORS. */
  readonly mirrors?: readonly string[] | undefined;
  /** Use the cache only: a miss is an error, the network is never touched. */
  readonly offline?: boolean | undefined;
  readonly progress?: ((received: number, total?: number) => void) | undefined;
  /** Idle time (connecting or between bytes) before an attempt fails; default 30 s. */
  readonly timeoutMs?: number | undefined;
  /** The largest archive accepted, in bytes; default POGOGEN_MAX_DOWNLOAD, else 2 GiB. */
  readonly maxBytes?: number | undefined;
  /** Time one download attempt may take in all; default POGOGEN_DOWNLOAD_DEADLINE (seconds), else one hour. */
  readonly deadlineMs?: number | undefined;
  /** Proxies; default HTTPS_PROXY, HTTP_PROXY and NO_PROXY (or their lower-case forms) from the environment. */
  readonly proxy?: ProxyEnv | undefined;
  /** Extra attempts per URL after a connection error, timeout, 408/429/5xx or cut-off body; default 2. */
  readonly retries?: number | undefined;
  /** First retry delay, doubled on each further retry; default 500 ms. */
  readonly backoffMs?: number | undefined;
  readonly log?: ((line: string) => void) | undefined;
  /** Hosts an https URL may redirect to over plain http. */
  readonly allowInsecureMirrors?: readonly string[] | undefined;
  /** A remote cache asked first (its cas/<sha256>), and given what was downloaded from elsewhere when it may be written. */
  readonly remote?: RemoteCache | undefined;
}

export interface Fetched {
  /** The verified archive in the cache. */
  readonly path: string;
  readonly fromCache: boolean;
  /** The URL it was downloaded from (after redirects); absent on a cache hit. */
  readonly url?: string;
  /** The archive's original file name (its extension tells extraction the format when sniffing cannot). */
  readonly name: string;
}

/** Returns the cached archive for `pin`, downloading and verifying it first when it is missing or corrupt. */
export async function fetchArchive(pin: Pin, opts: FetchOptions): Promise<Fetched> {
  const sha256 = pin.sha256.toLowerCase();
  const name = pinName(pin);
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new FetchError(`invalid sha256 "${pin.sha256}" for ${name}: expected 64 hex digits`);
  const entry = cacheEntry(opts.cacheDir, sha256);
  const log = opts.log ?? (() => {});

  const hit = await fromCache(entry, sha256, name, opts.offline === true, log);
  if (hit !== undefined) return hit;

  const urls = candidateUrls(pin.urls, sha256, mirrorBases(opts.mirrors));
  if (urls.length === 0) throw new FetchError(`${name} (sha256 ${sha256}) has no URLs to fetch from`);
  // Only what downloads reads these: a bad value must not break a generation that finds everything cached.
  const env = opts.maxBytes === undefined || opts.deadlineMs === undefined ? downloadLimits() : undefined;
  const maxBytes = opts.maxBytes ?? env!.maxBytes;
  const deadlineMs = opts.deadlineMs ?? env!.deadlineMs;
  fs.mkdirSync(entry.dir, { recursive: true });
  sweepStaleTemps(entry.file);
  if (opts.remote !== undefined) {
    // Verified while it streams, as any download; a miss, a fault or other bytes leave nothing and fall through.
    const tmp = tempName(entry.file);
    if (await opts.remote.fetchBlob(sha256, tmp, name)) {
      writeAtomic(entry.nameFile, `${name}\n`);
      fs.renameSync(tmp, entry.file);
      return { path: entry.file, fromCache: false, url: `${opts.remote.url}/cas/${sha256}`, name };
    }
  }

  const retries = opts.retries ?? 2;
  const backoffMs = opts.backoffMs ?? 500;
  const attempts: string[] = [];
  for (const url of urls) {
    for (let attempt = 0; ; attempt++) {
      const tmp = tempName(entry.file);
      try {
        log(`fetching ${url}`);
        const got = await download(url, tmp, {
          timeoutMs: opts.timeoutMs ?? 30_000,
          maxRedirects: 5,
          allowInsecure: opts.allowInsecureMirrors ?? [],
          progress: opts.progress,
          maxBytes,
          deadlineMs,
          proxy: opts.proxy,
        });
        if (got.sha256 !== sha256) {
          // A wrong file is not retried from the same URL, but the next URL may well have the right one.
          fs.rmSync(tmp, { force: true });
          attempts.push(`sha256 mismatch for ${url}${got.url === url ? '' : ` (redirected to ${got.url})`}: expected ${sha256}, got ${got.sha256}`);
          log(attempts[attempts.length - 1]!);
          break;
        }
        writeAtomic(entry.nameFile, `${name}\n`);
        // Atomic, and harmless if another process renamed the same verified bytes here first.
        fs.renameSync(tmp, entry.file);
        await opts.remote?.shareBlob(sha256, entry.file, name);
        return { path: entry.file, fromCache: false, url: got.url, name };
      } catch (err) {
        fs.rmSync(tmp, { force: true });
        const message = messageOf(err);
        if (err instanceof DownloadError && err.retriable && attempt < retries) {
          const delay = backoffMs * 2 ** attempt;
          log(`${message}; retrying in ${delay} ms (attempt ${attempt + 2} of ${retries + 1})`);
          await sleep(delay);
          continue;
        }
        // A local fault (disk full, permissions): no other URL will do better.
        if (!(err instanceof DownloadError)) throw new FetchError(`cannot write ${name} into the cache ${entry.dir}: ${message}`, attempts);
        attempts.push(message);
        log(message);
        break;
      }
    }
  }
  throw new FetchError(`could not fetch ${name} (sha256 ${sha256}): ${attempts.join('; ')}`, attempts);
}

/**
 * The cached archive when its bytes still have their hash (re-hashed on every hit: a cache is a disk, and disks,
 * tools and people change files); a corrupt one is removed. Offline, a miss is the error.
 */
async function fromCache(entry: ReturnType<typeof cacheEntry>, sha256: string, name: string, offline: boolean, log: (line: string) => void): Promise<Fetched | undefined> {
  const cached = await hashFile(entry.file);
  if (cached === sha256) return { path: entry.file, fromCache: true, name: storedName(entry.nameFile) ?? name };
  if (cached !== undefined) {
    log(`cached ${name} is corrupt (sha256 ${cached}, expected ${sha256}); removing ${entry.file}`);
    fs.rmSync(entry.file, { force: true });
  }
  if (offline) {
    const why = cached === undefined ? 'is not cached' : 'was corrupt in the cache and has been removed';
    throw new FetchError(`${name} (sha256 ${sha256}) ${why}, and offline mode forbids downloading it (cache: ${entry.dir})`);
  }
  return undefined;
}

function pinName(pin: Pin): string {
  if (pin.name !== undefined && pin.name !== '') return path.basename(pin.name);
  for (const url of pin.urls) {
    try {
      const base = path.posix.basename(decodeURIComponent(new URL(url).pathname));
      if (base !== '') return base;
    } catch {
      // not a URL we can name a file after
    }
  }
  return 'archive';
}

function storedName(nameFile: string): string | undefined {
  try {
    const name = fs.readFileSync(nameFile, 'utf8').trim();
    return name === '' ? undefined : name;
  } catch {
    return undefined;
  }
}
