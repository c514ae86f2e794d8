// The remote cache client (lib/deps/remote.ts) against small servers on 127.0.0.1: its setting, the manifest it
// accepts (read as an attacker's file), entries refused whole and never half-written, the limits, a remote that
// fails once and is not asked again, uploads that need the token and stop at the first refusal, credentials kept
// to the remote's own origin, and archives looked up in and shared through cas/.
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import t from 'tap';
import { builtEntry, readManifest, storeEntry, verifyEntry } from '../../lib/deps/built.ts';
import { fetchArchive } from '../../lib/deps/fetch.ts';
import { manifestProblem, RemoteCache, remoteCacheConfig } from '../../lib/deps/remote.ts';
import { listFiles, serve, sha256, startProxy, startServer, tmpdir, type Handler } from './helpers.ts';

const work = tmpdir('pogogen-remote-');
t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
const KEY = 'a'.repeat(64);

t.test('POGOGEN_REMOTE_CACHE and its token', async (t) => {
  t.equal(remoteCacheConfig({}), undefined);
  t.equal(remoteCacheConfig({ POGOGEN_REMOTE_CACHE: ' ' }), undefined);
  t.same(remoteCacheConfig({ POGOGEN_REMOTE_CACHE: 'https://cache.example/pogogen/' }), { url: 'https://cache.example/pogogen' });
  t.same(remoteCacheConfig({ POGOGEN_REMOTE_CACHE: 'http://127.0.0.1:9000', POGOGEN_REMOTE_CACHE_TOKEN: ' tok ' }), { url: 'http://127.0.0.1:9000', token: 'tok' });
  t.same(remoteCacheConfig({ POGOGEN_REMOTE_CACHE: 'http://127.0.0.1:9000', POGOGEN_REMOTE_CACHE_TOKEN: '' }), { url: 'http://127.0.0.1:9000' }, 'an empty token is no token');
  const bad: [Record<string, string>, RegExp][] = [
    [{ POGOGEN_REMOTE_CACHE: 'cache.example' }, /^POGOGEN_REMOTE_CACHE="cache\.example" is not a URL: give the base URL of an HTTP cache/],
    [{ POGOGEN_REMOTE_CACHE: 'ftp://cache.example/' }, /is a ftp: URL: the remote cache is spoken to over http:\/\/ or https:\/\//],
    [{ POGOGEN_REMOTE_CACHE: 'https://me:hunter2@cache.example/' }, /holds a user name or password, and it is recorded in build\.ninja .* POGOGEN_REMOTE_CACHE_TOKEN/],
    [{ POGOGEN_REMOTE_CACHE: 'https://cache.example/?team=a' }, /has a query or fragment/],
    [{ POGOGEN_REMOTE_CACHE: 'https://cache.example/', POGOGEN_REMOTE_CACHE_TOKEN: 'a\nb' }, /POGOGEN_REMOTE_CACHE_TOKEN holds a control character/],
  ];
  for (const [env, message] of bad) {
    const err = (() => {
      try {
        remoteCacheConfig(env);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    t.match(err?.message, message, JSON.stringify(env));
    t.notMatch(err?.message ?? '', /hunter2/, 'a password is never repeated');
    t.notMatch(err?.message ?? '', /\n/, 'one line');
  }
});

t.test('the manifest is read as an attacker would write it', async (t) => {
  const file = (p: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ path: p, mode: 0o644, sha256: 'b'.repeat(64), size: 3, ...extra });
  const m = (...files: unknown[]): unknown => ({ pogogen: 1, files });
  t.equal(manifestProblem(m(file('lib/libz.a'), file('include/z.h'), { path: 'lib/libz.so', link: 'libz.so.1' }, { path: 'share/up', link: '../lib/libz.a' })), undefined, 'a good one');
  t.equal(manifestProblem(m()), undefined, 'an empty tree');
  const bad: [unknown, RegExp][] = [
    [null, /not a JSON object/],
    [[], /not a JSON object/],
    [{ files: [] }, /not a pogogen manifest of format 1/],
    [{ pogogen: 2, files: [] }, /not a pogogen manifest of format 1/],
    [{ pogogen: 1, files: {} }, /"files" is not a list/],
    [m('x'), /files\[0\] is not an object/],
    [m(file('../etc/passwd')), /files\[0\]\.path "\.\.\/etc\/passwd" is not a relative path inside the tree/],
    [m(file('/etc/passwd')), /is not a relative path/],
    [m(file('lib/../../x')), /is not a relative path/],
    [m(file('lib//x')), /is not a relative path/],
    [m(file('./x')), /is not a relative path/],
    [m(file('a\\..\\x')), /is not a relative path/],
    [m(file('a\0b')), /is not a relative path/],
    [m(file('')), /is not a relative path/],
    [m(file('', { path: 7 })), /is not a relative path/],
    [m(file('lib/a'), file('lib/a')), /files\[1\]\.path "lib\/a" is listed twice/],
    [m(file('lib/a/b'), file('lib/a')), /files\[1\]\.path "lib\/a" is listed twice, or is a directory of another entry/],
    [m(file('lib'), file('lib/a')), /files\[1\]\.path "lib\/a" lies below the file "lib"/],
    [m({ path: 'lib', link: '/tmp' }, file('lib/a')), /points outside the tree/],
    [m({ path: 'lib', link: 'share' }, file('lib/a')), /files\[1\]\.path "lib\/a" lies below the symlink "lib"/],
    [m({ path: 'lib/x', link: '/etc/passwd' }), /the symlink "lib\/x" -> "\/etc\/passwd" points outside the tree/],
    [m({ path: 'lib/x', link: '../../etc' }), /points outside the tree/],
    [m({ path: 'x', link: '..' }), /points outside the tree/],
    [m({ path: 'x', link: '' }), /files\[0\]\.link is not a symlink target/],
    [m(file('a', { sha256: 'B'.repeat(64) })), /files\[0\]\.sha256 is not 64 lower-case hex digits/],
    [m(file('a', { sha256: 'b'.repeat(63) })), /sha256 is not 64/],
    [m(file('a', { size: -1 })), /files\[0\]\.size is not a number of bytes/],
    [m(file('a', { size: 1.5 })), /size is not a number of bytes/],
    [m(file('a', { size: '3' })), /size is not a number of bytes/],
    [m(file('a', { mode: 0o4755 })), /files\[0\]\.mode is not a file mode/],
    [m(file('a', { mode: -1 })), /mode is not a file mode/],
  ];
  for (const [v, message] of bad) t.match(manifestProblem(v), message, JSON.stringify(v));
});

/** A remote in memory: GET answers from `store`, PUT stores (with the token) and records what came. */
interface Remote {
  readonly base: string;
  readonly store: Map<string, Buffer>;
  readonly puts: { path: string; auth: string | undefined }[];
  readonly gets: string[];
  readonly auths: (string | undefined)[];
  override?: Handler | undefined;
  close(): Promise<void>;
}

async function startRemote(token = 'tok', tlsFiles?: { key: Buffer; cert: Buffer }): Promise<Remote> {
  const store = new Map<string, Buffer>();
  const remote: Remote = { base: '', store, puts: [], gets: [], auths: [], close: async () => {} };
  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const p = (req.url ?? '').replace(/^\/r/, '');
    remote.auths.push(req.headers.authorization);
    if (remote.override !== undefined) return remote.override(req, res);
    if (req.method === 'PUT') {
      remote.puts.push({ path: p, auth: req.headers.authorization });
      if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => (store.set(p, Buffer.concat(chunks)), res.writeHead(201).end()));
      return;
    }
    remote.gets.push(p);
    const body = store.get(p);
    if (body === undefined) return void res.writeHead(404).end();
    serve(body)(req, res);
  };
  const server = tlsFiles === undefined ? http.createServer(handle) : https.createServer(tlsFiles, handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(remote, {
    base: `${tlsFiles === undefined ? 'http' : 'https'}://127.0.0.1:${port}/r`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  });
}

/** A built tree stored as a local entry: a library, an executable script, a symlink, two equal headers. */
function localEntry(cache: string): string {
  const prefix = path.join(work, `prefix-${path.basename(cache)}`);
  fs.mkdirSync(path.join(prefix, 'lib'), { recursive: true });
  fs.mkdirSync(path.join(prefix, 'include'), { recursive: true });
  fs.mkdirSync(path.join(prefix, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(prefix, 'lib/libx.a'), 'not really an archive\n');
  fs.writeFileSync(path.join(prefix, 'include/x.h'), 'int x(void);\n');
  fs.writeFileSync(path.join(prefix, 'include/x-copy.h'), 'int x(void);\n');
  fs.writeFileSync(path.join(prefix, 'bin/x-config'), '#!/bin/sh\necho x\n', { mode: 0o755 });
  fs.symlinkSync('libx.a', path.join(prefix, 'lib/libx-alias.a'));
  const entry = builtEntry(cache, KEY);
  storeEntry(prefix, entry);
  return entry;
}

const warnings = (): { warn: (m: string) => void; said: string[] } => {
  const said: string[] = [];
  return { warn: (m) => said.push(m), said };
};

t.test('an entry uploaded by one cache is restored, whole and verified, into another', async (t) => {
  const remote = await startRemote();
  t.teardown(() => remote.close());
  const entry = localEntry(path.join(work, 'up'));
  const w = warnings();
  await new RemoteCache({ url: remote.base, token: 'tok' }, { warn: w.warn }).shareBuilt(KEY, entry, 'x 1.0');
  t.same(w.said, []);
  t.same(remote.puts.map((p) => p.path).at(-1), `/ac/${KEY}`, 'the manifest last');
  t.equal(remote.puts.filter((p) => p.path.startsWith('/cas/')).length, 3, 'one PUT per distinct blob (two headers are one)');
  t.ok(remote.puts.every((p) => p.auth === 'Bearer tok'), 'each with the bearer token');

  const down = path.join(work, 'down');
  const target = builtEntry(down, KEY);
  const r = new RemoteCache({ url: remote.base }, { warn: w.warn });
  t.equal(await r.fetchBuilt(KEY, target, 'x 1.0'), true);
  t.same(w.said, []);
  t.ok(verifyEntry(target), 'the restored entry verifies');
  t.same(readManifest(target), readManifest(entry), 'the same manifest as the uploader had');
  t.equal(fs.statSync(path.join(target, 'tree/bin/x-config')).mode & 0o777, 0o755, 'modes kept');
  t.equal(fs.readlinkSync(path.join(target, 'tree/lib/libx-alias.a')), 'libx.a');
  t.same(fs.readdirSync(path.join(down, 'built')), [KEY], 'no temporary directory left');
  t.ok(remote.auths.every((a) => a === undefined || a === 'Bearer tok'));
  t.equal(await r.fetchBuilt('b'.repeat(64), builtEntry(down, 'b'.repeat(64)), 'y 1.0'), false, 'a miss');
  t.same(w.said, [], 'a miss is no warning');
  t.same(fs.readdirSync(path.join(down, 'built')), [KEY]);
});

t.test('refused entries leave nothing in the local cache', async (t) => {
  const remote = await startRemote();
  t.teardown(() => remote.close());
  const blob = Buffer.from('int x(void);\n');
  const digest = sha256(blob);
  remote.store.set(`/cas/${digest}`, blob);
  const cases: [string, unknown, RegExp][] = [
    ['not JSON', '{"pogogen": 1, "files": [', /was refused: it is not JSON; nothing of it was kept, building it locally/],
    ['a path outside', { pogogen: 1, files: [{ path: '../../escaped.h', mode: 0o644, sha256: digest, size: blob.length }] }, /is not a relative path inside the tree/],
    ['a symlink then a file through it', { pogogen: 1, files: [{ path: 'lib', link: 'include' }, { path: 'lib/x.h', mode: 0o644, sha256: digest, size: blob.length }] }, /lies below the symlink "lib"/],
    ['a missing blob', { pogogen: 1, files: [{ path: 'include/x.h', mode: 0o644, sha256: digest, size: blob.length }, { path: 'lib/libx.a', mode: 0o644, sha256: 'c'.repeat(64), size: 4 }] }, new RegExp(`its blob cas/${'c'.repeat(64)} \\(lib/libx\\.a\\) is missing`)],
    ['a blob larger than recorded', { pogogen: 1, files: [{ path: 'include/x.h', mode: 0o644, sha256: digest, size: 3 }] }, new RegExp(`cas/${digest} is larger than the 3 bytes its manifest records`)],
    ['a blob of other content', { pogogen: 1, files: [{ path: 'include/x.h', mode: 0o644, sha256: 'd'.repeat(64), size: blob.length }] }, new RegExp(`its blob cas/${'d'.repeat(64)} \\(include/x\\.h\\) has sha256 ${digest} and ${blob.length} bytes`)],
  ];
  remote.store.set(`/cas/${'d'.repeat(64)}`, blob);
  for (const [name, manifest, message] of cases) {
    remote.store.set(`/ac/${KEY}`, Buffer.from(typeof manifest === 'string' ? manifest : JSON.stringify(manifest)));
    const cache = path.join(work, `refused-${name.replace(/\W+/g, '-')}`);
    const w = warnings();
    t.equal(await new RemoteCache({ url: remote.base }, { warn: w.warn }).fetchBuilt(KEY, builtEntry(cache, KEY), 'x 1.0'), false, name);
    t.equal(w.said.length, 1, `${name}: one warning`);
    t.match(w.said[0], message, name);
    t.match(w.said[0], new RegExp(`^the remote cache's ac/${KEY} \\(x 1\\.0\\) was refused: `));
    t.same(listFiles(cache), ['built'], `${name}: nothing left`);
  }
  t.notOk(fs.existsSync(path.join(work, 'escaped.h')));
});

t.test('the download limits bound an entry', async (t) => {
  const remote = await startRemote();
  t.teardown(() => remote.close());
  const big = { pogogen: 1, files: [{ path: 'lib/a', mode: 0o644, sha256: 'e'.repeat(64), size: 600 }, { path: 'lib/b', mode: 0o644, sha256: 'f'.repeat(64), size: 600 }] };
  remote.store.set(`/ac/${KEY}`, Buffer.from(JSON.stringify(big)));
  const w = warnings();
  const cache = path.join(work, 'limits');
  t.equal(await new RemoteCache({ url: remote.base }, { warn: w.warn, limits: { maxBytes: 1000, deadlineMs: 10_000 } }).fetchBuilt(KEY, builtEntry(cache, KEY), 'x 1.0'), false);
  t.match(w.said[0], /its files add up to 1200 bytes, more than the download limit of 1000 \(POGOGEN_MAX_DOWNLOAD\)/);
  t.same(remote.gets.filter((g) => g.startsWith('/cas/')), [], 'no blob was asked for');

  // A blob that never ends: the deadline for the whole entry stops it.
  const blob = Buffer.from('slow');
  remote.store.set(`/ac/${KEY}`, Buffer.from(JSON.stringify({ pogogen: 1, files: [{ path: 'lib/a', mode: 0o644, sha256: sha256(blob), size: 4 }] })));
  remote.override = (req, res) => {
    if ((req.url ?? '').includes('/ac/')) return serve(remote.store.get(`/ac/${KEY}`)!)(req, res);
    res.writeHead(200, { 'content-length': 4 });
    res.write('s');
  };
  const w2 = warnings();
  const started = Date.now();
  t.equal(await new RemoteCache({ url: remote.base }, { warn: w2.warn, limits: { maxBytes: 1000, deadlineMs: 500 } }).fetchBuilt(KEY, builtEntry(cache, KEY), 'x 1.0'), false);
  t.ok(Date.now() - started < 5000, 'stopped by the deadline');
  t.equal(w2.said.length, 1);
  t.match(w2.said[0], new RegExp(`^the remote cache's ac/${KEY} \\(x 1\\.0\\) was refused: download of ${remote.base}/cas/[0-9a-f]{64} did not finish within \\d+ ms`));
  t.same(listFiles(cache), ['built'], 'nothing left');
});

t.test('a remote that fails is said once and not asked again', async (t) => {
  const remote = await startRemote();
  t.teardown(() => remote.close());
  remote.override = (_req, res) => void res.writeHead(503).end();
  const w = warnings();
  const r = new RemoteCache({ url: remote.base, token: 'tok' }, { warn: w.warn });
  const cache = path.join(work, 'failing');
  t.equal(await r.fetchBuilt(KEY, builtEntry(cache, KEY), 'x 1.0'), false);
  const asked = remote.auths.length;
  t.equal(await r.fetchBuilt('b'.repeat(64), builtEntry(cache, 'b'.repeat(64)), 'y 1.0'), false);
  t.equal(await r.fetchBlob('c'.repeat(64), path.join(work, 'blob-not-there'), 'z.tar.gz'), false);
  await r.shareBuilt(KEY, localEntry(path.join(work, 'failing-up')), 'x 1.0');
  t.equal(remote.auths.length, asked, 'no further request');
  t.equal(w.said.length, 1);
  t.match(w.said[0], new RegExp(`^the remote cache ${remote.base} did not answer \\(HTTP 503 .*\\); carrying on without it, building and fetching locally$`));
});

t.test('uploads need the token, and stop at the first refusal', async (t) => {
  const remote = await startRemote('right');
  t.teardown(() => remote.close());
  const entry = localEntry(path.join(work, 'refusal'));
  await new RemoteCache({ url: remote.base }, { warn: () => t.fail('no warning without a token') }).shareBuilt(KEY, entry, 'x 1.0');
  t.equal(remote.auths.length, 0, 'without a token nothing is sent at all');
  const w = warnings();
  await new RemoteCache({ url: remote.base, token: 'wrong' }, { warn: w.warn }).shareBuilt(KEY, entry, 'x 1.0');
  t.equal(w.said.length, 1);
  t.match(w.said[0], /refused the upload of cas\/[0-9a-f]{64} \(HTTP 401\): check POGOGEN_REMOTE_CACHE_TOKEN; nothing more is uploaded by this run/);
  t.notMatch(w.said[0], /wrong/, 'the token is not repeated');
  t.ok(remote.puts.length >= 1 && remote.puts.length <= 4, 'the blobs in flight at most');
  t.notOk(remote.puts.some((p) => p.path.startsWith('/ac/')), 'no manifest after a refused blob');
});

t.test('the token goes only to the remote: a redirect elsewhere does not carry it', async (t) => {
  const remote = await startRemote();
  const elsewhere = await startServer();
  t.teardown(async () => (await remote.close(), await elsewhere.close()));
  const body = Buffer.from('archive bytes\n');
  const seen: (string | undefined)[] = [];
  elsewhere.routes.set('/blob', (req, res) => (seen.push(req.headers.authorization), serve(body)(req, res)));
  remote.override = (_req, res) => void res.writeHead(302, { location: `${elsewhere.base}/blob` }).end();
  const file = path.join(work, 'redirected-blob');
  t.equal(await new RemoteCache({ url: remote.base, token: 'tok' }, { warn: () => {} }).fetchBlob(sha256(body), file, 'a.tar.gz'), true);
  t.same(remote.auths, ['Bearer tok']);
  t.same(seen, [undefined], 'no Authorization header on the other origin');
});

t.test('archives: looked up in cas/ first, fetched from their URLs when it fails, shared after', async (t) => {
  const remote = await startRemote();
  const origin = await startServer();
  t.teardown(async () => (await remote.close(), await origin.close()));
  const body = Buffer.from('a source archive\n'.repeat(50));
  const hash = sha256(body);
  origin.routes.set('/a.tar.gz', serve(body));
  const pin = { urls: [`${origin.base}/a.tar.gz`], sha256: hash };
  const w = warnings();
  const writer = new RemoteCache({ url: remote.base, token: 'tok' }, { warn: w.warn });
  const first = await fetchArchive(pin, { cacheDir: path.join(work, 'arch-1'), mirrors: [], retries: 0, remote: writer });
  t.equal(first.url, `${origin.base}/a.tar.gz`, 'a miss: from its URL');
  t.ok(remote.store.get(`/cas/${hash}`)?.equals(body), 'then shared');

  const reader = new RemoteCache({ url: remote.base }, { warn: w.warn });
  const second = await fetchArchive(pin, { cacheDir: path.join(work, 'arch-2'), mirrors: [], retries: 0, remote: reader });
  t.equal(second.url, `${remote.base}/cas/${hash}`, 'a hit: from the remote');
  t.equal(origin.hitsOf('/a.tar.gz'), 1, 'the origin was not asked again');
  t.same(w.said, []);

  remote.store.set(`/cas/${hash}`, Buffer.from('other bytes'));
  const third = await fetchArchive(pin, { cacheDir: path.join(work, 'arch-3'), mirrors: [], retries: 0, remote: reader });
  t.equal(third.url, `${origin.base}/a.tar.gz`, 'other bytes: from its URL');
  t.match(w.said[0], new RegExp(`^the remote cache's cas/${hash} \\(a\\.tar\\.gz\\) has sha256 ${sha256(Buffer.from('other bytes'))}: refused, fetching it from its own URLs$`));
  t.equal(sha256(fs.readFileSync(third.path)), hash);
  t.same(listFiles(path.join(work, 'arch-3/archives/sha256')), [hash, `${hash}.name`], 'no temporary file left');
});

t.test('a bad limit setting: no entry is fetched, and the upload says so once', async (t) => {
  const remote = await startRemote();
  const before = process.env.POGOGEN_MAX_DOWNLOAD;
  process.env.POGOGEN_MAX_DOWNLOAD = 'lots';
  t.teardown(async () => {
    if (before === undefined) delete process.env.POGOGEN_MAX_DOWNLOAD;
    else process.env.POGOGEN_MAX_DOWNLOAD = before;
    await remote.close();
  });
  const w = warnings();
  const r = new RemoteCache({ url: remote.base, token: 'tok' }, { warn: w.warn });
  t.equal(await r.fetchBuilt(KEY, builtEntry(path.join(work, 'bad-limit'), KEY), 'x 1.0'), false);
  t.same(w.said, [], 'the archive download that follows reports the setting');
  await r.shareBuilt(KEY, localEntry(path.join(work, 'bad-limit-up')), 'x 1.0');
  t.equal(w.said.length, 1);
  t.match(w.said[0], /^nothing is uploaded to the remote cache .*: POGOGEN_MAX_DOWNLOAD="lots" is not a size/);
  t.equal(remote.auths.length, 0, 'no request');
});

const keyFile = path.join(work, 'key.pem');
const certFile = path.join(work, 'cert.pem');
const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });

t.test('an https remote through a CONNECT proxy: uploads and restores, with the certificate verified', { skip: made.status !== 0 ? 'openssl cannot make a certificate here' : false }, async (t) => {
  const cert = fs.readFileSync(certFile);
  const remote = await startRemote('tok', { key: fs.readFileSync(keyFile), cert });
  const proxy = await startProxy();
  t.teardown(async () => (await remote.close(), await proxy.close()));
  const via = { https: proxy.url };
  const entry = localEntry(path.join(work, 'tls-up'));

  // Not trusted: one warning, nothing uploaded.
  const w = warnings();
  await new RemoteCache({ url: remote.base, token: 'tok' }, { warn: w.warn, proxy: via }).shareBuilt(KEY, entry, 'x 1.0');
  t.equal(w.said.length, 1);
  t.match(w.said[0], /did not answer \(.*self[- ]signed certificate.*\)/);
  t.same(remote.puts, [], 'TLS refused the server before any request');

  const before = https.globalAgent.options.ca;
  https.globalAgent.options.ca = [cert];
  t.teardown(() => void (https.globalAgent.options.ca = before));
  const w2 = warnings();
  await new RemoteCache({ url: remote.base, token: 'tok' }, { warn: w2.warn, proxy: via }).shareBuilt(KEY, entry, 'x 1.0');
  t.same(w2.said, []);
  t.equal(remote.puts.at(-1)?.path, `/ac/${KEY}`);
  t.ok(remote.puts.every((p) => p.auth === 'Bearer tok'), 'the token inside the tunnel');
  const target = builtEntry(path.join(work, 'tls-down'), KEY);
  t.equal(await new RemoteCache({ url: remote.base }, { warn: w2.warn, proxy: via }).fetchBuilt(KEY, target, 'x 1.0'), true);
  t.ok(verifyEntry(target));
  t.ok(proxy.seen.length > 0 && proxy.seen.every((s) => s.line === `CONNECT ${new URL(remote.base).host}`), 'every request tunnelled through the proxy');
});
