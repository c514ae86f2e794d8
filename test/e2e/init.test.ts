// pogogen init on plain C trees: the description it writes builds with real gcc and ninja and the programs run;
// its guesses are printed; an existing build.pogo.ts is kept unless --force.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ninja, pogogen, project, repo, run } from '../helpers.ts';

const tree = {
  'include/util.h': 'double norm(double a, double b);\n',
  'src/util.c': '#include <math.h>\n#include "util.h"\ndouble norm(double a, double b) { return sqrt(a * a + b * b); }\n',
  'src/main.c': '#include <stdio.h>\n#include "util.h"\nint main(void) { printf("%.1f\\n", norm(3, 4)); return 0; }\n',
  'src/tools/count.c':
    '#include <stdio.h>\n#include <pthread.h>\n#include "util.h"\nstatic void *run(void *p) { return p; }\nint main(int argc, char **argv) { pthread_t t; pthread_create(&t, NULL, run, NULL); pthread_join(t, NULL); printf("%d %.0f\\n", argc, norm(6, 8)); (void)argv; return 0; }\n',
  'out/stale.c': 'this is not C and must be ignored\n',
};

const linked = (dir: string): void => {
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(repo, path.join(dir, 'node_modules', 'pogogen'));
};

t.test('init writes a description that builds two programs sharing a library', async (t) => {
  const dir = project(tree, 'pogogen-init-');
  linked(dir);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = pogogen(dir, ['init']);
  t.equal(r.code, 0, r.stderr);
  for (const g of [/executable pogogen-init-\w+: src\/main\.c defines main\(\)/, /executable count: src\/tools\/count\.c defines main\(\)/, /public include dir include of pogogen-init-\w+-lib: /, /link -lm \(libm\): <math\.h> in src\/util\.c/, /link -lpthread/, /static library pogogen-init-\w+-lib: 1 source, the sources of src/]) {
    t.match(r.stdout, g, `guess printed: ${g.source}`);
  }
  const text = fs.readFileSync(path.join(dir, 'build.pogo.ts'), 'utf8');
  t.notMatch(text, /out\/stale\.c/, 'out/ is not scanned');
  const gen = pogogen(dir);
  t.equal(gen.code, 0, gen.stderr);
  t.equal(ninja(dir).code, 0);
  const name = path.basename(dir);
  t.equal(run(path.join(dir, 'out/development/bin', name), []).stdout, '5.0\n', 'the main program runs');
  t.equal(run(path.join(dir, 'out/development/bin/count'), ['x']).stdout, '2 10\n', 'the tool runs (pthread and libm linked)');

  const again = pogogen(dir, ['init']);
  t.equal(again.code, 1, 'a second init refuses');
  t.match(again.stderr, /exists; pogogen init never overwrites it \(use --force to replace it\)/);
  fs.appendFileSync(path.join(dir, 'build.pogo.ts'), '// mine\n');
  t.match(fs.readFileSync(path.join(dir, 'build.pogo.ts'), 'utf8'), /\/\/ mine\n$/, 'the file is untouched');
  t.equal(pogogen(dir, ['init', '--force']).code, 0);
  t.equal(fs.readFileSync(path.join(dir, 'build.pogo.ts'), 'utf8'), text, '--force rewrites it, the same way');
});

t.test('one program: every source goes into it; OpenSSL and liburing become auto features', async (t) => {
  const dir = project({
    'main.c': '#include <stdio.h>\n#include "helper.h"\n#ifndef NOOPENSSL\n#include <openssl/sha.h>\n#endif\nint main(void) { printf("%d\\n", helper()); return 0; }\n',
    'helper.c': '#include "helper.h"\nint helper(void) { return 7; }\n',
    'helper.h': 'int helper(void);\n',
  }, 'pogogen-init-');
  linked(dir);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = pogogen(dir, ['init']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /dependency openssl \(OpenSSL; pkg-config openssl first, the shipped recipe as fallback; an auto feature; absent, its users get -DNOOPENSSL\)/);
  t.match(r.stdout, /the other 1 source go into /);
  const gen = pogogen(dir, ['-Dopenssl=disabled']);
  t.equal(gen.code, 0, gen.stderr);
  t.equal(ninja(dir).code, 0);
  t.equal(run(path.join(dir, 'out/development/bin', path.basename(dir)), []).stdout, '7\n');
});

t.test('a tree without C sources is refused', async (t) => {
  const dir = project({ 'README': 'nothing here\n' }, 'pogogen-init-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = pogogen(dir, ['init']);
  t.equal(r.code, 1);
  t.match(r.stderr, /no \.c files under .*: nothing for init to describe/);
  t.notOk(fs.existsSync(path.join(dir, 'build.pogo.ts')));
});
