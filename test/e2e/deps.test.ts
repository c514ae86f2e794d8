// Dependency subprojects end to end: archives made here and served on 127.0.0.1, built by real make, a
// configure script and cmake, in parallel, cached by key, restored without building, locked.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { built, ninja, pogogenAsync as pogogen, project, run } from '../helpers.ts';
import { archive, serve } from './served.ts';

// A plain Makefile library: make, make install PREFIX=...
const adder = {
  'adder.h': 'int adder_add(int a, int b);\n',
  'adder.c': '#include "adder.h"\nint adder_add(int a, int b) { return a + b; }\n',
  Makefile: [
    'CC ?= cc',
    'all: libadder.a',
    'libadder.a: adder.o',
    '\tar rcs $@ adder.o',
    'adder.o: adder.c adder.h',
    '\tsleep 1; $(CC) $(CFLAGS) -c adder.c -o adder.o',
    'install: libadder.a',
    '\tmkdir -p $(PREFIX)/lib $(PREFIX)/include',
    '\tcp libadder.a $(PREFIX)/lib/ && cp adder.h $(PREFIX)/include/',
    '',
  ].join('\n'),
};

// An autotools-style library: ./configure --prefix --libdir writes the Makefile, honouring CC and CFLAGS.
const mul = {
  'mul.h': 'int mul_times(int a, int b);\n',
  'mul.c': '#include "mul.h"\nint mul_times(int a, int b) { return a * b; }\n',
  configure: [
    '#!/bin/sh',
    'prefix=/usr/local; libdir=',
    'while [ $# -gt 0 ]; do case "$1" in --prefix=*) prefix=${1#*=};; --libdir) shift; libdir=$1;; --libdir=*) libdir=${1#*=};; esac; shift; done',
    '[ -n "$libdir" ] || libdir=$prefix/lib',
    'sleep 1',
    'cat > Makefile <<EOF',
    'all: libmul.a',
    'libmul.a: mul.o',
    '\tar rcs libmul.a mul.o',
    'mul.o: mul.c',
    '\t${CC:-cc} ${CFLAGS} -c mul.c -o mul.o',
    'install: libmul.a',
    '\tmkdir -p $libdir $prefix/include',
    '\tcp libmul.a $libdir/ && cp mul.h $prefix/include/',
    'EOF',
    '',
  ].join('\n'),
};

// A CMake library.
const sub = {
  'sub.h': 'int sub_minus(int a, int b);\n',
  'sub.c': '#include "sub.h"\nint sub_minus(int a, int b) { return a - b; }\n',
  'CMakeLists.txt': [
    'cmake_minimum_required(VERSION 3.13)',
    'project(sub C)',
    'add_library(sub STATIC sub.c)',
    'install(TARGETS sub ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})',
    'install(FILES sub.h DESTINATION include)',
    '',
  ].join('\n'),
};

function description(base: string, pins: Record<string, { sha256: string }>, extra = ''): string {
  return `
import { defineBuild, dependency, executable, option, recipe } from 'pogogen';

const adder = recipe({
  name: 'adder', version: '1.0',
  source: { urls: ['${base}/adder-1.0.tar.gz'], sha256: '${pins.adder!.sha256}' },
  build: { kind: 'make' },
  provides: { staticLibs: ['adder'] },
});
const mul = recipe({
  name: 'mul', version: '2.0',
  source: { urls: ['${base}/mul-2.0.tar.gz'], sha256: '${pins.mul!.sha256}' },
  build: { kind: 'configure', args: [${extra}] },
  provides: { staticLibs: ['mul'] },
});
const sub = recipe({
  name: 'sub', version: '3.0',
  source: { urls: ['${base}/sub-3.0.tar.gz'], sha256: '${pins.sub!.sha256}' },
  build: { kind: 'cmake' },
  provides: { staticLibs: ['sub'] },
});

export default defineBuild({
  project: { name: 'deps' },
  options: { sub: option.feature('enabled') },
  targets: ({ options }) => [
    dependency('adder', { recipe: adder }),
    dependency('mul', { recipe: mul }),
    dependency('sub', { recipe: sub, feature: options.sub, ifMissing: { defines: ['NOSUB'] } }),
    executable('app', { sources: ['main.c'], deps: ['adder', 'mul', 'sub'] }),
    executable('plain', { sources: ['plain.c'] }),
  ],
});
`;
}

const mainC = `#include <stdio.h>
#include "adder.h"
#include "mul.h"
#ifndef NOSUB
#include "sub.h"
#endif
int main(void) {
#ifdef NOSUB
    printf("%d %d nosub\\n", adder_add(2, 3), mul_times(2, 3));
#else
    printf("%d %d %d\\n", adder_add(2, 3), mul_times(2, 3), sub_minus(2, 3));
#endif
    return 0;
}
`;

t.test('source dependencies: fetch, build in parallel, cache, restore, lock', async (t) => {
  const work = project({});
  const served = fs.mkdtempSync(path.join(work, 'served-'));
  const pins = {
    adder: archive(served, 'adder-1.0', adder),
    mul: archive(served, 'mul-2.0', mul, { configure: 0o755 }),
    sub: archive(served, 'sub-3.0', sub),
  };
  const server = await serve(served);
  const cache = path.join(work, 'cache');
  const env = { POGOGEN_CACHE: cache, POGOGEN_MIRRORS: undefined };
  const dir = path.join(work, 'proj');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(server.base, pins));
  fs.writeFileSync(path.join(dir, 'main.c'), mainC);
  fs.writeFileSync(path.join(dir, 'plain.c'), 'int main(void) { return 0; }\n');
  t.teardown(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const gen = await pogogen(dir, [], env);
  t.equal(gen.code, 0, gen.stderr);
  t.same(server.requests.sort(), ['/adder-1.0.tar.gz', '/mul-2.0.tar.gz', '/sub-3.0.tar.gz'], 'each archive downloaded once');
  t.match(gen.stdout, /dependency adder: source \(adder 1\.0 from source\)/, 'says where each dependency came from');
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'pogogen.lock'), 'utf8'));
  t.same(lock.dependencies.adder, { recipe: 'adder', version: '1.0', urls: [`${server.base}/adder-1.0.tar.gz`], sha256: pins.adder.sha256 }, 'the lock records the pin, nothing of this machine');
  const chosen = JSON.parse(fs.readFileSync(path.join(dir, 'out/development/dependencies.json'), 'utf8'));
  t.equal(chosen.adder.source, 'source', 'where it came from is kept in out/');
  t.match(chosen.adder.key, /^[0-9a-f]{64}$/, 'with the cache key of its build');

  t.equal((await pogogen(dir, [], env)).code, 0);
  t.equal(server.requests.length, 3, 'a second generation makes no request');

  const b = ninja(dir, ['-j2'], env);
  t.equal(b.code, 0, b.stdout + b.stderr);
  t.equal(run(path.join(dir, 'out/development/bin/app'), []).stdout, '5 6 -1\n', 'linked against all three');
  t.match(ninja(dir, [], env).stdout, /no work to do/, 'a second ninja does nothing');

  await t.test('independent dependencies build at the same time', async (t) => {
    const log = fs.readFileSync(path.join(dir, 'out/development/.ninja_log'), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split('\t'));
    const span = (dep: string): [number, number] => {
      const rows = log.filter((r) => r[3]!.includes(`deps/.build/${dep}/`) || r[3]!.includes(`deps/${dep}.stamp`));
      return [Math.min(...rows.map((r) => Number(r[0]))), Math.max(...rows.map((r) => Number(r[1])))];
    };
    const [a0, a1] = span('adder');
    const [m0, m1] = span('mul');
    t.ok(a0 < m1 && m0 < a1, `adder [${a0}, ${a1}] and mul [${m0}, ${m1}] overlap`);
    const plainObj = log.find((r) => r[3]!.endsWith('obj/plain/plain.c.o'))!;
    t.ok(Number(plainObj[0]) < a1, 'an object that needs no dependency does not wait for them');
  });

  await t.test('rm -rf out restores every dependency from the cache without building', async (t) => {
    fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
    const g = await pogogen(dir, [], env);
    t.equal(g.code, 0, g.stderr);
    t.match(g.stdout, /built result cached/);
    const { run: r, outputs } = built(dir, () => ninja(dir, [], env));
    t.equal(r.code, 0, r.stdout);
    t.notOk(outputs.some((o) => o.includes('configure.stamp') || o.includes('build.stamp')), 'no configure or build step ran');
    t.match(r.stdout, /RESTORE adder/);
    t.equal(run(path.join(dir, 'out/development/bin/app'), []).stdout, '5 6 -1\n');
    t.equal(server.requests.length, 3, 'and nothing was downloaded');
  });

  await t.test('a changed recipe argument rebuilds only that dependency and its dependents', async (t) => {
    fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(server.base, pins, "'--enable-something'"));
    const g = await pogogen(dir, [], env);
    t.equal(g.code, 0, g.stderr);
    const { run: r, outputs } = built(dir, () => ninja(dir, [], env));
    t.equal(r.code, 0, r.stdout);
    t.ok(outputs.some((o) => o.includes('deps/.build/mul/configure.stamp')), 'mul reconfigured');
    t.notOk(outputs.some((o) => o.includes('/adder') || o.includes('/sub')), 'adder and sub untouched');
    t.ok(outputs.includes('out/development/bin/app'), 'app relinked');
    t.notOk(outputs.includes('out/development/bin/plain'), 'plain untouched');
  });

  await t.test('--offline: cache hits work, misses are absent or errors', async (t) => {
    const other = path.join(work, 'cache2');
    const r = await pogogen(dir, ['--offline'], { POGOGEN_CACHE: other });
    t.equal(r.code, 1, 'enabled dependencies missing offline are an error');
    t.match(r.stderr, /dependency "adder" is required but not available: --offline and adder 1\.0 is not in the cache/);
    const before = server.requests.length;
    t.equal((await pogogen(dir, ['--offline'], env)).code, 0, 'with the cache it works offline');
    const auto = await pogogen(dir, ['--offline', '-D', 'sub=auto'], { POGOGEN_CACHE: other });
    t.equal(auto.code, 1, 'adder still required');
    t.equal(server.requests.length, before, 'offline makes no request');
  });

  await t.test('a feature set to disabled applies ifMissing', async (t) => {
    t.equal((await pogogen(dir, ['-D', 'sub=disabled'], env)).code, 0);
    t.equal(ninja(dir, [], env).code, 0);
    t.equal(run(path.join(dir, 'out/development/bin/app'), []).stdout, '5 6 nosub\n');
    t.equal((await pogogen(dir, [], env)).code, 0);
  });

  await t.test('--frozen fails when the lock would change', async (t) => {
    t.equal((await pogogen(dir, ['--frozen'], env)).code, 0, 'unchanged lock passes');
    t.equal((await pogogen(dir, ['--frozen', '--profile=testing'], env)).code, 0, 'another profile (other cache keys) locks the same sources');
    t.equal((await pogogen(dir, ['--frozen', '-D', 'sub=disabled'], env)).code, 0, 'so does a dependency turned off here');
    const lockFile = path.join(dir, 'pogogen.lock');
    const text = fs.readFileSync(lockFile, 'utf8');
    fs.writeFileSync(lockFile, text.replace(pins.adder.sha256, 'e'.repeat(64)));
    const r = await pogogen(dir, ['--frozen'], env);
    t.equal(r.code, 1, 'a pin that differs from the recipe fails');
    t.match(r.stderr, /pogogen\.lock would change and --frozen forbids it/);
    t.equal((await pogogen(dir, [], env)).code, 0);
    t.equal(fs.readFileSync(lockFile, 'utf8'), text, 'without --frozen the lock is rewritten from the recipes');
  });

  await t.test('a hash mismatch names the URL and both hashes and caches nothing', async (t) => {
    const bad = { ...pins, adder: { sha256: 'f'.repeat(64) } };
    const cache3 = path.join(work, 'cache3');
    fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(server.base, bad));
    const r = await pogogen(dir, [], { POGOGEN_CACHE: cache3 });
    t.equal(r.code, 1);
    t.match(r.stderr, new RegExp(`${server.base}/adder-1\\.0\\.tar\\.gz`));
    t.match(r.stderr, /f{64}/);
    t.match(r.stderr, new RegExp(pins.adder.sha256));
    const leftovers = fs.existsSync(path.join(cache3, 'archives')) ? run('find', [path.join(cache3, 'archives'), '-type', 'f']).stdout.trim() : '';
    t.notMatch(leftovers, /f{64}|adder/, 'nothing cached for the bad pin');
  });
});
