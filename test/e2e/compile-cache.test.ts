// Node ≥ 22.1's compile cache: on, in out/.pogogen/compile-cache, for the command as npm installs it and for the
// bundle ninja's regeneration runs; never an out/ in a directory without build.pogo.ts; absent on older Node.
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
    if (supported) t.ok(cached.length >= 2, `${cached.length} files cached (pogogen's chunks and the description)`);
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
