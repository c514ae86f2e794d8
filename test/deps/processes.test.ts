// Two (three) processes fetching the same pin at once: each downloads to its own temp name and renames atomically.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import t from 'tap';
import { repo } from '../helpers.ts';
import { listFiles, sha256, startServer, tmpdir } from './helpers.ts';

const run = promisify(execFile);

t.test('concurrent fetches from separate processes leave one good entry', async (t) => {
  const work = tmpdir();
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
  // The library bundled into one script, so a plain `node` child can run it.
  const script = path.join(work, 'fetch.mjs');
  fs.writeFileSync(
    path.join(work, 'main.ts'),
    `import { fetchArchive } from ${JSON.stringify(path.join(repo, 'lib/deps/index.ts'))};
const [cacheDir, url, sha256] = process.argv.slice(2);
const r = await fetchArchive({ urls: [url], sha256 }, { cacheDir, mirrors: [] });
console.log(JSON.stringify(r));\n`,
  );
  await esbuild.build({ entryPoints: [path.join(work, 'main.ts')], outfile: script, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });

  const body = Buffer.alloc(256 * 1024, 7);
  const hash = sha256(body);
  // A barrier: no body is finished before all three requests have arrived, so every process misses the cache and
  // downloads, and the three renames race for real. (The fallback timer only keeps a broken run from hanging.)
  const waiting: (() => void)[] = [];
  const release = () => waiting.splice(0).forEach((finish) => finish());
  const fallback = setTimeout(release, 20_000);
  const server = await startServer({
    '/big.tar.gz': (_req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 1000));
      waiting.push(() => res.end(body.subarray(1000)));
      if (waiting.length === 3) release();
    },
  });
  t.teardown(() => clearTimeout(fallback));
  t.teardown(() => server.close());
  const cacheDir = path.join(work, 'cache');
  const results = await Promise.all([1, 2, 3].map(() => run(process.execPath, [script, cacheDir, `${server.base}/big.tar.gz`, hash])));
  const parsed = results.map((r) => JSON.parse(r.stdout) as { path: string });
  const archives = path.join(cacheDir, 'archives', 'sha256');
  t.ok(parsed.every((p) => p.path === path.join(archives, hash)));
  t.equal(server.hitsOf('/big.tar.gz'), 3, 'all three downloaded at once');
  t.same(listFiles(archives), [hash, `${hash}.name`], 'one entry, no temp files');
  t.equal(sha256(fs.readFileSync(path.join(archives, hash))), hash);
});
