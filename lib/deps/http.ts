// One download attempt: GET a URL (http, https or file), follow a few redirects, and stream the body into a new file
// while hashing it; errors say which URL failed and whether trying again could help.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { fileURLToPath } from 'node:url';

export interface DownloadOptions {
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  /** Hosts (`host` or `host:port`) that an https URL may redirect to over plain http. */
  readonly allowInsecure: readonly string[];
  readonly progress?: ((received: number, total?: number) => void) | undefined;
}

export interface Downloaded {
  readonly sha256: string;
  readonly bytes: number;
  /** The URL the bytes came from after redirects. */
  readonly url: string;
}

/** A failed attempt; `retriable` is true for faults that may pass (connection errors, timeouts, 5xx, cut-off bodies). */
export class DownloadError extends Error {
  readonly retriable: boolean;
  constructor(message: string, retriable: boolean) {
    super(message);
    this.retriable = retriable;
  }
}

/** Downloads `url` into `file` (which must not exist); on error the caller removes `file`. */
export async function download(url: string, file: string, opts: DownloadOptions): Promise<Downloaded> {
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new DownloadError(`invalid URL "${url}"`, false);
  }
  if (current.protocol === 'file:') return copyFileUrl(current, file, opts);
  const seen = new Set<string>([current.href]);
  for (let redirects = 0; ; redirects++) {
    const res = await get(current, opts.timeoutMs);
    // Bodies we discard below may still fail on the wire; that must not become an unhandled 'error' event.
    res.on('error', () => {});
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location !== undefined) {
      res.resume();
      const next = new URL(res.headers.location, current);
      if (redirects >= opts.maxRedirects) throw new DownloadError(`too many redirects (more than ${opts.maxRedirects}) from ${url}`, false);
      if (seen.has(next.href)) throw new DownloadError(`redirect loop: ${current.href} redirects back to ${next.href}`, false);
      checkRedirect(current, next, opts.allowInsecure);
      seen.add(next.href);
      current = next;
      continue;
    }
    if (status !== 200) {
      res.resume();
      // 408, 429 and 5xx are the server's passing trouble; other statuses will not change on a retry.
      const retriable = status === 408 || status === 429 || status >= 500;
      throw new DownloadError(`HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''} from ${current.href}`, retriable);
    }
    return receive(res, current.href, file, opts);
  }
}

/**
 * Refuses a redirect we must not follow: to another scheme than http(s), or from https down to plain http unless the
 * target host is allowed to be insecure. (The sha256 check keeps the content honest either way; the downgrade rule
 * keeps what is fetched, and from where, private.)
 */
export function checkRedirect(from: URL, to: URL, allowInsecure: readonly string[]): void {
  if (to.protocol !== 'http:' && to.protocol !== 'https:') {
    throw new DownloadError(`refusing redirect from ${from.href} to unsupported scheme ${to.href}`, false);
  }
  if (from.protocol === 'https:' && to.protocol === 'http:' && !allowInsecure.includes(to.host) && !allowInsecure.includes(to.hostname)) {
    throw new DownloadError(`refusing redirect from https to plain http: ${from.href} -> ${to.href} (allow it with allowInsecureMirrors: ["${to.hostname}"])`, false);
  }
}

function get(url: URL, timeoutMs: number): Promise<http.IncomingMessage> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new DownloadError(`unsupported URL scheme "${url.protocol}" in ${url.href}`, false));
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    // Identity encoding: the pin hashes the file's bytes, not a re-encoding a server might apply on the way.
    const req = client.get(url, { headers: { 'user-agent': 'pogogen', 'accept-encoding': 'identity' }, timeout: timeoutMs });
    req.on('timeout', () => req.destroy(new DownloadError(`timed out after ${timeoutMs} ms waiting for ${url.href}`, true)));
    req.on('error', (err) => reject(err instanceof DownloadError ? err : new DownloadError(`${url.href}: ${err.message}`, true)));
    req.on('response', resolve);
  });
}

async function receive(res: http.IncomingMessage, url: string, file: string, opts: DownloadOptions): Promise<Downloaded> {
  const length = res.headers['content-length'];
  const total = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
  // The socket's idle timeout covers the body too; remember it fired, since the stream then only reports "aborted".
  let timedOut = false;
  res.socket.once('timeout', () => (timedOut = true));
  let received = 0;
  const progress = (n: number, t?: number) => {
    received = n;
    opts.progress?.(n, t);
  };
  const cutOff = () => new DownloadError(`connection closed early by ${url}: received ${received} of ${total ?? 'an unknown number of'} bytes`, true);
  try {
    const got = await writeHashed(res, file, total, progress);
    // `complete` is false when the connection closed before the body ended (content-length or chunked framing).
    if (!res.complete || (total !== undefined && got.bytes !== total)) throw cutOff();
    return { ...got, url };
  } catch (err) {
    res.destroy();
    if (err instanceof DownloadError) throw err;
    if (timedOut) throw new DownloadError(`timed out after ${opts.timeoutMs} ms receiving ${url}`, true);
    if (!res.complete && (err as NodeJS.ErrnoException).code === 'ECONNRESET') throw cutOff();
    throw new DownloadError(`download of ${url} failed: ${(err as Error).message}`, true);
  }
}

async function copyFileUrl(url: URL, file: string, opts: DownloadOptions): Promise<Downloaded> {
  const source = fileURLToPath(url);
  let size: number;
  try {
    size = fs.statSync(source).size;
  } catch (err) {
    throw new DownloadError(`cannot read ${url.href}: ${(err as Error).message}`, false);
  }
  const got = await writeHashed(fs.createReadStream(source), file, size, opts.progress);
  return { ...got, url: url.href };
}

async function writeHashed(
  body: AsyncIterable<unknown>,
  file: string,
  total: number | undefined,
  progress: DownloadOptions['progress'],
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const fh = await fs.promises.open(file, 'wx');
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      hash.update(buf);
      bytes += buf.length;
      await fh.write(buf);
      progress?.(bytes, total);
    }
    // Durable before the caller renames it into the cache: a crash must not leave a named but empty entry.
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}
