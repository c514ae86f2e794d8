// `ninja install` / `make install` with prefix and DESTDIR, and `pogogen test` with a real mix of passing,
// failing, timing-out and expected-to-fail tests run in parallel within the job budget.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ninja, pogogen, project, run } from '../helpers.ts';

const lib = {
  'lib/shout.h': 'const char *shout(void);\n',
  'lib/shout.c': '#include "shout.h"\nconst char *shout(void) { return "HEY"; }\n',
  'lib/count.h': 'int count_up(int x);\n',
  'lib/count.c': '#include <math.h>\n#include "count.h"\nint count_up(int x) { return (int)floor(x + 1.5); }\n',
  'app.c': '#include <stdio.h>\n#include "shout.h"\n#include "count.h"\nint main(void) { printf("%s %d\\n", shout(), count_up(1)); return 0; }\n',
  'app.1': '.TH APP 1\n',
  'build.pogo.ts': `import { defineBuild, executable, sharedLibrary, staticLibrary } from 'pogogen';
export default defineBuild({
  project: { name: 'inst', version: '2.1.0' },
  install: [{ files: ['app.1'], dir: '{mandir}/man1' }],
  targets: () => {
    const shout = sharedLibrary('shout', { sources: ['lib/shout.c'], version: '1.0.3', public: { includeDirs: ['lib'] }, install: true, installHeaders: ['lib/shout.h'] });
    const count = staticLibrary('count', { sources: ['lib/count.c'], public: { includeDirs: ['lib'] }, libs: ['m'], install: true, installHeaders: ['lib/count.h'], pkgConfig: { description: 'counting' } });
    return [shout, count, executable('app', { sources: ['app.c'], deps: [shout, count], install: true })];
  },
});
`,
};

t.test('install into DESTDIR with a prefix, under ninja and make', async (t) => {
  for (const backend of ['ninja', 'make'] as const) {
    await t.test(backend, async (t) => {
      const dir = project(lib);
      const destdir = path.join(dir, 'stage');
      t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
      const gen = pogogen(dir, ['--profile=production', '--prefix=/opt/inst', `--backend=${backend}`]);
      t.equal(gen.code, 0, gen.stderr);
      const dry = pogogen(dir, ['--profile=production', '--prefix=/opt/inst', `--backend=${backend}`, 'install', '--dry-run']);
      t.match(dry.stdout, /out\/production\/bin\/app -> \/opt\/inst\/bin\/app \(755\)/, 'dry run lists what goes where');
      t.notOk(fs.existsSync('/opt/inst/bin/app'), 'and installs nothing');
      const r = backend === 'ninja' ? ninja(dir, ['install'], { DESTDIR: destdir }) : run('make', ['-j2', 'install'], { cwd: dir, env: { DESTDIR: destdir } });
      t.equal(r.code, 0, r.stdout + r.stderr);
      const root = path.join(destdir, 'opt/inst');
      for (const f of ['bin/app', 'lib/libshout.so.1.0.3', 'lib/libcount.a', 'include/shout.h', 'include/count.h', 'lib/pkgconfig/count.pc', 'share/man/man1/app.1']) t.ok(fs.existsSync(path.join(root, f)), `${f} installed`);
      t.equal(fs.readlinkSync(path.join(root, 'lib/libshout.so.1')), 'libshout.so.1.0.3', 'soname link');
      t.equal(fs.readlinkSync(path.join(root, 'lib/libshout.so')), 'libshout.so.1.0.3', 'development link');
      t.equal(run(path.join(root, 'bin/app'), []).stdout, 'HEY 2\n', 'the installed binary runs and finds its library');
      const dyn = run('readelf', ['-d', path.join(root, 'bin/app')]).stdout;
      t.match(dyn, /(RUNPATH|RPATH).*\[\$ORIGIN\/\.\.\/lib\]/, 'relative rpath');
      t.notMatch(run('readelf', ['-S', path.join(root, 'bin/app')]).stdout, /\.symtab/, 'production install is stripped');
      for (const f of ['bin/app', 'lib/libshout.so.1.0.3', 'lib/libcount.a', 'lib/pkgconfig/count.pc']) {
        t.notOk(fs.readFileSync(path.join(root, f)).includes(dir), `${f} does not mention the build directory`);
      }
      // A program built against the installed library through its .pc file.
      const consumer = path.join(dir, 'consumer.c');
      fs.writeFileSync(consumer, '#include <stdio.h>\n#include <count.h>\nint main(void) { printf("%d\\n", count_up(41)); return 0; }\n');
      const pcEnv = { PKG_CONFIG_PATH: path.join(root, 'lib/pkgconfig'), PKG_CONFIG_SYSROOT_DIR: destdir };
      const flags = run('pkg-config', ['--cflags', '--libs', '--static', 'count'], { env: pcEnv });
      t.equal(flags.code, 0, flags.stderr);
      t.match(flags.stdout, /-lcount/);
      t.match(flags.stdout, /-lm/, 'Libs.private carries libm for static links');
      const exe = path.join(dir, 'consumer');
      const cc = run('sh', ['-c', `cc ${consumer} -o ${exe} ${flags.stdout.trim()}`]);
      t.equal(cc.code, 0, cc.stderr);
      t.equal(run(exe, []).stdout, '42\n');
    });
  }
});

const testsProject = {
  'pass.c': 'int main(void) { return 0; }\n',
  'fail.c': '#include <stdio.h>\nint main(void) { puts("something broke"); return 3; }\n',
  'slow.sh': '#!/bin/sh\n# records when it ran, to show tests overlapping and the job budget holding\necho "start $(date +%s%N)" >> "$1"\nsleep 0.6\necho "end $(date +%s%N)" >> "$1"\n',
  'hang.sh': '#!/bin/sh\nsleep 30\n',
  'env.sh': '#!/bin/sh\n[ "$WRAPPED" = yes ] && [ "$MODE" = test ] && [ -f data.txt ]\n',
  'data.txt': 'x\n',
  'build.pogo.ts': `import { defineBuild, executable, test } from 'pogogen';
export default defineBuild({
  project: { name: 'tests' },
  targets: () => {
    const pass = executable('pass', { sources: ['pass.c'] });
    const fail = executable('fail', { sources: ['fail.c'] });
    return [
      pass, fail,
      test('passes', { program: pass, suites: ['quick'] }),
      test('fails', { program: fail, suites: ['quick'] }),
      test('expected-failure', { program: fail, shouldFail: true }),
      test('hangs', { program: './hang.sh', timeout: 1 }),
      test('env', { program: './env.sh', env: { MODE: 'test' }, data: ['data.txt'], suites: ['wrapped'] }),
      ...[1, 2, 3, 4].map((i) => test('slow' + i, { program: './slow.sh', args: ['{root}/times.log'], suites: ['slow'] })),
    ];
  },
});
`,
};

t.test('pogogen test: results, exit code, TAP, JUnit, suites, repeat, wrapper, budget', async (t) => {
  const dir = project(testsProject);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const f of ['slow.sh', 'hang.sh', 'env.sh']) fs.chmodSync(path.join(dir, f), 0o755);

  const all = pogogen(dir, ['test', '-j', '2']);
  t.equal(all.code, 1, 'a failing test fails the run');
  t.match(all.stdout, /passes: ok/);
  t.match(all.stdout, /fails: FAIL/);
  t.match(all.stdout, /expected-failure: ok \(expected failure\)/);
  t.match(all.stdout, /hangs: TIMEOUT/);
  t.match(all.stdout, /env: FAIL/, 'env.sh fails without the wrapper variable');
  t.match(all.stdout, /--- fails: fail \(exit 3\)[^]*something broke/, "the summary shows a failure's output");
  t.match(all.stdout, /6 passed, 3 failed/);
  t.ok(fs.existsSync(path.join(dir, 'out/development/testlog/fails.log')), 'per-test log');

  const tap = fs.readFileSync(path.join(dir, 'out/development/testlog/results.tap'), 'utf8');
  t.match(tap, /^TAP version 14\n1\.\.9\n/);
  t.equal((tap.match(/^ok \d+/gm) ?? []).length, 6);
  t.equal((tap.match(/^not ok \d+/gm) ?? []).length, 3);
  const junit = fs.readFileSync(path.join(dir, 'out/development/testlog/results.xml'), 'utf8');
  t.match(junit, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites tests="9" failures="3"/);
  t.equal((junit.match(/<testcase /g) ?? []).length, 9);
  t.equal((junit.match(/<failure /g) ?? []).length, 3);
  t.equal((junit.match(/<testsuite /g) ?? []).length, (junit.match(/<\/testsuite>/g) ?? []).length, 'balanced XML');

  // The four slow tests each ran 0.6 s: with -j2 they overlap in pairs, never three at once.
  const events = fs.readFileSync(path.join(dir, 'times.log'), 'utf8').trim().split('\n').map((l) => l.split(' ')).map(([k, v]) => ({ k: k!, v: BigInt(v!) }));
  events.sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
  let running = 0;
  let max = 0;
  for (const e of events) {
    running += e.k === 'start' ? 1 : -1;
    max = Math.max(max, running);
  }
  t.equal(max, 2, 'tests ran concurrently, two at a time, never beyond -j2');

  const quick = pogogen(dir, ['test', '--suite', 'quick']);
  t.match(quick.stdout, /1 passed, 1 failed/, '--suite selects tests');
  const wrapped = pogogen(dir, ['test', '--suite', 'wrapped', '--wrapper', 'env WRAPPED=yes']);
  t.equal(wrapped.code, 0, '--wrapper runs the program through a command');
  const repeated = pogogen(dir, ['test', '--suite', 'quick', '--repeat', '3']);
  t.match(repeated.stdout, /3 passed, 3 failed/, '--repeat runs each test N times');
  const viaNinja = ninja(dir, ['test']);
  t.not(viaNinja.code, 0, 'ninja test fails when a test fails');
  t.match(viaNinja.stdout, /passes: ok/);
});
