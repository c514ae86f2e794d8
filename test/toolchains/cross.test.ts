// Cross-compilation with Debian's gcc-aarch64-linux-gnu, run under qemu-user: the basic fixture and the demo
// (its tests through `pogogen test`, scripts using $POGOGEN_EMULATOR), a source dependency configured with --host,
// -march=native refused, unknown toolchains named.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { which } from '../../lib/cli/probe.ts';
import { fixture, ninja, pogogen, project, repo, run } from '../helpers.ts';
import { archive } from '../e2e/served.ts';

const triple = 'aarch64-linux-gnu';
const qemu = ['qemu-aarch64', '-L', `/usr/${triple}`];
const missing = which(`${triple}-gcc`) === undefined ? `${triple}-gcc is not installed (Debian package gcc-${triple})` : which('qemu-aarch64') === undefined ? 'qemu-aarch64 is not installed (Debian package qemu-user)' : false;
const machine = (file: string): string => /Machine:\s+(.*)/.exec(run('readelf', ['-h', file]).stdout)?.[1]?.trim() ?? '?';
const emulate = (file: string, args: readonly string[]): ReturnType<typeof run> => run(qemu[0]!, [...qemu.slice(1), file, ...args], { env: { ASAN_OPTIONS: 'detect_leaks=0' } });

t.test('the basic fixture for aarch64, run under qemu', { skip: missing }, async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const profile of ['development', 'production']) {
    const g = pogogen(dir, [`--toolchain=${triple}`, `--profile=${profile}`]);
    t.equal(g.code, 0, g.stderr);
    const text = fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8');
    t.match(text, new RegExp(`command = ${triple}-gcc `), `${profile}: compiles with the cross compiler`);
    t.match(text, new RegExp(`--toolchain=${triple}`), `${profile}: the regeneration keeps the toolchain`);
    t.match(text, profile === 'production' ? new RegExp(`${triple}-gcc-ar`) : new RegExp(`${triple}-ar rcsD`), `${profile}: and archives with its archiver`);
    const b = ninja(dir);
    t.equal(b.code, 0, b.stdout);
    const app = path.join(dir, `out/${profile}.${triple}/bin/app`);
    t.equal(machine(app), 'AArch64', `${profile}: out/${profile}.${triple}/bin/app is an AArch64 binary`);
    t.equal(emulate(app, ['x', 'y']).stdout, 'hello 7^2=49 shared 1.0.0 args=2\n', `${profile}: it runs under qemu and finds its shared library`);
  }
  t.notOk(fs.existsSync(path.join(dir, 'out/development/bin/app')), 'nothing was built into the native output directory');

  const bad = pogogen(dir, ['--toolchain=sparc-unknown']);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /--toolchain: unknown toolchain "sparc-unknown"; known: aarch64-linux-gnu/);
});

t.test('-march=native is refused for a cross build', { skip: missing }, async (t) => {
  const dir = project({
    'build.pogo.ts': "import { defineBuild, executable } from 'pogogen';\nexport default defineBuild({ project: { name: 'n' }, profiles: { fast: { extends: 'production', march: 'native' } }, targets: [executable('app', { sources: ['main.c'] })] });\n",
    'main.c': 'int main(void) { return 0; }\n',
  });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = pogogen(dir, [`--toolchain=${triple}`, '--profile=fast']);
  t.equal(r.code, 1);
  t.match(r.stderr, /profile fast builds with -march=native, which means this machine's CPU, not the aarch64-linux-gnu target/);
  t.notOk(fs.existsSync(path.join(dir, 'build.ninja')), 'nothing written');
});

t.test('a source dependency is configured with --host and built for the target', { skip: missing }, async (t) => {
  const work = project({});
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
  const pin = archive(work, 'mul-2.0', {
    'mul.h': 'int mul_times(int a, int b);\n',
    'mul.c': '#include "mul.h"\nint mul_times(int a, int b) { return a * b; }\n',
    configure: [
      '#!/bin/sh',
      'echo "$@" > configure.args',
      'prefix=/usr/local',
      'for a; do case "$a" in --prefix=*) prefix=${a#*=};; esac; done',
      'cat > Makefile <<EOF',
      'libmul.a: mul.c',
      '\t${CC:-cc} ${CFLAGS} -c mul.c -o mul.o && ${AR:-ar} rcs libmul.a mul.o',
      'install: libmul.a',
      '\tmkdir -p $prefix/lib $prefix/include && cp libmul.a $prefix/lib/ && cp mul.h $prefix/include/',
      'EOF',
      '',
    ].join('\n'),
  }, { configure: 0o755 });
  const dir = path.join(work, 'proj');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), `import { defineBuild, dependency, executable, recipe } from 'pogogen';
const mul = recipe({ name: 'mul', version: '2.0', source: { urls: ['file://${pin.file}'], sha256: '${pin.sha256}' }, build: { kind: 'configure' }, provides: { staticLibs: ['mul'] } });
export default defineBuild({ project: { name: 'x' }, targets: [dependency('mul', { recipe: mul }), executable('app', { sources: ['main.c'], deps: ['mul'] })] });
`);
  fs.writeFileSync(path.join(dir, 'main.c'), '#include <stdio.h>\n#include "mul.h"\nint main(void) { printf("%d\\n", mul_times(6, 7)); return 0; }\n');
  const env = { POGOGEN_CACHE: path.join(work, 'cache') };
  t.equal(pogogen(dir, [`--toolchain=${triple}`], env).code, 0);
  const b = ninja(dir, [], env);
  t.equal(b.code, 0, b.stdout);
  const out = `out/development.${triple}`;
  t.match(fs.readFileSync(path.join(dir, out, 'deps/.build/mul/src/configure.args'), 'utf8'), new RegExp(`^--host=${triple} --prefix=`), 'configure got --host first');
  t.equal(machine(path.join(dir, out, 'deps/mul/lib/libmul.a')), 'AArch64', 'the dependency\'s library is AArch64');
  t.equal(emulate(path.join(dir, out, 'bin/app'), []).stdout, '42\n', 'the program linked against it runs under qemu');

  // The native build of the same project keeps its own cache entry: the key includes the target.
  t.equal(pogogen(dir, [], env).code, 0);
  t.equal(ninja(dir, [], env).code, 0);
  t.equal(run(path.join(dir, 'out/development/bin/app'), []).stdout, '42\n', 'and the native build still works beside it');
  t.equal(fs.readdirSync(path.join(work, 'cache', 'built')).length, 2, 'two cache entries: native and aarch64');
});

t.test('the demo for aarch64: built, and its tests run under qemu by pogogen test', { skip: missing }, async (t) => {
  const dir = project({});
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(path.join(repo, 'examples'), path.join(dir, 'examples'), { recursive: true });
  fs.copyFileSync(path.join(repo, 'build.pogo.ts'), path.join(dir, 'build.pogo.ts'));
  const env = { POGOGEN_CACHE: path.join(dir, 'cache') };
  // The host's liburing and libcrypto are x86-64 packages: a cross build must not take them from pkg-config.
  const g = pogogen(dir, [`--toolchain=${triple}`, '--offline'], env);
  t.equal(g.code, 0, g.stderr);
  t.match(g.stdout, /dependency uring: absent \(pkg-config does not find liburing/, 'the host\'s liburing is not used');
  t.equal(ninja(dir, [], env).code, 0);
  const demo = path.join(dir, `out/development.${triple}/bin/demo`);
  t.equal(machine(demo), 'AArch64');
  t.equal(emulate(demo, ['set', 'x', 'y', 'get', 'x']).stdout, 'y\n', 'the demo runs under qemu');
  const tr = pogogen(dir, [`--toolchain=${triple}`, '--offline', 'test'], env);
  t.equal(tr.code, 0, tr.stdout + tr.stderr);
  t.match(tr.stdout, /4 passed, 0 failed/, 'all four tests pass under the emulator');
});
