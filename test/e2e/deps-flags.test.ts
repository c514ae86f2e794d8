// What a source-built dependency takes from the profile: its optimisation level always; LTO, sanitizers, coverage
// and full debug info only when the dependency opts in. Checked on the built archive itself (readelf sections),
// on the flags its build got (plan.json) and on the cache key.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ninja, pogogen, project, run } from '../helpers.ts';
import { archive } from './served.ts';

const lib = {
  'adder.h': 'int adder_add(int a, int b);\n',
  'adder.c': '#include "adder.h"\nstatic int twice(int x) { int y = x; return y + y; }\nint adder_add(int a, int b) { return twice(a) / 2 + b; }\n',
  Makefile: ['all: libadder.a', 'libadder.a: adder.o', '\t$(AR) rcs $@ adder.o', 'adder.o: adder.c adder.h', '\t$(CC) $(CFLAGS) -c adder.c -o adder.o', 'install: libadder.a', '\tmkdir -p $(PREFIX)/lib $(PREFIX)/include', '\tcp libadder.a $(PREFIX)/lib/ && cp adder.h $(PREFIX)/include/', ''].join('\n'),
};

const description = (url: string, sha256: string, inherit: string): string => `
import { defineBuild, dependency, executable, recipe } from 'pogogen';
const adder = recipe({ name: 'adder', version: '1.0', source: { urls: ['${url}'], sha256: '${sha256}' }, build: { kind: 'make' }, provides: { staticLibs: ['adder'] } });
export default defineBuild({
  project: { name: 'flags' },
  targets: [
    dependency('adder', { recipe: adder${inherit} }),
    executable('app', { sources: ['main.c'], deps: ['adder'] }),
  ],
});
`;

interface Built {
  readonly cflags: string;
  readonly ar: string;
  readonly sections: string;
  readonly key: string;
}

t.test('dependencies take the optimisation level, and LTO, sanitizers and full debug info only when they opt in', async (t) => {
  const work = project({ 'main.c': '#include <stdio.h>\n#include "adder.h"\nint main(void) { printf("%d\\n", adder_add(2, 3)); return 0; }\n' });
  const pin = archive(work, 'adder-1.0', lib);
  const env = { POGOGEN_CACHE: path.join(work, 'cache'), POGOGEN_MIRRORS: undefined };
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));

  const build = (profile: string, inherit: string): Built => {
    fs.writeFileSync(path.join(work, 'build.pogo.ts'), description(`file://${pin.file}`, pin.sha256, inherit));
    const gen = pogogen(work, [`--profile=${profile}`], env);
    t.equal(gen.code, 0, gen.stderr);
    const b = ninja(work, ['-C', '.', `out/${profile}/bin/app`], env);
    t.equal(b.code, 0, b.stdout + b.stderr);
    const app = run(path.join(work, `out/${profile}/bin/app`), [], { env: { ASAN_OPTIONS: 'detect_leaks=0' } });
    t.equal(app.stdout, '5\n', `${profile}${inherit}: the program runs against the dependency`);
    const plan = JSON.parse(fs.readFileSync(path.join(work, `out/${profile}/deps/.build/adder/plan.json`), 'utf8')) as { key: string; env: Record<string, string> };
    const sections = run('readelf', ['-S', '-W', path.join(work, `out/${profile}/deps/adder/lib/libadder.a`)]).stdout;
    return { cflags: plan.env.CFLAGS!, ar: plan.env.AR!, sections, key: plan.key };
  };

  const prod = build('production', '');
  t.match(prod.cflags, /-O3/, 'production: the profile\'s optimisation level');
  t.match(prod.cflags, /-DNDEBUG/, 'and NDEBUG');
  t.notMatch(prod.cflags, /-flto/, 'but no LTO by default');
  t.notMatch(prod.sections, /\.gnu\.lto_/, 'the archive holds machine code, not LTO bytecode: the program\'s LTO link does not re-optimise it');
  t.equal(prod.ar, 'ar', 'plain ar for a non-LTO dependency');

  const prodLto = build('production', ', inherit: { lto: true }');
  t.match(prodLto.cflags, /-flto=auto/, 'inherit.lto: the dependency is compiled for LTO');
  t.match(prodLto.sections, /\.gnu\.lto_/, 'its archive holds LTO bytecode');
  t.equal(prodLto.ar, 'gcc-ar', 'archived with the LTO-aware archiver');
  t.not(prodLto.key, prod.key, 'opting in is another cache entry');

  const dev = build('development', '');
  t.match(dev.cflags, /-O0/, 'development: -O0 like the project');
  t.match(dev.cflags, /(^| )-g1( |$)/, 'line tables only');
  t.notMatch(dev.cflags, /-g3|-fsanitize/, 'no -g3 and no sanitizers by default');
  t.notMatch(dev.sections, /\.debug_macro/, 'no macro debug info in the archive');
  t.match(dev.sections, /\.debug_line/, 'but line tables, for file:line in backtraces');

  const devFull = build('development', ", inherit: { sanitize: true, debug: 'full' }");
  t.match(devFull.cflags, /-fsanitize=address,undefined/, 'inherit.sanitize: the profile\'s sanitizers');
  t.match(devFull.cflags, /(^| )-g3( |$)/, "debug: 'full': the profile's -g3");
  t.match(devFull.sections, /\.debug_macro/, 'full debug info in the archive');
  const nm = run('nm', [path.join(work, 'out/development/deps/adder/lib/libadder.a')]).stdout;
  t.match(nm, /__asan_/, 'the objects are instrumented');
  t.not(devFull.key, dev.key, 'another cache entry');

  const none = build('development', ", inherit: { debug: 'none' }");
  t.notMatch(none.cflags, /(^| )-g/, "debug: 'none': no -g at all");
  t.notMatch(none.sections, /\.debug_info/, 'no debug info in the archive');
});

t.test('an unknown inherit field is refused with its path', async (t) => {
  const dir = project({
    'main.c': 'int main(void) { return 0; }\n',
    'build.pogo.ts': description('file:///nonexistent.tar.gz', '0'.repeat(64), ', inherit: { lto: true, tsan: true }'),
  });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const gen = pogogen(dir, []);
  t.equal(gen.code, 1);
  t.match(gen.stderr, /inherit/, 'the message names the field');
  t.match(gen.stderr, /tsan/, 'and the unknown key');
  t.notMatch(gen.stderr, /\n\s+at /, 'no stack trace');
  t.notOk(fs.existsSync(path.join(dir, 'build.ninja')), 'nothing written');
});
