// Profile features checked by their effects: LTO sections and the LTO link pool, reproducible production
// binaries from two checkouts, split debug info, -march=native kept apart, sanitizers, coverage reports.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { fixture, ninja, pogogen, project, run } from '../helpers.ts';

t.test('production: LTO objects, gcc-ar, a memory-sized link pool, a running stripped binary', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.equal(pogogen(dir, ['--profile=production']).code, 0);
  const text = fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8');
  t.match(text, /^pool lto_link\n {2}depth = [1-9]\d*$/m, 'an LTO link pool');
  t.match(text, /rule link_app\n(.*\n)*? {2}pool = lto_link/, 'links use it');
  t.match(text, /rule ar_mathx\n {2}command = rm -f \$out && gcc-ar rcsD/, 'archives through gcc-ar');
  const b = ninja(dir);
  t.equal(b.code, 0, b.stdout);
  const sections = run('readelf', ['-S', path.join(dir, 'out/production/obj/mathx/lib/mathx/square.c.o')]).stdout;
  t.match(sections, /\.gnu\.lto_/, 'objects carry LTO sections');
  t.match(run(path.join(dir, 'out/production/bin/app'), []).stdout, /^hello 7\^2=49/);
  t.notMatch(run('readelf', ['-S', path.join(dir, 'out/production/bin/app')]).stdout, /\.symtab/, 'stripped');
});

t.test('production binaries are byte-identical from two checkouts', async (t) => {
  const a = fixture('basic');
  const b = fixture('basic');
  t.teardown(() => {
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  });
  t.not(a, b);
  for (const dir of [a, b]) {
    t.equal(pogogen(dir, ['--profile=production']).code, 0);
    t.equal(ninja(dir).code, 0);
  }
  for (const f of ['bin/app', 'bin/other', 'lib/libgreet.so.1.2.3']) {
    t.ok(fs.readFileSync(path.join(a, 'out/production', f)).equals(fs.readFileSync(path.join(b, 'out/production', f))), `${f} identical`);
  }
});

const withProfiles = (dir: string, profiles: string): void => {
  const file = path.join(dir, 'build.pogo.ts');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("project: { name: 'basic', version: '1.0.0' },", `project: { name: 'basic', version: '1.0.0' },\n  profiles: ${profiles},`));
};

t.test('split debug info: a stripped binary that gdb can still find symbols for', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  withProfiles(dir, "{ release: { extends: 'production', splitDebug: true } }");
  t.equal(pogogen(dir, ['--profile=release']).code, 0);
  const b = ninja(dir);
  t.equal(b.code, 0, b.stdout);
  const bin = path.join(dir, 'out/release/bin/app');
  const sections = run('readelf', ['-S', bin]).stdout;
  t.notMatch(sections, /\.symtab|\.debug_info/, 'the binary is stripped');
  t.match(sections, /\.gnu_debuglink/, 'and links to its debug file');
  t.match(run('readelf', ['-S', `${bin}.debug`]).stdout, /\.debug_info/, 'app.debug holds the debug info');
  t.match(run('readelf', ['--string-dump=.gnu_debuglink', bin]).stdout, /app\.debug/);
  t.match(run(bin, []).stdout, /^hello /, 'and it runs');
});

t.test('march native builds apart and says so', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  withProfiles(dir, "{ fast: { extends: 'production', march: 'native' } }");
  const g = pogogen(dir, ['--profile=fast']);
  t.equal(g.code, 0, g.stderr);
  t.match(g.stderr, /-march=native.*out\/fast\.native\/: do not ship it/);
  t.match(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'), /-march=native/);
  t.equal(ninja(dir).code, 0);
  t.match(run(path.join(dir, 'out/fast.native/bin/app'), []).stdout, /^hello /);
  t.notOk(fs.existsSync(path.join(dir, 'out/fast')), 'nothing in a portable-looking directory');
});

t.test('sanitizers: ASan catches a planted overflow; impossible combinations are refused', async (t) => {
  const dir = project({
    'build.pogo.ts': "import { defineBuild, executable } from 'pogogen';\nexport default defineBuild({ project: { name: 'asan' }, targets: [executable('over', { sources: ['over.c'] })] });\n",
    'over.c': '#include <stdlib.h>\n#include <string.h>\nint main(int argc, char **argv) { (void)argv; char *p = malloc(8); memset(p, 1, 8 + argc); int r = p[3]; free(p); return r == 1 ? 0 : 1; }\n',
  });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.equal(pogogen(dir).code, 0);
  t.equal(ninja(dir).code, 0);
  const r = run(path.join(dir, 'out/development/bin/over'), []);
  t.not(r.code, 0, 'the development build aborts');
  t.match(r.stderr, /AddressSanitizer: heap-buffer-overflow/);
  t.equal(pogogen(dir, ['--profile=production']).code, 0);
  t.equal(ninja(dir).code, 0);
  t.notMatch(run(path.join(dir, 'out/production/bin/over'), []).stderr, /AddressSanitizer/, 'production has no sanitizer');
  const src = fs.readFileSync(path.join(dir, 'build.pogo.ts'), 'utf8');
  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), src.replace("project: { name: 'asan' },", "project: { name: 'asan' }, profiles: { msan: { sanitize: ['memory'] }, mix: { sanitize: ['thread', 'address'] } },"));
  const msan = pogogen(dir, ['--profile=msan'], { CC: 'gcc' });
  t.equal(msan.code, 1);
  t.match(msan.stderr, /the memory sanitizer needs clang/);
  const mix = pogogen(dir, ['--profile=mix']);
  t.match(mix.stderr, /the thread sanitizer cannot be combined with address/);
});

t.test('coverage: the testing profile, tests, and a text and HTML report', { skip: run('sh', ['-c', 'command -v gcovr']).code !== 0 ? 'gcovr not installed' : false }, async (t) => {
  const dir = project({
    'build.pogo.ts': `import { defineBuild, executable, staticLibrary, test } from 'pogogen';
export default defineBuild({ project: { name: 'cov' }, targets: () => {
  const lib = staticLibrary('calc', { sources: ['calc.c'], public: { includeDirs: ['.'] } });
  const app = executable('app', { sources: ['main.c'], deps: [lib] });
  return [lib, app, test('adds', { program: app, args: ['2', '3'] })];
} });
`,
    'calc.h': 'int calc_add(int a, int b);\nint calc_unused(int a);\n',
    'calc.c': '#include "calc.h"\nint calc_add(int a, int b) { return a + b; }\nint calc_unused(int a) {\n  return a * 2;\n}\n',
    'main.c': '#include <stdlib.h>\n#include "calc.h"\nint main(int argc, char **argv) { return argc == 3 && calc_add(atoi(argv[1]), atoi(argv[2])) == 5 ? 0 : 1; }\n',
  });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = pogogen(dir, ['--profile=testing', 'test', '--coverage']);
  t.equal(r.code, 0, r.stdout + r.stderr);
  const txt = fs.readFileSync(path.join(dir, 'out/testing/coverage/coverage.txt'), 'utf8');
  t.match(txt, /calc\.c/, 'the report lists the library source');
  t.match(txt, /main\.c/, 'and the program');
  t.ok(fs.existsSync(path.join(dir, 'out/testing/coverage/index.html')), 'HTML report');
  t.match(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'), /--coverage/);
  fs.rmSync(path.join(dir, 'out/testing/coverage'), { recursive: true, force: true });
  const viaNinja = ninja(dir, ['coverage']);
  t.equal(viaNinja.code, 0, viaNinja.stdout);
  t.ok(fs.existsSync(path.join(dir, 'out/testing/coverage/coverage.txt')), 'ninja coverage runs the tests and writes the report');
});
