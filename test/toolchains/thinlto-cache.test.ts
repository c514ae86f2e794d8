// clang's ThinLTO keeps a cache in out/<profile>/lto-cache: after one source changes, the production link
// re-optimises that module (and what imports it), not the whole program, and the binary is the one a clean build
// makes. With lld (chosen for clang's LTO when installed) and with GNU ld through LLVMgold.so.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { which } from '../../lib/cli/probe.ts';
import { ninja, pogogen, project, run } from '../helpers.ts';

const MODULES = 6;

/** Six modules, each with a function too big for ThinLTO to import into its callers; main sums them. */
function files(changed: number): Record<string, string> {
  const out: Record<string, string> = {
    'build.pogo.ts': `import { defineBuild, executable } from 'pogogen';
export default defineBuild({ project: { name: 'thin', version: '1' }, targets: () => [executable('app', { sources: ['src/*.c'] })] });
`,
  };
  const decls: string[] = [];
  const calls: string[] = [];
  for (let i = 0; i < MODULES; i++) {
    const body = Array.from({ length: 40 }, (_, k) => `  for (unsigned j = 0; j < n; j++) h = (h ^ (j + ${k * 7 + i})) * 16777619u + ${i === changed ? 11 : 3}u;`).join('\n');
    out[`src/m${i}.c`] = `unsigned m${i}(unsigned n) {\n  unsigned h = 2166136261u;\n${body}\n  return h;\n}\n`;
    decls.push(`unsigned m${i}(unsigned n);`);
    calls.push(`m${i}((unsigned)argc + 4)`);
  }
  out['src/main.c'] = `#include <stdio.h>\n${decls.join('\n')}\nint main(int argc, char **argv) {\n  (void)argv;\n  printf("%u\\n", ${calls.join(' ^ ')});\n  return 0;\n}\n`;
  return out;
}

const entries = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

for (const [linker, env] of [
  ['lld', { POGOGEN_LINKER: undefined }],
  ['GNU ld with LLVMgold.so', { POGOGEN_LINKER: 'default' }],
] as const) {
  const missing = which('clang') === undefined ? 'clang not installed' : linker === 'lld' && which('ld.lld') === undefined ? 'lld not installed' : false;
  t.test(`ThinLTO cache, ${linker}: one changed source re-optimises one module`, { skip: missing }, async (t) => {
    const dir = project(files(-1), 'pogogen-thinlto-');
    const fresh = project(files(0), 'pogogen-thinlto-fresh-');
    t.teardown(() => {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(fresh, { recursive: true, force: true });
    });
    const gen = { ...env, CC: 'clang' };
    const g = pogogen(dir, ['--profile=production', '--verbose'], gen);
    t.equal(g.code, 0, g.stderr);
    const text = fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8');
    if (linker === 'lld') {
      t.match(g.stderr, /linker: lld/, 'lld chosen for clang LTO');
      t.match(text, /-fuse-ld=lld -flto=thin -Wl,--thinlto-cache-dir=out\/production\/lto-cache /);
    } else {
      t.notMatch(text, /-fuse-ld=/);
      t.match(text, /-flto=thin -Wl,-plugin-opt=cache-dir=out\/production\/lto-cache /);
    }
    t.equal(ninja(dir).code, 0);
    const cache = path.join(dir, 'out/production/lto-cache');
    const first = entries(cache);
    t.ok(first.length >= MODULES, `a clean link fills the cache (${first.length} entries for ${MODULES + 1} modules)`);
    const before = run(path.join(dir, 'out/production/bin/app'), []).stdout;

    fs.writeFileSync(path.join(dir, 'src/m0.c'), files(0)['src/m0.c']!);
    const b = ninja(dir);
    t.equal(b.code, 0, b.stdout);
    const added = entries(cache).filter((e) => !first.includes(e));
    t.ok(added.length >= 1 && added.length < first.length / 2, `the relink added ${added.length} entries (the changed module), reusing the rest`);
    const after = run(path.join(dir, 'out/production/bin/app'), []).stdout;
    t.not(after, before, 'the change is in the program');

    // The same sources built from nothing, in another directory: the same bytes.
    t.equal(pogogen(fresh, ['--profile=production'], gen).code, 0);
    t.equal(ninja(fresh).code, 0);
    t.ok(fs.readFileSync(path.join(dir, 'out/production/bin/app')).equals(fs.readFileSync(path.join(fresh, 'out/production/bin/app'))), 'the incremental link gives the clean build’s binary');
  });
}

t.test('gcc has no LTO cache: the link line carries none', async (t) => {
  const dir = project(files(-1), 'pogogen-thinlto-gcc-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.equal(pogogen(dir, ['--profile=production'], { CC: 'gcc' }).code, 0);
  const text = fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8');
  t.match(text, /-flto=auto/);
  t.notMatch(text, /lto-cache|plugin-opt/);
});
