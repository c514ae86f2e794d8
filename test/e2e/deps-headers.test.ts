// A dependency whose recipe stages its headers early: the project's objects compile while the library still
// builds, links wait for the library, and the install leaves unchanged headers alone (no needless recompiles).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { built, ninja, ninjaLog, pogogenAsync as pogogen, project, run } from '../helpers.ts';
import { archive, serve } from './served.ts';

// configure generates slow_ver.h; the library build takes a few seconds; install writes lib and both headers.
const slow = {
  'slow.h': '#include "slow_ver.h"\nint slow_value(void);\n',
  'slow.c': '#include "slow.h"\nint slow_value(void) { return SLOW_VERSION * 10; }\n',
  configure: '#!/bin/sh\necho "#define SLOW_VERSION 4" > slow_ver.h\n',
  Makefile: [
    'CC ?= cc',
    'all: libslow.a',
    'libslow.a: slow.c slow.h',
    '\tsleep 3; $(CC) $(CFLAGS) -c slow.c -o slow.o && ar rcs $@ slow.o',
    'install: libslow.a',
    '\tmkdir -p $(PREFIX)/lib $(PREFIX)/include/slow',
    '\tcp libslow.a $(PREFIX)/lib/ && cp slow.h slow_ver.h $(PREFIX)/include/slow/',
    '',
  ].join('\n'),
};

function description(base: string, sha256: string, copy = "{ from: 'slow.h', to: 'include/slow/slow.h' }, { from: 'slow_ver.h', to: 'include/slow/slow_ver.h' }", args = ''): string {
  return `
import { defineBuild, dependency, executable, recipe } from 'pogogen';
const slow = recipe({
  name: 'slow', version: '1.0',
  source: { urls: ['${base}/slow-1.0.tar.gz'], sha256: '${sha256}' },
  build: { kind: 'make', configure: ['sh', './configure'], args: [${args}] },
  headers: { after: 'configure', copy: [${copy}] },
  provides: { staticLibs: ['slow'], includeDirs: ['include/slow'] },
});
export default defineBuild({
  project: { name: 'early' },
  targets: [
    dependency('slow', { recipe: slow }),
    executable('app', { sources: ['main.c', 'two.c'], deps: ['slow'] }),
  ],
});
`;
}

t.test('objects wait only for a dependency\'s staged headers', async (t) => {
  const work = project({
    'proj/main.c': '#include <stdio.h>\n#include "slow.h"\nint two(void);\nint main(void) { printf("%d %d\\n", slow_value(), two()); return 0; }\n',
    'proj/two.c': '#include "slow_ver.h"\nint two(void) { return SLOW_VERSION; }\n',
  });
  const served = fs.mkdtempSync(path.join(work, 'served-'));
  const pin = archive(served, 'slow-1.0', slow);
  const server = await serve(served);
  const env = { POGOGEN_CACHE: path.join(work, 'cache'), POGOGEN_MIRRORS: undefined };
  const dir = path.join(work, 'proj');
  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(server.base, pin.sha256));
  t.teardown(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const gen = await pogogen(dir, [], env);
  t.equal(gen.code, 0, gen.stderr);
  const b = ninja(dir, ['-j2'], env);
  t.equal(b.code, 0, b.stdout + b.stderr);
  t.equal(run(path.join(dir, 'out/development/bin/app'), []).stdout, '40 4\n', 'built against the staged headers and linked');

  const log = ninjaLog(dir);
  const end = (suffix: string): number => log.find((r) => r.output.endsWith(suffix))!.end;
  const start = (suffix: string): number => log.find((r) => r.output.endsWith(suffix))!.start;
  const objStart = Math.min(start('app/main.c.o'), start('app/two.c.o'));
  t.ok(objStart >= end('deps/slow.headers.stamp'), 'objects start after the headers are staged');
  t.ok(objStart < end('deps/.build/slow/build.stamp'), `objects compile while the library builds (object at ${objStart} ms, library done at ${end('deps/.build/slow/build.stamp')} ms)`);
  t.ok(start('bin/app') >= end('deps/slow.stamp'), 'the link waits for the installed library');

  t.match(ninja(dir, [], env).stdout, /no work to do/, 'the install kept the staged headers\' mtimes: a second ninja does nothing');

  await t.test('a rebuilt dependency with identical headers recompiles no object', async (t) => {
    fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(server.base, pin.sha256, undefined, "'V=1'"));
    t.equal((await pogogen(dir, [], env)).code, 0);
    const { run: r, outputs } = built(dir, () => ninja(dir, [], env));
    t.equal(r.code, 0, r.stdout);
    t.ok(outputs.some((o) => o.endsWith('deps/.build/slow/build.stamp')), 'the dependency was rebuilt');
    t.notOk(outputs.some((o) => o.endsWith('.c.o')), `no object recompiled: ${outputs.join(', ')}`);
    t.ok(outputs.includes('out/development/bin/app'), 'the program relinked');
  });

  await t.test('rm -rf out restores headers and library from the cache in one step', async (t) => {
    fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
    t.equal((await pogogen(dir, [], env)).code, 0);
    const { run: r, outputs } = built(dir, () => ninja(dir, [], env));
    t.equal(r.code, 0, r.stdout);
    t.match(r.stdout, /RESTORE slow/);
    t.ok(outputs.includes('out/development/deps/slow.headers.stamp'), 'the restore writes the headers stamp too');
    t.equal(run(path.join(dir, 'out/development/bin/app'), []).stdout, '40 4\n');
  });

  await t.test('staging a header the install does not write fails the install, naming it', async (t) => {
    fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
    fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(server.base, pin.sha256, "{ from: 'slow.h', to: 'include/slow/slow.h' }, { from: 'slow_ver.h', to: 'include/slow/slow_ver.h' }, { from: 'slow_ver.h', to: 'include/extra.h' }", "'W=1'"));
    t.equal((await pogogen(dir, [], env)).code, 0);
    const r = ninja(dir, [], env);
    t.not(r.code, 0);
    t.match(r.stdout + r.stderr, /staged include\/extra\.h, which the install does not write/);
  });
});
