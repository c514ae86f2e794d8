// The remote cache (POGOGEN_REMOTE_CACHE): built dependencies and source archives shared by a team or a CI fleet
// over plain HTTP, laid out as Bazel's HTTP remote cache. `ac/<key>` maps a dependency's cache key (key.ts) to a
// manifest of content digests, `cas/<sha256>` holds each blob (a built file or an archive); every blob is checked
// against its digest before use and an entry reaches the local cache only whole and verified. Writing needs
// POGOGEN_REMOTE_CACHE_TOKEN (a bearer credential from the environment); without it the cache is only read. The
// remote never fails a build: whatever goes wrong is a warning, and the dependency is fetched or built locally.
import fs from 'node:fs';
import path from 'node:path';
import { commitEntry, entryTemp, readManifest, type Entry } from './built.ts';
import { DownloadError, FetchError, messageOf } from './errors.ts';
import { download, request } from './http.ts';
import { downloadLimits, type DownloadLimits } from './limits.ts';
import type { ProxyEnv } from './proxy.ts';

/** Where the remote cache is and whether this client may write to it. */
export interface RemoteCacheConfig {
  /** The base URL, without a trailing slash. */
  readonly url: string;
  /** The bearer credential; absent: read only. */
  readonly token?: string | undefined;
}

/**
 * The remote cache the environment names, or undefined. A URL that is not http(s), or that holds a credential
 * (it is recorded in build.ninja's regeneration command), is a FetchError naming the variable.
 */
export function remoteCacheConfig(env: NodeJS.ProcessEnv = process.env): RemoteCacheConfig | undefined {
  const raw = env.POGOGEN_REMOTE_CACHE?.trim();
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchError(`POGOGEN_REMOTE_CACHE="${raw}" is not a URL: give the base URL of an HTTP cache, such as https://cache.example.com/pogogen`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchError(`POGOGEN_REMOTE_CACHE="${raw}" is a ${url.protocol} URL: the remote cache is spoken to over http:// or https://`);
  if (url.username !== '' || url.password !== '') {
    throw new FetchError('POGOGEN_REMOTE_CACHE holds a user name or password, and it is recorded in build.ninja for regeneration: give the URL without it and the credential in POGOGEN_REMOTE_CACHE_TOKEN, which is sent as a bearer Authorization header and written nowhere');
  }
  if (url.search !== '' || url.hash !== '') throw new FetchError(`POGOGEN_REMOTE_CACHE="${raw}" has a query or fragment: give the base URL alone (entries are <url>/ac/<key> and <url>/cas/<sha256>)`);
  const token = env.POGOGEN_REMOTE_CACHE_TOKEN?.trim();
  if (token !== undefined && /[\0-\x1f\x7f]/.test(token)) throw new FetchError('POGOGEN_REMOTE_CACHE_TOKEN holds a control character (a line break?): it cannot be sent in an HTTP header');
  return { url: url.href.replace(/\/+$/, ''), ...(token === undefined || token === '' ? {} : { token }) };
}

/** The manifest stored at ac/<key>: the installed tree's files by path, each a blob in cas/ or a symlink. */
export interface RemoteManifest {
  readonly pogogen: 1;
  readonly files: readonly RemoteFile[];
}
export type RemoteFile = { readonly path: string; readonly mode: number; readonly sha256: string; readonly size: number } | { readonly path: string; readonly link: string };

const HEX64 = /^[0-9a-f]{64}$/;
/** A manifest larger than this is not one pogogen wrote (a tree of 100,000 files needs about 15 MB). */
const maxManifestBytes = 64 * 1024 ** 2;
/** Idle time before a remote request is given up: a remote cache is near, and a stalled one must not stall every build. */
const remoteTimeoutMs = 10_000;
/** Blobs transferred at once. */
const parallel = 4;

/**
 * What is wrong with `v` as a remote manifest, or undefined. It is read as an attacker's file would be: every path
 * relative and inside the tree, no path twice or below another file or a symlink, every symlink's target inside the
 * tree, digests and sizes well-formed, so that restoring it can only write under the entry's tree/.
 */
export function manifestProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a JSON object';
  const m = v as Record<string, unknown>;
  if (m.pogogen !== 1) return 'not a pogogen manifest of format 1 ("pogogen": 1)';
  if (!Array.isArray(m.files)) return '"files" is not a list';
  const kinds = new Map<string, 'file' | 'link' | 'dir'>();
  for (const [i, f] of (m.files as unknown[]).entries()) {
    const at = `files[${i}]`;
    if (typeof f !== 'object' || f === null) return `${at} is not an object`;
    const e = f as Record<string, unknown>;
    const p = e.path;
    if (typeof p !== 'string' || p === '' || p.startsWith('/') || p.includes('\0') || p.includes('\\') || p.split('/').some((s) => s === '' || s === '.' || s === '..')) {
      return `${at}.path ${JSON.stringify(p)} is not a relative path inside the tree`;
    }
    if (kinds.has(p)) return `${at}.path "${p}" is listed twice, or is a directory of another entry`;
    const parts = p.split('/');
    for (let n = 1; n < parts.length; n++) {
      const dir = parts.slice(0, n).join('/');
      const kind = kinds.get(dir);
      if (kind === 'file' || kind === 'link') return `${at}.path "${p}" lies below the ${kind === 'link' ? 'symlink' : 'file'} "${dir}"`;
      kinds.set(dir, 'dir');
    }
    if (e.link !== undefined) {
      const link = e.link;
      if (typeof link !== 'string' || link === '' || link.includes('\0')) return `${at}.link is not a symlink target`;
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(p), link));
      if (link.startsWith('/') || resolved === '..' || resolved.startsWith('../')) return `${at}: the symlink "${p}" -> "${link}" points outside the tree`;
      kinds.set(p, 'link');
      continue;
    }
    if (typeof e.sha256 !== 'string' || !HEX64.test(e.sha256)) return `${at}.sha256 is not 64 lower-case hex digits`;
    if (typeof e.size !== 'number' || !Number.isSafeInteger(e.size) || e.size < 0) return `${at}.size is not a number of bytes`;
    if (typeof e.mode !== 'number' || !Number.isInteger(e.mode) || e.mode < 0 || e.mode > 0o777) return `${at}.mode is not a file mode (0 to 0o777)`;
    kinds.set(p, 'file');
  }
  return undefined;
}

/** Runs `jobs` at most `n` at a time; rejects with the first failure once the running ones settle. */
async function pool<T>(items: readonly T[], n: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < items.length) {
      const item = items[next++]!;
      try {
        await job(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  if (failed !== undefined) throw failed;
}

/** Thrown inside a restore for what makes the remote's entry unusable; becomes one warning. */
class Unusable extends Error {}

export interface RemoteOptions {
  /** Warnings, each one line: the remote is down, an entry was refused, an upload failed. */
  readonly warn: (message: string) => void;
  /** Verbose progress (hits, misses, uploads). */
  readonly log?: ((line: string) => void) | undefined;
  readonly proxy?: ProxyEnv | undefined;
  /** Default: POGOGEN_MAX_DOWNLOAD and POGOGEN_DOWNLOAD_DEADLINE (limits.ts). */
  readonly limits?: DownloadLimits | undefined;
  readonly timeoutMs?: number | undefined;
}

/** A client of one remote cache for one process: once the remote fails to answer, it is not asked again. */
export class RemoteCache {
  readonly url: string;
  readonly writable: boolean;
  private readonly headers: Readonly<Record<string, string>>;
  private down = false;
  private uploadsRefused = false;

  constructor(
    config: RemoteCacheConfig,
    private readonly opts: RemoteOptions,
  ) {
    this.url = config.url;
    this.writable = config.token !== undefined;
    // Sent on reads too: a cache that wants a credential to be read from gets it; one that does not ignores it.
    this.headers = config.token === undefined ? {} : { authorization: `Bearer ${config.token}` };
  }

  /** The download limits; a bad POGOGEN_MAX_DOWNLOAD or POGOGEN_DOWNLOAD_DEADLINE throws the FetchError naming it. */
  private get limits(): DownloadLimits {
    return this.opts.limits ?? downloadLimits();
  }

  private log(line: string): void {
    this.opts.log?.(`remote cache: ${line}`);
  }

  /** A fault of the remote itself (no connection, a timeout, a 5xx): said once, and the remote is not asked again. */
  private unreachable(err: unknown): void {
    if (this.down) return;
    this.down = true;
    this.opts.warn(`the remote cache ${this.url} did not answer (${messageOf(err)}); carrying on without it, building and fetching locally`);
  }

  /**
   * GETs `rel` into `file` (which must not exist) within `maxBytes` and the deadline, and returns its sha256; undefined
   * for a miss (404). Faults of the remote mark it down and return undefined too.
   */
  private async get(rel: string, file: string, maxBytes: number, deadlineMs: number, recorded?: number): Promise<{ sha256: string; bytes: number } | undefined> {
    if (this.down) return undefined;
    try {
      const got = await download(`${this.url}/${rel}`, file, { timeoutMs: this.opts.timeoutMs ?? remoteTimeoutMs, maxRedirects: 5, allowInsecure: [], maxBytes, deadlineMs, proxy: this.opts.proxy, headers: this.headers });
      return got;
    } catch (err) {
      fs.rmSync(file, { force: true });
      if (!(err instanceof DownloadError)) throw err;
      if (err.status === 404) return undefined;
      // A passing fault of the remote (no connection, a timeout, a 5xx, a cut-off body): the remote is down.
      if (err.retriable) {
        this.unreachable(err);
        return undefined;
      }
      // Anything else (another status, too big, past the deadline, a bad redirect) condemns this entry only.
      if (recorded !== undefined && /download limit/.test(err.message)) throw new Unusable(`${rel} is larger than the ${recorded} bytes its manifest records`);
      throw new Unusable(messageOf(err));
    }
  }

  /**
   * Downloads the archive with `sha256` from cas/ into `file` (which must not exist) and returns true when `file`
   * then holds exactly those bytes; false on a miss, a fault (warned) or other bytes (warned, removed).
   */
  async fetchBlob(sha256: string, file: string, what: string): Promise<boolean> {
    try {
      const limits = this.limits;
      const got = await this.get(`cas/${sha256}`, file, limits.maxBytes, limits.deadlineMs);
      if (got === undefined) {
        if (!this.down) this.log(`no cas/${sha256} (${what})`);
        return false;
      }
      if (got.sha256 !== sha256) {
        fs.rmSync(file, { force: true });
        this.opts.warn(`the remote cache's cas/${sha256} (${what}) has sha256 ${got.sha256}: refused, fetching it from its own URLs`);
        return false;
      }
      this.log(`${what} from cas/${sha256}`);
      return true;
    } catch (err) {
      fs.rmSync(file, { force: true });
      if (!(err instanceof Unusable)) throw err;
      this.opts.warn(`the remote cache's cas/${sha256} (${what}) is unusable (${err.message}): fetching it from its own URLs`);
      return false;
    }
  }

  /**
   * Fills the local cache entry `entry` for `key` from ac/<key> and the blobs it names, verifying each; true when
   * `entry` then exists. Nothing is written to `entry` unless every file arrived with its digest: a refused entry
   * is a warning and the dependency is built locally.
   */
  async fetchBuilt(key: string, entry: string, what: string): Promise<boolean> {
    if (this.down || !HEX64.test(key)) return false;
    let limits: DownloadLimits;
    try {
      limits = this.limits;
    } catch {
      // The bad setting is reported where it matters, by the archive's download that follows.
      return false;
    }
    const started = Date.now();
    const remaining = (): number => {
      const left = limits.deadlineMs - (Date.now() - started);
      if (left <= 0) throw new Unusable(`it did not arrive within ${limits.deadlineMs} ms (POGOGEN_DOWNLOAD_DEADLINE)`);
      return left;
    };
    let tmp: string | undefined;
    let committed = false;
    try {
      tmp = entryTemp(entry);
      const manifestFile = path.join(tmp, 'remote-manifest.json');
      const got = await this.get(`ac/${key}`, manifestFile, Math.min(maxManifestBytes, limits.maxBytes), remaining());
      if (got === undefined) {
        if (!this.down) this.log(`no ac/${key} (${what})`);
        return false;
      }
      let manifest: unknown;
      try {
        manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
      } catch {
        throw new Unusable('it is not JSON');
      }
      const problem = manifestProblem(manifest);
      if (problem !== undefined) throw new Unusable(problem);
      const files = (manifest as RemoteManifest).files;
      const total = files.reduce((n, f) => n + ('size' in f ? f.size : 0), 0);
      if (total > limits.maxBytes) throw new Unusable(`its files add up to ${total} bytes, more than the download limit of ${limits.maxBytes} (POGOGEN_MAX_DOWNLOAD)`);
      await this.fillTree(path.join(tmp, 'tree'), files, remaining);
      fs.rmSync(manifestFile);
      const local: Entry[] = files.map((f) => ('link' in f ? { path: f.path, mode: 0o777, link: f.link } : { path: f.path, mode: f.mode, sha256: f.sha256 }));
      commitEntry(tmp, entry, local);
      committed = true;
      this.log(`${what} from ac/${key}`);
      return fs.existsSync(entry);
    } catch (err) {
      if (!(err instanceof Unusable)) {
        if (!(err instanceof Error && 'code' in err)) throw err;
        // A local fault (disk full, permissions): the remote is not to blame, and a local build may still work.
        this.opts.warn(`could not write the remote cache's ac/${key} (${what}) into the local cache: ${messageOf(err)}; building it locally`);
        return false;
      }
      this.opts.warn(`the remote cache's ac/${key} (${what}) was refused: ${err.message}; nothing of it was kept, building it locally`);
      return false;
    } finally {
      if (!committed && tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  /** Writes a checked manifest's files under `tree`: each blob fetched and verified once, copies and links made. */
  private async fillTree(tree: string, files: RemoteManifest['files'], remaining: () => number): Promise<void> {
    fs.mkdirSync(tree);
    // One download per digest; files with the same content are copied from the first.
    const byDigest = new Map<string, { path: string; mode: number; sha256: string; size: number }[]>();
    for (const f of files) {
      if ('link' in f) continue;
      byDigest.set(f.sha256, [...(byDigest.get(f.sha256) ?? []), f]);
    }
    await pool([...byDigest.values()], parallel, async (same) => {
      const first = same[0]!;
      const dest = path.join(tree, first.path);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      const blob = await this.get(`cas/${first.sha256}`, dest, first.size, remaining(), first.size);
      if (blob === undefined) throw new Unusable(this.down ? 'the remote stopped answering' : `its blob cas/${first.sha256} (${first.path}) is missing`);
      if (blob.sha256 !== first.sha256 || blob.bytes !== first.size) throw new Unusable(`its blob cas/${first.sha256} (${first.path}) has sha256 ${blob.sha256} and ${blob.bytes} bytes, not the ${first.size} bytes its manifest records`);
      for (const f of same) {
        const p = path.join(tree, f.path);
        if (f !== first) {
          fs.mkdirSync(path.dirname(p), { recursive: true });
          fs.copyFileSync(dest, p);
        }
      }
      // Modes after every copy: a read-only first copy must still be readable to copy from.
      for (const f of same) fs.chmodSync(path.join(tree, f.path), f.mode);
    });
    for (const f of files) {
      if (!('link' in f)) continue;
      const p = path.join(tree, f.path);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.symlinkSync(f.link, p);
    }
  }

  /** PUTs `body` (a file or bytes) at `rel`; false (warned once) when the remote refused or failed. */
  private async put(rel: string, body: string | Buffer): Promise<boolean> {
    if (this.down || this.uploadsRefused) return false;
    try {
      const options = { timeoutMs: this.opts.timeoutMs ?? remoteTimeoutMs, deadlineMs: this.limits.deadlineMs, proxy: this.opts.proxy, headers: this.headers };
      // Every blob is sent, even one the remote may hold already: asking first would save bandwidth, but a blob
      // damaged on the server would then never be replaced, and this runs only after a local build anyway.
      const status = await request('PUT', `${this.url}/${rel}`, { ...options, body });
      if (status >= 200 && status < 300) return true;
      // Said once: the other blobs in flight are refused alike.
      if (this.uploadsRefused) return false;
      this.uploadsRefused = true;
      const why = status === 401 || status === 403 ? ': check POGOGEN_REMOTE_CACHE_TOKEN' : '';
      this.opts.warn(`the remote cache ${this.url} refused the upload of ${rel} (HTTP ${status})${why}; nothing more is uploaded by this run`);
      return false;
    } catch (err) {
      if (err instanceof DownloadError) this.unreachable(err);
      else if (!this.uploadsRefused) {
        // A bad limit setting, a file gone: said once, and nothing more is tried; the build goes on.
        this.uploadsRefused = true;
        this.opts.warn(`nothing is uploaded to the remote cache ${this.url}: ${messageOf(err)}`);
      }
      return false;
    }
  }

  /** Uploads a verified archive to cas/<sha256>, when this client may write. */
  async shareBlob(sha256: string, file: string, what: string): Promise<void> {
    if (!this.writable) return;
    if (await this.put(`cas/${sha256}`, file)) this.log(`uploaded ${what} to cas/${sha256}`);
  }

  /**
   * Uploads the local cache entry `entry` under `key`, when this client may write: every blob first, the manifest
   * at ac/<key> last, so that a reader never finds a manifest whose blobs are not there yet.
   */
  async shareBuilt(key: string, entry: string, what: string): Promise<void> {
    if (!this.writable || !HEX64.test(key)) return;
    const files = readManifest(entry);
    const remote: RemoteFile[] = [];
    const blobs = new Map<string, string>();
    for (const f of files) {
      if (f.link !== undefined) {
        remote.push({ path: f.path, link: f.link });
        continue;
      }
      const abs = path.join(entry, 'tree', f.path);
      remote.push({ path: f.path, mode: f.mode, sha256: f.sha256!, size: fs.statSync(abs).size });
      blobs.set(f.sha256!, abs);
    }
    let ok = true;
    await pool([...blobs], parallel, async ([sha256, abs]) => {
      if (!(await this.put(`cas/${sha256}`, abs))) ok = false;
    });
    if (!ok) return;
    const manifest: RemoteManifest = { pogogen: 1, files: remote };
    if (await this.put(`ac/${key}`, Buffer.from(`${JSON.stringify(manifest)}\n`))) this.log(`uploaded ${what} to ac/${key} (${blobs.size} blobs)`);
  }
}
