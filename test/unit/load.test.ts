// The loader: build.pogo.ts bundled by esbuild with its local imports and `pogogen`, the files it read, a cache that
// skips esbuild entirely on a hit, and errors (esbuild's and the description's own) at the original file and line.
import childProcess from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import t from 'tap';
import { runEsbuild } from '../../lib/load/esbuild.ts';
import { framesIn, LoadError, loadDescription, type Loaded } from '../../lib/load/load.ts';
import { decodeMappings } from '../../lib/load/sourcemap.ts';
import { project, repo } from '../helpers.ts';

const realApi = path.join(repo, 'lib', 'index.ts');

/** A project in a fresh directory, with a tiny stand-in for the API module unless the real one is asked for. */
function setup(t: { teardown(fn: () => void): void }, files: Record<string, string>, api: 'fixture' | 'real' = 'fixture'): { dir: string; file: string; opts: { cacheDir: string; apiEntry: string } } {
  const dir = project({ 'api/index.ts': 'export const defineBuild = <T>(spec: T): T => spec;\nexport const executable = (name: string, spec: object) => ({ kind: "executable", name, ...spec });\n', ...files });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const apiEntry = api === 'real' ? realApi : path.join(dir, 'api', 'index.ts');
  return { dir, file: path.join(dir, 'build.pogo.ts'), opts: { cacheDir: path.join(dir, 'out', '.pogogen', 'load'), apiEntry } };
}

async function loadError(file: string, opts: { cacheDir: string; apiEntry: string }): Promise<LoadError> {
  const err = await loadDescription(file, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof LoadError)) throw new Error(`expected a LoadError, got ${String(err)}`);
  return err;
}

/** Runs `fn` with every child-process spawn failing, so a cache hit can prove that it ran nothing. */
async function withoutSpawning<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { spawnSync: childProcess.spawnSync, spawn: childProcess.spawn, execFileSync: childProcess.execFileSync };
  const refuse = (): never => {
    throw new Error('spawned a process during a cache hit');
  };
  Object.assign(childProcess, { spawnSync: refuse, spawn: refuse, execFileSync: refuse });
  syncBuiltinESMExports();
  try {
    return await fn();
  } finally {
    Object.assign(childProcess, saved);
    syncBuiltinESMExports();
  }
}

const description = [
  "import { defineBuild, executable } from 'pogogen';",
  "import fs from 'node:fs';",
  "import { sources } from './lib/sources.ts';",
  '',
  "export default defineBuild({ project: { name: typeof fs.readFileSync }, targets: [executable('app', { sources })] });",
  '',
  'export function later(): never {',
  "  throw new Error('later');",
  '}',
  '',
].join('\n');

t.test('returns the default export and lists the entry and its local imports, transitively, not the API', async (t) => {
  for (const api of ['fixture', 'real'] as const) {
    if (api === 'real' && !fs.existsSync(realApi)) continue;
    const { dir, file, opts } = setup(t, { 'build.pogo.ts': description, 'lib/sources.ts': "import { prefix } from './prefix.ts';\nexport const sources = [prefix + 'main.c'];\n", 'lib/prefix.ts': "export const prefix = 'src/';\n" }, api);
    const loaded = await loadDescription(file, opts);
    t.same(loaded.value, { project: { name: 'function' }, targets: [{ kind: 'executable', name: 'app', sources: ['src/main.c'] }] }, `${api} API: the value, node builtins usable`);
    t.same(loaded.files, [file, path.join(dir, 'lib', 'prefix.ts'), path.join(dir, 'lib', 'sources.ts')], `${api} API: exactly the description's files, sorted`);
    t.equal(loaded.cached, false, 'the first load bundles');
  }
});

t.test('a second load is a cache hit that runs nothing; an edited import, a corrupt manifest or a lost bundle is a miss', async (t) => {
  const { dir, file, opts } = setup(t, { 'build.pogo.ts': "import { value } from './v.ts';\nexport default { value };\n", 'v.ts': 'export const value = 1;\n' });
  const first = await loadDescription(file, opts);
  t.same(first.value, { value: 1 });
  const bundles = (): string[] => fs.readdirSync(opts.cacheDir).filter((f) => f.endsWith('.mjs'));
  t.equal(bundles().length, 1, 'one bundle cached');
  const bundle = path.join(opts.cacheDir, bundles()[0]!);
  const mtime = fs.statSync(bundle).mtimeMs;

  await t.rejects(withoutSpawning(() => runEsbuild({ entry: file, apiEntry: opts.apiEntry, outfile: path.join(dir, 'x.mjs') })), /spawned a process/, 'the guard against spawning works');
  const hit = await withoutSpawning(() => loadDescription(file, opts));
  t.equal(hit.cached, true, 'a hit');
  t.same(hit.value, { value: 1 });
  t.same(hit.files, first.files, 'the same files, from the manifest');
  t.equal(fs.statSync(bundle).mtimeMs, mtime, 'the bundle was not rewritten');

  fs.writeFileSync(path.join(dir, 'v.ts'), 'export const value = 2;\n');
  const edited = await loadDescription(file, opts);
  t.equal(edited.cached, false, 'an edited import is a miss');
  t.same(edited.value, { value: 2 }, 'and its new value is seen, in the same process');
  t.equal(bundles().length, 2, 'a new bundle file: a new module URL (the old one is removed once a day old)');

  const manifest = fs.readdirSync(opts.cacheDir).find((f) => f.endsWith('.json'))!;
  for (const corrupt of ['{ not json', 'null', '{"bundle":"../x.mjs","bundleSha256":"","files":[],"inputs":{}}']) {
    fs.writeFileSync(path.join(opts.cacheDir, manifest), corrupt);
    const again = await loadDescription(file, opts);
    t.same([again.cached, again.value], [false, { value: 2 }], `manifest ${JSON.stringify(corrupt)}: a miss, not a crash`);
  }
  for (const f of bundles()) fs.writeFileSync(path.join(opts.cacheDir, f), 'export default 666;\n');
  t.same((await loadDescription(file, opts)).value, { value: 2 }, 'a tampered bundle is a miss');
});

t.test('old cache entries are removed when a new one is written', async (t) => {
  const { file, opts } = setup(t, { 'build.pogo.ts': 'export default 1;\n' });
  await loadDescription(file, opts);
  const old = fs.readdirSync(opts.cacheDir);
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  for (const f of old) fs.utimesSync(path.join(opts.cacheDir, f), twoDaysAgo, twoDaysAgo);
  fs.writeFileSync(file, 'export default 2;\n');
  t.equal((await loadDescription(file, opts)).value, 2);
  t.same(
    old.filter((f) => fs.existsSync(path.join(opts.cacheDir, f))),
    [],
    'the previous description’s entry is gone',
  );
  t.equal(fs.readdirSync(opts.cacheDir).length, 2, 'one manifest and one bundle remain');
});

t.test('a syntax error names the file, line, 1-based column, line text and esbuild’s message', async (t) => {
  const { file, opts } = setup(t, { 'build.pogo.ts': "export default {\n  project: { name: 'x' }\n  targets: [],\n};\n" });
  const e = await loadError(file, opts);
  t.same({ message: e.message, file: e.file, line: e.line, column: e.column, lineText: e.lineText }, { message: 'Expected "}" but found "targets"', file, line: 3, column: 3, lineText: '  targets: [],' });
  t.notOk(fs.readdirSync(opts.cacheDir).some((f) => f.endsWith('.tmp')), 'no temporary file left behind');

  fs.writeFileSync(file, "export default { a: 'héllo€' b: 1 };\n");
  t.equal((await loadError(file, opts)).column, 30, 'the column counts characters, not UTF-8 bytes');
});

t.test('errors in imported files point at them; an unresolvable import names the importing line', async (t) => {
  const { dir, file, opts } = setup(t, { 'build.pogo.ts': "import { x } from './bad.ts';\nexport default { x };\n", 'bad.ts': '\nexport const x = ;\n' });
  const bad = await loadError(file, opts);
  t.same([bad.file, bad.line, bad.column, bad.message], [path.join(dir, 'bad.ts'), 2, 18, 'Unexpected ";"']);

  fs.writeFileSync(file, "import { defineBuild } from 'pogogen';\nimport { x } from './missing.ts';\nexport default defineBuild({ x });\n");
  const missing = await loadError(file, opts);
  t.same([missing.file, missing.line, missing.column, missing.message, missing.lineText], [file, 2, 19, 'Could not resolve "./missing.ts"', "import { x } from './missing.ts';"]);
});

t.test('the native binary and the JS API give the same results', async (t) => {
  const { dir, file } = setup(t, { 'build.pogo.ts': description, 'lib/sources.ts': "export const sources = ['main.c'];\n", 'bad.ts': "import './lib/sources.ts';\nexport default {\n  a: 'é'\n  b: 1,\n};\n" });
  const apiEntry = path.join(dir, 'api', 'index.ts');
  const run = async (entry: string, via: 'binary' | 'api') => runEsbuild({ entry, apiEntry, outfile: path.join(dir, `${via}.mjs`) }, via);
  const good = { binary: await run(file, 'binary'), api: await run(file, 'api') };
  t.ok(good.binary.ok && good.api.ok, 'both bundle');
  if (good.binary.ok && good.api.ok) t.same(Object.keys(good.binary.inputs).sort(), Object.keys(good.api.inputs).sort(), 'the same inputs');
  t.equal(fs.readFileSync(path.join(dir, 'binary.mjs'), 'utf8'), fs.readFileSync(path.join(dir, 'api.mjs'), 'utf8'), 'the same bundle');

  const binary = await run(path.join(dir, 'bad.ts'), 'binary');
  const api = await run(path.join(dir, 'bad.ts'), 'api');
  t.same(binary, { ok: false, error: { text: 'Expected "}" but found "b"', file: 'bad.ts', line: 4, column: 2 } });
  t.match(api, binary, 'the JS API reports the same error (and the line text too)');
});

t.test('errors thrown by the description point at the original file and line', async (t) => {
  const { dir, file, opts } = setup(t, {
    'build.pogo.ts': "import { check } from './check.ts';\n\nconst n: number = 3;\ncheck(n);\nexport default {};\n",
    'check.ts': "export function check(n: number): void {\n  if (n > 2) throw new Error(`too big: ${n}`);\n}\n",
  });
  const e = await loadError(file, opts);
  t.same([e.message, e.file, e.line, e.column, e.lineText], ['build.pogo.ts threw while loading: too big: 3', path.join(dir, 'check.ts'), 2, 20, '  if (n > 2) throw new Error(`too big: ${n}`);']);

  fs.writeFileSync(file, "const a = 1;\n\nif (a === 1) throw 'a string';\nexport default {};\n");
  const s = await loadError(file, opts);
  t.same([s.message, s.file, s.line], ['build.pogo.ts threw while loading: a string', file, undefined], 'a thrown non-Error has no stack: the entry, no line');

  // Later, when pogogen calls a function the description exported.
  fs.writeFileSync(file, "export default {\n  targets: () => {\n    throw new Error('later');\n  },\n};\n");
  const loaded: Loaded = await loadDescription(file, opts);
  let thrown: unknown;
  try {
    (loaded.value as { targets: () => void }).targets();
  } catch (err) {
    thrown = err;
  }
  t.same(loaded.frameOf(thrown), { file, line: 3, column: 11 }, 'through the source map, made on demand');
  const maps = fs.readdirSync(opts.cacheDir).filter((f) => f.endsWith('.mjs.map'));
  t.equal(maps.length, 2, 'kept beside the bundle: one for each bundle whose errors needed a line (the first and the last)');
  t.same(fs.readdirSync(opts.cacheDir).filter((f) => f.includes('.tmp')), [], 'no temporary file left');
});

t.test('source-mapped locations survive symlinked project and cache directories', async (t) => {
  const { dir, opts } = setup(t, { 'build.pogo.ts': "import './h.ts';\nexport default 1;\n", 'h.ts': "\n\nthrow new Error('h');\n" });
  const links = project({});
  t.teardown(() => fs.rmSync(links, { recursive: true, force: true }));
  fs.symlinkSync(dir, path.join(links, 'project'));
  fs.mkdirSync(path.join(links, 'deep', 'er'), { recursive: true });
  fs.symlinkSync(path.join(links, 'deep', 'er'), path.join(links, 'cache'));
  const e = await loadError(path.join(links, 'project', 'build.pogo.ts'), { ...opts, cacheDir: path.join(links, 'cache', 'load') });
  t.same([e.file, e.line], [path.join(dir, 'h.ts'), 3], 'real paths, as esbuild and Node see them');
});

t.test('a missing default export, a missing file', async (t) => {
  const { dir, file, opts } = setup(t, { 'build.pogo.ts': 'export const x = 1;\n' });
  const noDefault = await loadError(file, opts);
  t.same([noDefault.message, noDefault.file], ['build.pogo.ts has no default export: it must `export default defineBuild({...})`', file]);
  fs.rmSync(file);
  const missing = await loadError(file, opts);
  t.same([missing.message, missing.file, missing.line], [`no build.pogo.ts in ${dir}`, file, undefined]);
});

t.test('framesIn: the first frame in one of the files, in either form Node prints, directly or through the bundle', async (t) => {
  const err = (stack: string): Error => Object.assign(new Error('x'), { stack });
  const files = ['/p/build.pogo.ts', '/p/a b/h.ts'];
  const frameOf = framesIn(files, '/p/out/b.mjs', () => undefined);
  t.same(frameOf(err('Error: x\n    at f (/p/other.ts:1:1)\n    at g (/p/a b/h.ts:5:9)\n    at /p/build.pogo.ts:2:3')), { file: '/p/a b/h.ts', line: 5, column: 9 });
  t.same(frameOf(err('Error: /p/build.pogo.ts:9:9\n    at file:///p/build.pogo.ts:7:1')), { file: '/p/build.pogo.ts', line: 7, column: 1 }, 'file URLs; the message line is not a frame');
  t.same(frameOf(err('Error: x\n    at f (/q/p/build.pogo.ts:1:1)')), undefined, 'a path that merely ends like one of the files');
  t.equal(frameOf('a string'), undefined);
  t.equal(framesIn([], '/p/out/b.mjs', () => undefined)(new Error('x')), undefined);
  t.equal(frameOf(err('Error: x\n    at f (/p/out/b.mjs:1:1)')), undefined, 'a bundle frame without a map has no place');

  // Bundle line 1 maps to /p/lib.ts (not a description file), line 2 to h.ts line 3, column 3 (0-based 2, 2).
  let made = 0;
  const viaMap = framesIn(files, '/p/out/b.mjs', () => {
    made++;
    return { sources: ['/p/lib.ts', '/p/a b/h.ts'], lines: decodeMappings('AAAA;ACEE') };
  });
  const stack = err('Error: x\n    at f (file:///p/out/b.mjs:1:5)\n    at g (/p/out/b.mjs:2:1)\n    at /p/build.pogo.ts:2:3');
  t.same(viaMap(stack), { file: '/p/a b/h.ts', line: 3, column: 3 }, 'frames outside the files are skipped, even when mapped');
  t.same(viaMap(stack), { file: '/p/a b/h.ts', line: 3, column: 3 });
  t.equal(made, 1, 'the map is made once, on first need');
});
