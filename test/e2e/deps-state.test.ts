// One state whichever way a build with a source dependency is started: a plain generation, `pogogen report` from
// another shell, or ninja regenerating must agree on the dependency cache and mirrors, so none of them
// re-extracts, re-configures or rebuilds what the last build left in out/.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { built, ninja, pogogenAsync as pogogen, project, run } from '../helpers.ts';
import { archive, serve } from './served.ts';

// A plain Makefile library: make, make install PREFIX=...
const lib = {
  'x.h': 'int x_value(void);\n',
  'x.c': '#include "x.h"\nint x_value(void) { return 7; }\n',
  Makefile: 'all:\n\t$(CC) $(CFLAGS) -c x.c -o x.o && ar rcs libx.a x.o\ninstall: all\n\tmkdir -p $(PREFIX)/lib $(PREFIX)/include && cp libx.a $(PREFIX)/lib/ && cp x.h $(PREFIX)/include/\n',
};

function description(url: string, sha256: string, feature: 'enabled' | 'auto' = 'enabled'): string {
  return `import { defineBuild, dependency, executable, recipe } from 'pogogen';
const x = recipe({ name: 'x', version: '1.0', source: { urls: ['${url}'], sha256: '${sha256}' }, build: { kind: 'make' }, provides: { staticLibs: ['x'] } });
export default defineBuild({
  project: { name: 'state' },
  targets: [
    dependency('x', { recipe: x, feature: '${feature}', ifMissing: { defines: ['NOX'] } }),
    executable('app', { sources: ['main.c'], deps: ['x'] }),
  ],
});
`;
}

const mainC = '#include <stdio.h>\n#ifndef NOX\n#include "x.h"\n#endif\nint main(void) {\n#ifdef NOX\n  puts("no x");\n#else\n  printf("%d\\n", x_value());\n#endif\n  return 0;\n}\n';

/** A project using the archive at `url`; `home` is an empty XDG cache, the default a shell without POGOGEN_CACHE gets. */
function setup(work: string, url: string, sha256: string, feature: 'enabled' | 'auto' = 'enabled'): { dir: string; home: string } {
  const dir = path.join(work, 'proj');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(url, sha256, feature));
  fs.writeFileSync(path.join(dir, 'main.c'), mainC);
  const home = path.join(work, 'xdg');
  fs.mkdirSync(home, { recursive: true });
  return { dir, home };
}

/** Edits build.pogo.ts without changing what it describes: ninja must regenerate. */
function touchDescription(dir: string): void {
  const file = path.join(dir, 'build.pogo.ts');
  fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}\n`);
}

const depSteps = (outputs: readonly string[]): string[] => outputs.filter((o) => o.includes('/deps/'));

t.test('POGOGEN_CACHE and POGOGEN_MIRRORS are recorded: report and regeneration from a shell without them use the same cache', async (t) => {
  const work = project({});
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
  const served = fs.mkdtempSync(path.join(work, 'served-'));
  const pin = archive(served, 'x-1.0', lib);
  const { dir, home } = setup(work, `file://${pin.file}`, pin.sha256);
  const cache = path.join(work, 'cache');
  const mirror = 'http://127.0.0.1:9/mirror';
  const withCache = { POGOGEN_CACHE: cache, POGOGEN_MIRRORS: mirror, XDG_CACHE_HOME: home };
  const without = { POGOGEN_CACHE: undefined, POGOGEN_MIRRORS: undefined, XDG_CACHE_HOME: home };

  t.equal((await pogogen(dir, [], withCache)).code, 0);
  t.equal(ninja(dir, [], withCache).code, 0, 'a cold build');
  // Regenerate while the cache is set, so the build file settles on the cached result.
  touchDescription(dir);
  t.equal(ninja(dir, [], withCache).code, 0);
  const regen = /^rule regen\n {2}command = (.*)$/m.exec(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'))![1]!;
  t.match(regen, `POGOGEN_CACHE=${cache} `, 'the regeneration command names the cache');
  t.match(regen, `POGOGEN_MIRRORS=${mirror} `, 'and the mirrors');

  const text = fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8');
  const report = await pogogen(dir, ['report'], without);
  t.equal(report.code, 0, report.stderr);
  t.equal(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'), text, 'report from a shell without POGOGEN_CACHE rewrites nothing');
  const { run: b, outputs } = built(dir, () => ninja(dir, [], without));
  t.equal(b.code, 0, b.stdout);
  t.same(outputs, [], 'and the next build does nothing');

  touchDescription(dir);
  const { run: r, outputs: after } = built(dir, () => ninja(dir, [], without));
  t.equal(r.code, 0, r.stdout);
  t.match(r.stdout, /GEN build\.ninja/, 'ninja regenerated');
  t.same(depSteps(after), [], 'without extracting, configuring, building or restoring the dependency');
  t.notOk(fs.existsSync(path.join(home, 'pogogen', 'built')), 'nothing was built into the default cache');
  t.equal(run(path.join(dir, 'out/development/bin/app'), []).stdout, '7\n');
});
