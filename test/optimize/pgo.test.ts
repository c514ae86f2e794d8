// PGO as one graph: an instrumented build, its training runs, and the optimised build that reads the profile,
// from one `ninja`; an edit re-runs only what depends on it.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { built, ninja, pogogen, project, run } from '../helpers.ts';

const files = {
  'build.pogo.ts': `import { defineBuild, executable, staticLibrary } from 'pogogen';
export default defineBuild({
  project: { name: 'pgo' },
  profiles: { trained: { extends: 'production', pgo: true } },
  targets: () => {
    const kern = staticLibrary('kern', { sources: ['kern.c'], public: { includeDirs: ['.'] } });
    return [kern, executable('hot', { sources: ['hot.c'], deps: [kern], pgo: { training: [{ args: ['200000'] }, { args: ['5000'], env: { HOT_MODE: 'alt' } }] } })];
  },
});
`,
  'kern.h': 'unsigned long kern_mix(unsigned long x, int mode);\n',
  'kern.c': '#include "kern.h"\nunsigned long kern_mix(unsigned long x, int mode) {\n  if (mode) return x * 2654435761u ^ (x >> 7);\n  return (x << 3) + (x >> 5) + 17;\n}\n',
  'hot.c': '#include <stdio.h>\n#include <stdlib.h>\n#include "kern.h"\nint main(int argc, char **argv) {\n  long n = argc > 1 ? atol(argv[1]) : 1000;\n  int mode = getenv("HOT_MODE") != NULL;\n  unsigned long acc = 1;\n  for (long i = 0; i < n; i++) acc = kern_mix(acc + (unsigned long)i, mode);\n  printf("%lu\\n", acc % 1000);\n  return 0;\n}\n',
};

t.test('gcc PGO: instrument, train, optimise with the profile', async (t) => {
  const dir = project(files);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const g = pogogen(dir, ['--profile=trained']);
  t.equal(g.code, 0, g.stderr);
  const b = ninja(dir);
  t.equal(b.code, 0, b.stdout);
  t.match(b.stdout, /TRAIN hot/, 'the training ran');
  t.notMatch(b.stdout, /missing-profile|profile count data file not found|coverage mismatch/, 'no missing-profile warnings');
  for (const obj of ['obj/hot/hot.c', 'obj/kern/kern.c']) {
    t.ok(fs.existsSync(path.join(dir, 'out/trained', `${obj}.gcda`)), `${obj}.gcda sits beside the optimised object`);
    const cmd = ninja(dir, ['-t', 'commands', '-s', `out/trained/${obj}.o`]).stdout;
    t.match(cmd, /-fprofile-use -fprofile-partial-training/, `${obj}.o compiled with the profile`);
  }
  t.match(ninja(dir, ['-t', 'commands', '-s', 'out/trained/pgo/hot/obj/kern/kern.c.o']).stdout, /-fprofile-generate -fprofile-update=atomic/, 'the instrumented twin');
  const plain = run(path.join(dir, 'out/trained/bin/hot'), ['1000']);
  t.equal(plain.code, 0);
  t.equal(plain.stdout, run(path.join(dir, 'out/trained/pgo/hot/bin/hot'), ['1000']).stdout, 'optimised and instrumented builds agree');
  t.match(ninja(dir).stdout, /no work to do/, 'a second ninja does nothing');

  // An edit: the instrumented build, training and the optimised build re-run.
  fs.appendFileSync(path.join(dir, 'kern.c'), 'int kern_unused(void) { return 1; }\n');
  const { run: r, outputs } = built(dir, () => ninja(dir), 'trained');
  t.equal(r.code, 0, r.stdout);
  t.ok(outputs.includes('out/trained/pgo/hot/trained.stamp'), 'training re-ran');
  t.ok(outputs.includes('out/trained/obj/kern/kern.c.o'), 'the optimised object was rebuilt');
  t.ok(outputs.includes('out/trained/bin/hot'), 'and relinked');
  t.match(ninja(dir).stdout, /no work to do/);
});

t.test('two trained executables sharing a static library are refused', async (t) => {
  const dir = project({ ...files, 'build.pogo.ts': files['build.pogo.ts'].replace("executable('hot',", "executable('cold', { sources: ['hot.c'], deps: [kern], pgo: { training: [{}] } }), executable('hot',") });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const g = pogogen(dir, ['--profile=trained']);
  t.equal(g.code, 1);
  t.match(g.stderr, /"kern" is linked into two PGO-trained executables/);
});

const hasClang = run('sh', ['-c', 'command -v clang && (command -v llvm-profdata || ls /usr/bin/llvm-profdata-*)']).code === 0;

t.test('clang PGO: instrumented profile merged with llvm-profdata and used', { skip: hasClang ? false : 'clang or llvm-profdata not installed' }, async (t) => {
  const dir = project(files);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { CC: 'clang' };
  const g = pogogen(dir, ['--profile=trained'], env);
  t.equal(g.code, 0, g.stderr);
  const b = ninja(dir, [], env);
  t.equal(b.code, 0, b.stdout);
  t.ok(fs.existsSync(path.join(dir, 'out/trained/pgo/hot/hot.profdata')), 'profiles merged');
  t.match(ninja(dir, ['-t', 'commands', '-s', 'out/trained/obj/kern/kern.c.o']).stdout, /-fprofile-instr-use=\S+hot\.profdata/);
  t.notMatch(b.stdout, /profile data may be out of date|no profile data available/, 'clang found profile data');
  t.equal(run(path.join(dir, 'out/trained/bin/hot'), ['1000']).code, 0);
});
