// One download attempt: GET a URL (http, https or file), through a proxy when the environment names one, follow a
// few redirects, and stream the body into a new file while hashing it, within a size cap and an overall deadline;
// errors say which URL failed and whether trying again could help.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import type net from 'node:net';
import { fileURLToPath } from 'node:url';
import { DownloadError } from './errors.ts';
import { netModules } from './net-modules.ts';
import { proxyAuth, proxyEnv, proxyFor, tunnel, type ProxyEnv } from './proxy.ts';

export { DownloadError } from './errors.ts';

export interface DownloadOptions {
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  /** Hosts (`host` or `host:port`) that an https URL may redirect to over plain http. */
  readonly allowInsecure: readonly string[];
  readonly progress?: ((received: number, total?: number) => void) | undefined;
  /** The largest body accepted, in bytes: a larger Content-Length is refused before the body, a longer body cut off. */
  readonly maxBytes?: number | undefined;
  /** Time for the whole attempt, redirects included: the idle timeout alone lets a trickling body run forever. */
  readonly deadlineMs?: number | undefined;
  /** Proxy settings; default: the environment's HTTPS_PROXY, HTTP_PROXY and NO_PROXY. */
  readonly proxy?: ProxyEnv | undefined;
  /**
   * Extra request headers (a remote cache's Authorization), sent only to the URL's own origin: a redirect to
   * another host or scheme does not carry them, as curl does not carry credentials across hosts.
   */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

export interface Downloaded {
  readonly sha256: string;
  readonly bytes: number;
  /** The URL the bytes came from after redirects. */
  readonly url: string;
}

/** What the deadline stops when it passes: the request or body in flight. */
interface Deadline {
  active: { destroy(err?: Error): void } | undefined;
  expired: DownloadError | undefined;
}

/** Downloads `url` into `file` (which must not exist); on error the caller removes `file`. */
export async function download(url: string, file: string, opts: DownloadOptions): Promise<Downloaded> {
  const deadline: Deadline = { active: undefined, expired: undefined };
  const ms = opts.deadlineMs;
  const timer =
    ms === undefined
      ? undefined
      : setTimeout(() => {
          deadline.expired = new DownloadError(`download of ${url} did not finish within ${ms} ms (the deadline for one download; POGOGEN_DOWNLOAD_DEADLINE sets it in seconds)`, false);
          deadline.active?.destroy(deadline.expired);
        }, ms);
  try {
    return await attempt(url, file, opts, deadline);
  } catch (err) {
    // Whatever the stream reported when the deadline cut it ("aborted", a reset), the deadline is the cause.
    throw deadline.expired ?? err;
  } finally {
    clearTimeout(timer);
  }
}

async function attempt(url: string, file: string, opts: DownloadOptions, deadline: Deadline): Promise<Downloaded> {
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new DownloadError(`invalid URL "${url}"`, false);
  }
  if (current.protocol === 'file:') return copyFileUrl(current, file, opts, deadline);
  const seen = new Set<string>([current.href]);
  const proxies = opts.proxy ?? proxyEnv();
  const origin = current.origin;
  for (let redirects = 0; ; redirects++) {
    // Each hop asks again: a redirect to a NO_PROXY host goes direct.
    const extra = current.origin === origin ? opts.headers : undefined;
    const res = await send('GET', current, { timeoutMs: opts.timeoutMs, proxy: proxyFor(current, proxies), deadline, headers: extra });
    deadline.active = res;
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
      throw new DownloadError(`HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''} from ${current.href}`, retriable, status);
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

/** How one request goes out: its idle timeout, proxy, deadline, extra headers and (for a PUT) the file it sends. */
interface SendOptions {
  readonly timeoutMs: number;
  readonly proxy: URL | undefined;
  readonly deadline: Deadline;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly body?: { readonly file: string; readonly size: number } | Buffer | undefined;
}

/** Sends one request, directly or through `proxy` (forwarded for http, tunnelled for https), and waits for the response head. */
async function send(method: 'GET' | 'PUT', url: URL, o: SendOptions): Promise<http.IncomingMessage> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DownloadError(`unsupported URL scheme "${url.protocol}" in ${url.href}`, false);
  }
  const { timeoutMs, proxy, deadline } = o;
  // Identity encoding: the pin hashes the file's bytes, not a re-encoding a server might apply on the way.
  const headers: Record<string, string | number> = { 'user-agent': 'pogogen', 'accept-encoding': 'identity', ...o.headers, ...(o.body === undefined ? {} : { 'content-length': Buffer.isBuffer(o.body) ? o.body.length : o.body.size, 'content-type': 'application/octet-stream' }) };
  let socket: net.Socket | undefined;
  if (proxy !== undefined && url.protocol === 'https:') {
    socket = await tunnel(proxy, url, timeoutMs, (req) => (deadline.active = req));
  }
  const { http, https, net, tls } = netModules();
  return new Promise((resolve, reject) => {
    let req: http.ClientRequest;
    if (socket !== undefined) {
      const through = socket;
      // TLS runs end to end inside the tunnel and verifies the server as a direct connection does (with the CAs
      // the global agent is given, as the direct path uses them).
      const tlsOptions = { socket: through, host: url.hostname, ...(net.isIP(url.hostname) === 0 ? { servername: url.hostname } : {}), ca: https.globalAgent.options.ca };
      req = https.request(url, { method, headers, timeout: timeoutMs, createConnection: () => tls.connect(tlsOptions) });
    } else if (proxy !== undefined) {
      // Plain http through a proxy: the absolute URL as the request target. Its own agent, so that a global agent
      // that proxies by itself (Node 24's NODE_USE_ENV_PROXY) does not proxy the proxy.
      req = http.request({ method, host: proxy.hostname, port: proxy.port === '' ? 80 : Number(proxy.port), path: url.href, agent: new http.Agent(), timeout: timeoutMs, headers: { ...headers, host: url.host, ...proxyAuth(proxy) } });
    } else {
      req = (url.protocol === 'https:' ? https : http).request(url, { method, headers, timeout: timeoutMs });
    }
    deadline.active = req;
    req.on('timeout', () => req.destroy(new DownloadError(`timed out after ${timeoutMs} ms waiting for ${url.href}`, true)));
    req.on('error', (err) => reject(err instanceof DownloadError ? err : new DownloadError(`${url.href}: ${err.message}`, true)));
    req.on('response', resolve);
    const payload = o.body;
    if (payload === undefined || Buffer.isBuffer(payload)) req.end(payload);
    else {
      const body = fs.createReadStream(payload.file);
      body.on('error', (err) => req.destroy(new DownloadError(`cannot read ${payload.file}: ${err.message}`, false)));
      body.pipe(req);
    }
  });
}

/**
 * One PUT (a remote cache's upload): no redirects followed, bounded by the idle timeout and the deadline; resolves
 * to the status, whatever it is. Errors are connection faults and timeouts.
 */
export async function request(method: 'PUT', url: string, opts: { timeoutMs: number; deadlineMs: number; proxy?: ProxyEnv | undefined; headers?: Readonly<Record<string, string>> | undefined; body?: string | Buffer | undefined }): Promise<number> {
  const target = new URL(url);
  const deadline: Deadline = { active: undefined, expired: undefined };
  const timer = setTimeout(() => {
    deadline.expired = new DownloadError(`${method} ${url} did not finish within ${opts.deadlineMs} ms (POGOGEN_DOWNLOAD_DEADLINE sets the deadline in seconds)`, false);
    deadline.active?.destroy(deadline.expired);
  }, opts.deadlineMs);
  try {
    // A string names the file to send; a Buffer is sent as it is.
    const body = typeof opts.body === 'string' ? { file: opts.body, size: fs.statSync(opts.body).size } : opts.body;
    const res = await send(method, target, { timeoutMs: opts.timeoutMs, proxy: proxyFor(target, opts.proxy ?? proxyEnv()), deadline, headers: opts.headers, body });
    deadline.active = res;
    res.on('error', () => {});
    res.resume();
    await new Promise<void>((resolve) => (res.complete ? resolve() : res.on('end', resolve).on('close', resolve)));
    return res.statusCode ?? 0;
  } catch (err) {
    throw deadline.expired ?? err;
  } finally {
    clearTimeout(timer);
  }
}

async function receive(res: http.IncomingMessage, url: string, file: string, opts: DownloadOptions): Promise<Downloaded> {
  const length = res.headers['content-length'];
  const total = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
  if (total !== undefined && opts.maxBytes !== undefined && total > opts.maxBytes) {
    res.destroy();
    throw tooBig(url, total, opts.maxBytes);
  }
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
    const got = await writeHashed(res, file, total, progress, url, opts.maxBytes);
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

/**
 * Copies a file:// URL, which must name a regular file: a directory cannot be read, and a FIFO or a device such as
 * /dev/zero could stream forever. Opened without blocking (a FIFO with no writer would hang the open) and checked
 * on the open descriptor, so what is checked is what is read.
 */
async function copyFileUrl(url: URL, file: string, opts: DownloadOptions, deadline: Deadline): Promise<Downloaded> {
  const source = fileURLToPath(url);
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(source, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    throw new DownloadError(`cannot read ${url.href}: ${(err as Error).message}`, false);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new DownloadError(`${url.href} is ${fileKind(st)}, not a regular file: a file:// URL must name an archive file`, false);
    if (opts.maxBytes !== undefined && st.size > opts.maxBytes) throw tooBig(url.href, st.size, opts.maxBytes);
    const body = fh.createReadStream({ autoClose: false });
    deadline.active = body;
    const got = await writeHashed(body, file, st.size, opts.progress, url.href, opts.maxBytes);
    return { ...got, url: url.href };
  } finally {
    await fh.close();
  }
}

function fileKind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const tooBig = (url: string, size: number | undefined, max: number): DownloadError =>
  new DownloadError(`${url} ${size === undefined ? 'sent more than the download limit' : `is ${size} bytes, more than the download limit`} of ${max} bytes (POGOGEN_MAX_DOWNLOAD raises it)`, false);

async function writeHashed(
  body: AsyncIterable<unknown>,
  file: string,
  total: number | undefined,
  progress: DownloadOptions['progress'],
  url: string,
  maxBytes: number | undefined,
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const fh = await fs.promises.open(file, 'wx');
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      // Counted, not trusted: a body without a Content-Length, or longer than it said, stops at the cap.
      if (maxBytes !== undefined && bytes + buf.length > maxBytes) throw tooBig(url, undefined, maxBytes);
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
