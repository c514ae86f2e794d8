// The built-dependency cache under stress, end to end with a tiny recipe served from 127.0.0.1: a tampered file in
// a cached build is detected (at generation, or at the restore itself) and rebuilt, never used; and two project
// trees sharing one POGOGEN_CACHE that fetch and build the same dependency at the same time both come out right.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ninjaAsync as ninja, pogogenAsync as pogogen, project, run } from '../helpers.ts';
import { archive, serve, tinyDescription, tinyMain as mainC, tinySources as tiny } from './served.ts';

const ninjaAsync = (dir: string, env: Record<string, string | undefined>): ReturnType<typeof ninja> => ninja(dir, ['-j2'], env);

const description = (base: string, sha256: string): string => tinyDescription(base, sha256, 'cached');

/** The one entry under <cache>/built/ (a key directory), and every name there. */
function builtEntries(cache: string): { entries: string[]; names: string[] } {
  const dir = path.join(cache, 'built');
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  return { entries: names.filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => path.join(dir, n)), names };
}

/** True when every file of the entry's manifest has the hash it records (as the cache checks). */
function entryIsValid(entry: string): boolean {
  const m = JSON.parse(fs.readFileSync(path.join(entry, 'manifest.json'), 'utf8')) as { files: { path: string; sha256?: string }[] };
  return m.files.every((f) => f.sha256 === undefined || run('sha256sum', [path.join(entry, 'tree', f.path)]).stdout.startsWith(f.sha256));
}

t.test('cached builds of a dependency', async (t) => {
  const work = project({});
  const served = fs.mkdtempSync(path.join(work, 'served-'));
  const pin = archive(served, 'tiny-1.0', tiny);
  const server = await serve(served);
  t.teardown(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });
  const tree = (name: string): string => {
    const dir = path.join(work, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(server.base, pin.sha256));
    fs.writeFileSync(path.join(dir, 'main.c'), mainC);
    return dir;
  };
  const app = (dir: string): string => run(path.join(dir, 'out/development/bin/app'), []).stdout;

  await t.test('a tampered file in a cached build is found at generation, rebuilt and replaced', async (t) => {
    const cache = path.join(work, 'cache-tamper-1');
    const env = { POGOGEN_CACHE: cache, POGOGEN_MIRRORS: undefined };
    const a = tree('tamper-a');
    t.equal((await pogogen(a, [], env)).code, 0);
    t.equal((await ninjaAsync(a, env)).code, 0);
    t.equal(app(a), '5\n');
    const [entry] = builtEntries(cache).entries;
    t.ok(entry !== undefined && entryIsValid(entry), 'one valid entry');
    // A header that would break every compile that used it.
    fs.appendFileSync(path.join(entry!, 'tree/include/tiny.h'), '#error tampered\n');

    const b = tree('tamper-b');
    const g = await pogogen(b, [], env);
    t.equal(g.code, 0, g.stderr);
    t.match(g.stdout, /dependency tiny: source \(tiny 1\.0 from source\)/, 'not "built result cached": it is built again');
    const r = await ninjaAsync(b, env);
    t.equal(r.code, 0, r.stdout);
    t.match(r.stdout, /BUILD tiny/);
    t.notMatch(r.stdout, /RESTORE/);
    t.equal(app(b), '5\n');
    t.notMatch(fs.readFileSync(path.join(b, 'out/development/deps/tiny/include/tiny.h'), 'utf8'), /tampered/);
    t.same(builtEntries(cache).entries, [entry], 'the same key');
    t.ok(entryIsValid(entry!), 'replaced by a good entry');
    t.notMatch(fs.readFileSync(path.join(entry!, 'tree/include/tiny.h'), 'utf8'), /tampered/);
  });

  await t.test('a file tampered with after generation is found by the restore, never used, and rebuilt next time', async (t) => {
    const cache = path.join(work, 'cache-tamper-2');
    const env = { POGOGEN_CACHE: cache, POGOGEN_MIRRORS: undefined };
    const a = tree('restore-a');
    t.equal((await pogogen(a, [], env)).code, 0);
    t.equal((await ninjaAsync(a, env)).code, 0);
    const [entry] = builtEntries(cache).entries;

    const b = tree('restore-b');
    const g = await pogogen(b, [], env);
    t.match(g.stdout, /built result cached/, 'planned as a restore');
    // The library this time: a different archive member, same size class.
    fs.writeFileSync(path.join(entry!, 'tree/lib/libtiny.a'), 'not a library\n');
    const r = await ninjaAsync(b, env);
    t.not(r.code, 0, 'the restore fails');
    t.match(r.stdout, /tiny: the cached build .* is missing or corrupt \(a file no longer has the hash its manifest recorded\), so it was not used and has been removed; run pogogen again to rebuild it/);
    t.notOk(fs.existsSync(path.join(b, 'out/development/deps/tiny/lib/libtiny.a')), 'nothing was restored from it');
    t.notOk(fs.existsSync(entry!), 'the corrupt entry is gone from the cache');
    t.notOk(fs.existsSync(path.join(b, 'out/development/bin/app')), 'nothing was linked against it');

    const again = await pogogen(b, [], env);
    t.equal(again.code, 0, again.stderr);
    t.match(again.stdout, /tiny 1\.0 from source\)/);
    const rebuilt = await ninjaAsync(b, env);
    t.equal(rebuilt.code, 0, rebuilt.stdout);
    t.equal(app(b), '5\n');
    t.ok(entryIsValid(entry!), 'a good entry under the same key again');
  });

  await t.test('two trees sharing one cache fetch and build the same dependency at once, five times', async (t) => {
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      const cache = path.join(work, `cache-race-${round}`);
      const env = { POGOGEN_CACHE: cache, POGOGEN_MIRRORS: undefined };
      const dirs = [tree(`race-${round}-a`), tree(`race-${round}-b`)];
      const before = server.requests.length;
      const gens = await Promise.all(dirs.map((d) => pogogen(d, [], env)));
      for (const g of gens) t.equal(g.code, 0, `round ${round}: generation: ${g.stderr}`);
      t.ok(server.requests.length - before >= 1 && server.requests.length - before <= 2, `round ${round}: fetched by one or both`);
      const builds = await Promise.all(dirs.map((d) => ninjaAsync(d, env)));
      for (const b of builds) t.equal(b.code, 0, `round ${round}: build: ${b.stdout}${b.stderr}`);
      for (const d of dirs) t.equal(app(d), '5\n', `round ${round}: ${path.basename(d)} runs`);
      const { entries, names } = builtEntries(cache);
      t.equal(entries.length, 1, `round ${round}: one entry`);
      t.same(names, entries.map((e) => path.basename(e)), `round ${round}: no temporary or discarded entries left`);
      t.ok(entryIsValid(entries[0]!), `round ${round}: the entry is valid`);
      const archives = fs.readdirSync(path.join(cache, 'archives', 'sha256')).sort();
      t.same(archives, [pin.sha256, `${pin.sha256}.name`], `round ${round}: one archive, no temporary files`);
      // Both trees now restore from the shared entry at the same time.
      for (const d of dirs) fs.rmSync(path.join(d, 'out'), { recursive: true, force: true });
      const regens = await Promise.all(dirs.map((d) => pogogen(d, [], env)));
      for (const g of regens) t.match(g.stdout, /built result cached/, `round ${round}: cached`);
      const restores = await Promise.all(dirs.map((d) => ninjaAsync(d, env)));
      for (const r of restores) t.equal(r.code, 0, `round ${round}: restore: ${r.stdout}`);
      for (const d of dirs) t.equal(app(d), '5\n', `round ${round}: ${path.basename(d)} runs after a restore`);
      t.ok(entryIsValid(entries[0]!), `round ${round}: still valid`);
    }
  });
});
