// Compiled code kept between runs. pogogen's own pipeline: V8's code cache in the user's cache directory, on every
// Node, made by the first run and used (not rewritten) by the next; a damaged one is refused and replaced; none
// when turned off or unwritable. The description: Node ≥ 22.1's compile cache in out/.pogogen/compile-cache, for
// the command as npm installs it and for the bundle ninja's regeneration runs; never an out/ in a directory without
// build.pogo.ts; absent on older Node.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { baseEnv, bin, cli, project } from '../helpers.ts';

const supported = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const files = {
  'build.pogo.ts': "import { defineBuild, executable } from 'pogogen';\nexport default defineBuild({ project: { name: 'cc', version: '1' }, targets: () => [executable('app', { sources: ['main.c'] })] });\n",
  'main.c': 'int main(void) { return 0; }\n',
};
const env = { ...baseEnv, NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: undefined };
const entries = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile()) : []);

for (const [how, file] of [['bin/pogogen.cjs', bin], ['dist/cli.js', cli]] as const) {
  t.test(`${how}: the compile cache ${supported ? 'fills' : 'stays off'} (Node ${process.version})`, async (t) => {
    const dir = project(files);
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const r = spawnSync(process.execPath, [file], { cwd: dir, env, encoding: 'utf8' });
    t.equal(r.status, 0, r.stderr);
    const cached = entries(path.join(dir, 'out/.pogogen/compile-cache'));
    if (supported) t.ok(cached.length >= 1, `${cached.length} file(s) cached (the description)`);
    else t.same(cached, [], 'no compile cache on this Node');
    const again = spawnSync(process.execPath, [file, 'targets'], { cwd: dir, env, encoding: 'utf8' });
    t.match(again.stdout, /^app\s+executable/m, 'a second run with the cache works');
  });
}

t.test('no out/ appears where there is no build.pogo.ts', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pogogen-nocc-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = spawnSync(process.execPath, [bin, 'help'], { cwd: dir, env, encoding: 'utf8' });
  t.equal(r.status, 0);
  t.same(fs.readdirSync(dir), [], 'the directory is left empty');
});

t.test(`pogogen's pipeline: V8's code cache in the user's cache directory (Node ${process.version})`, async (t) => {
  const dir = project(files);
  const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'pogogen-xdg-'));
  t.teardown(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cacheHome, { recursive: true, force: true });
  });
  const codeCache = path.join(cacheHome, 'pogogen', 'code-cache');
  const run = (extra: Record<string, string | undefined> = {}): ReturnType<typeof spawnSync> => {
    fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
    return spawnSync(process.execPath, [cli], { cwd: dir, env: { ...env, XDG_CACHE_HOME: cacheHome, ...extra }, encoding: 'utf8' });
  };
  t.equal(spawnSync(process.execPath, [cli, '--help'], { cwd: dir, env: { ...env, XDG_CACHE_HOME: cacheHome }, encoding: 'utf8' }).status, 0, '--help with an empty cache');
  t.same(entries(codeCache), [], 'leaves no entry: it compiled too little of the pipeline to be worth keeping');
  t.equal(run().status, 0, 'a generation with an empty cache');
  const made = entries(codeCache);
  t.equal(made.length, 1, 'it leaves one cache entry');
  t.match(made[0] ?? '', new RegExp(`^${process.version.replace(/\./g, '\\.')}-${process.arch}-[0-9a-f]{32}\\.bin$`), 'named by Node version, architecture and the bundle\'s hash');
  const entry = path.join(codeCache, made[0]!);
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(entry, past, past);
  const size = fs.statSync(entry).size;
  t.equal(run().status, 0, 'a second generation');
  t.ok(fs.statSync(entry).mtimeMs < Date.now() - 30_000, 'uses the entry without rewriting it');

  fs.writeFileSync(entry, Buffer.alloc(size, 0x5a));
  const damaged = run();
  t.equal(damaged.status, 0, `a damaged entry is refused by V8 and the run goes on: ${String(damaged.stderr)}`);
  t.not(fs.readFileSync(entry).equals(Buffer.alloc(size, 0x5a)), true, 'and the entry is written again');

  fs.rmSync(codeCache, { recursive: true, force: true });
  t.equal(run({ POGOGEN_CODE_CACHE: 'off' }).status, 0, 'POGOGEN_CODE_CACHE=off');
  t.same(entries(codeCache), [], 'writes no entry');

  fs.mkdirSync(path.dirname(codeCache), { recursive: true });
  fs.writeFileSync(codeCache, 'a file where the directory would go\n');
  const blocked = run();
  t.equal(blocked.status, 0, 'a cache directory that cannot be made costs nothing but the cache');
  t.equal(String(blocked.stderr), '', 'and says nothing');
});
