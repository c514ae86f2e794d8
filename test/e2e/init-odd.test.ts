// pogogen init never writes a description pogogen rejects: on trees with reserved names (test, all, install…),
// spaces, glob characters, duplicate base names, directories that include each other, nothing but tests, and on
// seeded random trees of such names, the description it writes loads, validates, generates and builds.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ninja, pogogen, project } from '../helpers.ts';
import { initIn } from '../init-trees.ts';

/** A program or library file that links whatever else the tree holds: each defines a function no one else does. */
const fn = (id: string, main: boolean): string => `#include <stdio.h>\nint f_${id}(void) { return ${id.length}; }\n${main ? `int main(void) { printf("%d\\n", f_${id}()); return 0; }\n` : ''}`;

/** Init, then generate and build; returns the description. */
function initAndBuild(t: Test, files: Readonly<Record<string, string>>, prefix = 'pogogen-init-odd-'): string {
  const dir = project(files, prefix);
  const { text } = initIn(t, dir);
  const gen = pogogen(dir, ['--offline']);
  t.equal(gen.code, 0, `pogogen accepts what init wrote:\n${gen.stderr}\n${text}`);
  t.notMatch(gen.stderr, /reserved|cannot be used/);
  const b = ninja(dir);
  t.equal(b.code, 0, `${b.stdout.slice(-800)}\n${text}`);
  // Test programs are built only for the tests, which pass: every main() here returns 0.
  if (text.includes("test('")) {
    const tests = pogogen(dir, ['test']);
    t.equal(tests.code, 0, `${tests.stdout.slice(-800)}\n${text}`);
  }
  for (const m of text.matchAll(/executable\('([^']+)'/g)) t.ok(fs.existsSync(path.join(dir, 'out/development/bin', m[1]!)), `${m[1]} was built`);
  return text;
}

t.test('reserved names: a target is never called test, all, install, clean, help or coverage', async (t) => {
  const text = initAndBuild(t, {
    'all/all.c': fn('all', false),
    'all/all.h': 'int f_all(void);\n',
    'install/main.c': '#include "all.h"\n' + fn('inst', true),
    'clean.c': fn('clean', true),
    'help/help.c': fn('help', true),
    'coverage/coverage.c': fn('cov', false),
    'test/main.c': fn('t1', true),
    'test.c': fn('t2', true),
  });
  for (const reserved of ['test', 'all', 'install', 'clean', 'help', 'coverage']) t.notMatch(text, new RegExp(`(executable|staticLibrary|sharedLibrary|action|dependency)\\('${reserved}'`), `no target named ${reserved}`);
});

t.test('spaces, glob characters and a project directory with a space', async (t) => {
  initAndBuild(t, {
    'my lib/a b.c': '#include "a b.h"\nint ab(void) { return 1; }\n',
    'my lib/a b.h': 'int ab(void);\n',
    'weird (1)/f[1].c': fn('w1', false),
    'weird (1)/!bang.c': fn('bang', false),
    'my app/main.c': '#include <stdio.h>\n#include "a b.h"\nint main(void) { printf("%d\\n", ab()); return 0; }\n',
  }, 'pogogen init odd ');
});

t.test('duplicate base names: util.c in three directories, two programs named run', async (t) => {
  const text = initAndBuild(t, {
    'a/util.c': '#include "util.h"\n' + fn('ua', false),
    'a/util.h': 'int f_ua(void);\n',
    'b/util.c': '#include "util.h"\n' + fn('ub', false),
    'b/util.h': 'int f_ub(void);\n',
    'c/util.c': fn('uc', false),
    'tools/one/run.c': fn('r1', true),
    'tools/two/run.c': fn('r2', true),
    'server/server.c': fn('srv', false),
    'server.c': fn('srvmain', true),
  });
  t.match(text, /executable\('run'/);
  t.match(text, /executable\('run-bin'/);
  t.match(text, /executable\('server'/);
  t.match(text, /staticLibrary\('server-lib'/);
});

t.test('directories that include each other become one library', async (t) => {
  const text = initAndBuild(t, {
    'a/x.c': '#include "y.h"\nint x(void) { return y0(); }\nint x0(void) { return 1; }\n',
    'a/x.h': 'int x(void);\nint x0(void);\n',
    'b/y.c': '#include "x.h"\nint y(void) { return x0() + 1; }\nint y0(void) { return 2; }\n',
    'b/y.h': 'int y(void);\nint y0(void);\n',
    'main.c': '#include <stdio.h>\n#include "x.h"\n#include "y.h"\nint main(void) { printf("%d %d\\n", x(), y()); return 0; }\n',
  });
  t.equal([...text.matchAll(/staticLibrary\(/g)].length, 1, 'one library for a/ and b/');
});

t.test('nothing but tests and a vendored tree with its own configure', async (t) => {
  const text = initAndBuild(t, {
    'tests/test_a.c': fn('ta', true),
    'deps/thing/configure': '#!/bin/sh\n',
    'deps/thing/thing.c': '#include "config.h"\n' + fn('th', false),
  });
  t.match(text, /executable\('test_a', \{\n {6}sources: \['tests\/test_a\.c'\],\n {6}default: false,/, 'only an optional test program');
});

t.test('a source under a top-level directory starting with "-" is left out, and said so', async (t) => {
  const dir = project({ 'main.c': '#include <stdio.h>\nint main(void) { puts("ok"); return 0; }\n', '-x/helper.c': fn('hx', false) }, 'pogogen-init-odd-');
  const { r, text } = initIn(t, dir);
  t.match(r.stdout, /left out, its path starts with "-", which a compiler would read as an option \(rename the directory to build it\): -x\/helper\.c/);
  t.notMatch(text, /-x\/helper\.c/, 'not in the description');
  const gen = pogogen(dir);
  t.equal(gen.code, 0, gen.stderr);
});

t.test('a vendored tree with its own build whose header is included becomes a dependency built from it', async (t) => {
  const dir = project({
    'main.c': '#include <stdio.h>\n#ifdef HAVE_THING\n#include "thing.h"\n#endif\nint main(void) { puts("ok"); return 0; }\n',
    'deps/thing/configure': '#!/bin/sh\n',
    'deps/thing/thing.h': 'int thing(void);\n',
    'deps/thing/thing.c': '#include "config.h"\n' + fn('th', false),
  }, 'pogogen-init-odd-');
  const { r } = initIn(t, dir);
  t.match(r.stdout, /dependency thing \(built by its own configure from deps\/thing, a local recipe source; build kind configure; library thing: named after deps\/thing\): "thing\.h" in main\.c:3/);
  t.match(r.stdout, /- dependency thing: the library is guessed as libthing\.a from the directory's name/);
  t.notMatch(r.stdout, /left out: deps\/thing/);
});

/** A small deterministic generator (mulberry32). */
const rng = (seed: number): (() => number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
};
// A top-level directory starting with '-' too: pogogen refuses such a source (the compiler would read the path as an
// option), so init must leave it out and say so.
const dirs = ['', 'src', 'test', 'tests', 'all', 'my dir', 'lib', 'x(1)', 'a+b', 'deps/foo', 'deps/bar/src', 'examples', 'install', 'help me', 'src/test', 'src/-dash', '-dash', 'Makefile.d'];
const bases = ['test', 'main', 'util', 'all', 'a b', 'run', 'install', 'clean', 'x', 'help', 'bench', 'server', 'test_util', 'coverage'];

for (const seed of [1, 2, 3, 4, 5, 6]) {
  t.test(`random odd tree ${seed}`, async (t) => {
    const r = rng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const files: Record<string, string> = {};
    const n = 4 + Math.floor(r() * 10);
    for (let i = 0; i < n; i++) {
      const p = `${pick(dirs)}/${pick(bases)}.c`.replace(/^\//, '');
      if (files[p] === undefined) files[p] = fn(`${seed}_${i}`, r() < 0.4);
    }
    initAndBuild(t, files);
  });
}
