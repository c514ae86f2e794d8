// The loader: build.pogo.ts bundled by esbuild with local imports and `pogogen`, the files it read, a cache keyed
// by content that skips esbuild entirely, and errors with file, line and column.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { errorLocation, LoadError, loadDescription } from '../../lib/load/load.ts';
import { project, repo } from '../helpers.ts';

const apiEntry = path.join(repo, 'lib', 'index.ts');

function setup(files: Record<string, string>): { dir: string; cacheDir: string; file: string } {
  const dir = project(files);
  return { dir, cacheDir: path.join(dir, 'out', '.pogogen', 'load'), file: path.join(dir, 'build.pogo.ts') };
}

t.test('loads a description with local imports and pogogen; lists the files it read', async (t) => {
  const { dir, cacheDir, file } = setup({
    'build.pogo.ts': "import { defineBuild, executable } from 'pogogen';\nimport { sources } from './lib/sources.ts';\nimport fs from 'node:fs';\nexport default defineBuild({ project: { name: String(typeof fs.readFileSync) } }, ) as unknown as object;\nexport const more = executable('app', { sources });\n".replace("}, )", ", targets: [] })"),
    'lib/sources.ts': "import { prefix } from './prefix.ts';\nexport const sources: string[] = [prefix + 'main.c'];\n",
    'lib/prefix.ts': "export const prefix = 'src/';\n",
  });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const loaded = await loadDescription(file, { cacheDir, apiEntry });
  t.same(loaded.value, { project: { name: 'function' }, targets: [] }, 'the default export, with node builtins usable');
  t.same(loaded.files, [file, path.join(dir, 'lib/prefix.ts'), path.join(dir, 'lib/sources.ts')].sort(), 'entry and transitive local imports, not the API');
});

t.test('a second load is a cache hit: nothing is rebundled; an edited import invalidates it', async (t) => {
  const { dir, cacheDir, file } = setup({
    'build.pogo.ts': "import { value } from './v.ts';\nexport default { value };\n",
    'v.ts': 'export const value = 1;\n',
  });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  await loadDescription(file, { cacheDir, apiEntry });
  const entries = fs.readdirSync(cacheDir).sort();
  t.equal(entries.filter((e) => e.endsWith('.mjs')).length, 1, 'one bundle cached');
  const bundle = path.join(cacheDir, entries.find((e) => e.endsWith('.mjs'))!);
  const before = fs.statSync(bundle).mtimeMs;
  // Remove the esbuild binary from reach: a hit must not need it. (PATH is irrelevant: the binary is found by
  // module resolution, so instead prove the bundle file was not rewritten.)
  await loadDescription(file, { cacheDir, apiEntry });
  t.equal(fs.statSync(bundle).mtimeMs, before, 'the cached bundle was used as is');
  fs.writeFileSync(path.join(dir, 'v.ts'), 'export const value = 2;\n');
  const after = await loadDescription(file, { cacheDir, apiEntry });
  t.same(after.value, { value: 2 }, 'an edited import is seen');
  const manifest = fs.readdirSync(cacheDir).find((e) => e.endsWith('.json'))!;
  fs.writeFileSync(path.join(cacheDir, manifest), '{ not json');
  t.same((await loadDescription(file, { cacheDir, apiEntry })).value, { value: 2 }, 'a corrupt manifest is a miss, not a crash');
});

t.test('a syntax error names file, line and column with the line text', async (t) => {
  const { dir, cacheDir, file } = setup({ 'build.pogo.ts': "export default {\n  project: { name: 'x' }\n  targets: [],\n};\n" });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const err = await loadDescription(file, { cacheDir, apiEntry }).catch((e: unknown) => e);
  t.ok(err instanceof LoadError);
  const e = err as LoadError;
  t.equal(e.file, file);
  t.equal(e.line, 3);
  t.equal(e.column, 3);
  t.equal(e.lineText, '  targets: [],');
  t.match(e.message, /Expected "}" but found "targets"/);
});

t.test('an error in an imported file points at that file', async (t) => {
  const { dir, cacheDir, file } = setup({ 'build.pogo.ts': "import { x } from './bad.ts';\nexport default { x };\n", 'bad.ts': 'export const x = ;\n' });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const e = (await loadDescription(file, { cacheDir, apiEntry }).catch((err: unknown) => err)) as LoadError;
  t.equal(e.file, path.join(dir, 'bad.ts'));
  t.equal(e.line, 1);
});

t.test('a throw while loading points at the original line; missing default and missing file', async (t) => {
  const { dir, cacheDir, file } = setup({ 'build.pogo.ts': "const a = 1;\n\nif (a === 1) throw new Error('boom');\nexport default {};\n" });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const e = (await loadDescription(file, { cacheDir, apiEntry }).catch((err: unknown) => err)) as LoadError;
  t.ok(e instanceof LoadError);
  t.match(e.message, /boom/);
  t.equal(e.file, file);
  t.equal(e.line, 3, 'the source map maps the stack back to build.pogo.ts');
  fs.writeFileSync(file, 'export const x = 1;\n');
  const noDefault = (await loadDescription(file, { cacheDir, apiEntry }).catch((err: unknown) => err)) as LoadError;
  t.match(noDefault.message, /no default export/);
  fs.rmSync(file);
  const missing = (await loadDescription(file, { cacheDir, apiEntry }).catch((err: unknown) => err)) as LoadError;
  t.match(missing.message, /no build\.pogo\.ts in /);
  t.equal(errorLocation(new Error('x'), []), undefined);
});
