// Downloads through a proxy: a small forwarding and CONNECT proxy on 127.0.0.1 records what went through it; http
// URLs are forwarded, https URLs tunnelled with TLS still verified end to end, NO_PROXY hosts go direct.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import t from 'tap';
import { fetchArchive, type FetchOptions } from '../../lib/deps/index.ts';
import { proxyEnv, proxyFor } from '../../lib/deps/proxy.ts';
import { listFiles, serve, sha256, startProxy, startServer, tmpdir, type Proxy, type TestServer } from './helpers.ts';

const body = Buffer.from('bytes that went through a proxy\n'.repeat(100));
const hash = sha256(body);
const work = tmpdir();
t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));

let origin: TestServer;
let proxy: Proxy;
t.before(async () => {
  origin = await startServer({ '/a.tar.gz': serve(body) });
  proxy = await startProxy();
});
t.teardown(async () => {
  await origin.close();
  await proxy.close();
});

function setup(extra: Partial<FetchOptions>): FetchOptions {
  const cacheDir = fs.mkdtempSync(path.join(work, 'cache-'));
  return { cacheDir, mirrors: [], retries: 0, ...extra };
}

t.test('an http URL is forwarded by HTTP_PROXY', async (t) => {
  proxy.seen.length = 0;
  const url = `${origin.base}/a.tar.gz`;
  const r = await fetchArchive({ urls: [url], sha256: hash }, setup({ proxy: proxyEnv({ HTTP_PROXY: proxy.url }) }));
  t.equal(r.url, url);
  t.same(fs.readFileSync(r.path), body);
  t.same(proxy.seen, [{ line: `GET ${url}`, auth: undefined }]);
});

t.test('NO_PROXY sends matching hosts direct', async (t) => {
  const url = `${origin.base}/a.tar.gz`;
  const port = new URL(origin.base).port;
  for (const noProxy of ['127.0.0.1', `127.0.0.1:${port}`, '*', 'example.com, 127.0.0.1']) {
    proxy.seen.length = 0;
    const r = await fetchArchive({ urls: [url], sha256: hash }, setup({ proxy: proxyEnv({ HTTP_PROXY: proxy.url, NO_PROXY: noProxy }) }));
    t.equal(r.fromCache, false);
    t.same(proxy.seen, [], `NO_PROXY=${noProxy}: the proxy saw nothing`);
  }
  proxy.seen.length = 0;
  await fetchArchive({ urls: [url], sha256: hash }, setup({ proxy: proxyEnv({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1:1' }) }));
  t.equal(proxy.seen.length, 1, 'another port is not bypassed');
});

t.test('the environment is read when no proxy is given; lower-case names win', async (t) => {
  const names = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'] as const;
  const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
  t.teardown(() => {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
  });
  for (const n of names) delete process.env[n];
  const dead = await startProxy(502);
  t.teardown(() => dead.close());
  process.env.HTTP_PROXY = dead.url;
  process.env.http_proxy = proxy.url;
  proxy.seen.length = 0;
  const url = `${origin.base}/a.tar.gz`;
  await fetchArchive({ urls: [url], sha256: hash }, setup({}));
  t.same(proxy.seen.map((s) => s.line), [`GET ${url}`]);
  t.same(dead.seen, [], 'the upper-case one was passed over');
  process.env.no_proxy = '127.0.0.1';
  proxy.seen.length = 0;
  await fetchArchive({ urls: [url], sha256: hash }, setup({}));
  t.same(proxy.seen, [], 'no_proxy from the environment');
});

t.test('proxy credentials are sent, and never printed', async (t) => {
  const refusing = await startProxy(407);
  t.teardown(() => refusing.close());
  const withAuth = refusing.url.replace('http://', 'http://ann:s%3Acret@');
  const url = `${origin.base}/a.tar.gz`;
  const err = (await fetchArchive({ urls: [url], sha256: hash }, setup({ proxy: proxyEnv({ HTTP_PROXY: withAuth }) })).catch((e: unknown) => e)) as Error;
  t.equal(refusing.seen[0]?.auth, `Basic ${Buffer.from('ann:s:cret').toString('base64')}`);
  t.match(err.message, 'HTTP 407');
  t.notMatch(err.message, /cret/, 'no password in the message');
  const bad = (await fetchArchive({ urls: [`https://127.0.0.1:1/a.tar.gz`], sha256: hash }, setup({ proxy: proxyEnv({ HTTPS_PROXY: withAuth }) })).catch((e: unknown) => e)) as Error;
  t.match(bad.message, `proxy ${refusing.url.replace('http://', 'http://ann:***@')}/ refused CONNECT 127.0.0.1:1: HTTP 407`);
  t.notMatch(bad.message, /cret/);
  await t.rejects(fetchArchive({ urls: [url], sha256: hash }, setup({ proxy: proxyEnv({ HTTP_PROXY: 'socks5://127.0.0.1:9' }) })), { message: /unsupported proxy socks5:\/\/127\.0\.0\.1:9/ });
});

t.test('NO_PROXY and proxy selection, as a table', async (t) => {
  const env = (noProxy: string) => proxyEnv({ HTTPS_PROXY: 'proxy:3128', NO_PROXY: noProxy });
  const table: [string, string, boolean][] = [
    ['https://example.com/a', '', true],
    ['https://example.com/a', 'example.com', false],
    ['https://sub.example.com/a', 'example.com', false],
    ['https://sub.example.com/a', '.example.com', false],
    ['https://sub.example.com/a', '*.example.com', false],
    ['https://notexample.com/a', 'example.com', true],
    ['https://example.com/a', 'example.com:443', false],
    ['https://example.com:8443/a', 'example.com:443', true],
    ['https://EXAMPLE.com/a', 'Example.COM', false],
    ['https://[::1]:8443/a', '::1', false],
    ['https://[::1]:8443/a', '[::1]:8443', false],
    ['https://example.org/a', 'example.com other.org', true],
    ['https://example.org/a', '*', false],
  ];
  for (const [url, noProxy, proxied] of table) t.equal(proxyFor(new URL(url), env(noProxy)) !== undefined, proxied, `${url} with NO_PROXY="${noProxy}"`);
  t.equal(proxyFor(new URL('https://example.com/'), env(''))?.href, 'http://proxy:3128/', 'a bare host:port is an http proxy');
  t.equal(proxyFor(new URL('http://example.com/'), proxyEnv({ HTTPS_PROXY: 'p:1' })), undefined, 'http URLs take only HTTP_PROXY');
  t.equal(proxyFor(new URL('https://example.com/'), proxyEnv({ HTTP_PROXY: 'p:1' }))?.host, 'p:1', 'https URLs fall back to HTTP_PROXY');
  t.equal(proxyFor(new URL('file:///x'), proxyEnv({ HTTP_PROXY: 'p:1' })), undefined);
});

const keyFile = path.join(work, 'key.pem');
const certFile = path.join(work, 'cert.pem');
const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });

t.test('an https URL goes through a CONNECT tunnel, and TLS is still verified', { skip: made.status !== 0 ? 'openssl cannot make a certificate here' : false }, async (t) => {
  const server = https.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) }, serve(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}/a.tar.gz`;

  // Not trusted yet: the tunnel is made, and TLS inside it refuses the self-signed certificate.
  proxy.seen.length = 0;
  const untrusted = setup({ proxy: proxyEnv({ HTTPS_PROXY: proxy.url }) });
  const err = (await fetchArchive({ urls: [url], sha256: hash }, untrusted).catch((e: unknown) => e)) as Error;
  t.equal(err.name, 'FetchError');
  t.match(err.message, /self[- ]signed certificate/);
  t.same(proxy.seen.map((s) => s.line), [`CONNECT 127.0.0.1:${port}`]);
  t.same(listFiles(path.join(untrusted.cacheDir, 'archives', 'sha256')), [], 'nothing cached');

  const savedCa = https.globalAgent.options.ca;
  https.globalAgent.options.ca = fs.readFileSync(certFile);
  t.teardown(() => void (https.globalAgent.options.ca = savedCa));
  proxy.seen.length = 0;
  const r = await fetchArchive({ urls: [url], sha256: hash }, setup({ proxy: proxyEnv({ HTTPS_PROXY: proxy.url }) }));
  t.same(fs.readFileSync(r.path), body);
  t.same(proxy.seen.map((s) => s.line), [`CONNECT 127.0.0.1:${port}`], 'only the tunnel: the proxy never saw the path');

  // HTTPS_PROXY set, NO_PROXY naming the host: direct.
  proxy.seen.length = 0;
  await fetchArchive({ urls: [url], sha256: hash }, setup({ proxy: proxyEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }) }));
  t.same(proxy.seen, []);
});
