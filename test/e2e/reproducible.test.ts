// Reproducible builds: every shipped profile shape — development (made reproducible), production with LTO,
// production with split debug info, and a PGO-trained production profile — built in two checkouts whose paths
// differ in length gives byte-identical executables, shared libraries and .debug files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { pogogen, run, write } from '../helpers.ts';

const files = {
  'build.pogo.ts': `import { defineBuild, executable, sharedLibrary, staticLibrary } from 'pogogen';
export default defineBuild({
  project: { name: 'repro', version: '1.0.0' },
  profiles: {
    devrepro: { extends: 'development', reproducible: true },
    split: { extends: 'production', splitDebug: true },
    trained: { extends: 'production', pgo: true, splitDebug: true },
  },
  targets: [
    staticLibrary('core', { sources: ['src/lib/core.c'], public: { includeDirs: ['src/lib'] } }),
    sharedLibrary('greet', { sources: ['src/lib/greet.c'], version: '1.0.0', public: { includeDirs: ['src/lib'] } }),
    executable('hello', { sources: ['src/app/hello.c'], deps: ['core', 'greet'] }),
    executable('app', { sources: ['src/app/main.c'], deps: ['core'], pgo: { training: [{ args: ['7'] }] } }),
  ],
});
`,
  // __FILE__ through a macro in a header, and in sources: -ffile-prefix-map covers both.
  'src/lib/core.h': '#define WHERE __FILE__\nint core(int n);\nconst char *greet(void);\n',
  'src/lib/core.c': '#include <stdio.h>\n#include "core.h"\nstatic inline int sq(int x) { return x * x; }\nint core(int n) { int s = 0; for (int i = 0; i < n; i++) s += sq(i); if (s < 0) fprintf(stderr, "%s\\n", WHERE); return s; }\n',
  'src/lib/greet.c': '#include "core.h"\nconst char *greet(void) { return __FILE__; }\n',
  'src/app/main.c': '#include <stdio.h>\n#include <stdlib.h>\n#include "core.h"\nint main(int argc, char **argv) { printf("%d %s\\n", core(argc > 1 ? atoi(argv[1]) : 3), __FILE__); return 0; }\n',
  'src/app/hello.c': '#include <stdio.h>\n#include "core.h"\nint main(void) { printf("%d %s %s\\n", core(4), greet(), __FILE__); return 0; }\n',
};

/** Every regular file under out/<profile>/{bin,lib}: what a profile ships (static libraries aside, see below). */
function shipped(dir: string): string[] {
  const out: string[] = [];
  for (const sub of ['bin', 'lib']) {
    const base = path.join(dir, sub);
    if (!fs.existsSync(base)) continue;
    for (const e of fs.readdirSync(base, { withFileTypes: true, recursive: true })) {
      if (!e.isFile()) continue;
      const rel = path.relative(dir, path.join(e.parentPath, e.name));
      // An LTO static library holds GIMPLE plus the options it was compiled with, the prefix map's absolute
      // directory among them; what is linked from it is identical.
      if (rel.endsWith('.a')) continue;
      out.push(rel);
    }
  }
  return out.sort();
}

t.test('two checkouts in directories of different lengths build byte-identical files in every profile', async (t) => {
  const parent = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pogogen-repro-')));
  t.teardown(() => fs.rmSync(parent, { recursive: true, force: true }));
  const dirs = [path.join(parent, 'a'), path.join(parent, 'a-much-longer-checkout-directory', 'nested')];
  for (const d of dirs) write(d, files);
  for (const profile of ['devrepro', 'production', 'split', 'trained']) {
    for (const d of dirs) {
      const r = pogogen(d, [`--profile=${profile}`, 'build']);
      t.equal(r.code, 0, `${profile} in ${d}: ${r.stdout}${r.stderr}`);
    }
    const [a, b] = dirs.map((d) => path.join(d, 'out', profile));
    const list = shipped(a!);
    t.same(shipped(b!), list, `${profile}: the same files`);
    t.ok(list.includes('bin/app') && list.includes('bin/hello') && list.includes('lib/libgreet.so.1.0.0'), `${profile}: executables and the shared library are compared`);
    if (profile === 'split' || profile === 'trained') t.ok(list.includes('bin/app.debug') && list.includes('lib/libgreet.so.1.0.0.debug'), `${profile}: and the .debug files`);
    for (const f of list) t.ok(fs.readFileSync(path.join(a!, f)).equals(fs.readFileSync(path.join(b!, f))), `${profile}: ${f} is byte-identical`);
    const ran = run(path.join(a!, 'bin', 'hello'), [], { env: { ASAN_OPTIONS: 'detect_leaks=0' } });
    t.equal(ran.stdout, '14 src/lib/greet.c src/app/hello.c\n', `${profile}: __FILE__ is relative to the project`);
  }
  // The PGO profile really was trained (the optimised objects read the copied profiles).
  t.ok(fs.readdirSync(path.join(dirs[0]!, 'out/trained/obj/app/src/app')).some((f) => f.endsWith('.gcda')), 'trained: the profile was collected');
});
