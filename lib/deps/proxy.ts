// Which proxy a download goes through: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and their lower-case forms) read as
// curl, npm and pip read them, and the tunnel (CONNECT) an https URL takes through an http proxy.
import type http from 'node:http';
import type net from 'node:net';
import { DownloadError } from './errors.ts';
import { netModules } from './net-modules.ts';

/** The proxy settings of an environment; lower-case names win, as in curl and npm. */
export interface ProxyEnv {
  readonly http?: string | undefined;
  readonly https?: string | undefined;
  readonly noProxy?: string | undefined;
}

const first = (...vs: (string | undefined)[]): string | undefined => vs.find((v) => v !== undefined && v.trim() !== '')?.trim();

export function proxyEnv(env: NodeJS.ProcessEnv = process.env): ProxyEnv {
  const httpProxy = first(env.http_proxy, env.HTTP_PROXY);
  // An https URL without its own proxy setting goes through the http one, as npm does.
  return { http: httpProxy, https: first(env.https_proxy, env.HTTPS_PROXY, httpProxy), noProxy: first(env.no_proxy, env.NO_PROXY) };
}

/**
 * The proxy for `url`, or undefined to connect directly. NO_PROXY holds comma- or space-separated hosts: `*` for
 * all, `host` or `.host` for that host and its subdomains, an optional `:port`; nothing is bypassed implicitly.
 */
export function proxyFor(url: URL, env: ProxyEnv): URL | undefined {
  const setting = url.protocol === 'https:' ? env.https : url.protocol === 'http:' ? env.http : undefined;
  if (setting === undefined || bypassed(url, env.noProxy ?? '')) return undefined;
  let proxy: URL;
  try {
    // A bare `host:port` means an http proxy, as curl reads it.
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(setting) ? setting : `http://${setting}`);
  } catch {
    throw new DownloadError(`invalid proxy URL "${redact(setting)}" (from ${url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'})`, false);
  }
  if (proxy.protocol !== 'http:') throw new DownloadError(`unsupported proxy ${redact(setting)}: pogogen talks to proxies over http:// (https URLs still go through it encrypted, by CONNECT)`, false);
  return proxy;
}

function bypassed(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port;
  for (const raw of noProxy.split(/[\s,]+/)) {
    const item = raw.trim().toLowerCase();
    if (item === '') continue;
    if (item === '*') return true;
    // `host`, `host:port`, `[v6]`, `[v6]:port`, or a bare IPv6 address (more than one colon, no port).
    const m = /^\[(.*)\](?::(\d+))?$/.exec(item) ?? (item.split(':').length > 2 ? [item, item, undefined] : /^(.*?)(?::(\d+))?$/.exec(item)!);
    const entry = m[1]!.replace(/^\*?\./, '');
    if (m[2] !== undefined && m[2] !== port) continue;
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/** The proxy URL with any password hidden, for messages. */
export function redact(proxy: string): string {
  return proxy.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
}

/** The Proxy-Authorization header for a proxy URL with credentials. */
export function proxyAuth(proxy: URL): Record<string, string> {
  if (proxy.username === '') return {};
  const creds = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(creds).toString('base64')}` };
}

/** Opens a tunnel to `target`'s host and port through `proxy` (HTTP CONNECT); TLS then runs inside it end to end. */
export function tunnel(proxy: URL, target: URL, timeoutMs: number, started: (req: http.ClientRequest) => void = () => {}): Promise<net.Socket> {
  const authority = `${target.hostname}:${target.port === '' ? '443' : target.port}`;
  const { http } = netModules();
  return new Promise((resolve, reject) => {
    // Its own agent: a global agent that proxies by itself (Node 24's NODE_USE_ENV_PROXY) must not proxy the proxy.
    const req = http.request({ host: proxy.hostname, port: proxy.port === '' ? 80 : Number(proxy.port), method: 'CONNECT', path: authority, agent: new http.Agent(), timeout: timeoutMs, headers: { host: authority, ...proxyAuth(proxy) } });
    started(req);
    req.on('timeout', () => req.destroy(new DownloadError(`timed out after ${timeoutMs} ms connecting through proxy ${redact(proxy.href)} to ${authority}`, true)));
    req.on('error', (err) => reject(err instanceof DownloadError ? err : new DownloadError(`proxy ${redact(proxy.href)}: ${err.message}`, true)));
    req.on('connect', (res, socket) => {
      if (res.statusCode === 200) {
        resolve(socket);
        return;
      }
      socket.destroy();
      const status = res.statusCode ?? 0;
      reject(new DownloadError(`proxy ${redact(proxy.href)} refused CONNECT ${authority}: HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`, status >= 500));
    });
    req.end();
  });
}
