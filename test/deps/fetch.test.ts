// fetchArchive against a server on 127.0.0.1: caching, verification, offline, retries, cut connections, mirrors, redirects.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { FetchError, fetchArchive, type FetchOptions } from '../../lib/deps/index.ts';
import { checkRedirect } from '../../lib/deps/http.ts';
import { halfThenDestroy, listFiles, redirect, serve, sha256, startServer, tmpdir, type TestServer } from './helpers.ts';

const body = Buffer.from('pretend this is a .tar.gz\n'.repeat(4000));
const hash = sha256(body);

let server: TestServer;
t.before(async () => {
  server = await startServer({ '/pkg-1.0.tar.gz': serve(body) });
});
t.teardown(() => server.close());

/** Options for a fresh cache with no mirrors from the environment, fast retries and a recorded log. */
function setup(extra: Partial<FetchOptions> = {}): { opts: FetchOptions; cacheDir: string; logs: string[]; archives: string } {
  const cacheDir = tmpdir();
  const logs: string[] = [];
  t.teardown(() => fs.rmSync(cacheDir, { recursive: true, force: true }));
  return { opts: { cacheDir, mirrors: [], backoffMs: 5, log: (l) => logs.push(l), ...extra }, cacheDir, logs, archives: path.join(cacheDir, 'archives', 'sha256') };
}

function route(p: string, handler: Parameters<typeof server.routes.set>[1]): string {
  server.routes.set(p, handler);
  return `${server.base}${p}`;
}

t.test('downloads, verifies and caches; the second fetch makes no request', async (t) => {
  const { opts, archives } = setup();
  const url = `${server.base}/pkg-1.0.tar.gz`;
  const before = server.hitsOf('/pkg-1.0.tar.gz');
  const first = await fetchArchive({ urls: [url], sha256: hash }, opts);
  t.equal(first.fromCache, false);
  t.equal(first.url, url);
  t.equal(first.name, 'pkg-1.0.tar.gz');
  t.equal(first.path, path.join(archives, hash));
  t.same(fs.readFileSync(first.path), body);
  t.equal(fs.readFileSync(`${first.path}.name`, 'utf8'), 'pkg-1.0.tar.gz\n');
  t.same(listFiles(archives), [hash, `${hash}.name`], 'no temp files');
  const second = await fetchArchive({ urls: [url], sha256: hash.toUpperCase() }, opts);
  t.same(second, { path: first.path, fromCache: true, name: 'pkg-1.0.tar.gz' });
  t.equal(server.hitsOf('/pkg-1.0.tar.gz') - before, 1, 'one request in all');
});

t.test('a hash mismatch names the URL, the expected and the actual hash, and caches nothing', async (t) => {
  const { opts, archives } = setup();
  const url = `${server.base}/pkg-1.0.tar.gz`;
  const wrong = 'ab'.repeat(32);
  const err = await fetchArchive({ urls: [url], sha256: wrong }, opts).catch((e: unknown) => e);
  t.type(err, FetchError);
  const message = (err as Error).message;
  t.match(message, url);
  t.match(message, `expected ${wrong}`);
  t.match(message, `got ${hash}`);
  t.notMatch(message, /\n/, 'one line');
  t.same(listFiles(archives), [], 'nothing in the cache, not even a temp file');
});

t.test('offline: a miss names the pin and touches no network; a hit succeeds', async (t) => {
  const { opts } = setup({ offline: true });
  const url = `${server.base}/pkg-1.0.tar.gz`;
  const before = server.total();
  await t.rejects(fetchArchive({ urls: [url], sha256: hash, name: 'pkg-1.0.tar.gz' }, opts), {
    name: 'FetchError',
    message: new RegExp(`pkg-1\\.0\\.tar\\.gz \\(sha256 ${hash}\\) is not cached.*offline`),
  });
  t.equal(server.total(), before, 'no request offline');
  await fetchArchive({ urls: [url], sha256: hash }, { ...opts, offline: false });
  const hits = server.total();
  const r = await fetchArchive({ urls: [url], sha256: hash }, opts);
  t.equal(r.fromCache, true);
  t.equal(server.total(), hits, 'a hit offline makes no request either');
});

t.test('a connection cut mid-body is retried, then fails, leaving no file', async (t) => {
  const { opts, archives, logs } = setup({ retries: 2 });
  const url = route('/cut.tar.gz', halfThenDestroy(body));
  const err = await fetchArchive({ urls: [url], sha256: hash }, opts).catch((e: unknown) => e);
  t.type(err, FetchError);
  t.match((err as Error).message, url);
  t.match((err as Error).message, new RegExp(`connection closed early by ${url}: received \\d+ of ${body.length} bytes`));
  t.equal(server.hitsOf('/cut.tar.gz'), 3, 'one try and two retries');
  t.equal(logs.filter((l) => /retrying/.test(l)).length, 2);
  t.same(listFiles(archives), [], 'no partial file');
});

t.test('a body shorter than its content-length on a clean close is an error too', async (t) => {
  const { opts, archives } = setup({ retries: 0 });
  const url = route('/short.tar.gz', (_req, res) => {
    // Claims the whole body, sends part of it, then closes the socket cleanly (FIN, not reset).
    res.writeHead(200, { 'content-length': body.length, connection: 'close' });
    res.write(body.subarray(0, 1000), () => res.socket?.end());
  });
  await t.rejects(fetchArchive({ urls: [url], sha256: hash }, opts), { name: 'FetchError', message: new RegExp(`connection closed early by ${url}: received \\d+ of ${body.length} bytes`) });
  t.same(listFiles(archives), []);
});

t.test('a retry after a cut connection or a 503 can succeed', async (t) => {
  const { opts } = setup({ retries: 3 });
  let n = 0;
  const url = route('/flaky.tar.gz', (req, res) => {
    n++;
    if (n === 1) halfThenDestroy(body)(req, res);
    else if (n === 2) res.writeHead(503).end();
    else serve(body)(req, res);
  });
  const r = await fetchArchive({ urls: [url], sha256: hash }, opts);
  t.equal(r.fromCache, false);
  t.equal(server.hitsOf('/flaky.tar.gz'), 3);
  t.same(fs.readFileSync(r.path), body);
});

t.test('a corrupted cache entry is detected and downloaded again', async (t) => {
  const { opts, logs } = setup();
  const url = `${server.base}/pkg-1.0.tar.gz`;
  const r = await fetchArchive({ urls: [url], sha256: hash }, opts);
  fs.writeFileSync(r.path, 'bit rot');
  await t.rejects(fetchArchive({ urls: [url], sha256: hash }, { ...opts, offline: true }), { message: /corrupt in the cache.*offline/ });
  t.equal(fs.existsSync(r.path), false, 'the corrupt entry was removed');
  fs.writeFileSync(r.path, 'bit rot again');
  const before = server.hitsOf('/pkg-1.0.tar.gz');
  const again = await fetchArchive({ urls: [url], sha256: hash }, opts);
  t.equal(again.fromCache, false);
  t.equal(server.hitsOf('/pkg-1.0.tar.gz'), before + 1);
  t.same(fs.readFileSync(again.path), body);
  t.match(logs.join('\n'), /corrupt/);
});

t.test('mirrors are tried in order, as <mirror>/<sha256>, before the pinned URL', async (t) => {
  route(`/m2/${hash}`, serve(body));
  const { opts } = setup({ mirrors: [`${server.base}/m1/`, `${server.base}/m2`] });
  const pinned = route('/upstream/pkg.tar.gz', serve(body));
  const r = await fetchArchive({ urls: [pinned], sha256: hash }, opts);
  t.equal(r.url, `${server.base}/m2/${hash}`);
  t.equal(server.hitsOf(`/m1/${hash}`), 1, 'first mirror asked (404)');
  t.equal(server.hitsOf(`/m2/${hash}`), 1, 'second mirror served');
  t.equal(server.hitsOf('/upstream/pkg.tar.gz'), 0, 'upstream untouched');
  t.equal(r.name, 'pkg.tar.gz', 'named after the pinned URL, not the mirror');
});

t.test('POGOGEN_MIRRORS supplies mirrors when the options do not', async (t) => {
  route(`/env-mirror/${hash}`, serve(body));
  const saved = process.env['POGOGEN_MIRRORS'];
  process.env['POGOGEN_MIRRORS'] = `${server.base}/nowhere, ${server.base}/env-mirror`;
  t.teardown(() => (saved === undefined ? delete process.env['POGOGEN_MIRRORS'] : (process.env['POGOGEN_MIRRORS'] = saved)));
  const { opts } = setup();
  const r = await fetchArchive({ urls: [`${server.base}/gone.tar.gz`], sha256: hash }, { ...opts, mirrors: undefined });
  t.equal(r.url, `${server.base}/env-mirror/${hash}`);
});

t.test('HTTP errors name the URL and the status; every URL tried is reported', async (t) => {
  const { opts } = setup();
  route('/forbidden.tar.gz', (_req, res) => res.writeHead(403).end());
  const err = (await fetchArchive({ urls: [`${server.base}/missing.tar.gz`, `${server.base}/forbidden.tar.gz`], sha256: hash }, opts).catch((e: unknown) => e)) as FetchError;
  t.type(err, FetchError);
  t.match(err.message, `HTTP 404 Not Found from ${server.base}/missing.tar.gz`);
  t.match(err.message, `HTTP 403 Forbidden from ${server.base}/forbidden.tar.gz`);
  t.equal(err.attempts.length, 2);
  t.equal(server.hitsOf('/missing.tar.gz'), 1, '4xx is not retried');
});

t.test('redirects: up to five are followed, a sixth and a loop are refused', async (t) => {
  const { opts } = setup();
  for (let i = 0; i < 6; i++) route(`/r${i}`, redirect(i === 5 ? '/pkg-1.0.tar.gz' : `/r${i + 1}`));
  const five = await fetchArchive({ urls: [`${server.base}/r1`], sha256: hash, name: 'pkg.tar.gz' }, opts);
  t.equal(five.url, `${server.base}/pkg-1.0.tar.gz`);

  const six = setup();
  await t.rejects(fetchArchive({ urls: [`${server.base}/r0`], sha256: hash }, six.opts), { name: 'FetchError', message: /too many redirects \(more than 5\)/ });
  route('/loop-a', redirect('/loop-b', 301));
  route('/loop-b', redirect('/loop-a', 307));
  await t.rejects(fetchArchive({ urls: [`${server.base}/loop-a`], sha256: hash }, six.opts), { message: /redirect loop/ });
  t.equal(server.hitsOf('/loop-a'), 1, 'a loop is not retried');
});

t.test('https redirecting to plain http is refused unless the host is allowed', async (t) => {
  const from = new URL('https://example.org/a.tar.gz');
  t.throws(() => checkRedirect(from, new URL('http://mirror.example/a.tar.gz'), []), /refusing redirect from https to plain http/);
  t.doesNotThrow(() => checkRedirect(from, new URL('http://mirror.example/a.tar.gz'), ['mirror.example']));
  t.doesNotThrow(() => checkRedirect(from, new URL('https://other.example/a.tar.gz'), []));
  t.doesNotThrow(() => checkRedirect(new URL('http://a.example/x'), new URL('http://b.example/x'), []));
  t.throws(() => checkRedirect(from, new URL('file:///etc/passwd'), ['localhost']), /unsupported scheme/);
});

t.test('a server that never answers times out', async (t) => {
  const { opts, archives } = setup({ timeoutMs: 150, retries: 1 });
  const url = route('/silent.tar.gz', () => {});
  await t.rejects(fetchArchive({ urls: [url], sha256: hash }, opts), { name: 'FetchError', message: /timed out after 150 ms/ });
  t.equal(server.hitsOf('/silent.tar.gz'), 2, 'timeouts are retried');
  t.same(listFiles(archives), []);
});

t.test('a body that stalls times out and leaves no file', async (t) => {
  const { opts, archives } = setup({ timeoutMs: 150, retries: 0 });
  const url = route('/stall.tar.gz', (_req, res) => {
    res.writeHead(200, { 'content-length': body.length });
    res.write(body.subarray(0, 1000));
  });
  await t.rejects(fetchArchive({ urls: [url], sha256: hash }, opts), { name: 'FetchError', message: new RegExp(`timed out after 150 ms .*${url}`) });
  t.same(listFiles(archives), []);
});

t.test('a connection refused is retried and named', async (t) => {
  const dead = await startServer();
  const base = dead.base;
  await dead.close();
  const { opts } = setup({ retries: 1 });
  await t.rejects(fetchArchive({ urls: [`${base}/x.tar.gz`], sha256: hash }, opts), { message: new RegExp(`${base}/x\\.tar\\.gz.*ECONNREFUSED`) });
});

t.test('progress reports received and total bytes', async (t) => {
  const calls: [number, number | undefined][] = [];
  const { opts } = setup({ progress: (r, total) => calls.push([r, total]) });
  await fetchArchive({ urls: [`${server.base}/pkg-1.0.tar.gz`], sha256: hash }, opts);
  t.ok(calls.length >= 1);
  t.same(calls[calls.length - 1], [body.length, body.length]);
  t.ok(calls.every(([r], i) => i === 0 || r > calls[i - 1]![0]), 'increasing');
});

t.test('file: URLs work (for local pins and mirrors)', async (t) => {
  const dir = tmpdir();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, hash), body);
  const { opts } = setup({ mirrors: [pathToFileURL(dir).href] });
  const r = await fetchArchive({ urls: ['https://example.invalid/pkg.tar.gz'], sha256: hash }, opts);
  t.equal(r.url, pathToFileURL(path.join(dir, hash)).href);
});

t.test('a malformed sha256 or a pin without URLs is refused up front', async (t) => {
  const { opts } = setup();
  await t.rejects(fetchArchive({ urls: ['http://x/y.tar.gz'], sha256: 'abc' }, opts), { name: 'FetchError', message: /invalid sha256 "abc" for y\.tar\.gz/ });
  await t.rejects(fetchArchive({ urls: [], sha256: hash, name: 'z' }, opts), { message: /z \(sha256 .*\) has no URLs/ });
});

t.test('concurrent fetches of one pin in one process leave one good entry', async (t) => {
  const { opts, archives } = setup();
  const url = route('/slow.tar.gz', (_req, res) => {
    res.writeHead(200, { 'content-length': body.length });
    res.write(body.subarray(0, 100));
    setTimeout(() => res.end(body.subarray(100)), 50);
  });
  const results = await Promise.all([1, 2, 3, 4].map(() => fetchArchive({ urls: [url], sha256: hash }, opts)));
  t.ok(results.every((r) => r.path === path.join(archives, hash)));
  t.same(listFiles(archives), [hash, `${hash}.name`]);
  t.equal(sha256(fs.readFileSync(path.join(archives, hash))), hash);
});
