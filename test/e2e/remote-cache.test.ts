// The remote cache (POGOGEN_REMOTE_CACHE) end to end against a real HTTP server that stores PUTs (nginx with
// WebDAV, test/e2e/nginx.ts): a checkout with the token builds a dependency and uploads it; a second checkout with
// its own local cache restores it without building; a remote that is down, a tampered blob, a client without a
// token and a proxy each behave as docs/REMOTE-CACHE.md says.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ninjaAsync, pogogenAsync as pogogen, project, run } from '../helpers.ts';
import { startProxy } from '../deps/helpers.ts';
import { freePort, nginxMissing, startNginx } from './nginx.ts';
import { archive, serve, tinyDescription, tinyMain, tinySources } from './served.ts';

const TOKEN = 'team-token-5f2a';
const missing = nginxMissing();

// The tiny recipe, installing a symlink and two files of the same content too: both must survive the round trip.
const sources = {
  ...tinySources,
  Makefile: tinySources.Makefile!.replace('cp tiny.h $(PREFIX)/include/', 'cp tiny.h $(PREFIX)/include/ && cp tiny.h $(PREFIX)/include/tiny-copy.h && ln -s libtiny.a $(PREFIX)/lib/libtiny-alias.a'),
};

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

t.test('a bad POGOGEN_REMOTE_CACHE is an error naming it, and nothing is written', async (t) => {
  const dir = project({ 'build.pogo.ts': tinyDescription('http://127.0.0.1:1', 'a'.repeat(64), 'bad'), 'main.c': tinyMain });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = await pogogen(dir, [], { POGOGEN_CACHE: path.join(dir, 'cache'), POGOGEN_REMOTE_CACHE: 'https://ci:hunter2@cache.example/pogogen' });
  t.equal(r.code, 1);
  t.match(r.stderr, /^<environment>: error: POGOGEN_REMOTE_CACHE holds a user name or password, and it is recorded in build\.ninja for regeneration: give the URL without it and the credential in POGOGEN_REMOTE_CACHE_TOKEN/);
  t.notMatch(r.stderr, /hunter2|\n\s+at /, 'no password, no stack');
  t.notOk(fs.existsSync(path.join(dir, 'build.ninja')));
});

if (missing !== undefined && process.env.CI === 'true') t.fail(`${missing}: under CI the remote cache tests must run (.ci/run installs nginx-light)`);
t.test('the remote cache', { skip: missing === undefined ? false : `skipped: ${missing}` }, async (t) => {
  const work = project({});
  const served = fs.mkdtempSync(path.join(work, 'served-'));
  const pin = archive(served, 'tiny-1.0', sources);
  const origin = await serve(served);
  const nginx = await startNginx(path.join(work, 'nginx'), TOKEN);
  t.teardown(async () => {
    await origin.close();
    await nginx.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });
  const tree = (name: string): string => {
    const dir = path.join(work, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'build.pogo.ts'), tinyDescription(origin.base, pin.sha256, 'remote'));
    fs.writeFileSync(path.join(dir, 'main.c'), tinyMain);
    return dir;
  };
  // No proxy, mirror or token from the caller's shell: each case says what it has.
  const env = (cache: string, extra: Record<string, string>): Record<string, string | undefined> => ({
    POGOGEN_CACHE: path.join(work, cache),
    POGOGEN_MIRRORS: undefined,
    POGOGEN_REMOTE_CACHE_TOKEN: undefined,
    HTTP_PROXY: undefined,
    http_proxy: undefined,
    HTTPS_PROXY: undefined,
    https_proxy: undefined,
    NO_PROXY: undefined,
    no_proxy: undefined,
    ...extra,
  });
  const app = (dir: string): string => run(path.join(dir, 'out/development/bin/app'), []).stdout;
  /** The phase logs a build leaves; a restore leaves only restore.log. */
  const phaseLogs = (dir: string): string[] => {
    const logs = path.join(dir, 'out/development/deps/.build/tiny');
    return fs.existsSync(logs) ? fs.readdirSync(logs).filter((f) => f.endsWith('.log')).sort() : [];
  };
  const keysIn = (cache: string): string[] => {
    const dir = path.join(work, cache, 'built');
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => /^[0-9a-f]{64}$/.test(n)) : [];
  };
  const requestsUnder = (prefix: string): string[] => nginx.requests().filter((l) => l.split(' ')[1]!.startsWith(`/${prefix}/`));

  let key = '';
  await t.test('a checkout with the token builds and uploads; a second checkout restores without building', async (t) => {
    const remote = `${nginx.base}/team`;
    const a = tree('a');
    const envA = env('cache-a', { POGOGEN_REMOTE_CACHE: remote, POGOGEN_REMOTE_CACHE_TOKEN: TOKEN });
    const g = await pogogen(a, [], envA);
    t.equal(g.code, 0, g.stderr);
    t.notMatch(g.stderr, /warning/);
    t.match(g.stdout, /dependency tiny: source \(tiny 1\.0 from source\)/);
    const b1 = await ninjaAsync(a, [], envA);
    t.equal(b1.code, 0, b1.stdout);
    t.match(b1.stdout, /BUILD tiny/);
    t.equal(app(a), '5\n');
    key = keysIn('cache-a')[0] ?? '';
    t.ok(key, 'a local entry');
    const reqs = requestsUnder('team');
    t.ok(reqs.includes(`GET /team/ac/${key} 404`), 'looked the key up first');
    t.ok(reqs.includes(`PUT /team/cas/${pin.sha256} 201`), 'uploaded the downloaded archive');
    t.ok(reqs.includes(`PUT /team/ac/${key} 201`), 'uploaded the manifest');
    const lastBlob = Math.max(...reqs.map((l, i) => (l.startsWith('PUT /team/cas/') ? i : -1)));
    t.ok(reqs.indexOf(`PUT /team/ac/${key} 201`) > lastBlob, 'the manifest after every blob');
    const manifest = JSON.parse(fs.readFileSync(path.join(nginx.store, 'team/ac', key), 'utf8')) as { files: { path: string; sha256?: string; link?: string }[] };
    t.same(manifest.files.map((f) => f.path).sort(), ['include/tiny-copy.h', 'include/tiny.h', 'lib/libtiny-alias.a', 'lib/libtiny.a']);
    for (const f of manifest.files) if (f.sha256 !== undefined) t.equal(sha256(path.join(nginx.store, 'team/cas', f.sha256)), f.sha256, `cas/ holds ${f.path} by its digest`);

    const b = tree('b');
    // No token: reading needs none.
    const envB = env('cache-b', { POGOGEN_REMOTE_CACHE: remote });
    const downloads = origin.requests.length;
    const putsBefore = requestsUnder('team').filter((l) => l.startsWith('PUT')).length;
    const g2 = await pogogen(b, [], envB);
    t.equal(g2.code, 0, g2.stderr);
    t.notMatch(g2.stderr, /warning/);
    t.match(g2.stdout, /dependency tiny: source \(tiny 1\.0 from source, built result from the remote cache\)/);
    t.equal(origin.requests.length, downloads, 'the archive was not downloaded');
    t.same(keysIn('cache-b'), [key], 'the same key in the second local cache');
    const b2 = await ninjaAsync(b, [], envB);
    t.equal(b2.code, 0, b2.stdout);
    t.match(b2.stdout, /RESTORE tiny 1\.0 \(cached\)/);
    t.notMatch(b2.stdout, /EXTRACT|CONFIGURE|BUILD tiny|INSTALL/, 'no build command ran');
    t.same(phaseLogs(b), ['restore.log'], 'no extract, configure, build or install log');
    t.equal(app(b), '5\n', 'links and runs');
    t.ok(fs.lstatSync(path.join(b, 'out/development/deps/tiny/lib/libtiny-alias.a')).isSymbolicLink(), 'the symlink came back as one');
    t.equal(requestsUnder('team').filter((l) => l.startsWith('PUT')).length, putsBefore, 'the reader PUT nothing');
    const ninjaText = fs.readFileSync(path.join(b, 'build.ninja'), 'utf8');
    t.match(ninjaText, `POGOGEN_REMOTE_CACHE=${remote}`, 'recorded for regeneration');
    t.notMatch(fs.readFileSync(path.join(a, 'build.ninja'), 'utf8'), TOKEN, 'the token is written nowhere');
    t.notMatch(fs.readFileSync(path.join(a, 'out/.pogogen/last-generation.json'), 'utf8'), TOKEN);
  });

  await t.test('without a token the remote is read but nothing is PUT', async (t) => {
    const c = tree('c');
    const envC = env('cache-c', { POGOGEN_REMOTE_CACHE: `${nginx.base}/readonly` });
    t.equal((await pogogen(c, [], envC)).code, 0);
    const b = await ninjaAsync(c, [], envC);
    t.equal(b.code, 0, b.stdout);
    t.match(b.stdout, /BUILD tiny/);
    t.equal(app(c), '5\n');
    const reqs = requestsUnder('readonly');
    t.ok(reqs.includes(`GET /readonly/ac/${key} 404`) && reqs.includes(`GET /readonly/cas/${pin.sha256} 404`), 'it read');
    t.same(reqs.filter((l) => !l.startsWith('GET')), [], 'the server saw no PUT');
    t.notOk(fs.existsSync(path.join(nginx.store, 'readonly')));
  });

  await t.test('a tampered blob on the server is refused, the dependency built locally, and its upload replaces the entry', async (t) => {
    const remote = `${nginx.base}/team`;
    const manifest = JSON.parse(fs.readFileSync(path.join(nginx.store, 'team/ac', key), 'utf8')) as { files: { path: string; sha256?: string }[] };
    const lib = manifest.files.find((f) => f.path === 'lib/libtiny.a')!;
    const blob = path.join(nginx.store, 'team/cas', lib.sha256!);
    const good = fs.readFileSync(blob);
    const bad = Buffer.from(good);
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 0xff, bad.length - 1);
    fs.writeFileSync(blob, bad);

    const d = tree('d');
    const envD = env('cache-d', { POGOGEN_REMOTE_CACHE: remote, POGOGEN_REMOTE_CACHE_TOKEN: TOKEN });
    const g = await pogogen(d, [], envD);
    t.equal(g.code, 0, g.stderr);
    t.match(g.stderr, `pogogen: warning: the remote cache's ac/${key} (tiny 1.0) was refused: its blob cas/${lib.sha256} (lib/libtiny.a) has sha256 `);
    t.match(g.stderr, /nothing of it was kept, building it locally/);
    t.match(g.stdout, /tiny 1\.0 from source\)/);
    t.same(keysIn('cache-d'), [], 'the local cache holds nothing from it');
    t.same(fs.readdirSync(path.join(work, 'cache-d/built')), [], 'not even a temporary directory');
    const b = await ninjaAsync(d, [], envD);
    t.equal(b.code, 0, b.stdout);
    t.match(b.stdout, /BUILD tiny/);
    t.equal(app(d), '5\n');
    // The rebuild's upload replaced ac/<key>: every blob it names is good again (the library itself may have
    // other bytes than the first build's: its debug info names the checkout it was built in).
    const now = JSON.parse(fs.readFileSync(path.join(nginx.store, 'team/ac', key), 'utf8')) as { files: { path: string; sha256?: string }[] };
    for (const f of now.files) if (f.sha256 !== undefined) t.equal(sha256(path.join(nginx.store, 'team/cas', f.sha256)), f.sha256, `cas/ holds ${f.path} by its digest again`);
    const g2 = await pogogen(tree('d2'), [], env('cache-d2', { POGOGEN_REMOTE_CACHE: remote }));
    t.notMatch(g2.stderr, /warning/);
    t.match(g2.stdout, /built result from the remote cache/, 'and the next checkout restores it');
  });

  await t.test('a remote that is down is a warning, and the dependency is fetched and built locally', async (t) => {
    const remote = `http://127.0.0.1:${await freePort()}`;
    const e = tree('e');
    const envE = env('cache-e', { POGOGEN_REMOTE_CACHE: remote, POGOGEN_REMOTE_CACHE_TOKEN: TOKEN });
    const g = await pogogen(e, [], envE);
    t.equal(g.code, 0, g.stderr);
    const warnings = g.stderr.split('\n').filter((l) => l.includes('warning'));
    t.equal(warnings.length, 1, 'said once');
    t.match(warnings[0], `pogogen: warning: the remote cache ${remote} did not answer (`);
    t.match(warnings[0], /ECONNREFUSED [0-9.:]+\); carrying on without it, building and fetching locally$/);
    const b = await ninjaAsync(e, [], envE);
    t.equal(b.code, 0, b.stdout);
    t.match(b.stdout, /BUILD tiny/);
    t.match(b.stdout, `pogogen: warning: the remote cache ${remote} did not answer`, 'the upload after the build warns too');
    t.equal(app(e), '5\n');
    t.equal(keysIn('cache-e').length, 1);
  });

  await t.test('HTTP_PROXY is honoured for reads and uploads', async (t) => {
    const proxy = await startProxy();
    t.teardown(() => proxy.close());
    const remote = `${nginx.base}/proxied`;
    const f = tree('f');
    const envF = env('cache-f', { POGOGEN_REMOTE_CACHE: remote, POGOGEN_REMOTE_CACHE_TOKEN: TOKEN, HTTP_PROXY: proxy.url });
    const g = await pogogen(f, [], envF);
    t.equal(g.code, 0, g.stderr);
    const b = await ninjaAsync(f, [], envF);
    t.equal(b.code, 0, b.stdout);
    t.equal(app(f), '5\n');
    const seen = proxy.seen.map((s) => s.line);
    t.ok(seen.includes(`GET ${remote}/ac/${key}`), 'the lookup went through the proxy');
    t.ok(seen.includes(`PUT ${remote}/cas/${pin.sha256}`), 'the archive upload too');
    t.ok(seen.includes(`PUT ${remote}/ac/${key}`), 'and the built upload, from the build step');
    t.ok(requestsUnder('proxied').includes(`PUT /proxied/ac/${key} 201`), 'and reached the server');
    const g2 = await pogogen(tree('f2'), [], { ...envF, POGOGEN_CACHE: path.join(work, 'cache-f2') });
    t.match(g2.stdout, /built result from the remote cache/, 'what went up through the proxy comes back down');
  });
});
