// The bounds of a download: a size cap checked on Content-Length and counted while streaming, an overall deadline
// that stops a trickling body, file:// URLs only to regular files, and the environment variables that set them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { fetchArchive, type FetchOptions } from '../../lib/deps/index.ts';
import { downloadLimits, defaultDeadlineMs, defaultMaxBytes } from '../../lib/deps/limits.ts';
import { listFiles, serve, sha256, startServer, tmpdir, type Handler, type TestServer } from './helpers.ts';

const body = Buffer.from('a pinned archive\n'.repeat(1000));
const hash = sha256(body);

let server: TestServer;
t.before(async () => {
  server = await startServer({ '/ok.tar.gz': serve(body) });
});
t.teardown(() => server.close());

function setup(extra: Partial<FetchOptions> = {}): { opts: FetchOptions; archives: string } {
  const cacheDir = tmpdir();
  t.teardown(() => fs.rmSync(cacheDir, { recursive: true, force: true }));
  return { opts: { cacheDir, mirrors: [], backoffMs: 5, proxy: {}, ...extra }, archives: path.join(cacheDir, 'archives', 'sha256') };
}

function route(p: string, handler: Handler): string {
  server.routes.set(p, handler);
  return `${server.base}${p}`;
}

/** Writes `chunk` every `everyMs` until the client goes away; counts what it sent. */
function trickle(chunk: Buffer, everyMs: number, headers: Record<string, string | number>, sent: { bytes: number }): Handler {
  return (req, res) => {
    res.writeHead(200, headers);
    const timer = setInterval(() => {
      res.write(chunk);
      sent.bytes += chunk.length;
    }, everyMs);
    req.socket.on('close', () => clearInterval(timer));
  };
}

t.test('a Content-Length above the cap is refused before the body, and not retried', async (t) => {
  const { opts, archives } = setup({ maxBytes: body.length - 1 });
  const url = `${server.base}/ok.tar.gz`;
  const before = server.hitsOf('/ok.tar.gz');
  const err = (await fetchArchive({ urls: [url], sha256: hash }, opts).catch((e: unknown) => e)) as Error;
  t.equal(err.name, 'FetchError');
  t.match(err.message, `${url} is ${body.length} bytes, more than the download limit of ${body.length - 1} bytes (POGOGEN_MAX_DOWNLOAD raises it)`);
  t.equal(server.hitsOf('/ok.tar.gz') - before, 1, 'one request: a size does not change on a retry');
  t.same(listFiles(archives), [], 'nothing in the cache');
  // At the cap exactly, it is taken.
  const ok = await fetchArchive({ urls: [url], sha256: hash }, setup({ maxBytes: body.length }).opts);
  t.equal(ok.fromCache, false);
});

t.test('a body without a Content-Length is counted and cut at the cap', async (t) => {
  const sent = { bytes: 0 };
  const url = route('/endless', trickle(Buffer.alloc(64 * 1024, 0x61), 1, {}, sent));
  const { opts, archives } = setup({ maxBytes: 1024 * 1024 });
  await t.rejects(fetchArchive({ urls: [url], sha256: hash }, opts), { name: 'FetchError', message: `${url} sent more than the download limit of 1048576 bytes` });
  t.same(listFiles(archives), [], 'the partial file is gone');
  t.ok(sent.bytes < 64 * 1024 * 1024, `the server stopped early (sent ${sent.bytes} bytes)`);
});

t.test('a body that lies about its length is cut at the cap too', async (t) => {
  const sent = { bytes: 0 };
  const url = route('/liar', trickle(Buffer.alloc(64 * 1024, 0x62), 1, { 'content-length': 100 }, sent));
  const { opts } = setup({ maxBytes: 1000 });
  // Node's parser stops at the declared 100 bytes: a cut-off body, never more than it said.
  const err = (await fetchArchive({ urls: [url], sha256: hash }, { ...opts, retries: 0 }).catch((e: unknown) => e)) as Error;
  t.equal(err.name, 'FetchError');
  t.notMatch(err.message, /did not finish/);
});

t.test('the deadline stops a body that trickles, names it, and does not retry it', async (t) => {
  const sent = { bytes: 0 };
  const url = route('/trickle', trickle(Buffer.from('x'), 20, { 'content-length': 100_000 }, sent));
  const { opts, archives } = setup({ deadlineMs: 200, timeoutMs: 10_000 });
  const before = server.hitsOf('/trickle');
  const err = (await fetchArchive({ urls: [url], sha256: hash }, opts).catch((e: unknown) => e)) as Error;
  t.equal(err.name, 'FetchError');
  t.match(err.message, `download of ${url} did not finish within 200 ms (the deadline for one download; POGOGEN_DOWNLOAD_DEADLINE sets it in seconds)`);
  t.equal(server.hitsOf('/trickle') - before, 1, 'not retried: a slow server is no faster the second time');
  t.same(listFiles(archives), [], 'nothing in the cache');
});

t.test('the deadline covers a server that never answers, and the next URL still gets its turn', async (t) => {
  const silent = route('/silent', () => {});
  const { opts } = setup({ deadlineMs: 200, timeoutMs: 10_000 });
  const r = await fetchArchive({ urls: [silent, `${server.base}/ok.tar.gz`], sha256: hash }, opts);
  t.equal(r.url, `${server.base}/ok.tar.gz`);
});

t.test('file:// URLs must name regular files: a directory, a FIFO and /dev/zero are refused', async (t) => {
  const dir = tmpdir();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const fifo = path.join(dir, 'pipe');
  const made = spawnSync('mkfifo', [fifo]).status === 0;
  const cases: [string, string][] = [
    [pathToFileURL(dir).href, 'a directory'],
    ['file:///dev/zero', 'a character device'],
    ...(made ? ([[pathToFileURL(fifo).href, 'a FIFO (named pipe)']] as [string, string][]) : []),
  ];
  for (const [url, kind] of cases) {
    const { opts, archives } = setup({ retries: 0 });
    await t.rejects(fetchArchive({ urls: [url], sha256: hash, name: 'a.tar.gz' }, opts), { name: 'FetchError', message: `${url} is ${kind}, not a regular file: a file:// URL must name an archive file` }, kind);
    t.same(listFiles(archives), [], `${kind}: nothing in the cache`);
  }
  t.ok(made, 'a FIFO was tried');
  // A regular file, and a symlink to one, are fine; a regular file above the cap is refused by its size.
  fs.writeFileSync(path.join(dir, 'a.tar.gz'), body);
  fs.symlinkSync('a.tar.gz', path.join(dir, 'link.tar.gz'));
  t.equal((await fetchArchive({ urls: [pathToFileURL(path.join(dir, 'link.tar.gz')).href], sha256: hash }, setup().opts)).fromCache, false);
  const big = pathToFileURL(path.join(dir, 'a.tar.gz')).href;
  await t.rejects(fetchArchive({ urls: [big], sha256: hash }, setup({ maxBytes: 10 }).opts), { message: `${big} is ${body.length} bytes, more than the download limit of 10 bytes` });
});

t.test('POGOGEN_MAX_DOWNLOAD and POGOGEN_DOWNLOAD_DEADLINE: defaults, units, and clear refusals', async (t) => {
  t.same(downloadLimits({}), { maxBytes: defaultMaxBytes, deadlineMs: defaultDeadlineMs });
  t.equal(defaultMaxBytes, 2 * 1024 ** 3, '2 GiB');
  const table: [string, number][] = [['1048576', 1048576], ['4G', 4 * 1024 ** 3], ['512m', 512 * 1024 ** 2], ['512MiB', 512 * 1024 ** 2], ['1.5k', 1536], ['2KB', 2048]];
  for (const [v, bytes] of table) t.equal(downloadLimits({ POGOGEN_MAX_DOWNLOAD: v }).maxBytes, bytes, v);
  t.equal(downloadLimits({ POGOGEN_DOWNLOAD_DEADLINE: '600' }).deadlineMs, 600_000);
  t.equal(downloadLimits({ POGOGEN_DOWNLOAD_DEADLINE: '0.25' }).deadlineMs, 250);
  for (const v of ['', ' ']) t.equal(downloadLimits({ POGOGEN_MAX_DOWNLOAD: v }).maxBytes, defaultMaxBytes, `"${v}" is unset`);
  for (const v of ['abc', '-1', '0', '4X', '1e3', '99999999999999999999']) {
    t.throws(() => downloadLimits({ POGOGEN_MAX_DOWNLOAD: v }), { name: 'FetchError', message: `POGOGEN_MAX_DOWNLOAD="${v}" is not a size` }, v);
  }
  for (const v of ['soon', '-5', '0', '10s']) {
    t.throws(() => downloadLimits({ POGOGEN_DOWNLOAD_DEADLINE: v }), { name: 'FetchError', message: `POGOGEN_DOWNLOAD_DEADLINE="${v}" is not a number of seconds` }, v);
  }
});

t.test('the environment sets the limits for fetchArchive; a bad value is only an error when downloading', async (t) => {
  const saved = { max: process.env.POGOGEN_MAX_DOWNLOAD, deadline: process.env.POGOGEN_DOWNLOAD_DEADLINE };
  t.teardown(() => {
    for (const [k, v] of [['POGOGEN_MAX_DOWNLOAD', saved.max], ['POGOGEN_DOWNLOAD_DEADLINE', saved.deadline]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const url = `${server.base}/ok.tar.gz`;
  const { opts } = setup();
  process.env.POGOGEN_MAX_DOWNLOAD = '1k';
  await t.rejects(fetchArchive({ urls: [url], sha256: hash }, opts), { message: `more than the download limit of 1024 bytes` });
  delete process.env.POGOGEN_MAX_DOWNLOAD;
  await fetchArchive({ urls: [url], sha256: hash }, opts);
  process.env.POGOGEN_MAX_DOWNLOAD = 'lots';
  t.equal((await fetchArchive({ urls: [url], sha256: hash }, opts)).fromCache, true, 'a cache hit reads no limit');
  await t.rejects(fetchArchive({ urls: [url], sha256: hash }, setup().opts), { name: 'FetchError', message: 'POGOGEN_MAX_DOWNLOAD="lots" is not a size' });
});
