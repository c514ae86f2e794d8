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

t.test('after a cold build, regenerating plans no restore: out/ holds that install already', async (t) => {
  const work = project({});
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
  const served = fs.mkdtempSync(path.join(work, 'served-'));
  const pin = archive(served, 'x-1.0', lib);
  const { dir, home } = setup(work, `file://${pin.file}`, pin.sha256);
  const env = { POGOGEN_CACHE: path.join(work, 'cache'), XDG_CACHE_HOME: home };

  t.equal((await pogogen(dir, [], env)).code, 0);
  const cold = built(dir, () => ninja(dir, [], env));
  t.equal(cold.run.code, 0, cold.run.stdout);
  t.match(cold.run.stdout, /INSTALL x 1\.0/, 'built from source into an empty cache');

  const report = await pogogen(dir, ['report'], env);
  t.equal(report.code, 0, report.stderr);
  t.notMatch(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'), /dep-step/, 'the regenerated build.ninja has no step for x');
  const after = built(dir, () => ninja(dir, [], env));
  t.notMatch(after.run.stdout, /RESTORE/);
  t.same(after.outputs, [], 'the next build does nothing');

  touchDescription(dir);
  const regen = built(dir, () => ninja(dir, [], env));
  t.equal(regen.run.code, 0, regen.run.stdout);
  t.match(regen.run.stdout, /GEN build\.ninja/);
  t.same(depSteps(regen.outputs), [], 'a regeneration by ninja restores nothing either');

  await t.test('a deleted install file is restored: ninja regenerates, and so does a plain re-run', async (t) => {
    const libFile = path.join(dir, 'out/development/deps/x/lib/libx.a');
    fs.rmSync(libFile);
    const r = built(dir, () => ninja(dir, [], env));
    t.equal(r.run.code, 0, r.run.stdout + r.run.stderr);
    t.match(r.run.stdout, /GEN build\.ninja[\s\S]*RESTORE x 1\.0 \(cached\)/, 'ninja regenerated, then restored');
    t.ok(fs.existsSync(libFile));
    t.equal(run(path.join(dir, 'out/development/bin/app'), []).stdout, '7\n');
    // Settle (the restore rewrote the stamp), then delete the stamp behind a plain re-run's back.
    t.equal((await pogogen(dir, [], env)).code, 0);
    t.notMatch(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'), /dep-step/, 'restored: no step again');
    fs.rmSync(path.join(dir, 'out/development/deps/x.stamp'));
    const again = await pogogen(dir, ['--verbose'], env);
    t.match(again.stderr, /validated/, 'the fast path does not hide a deleted install');
    t.match(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'), /RESTORE x 1\.0/);
    t.match(ninja(dir, [], env).stdout, /RESTORE x 1\.0/);
  });

  await t.test('the make backend plans no restore either', async (t) => {
    fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
    fs.rmSync(path.join(work, 'cache'), { recursive: true, force: true });
    t.equal((await pogogen(dir, ['--backend=make'], env)).code, 0);
    const first = run('make', ['-j2'], { cwd: dir, env });
    t.equal(first.code, 0, first.stdout + first.stderr);
    t.match(first.stdout, /INSTALL x 1\.0/);
    touchDescription(dir);
    const second = run('make', ['-j2'], { cwd: dir, env });
    t.equal(second.code, 0, second.stdout + second.stderr);
    t.match(second.stdout, /GEN Makefile/);
    t.notMatch(second.stdout, /RESTORE|INSTALL|LINK/, 'nothing restored or relinked');
    fs.rmSync(path.join(dir, 'out/development/deps/x/lib/libx.a'));
    const third = run('make', ['-j2'], { cwd: dir, env });
    t.equal(third.code, 0, third.stdout + third.stderr);
    t.match(third.stdout, /RESTORE x 1\.0/, 'a deleted install file is restored');
  });
});

t.test("a failed download of an 'auto' dependency is remembered until the pin, the mirrors or --offline change", async (t) => {
  const work = project({});
  const served = fs.mkdtempSync(path.join(work, 'served-'));
  const server = await serve(served);
  t.teardown(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });
  // The archive exists, but the server does not have it yet: every download fails.
  const held = fs.mkdtempSync(path.join(work, 'held-'));
  const pin = archive(held, 'x-1.0', lib);
  const { dir, home } = setup(work, `${server.base}/x-1.0.tar.gz`, pin.sha256, 'auto');
  const mirror = `${server.base}/mirror`;
  const env = { POGOGEN_CACHE: path.join(work, 'cache'), POGOGEN_MIRRORS: undefined, XDG_CACHE_HOME: home };
  const generate = async (args: string[] = [], extra: Record<string, string | undefined> = {}): Promise<string> => {
    touchDescription(dir); // a full generation each time, never the unchanged-re-run shortcut
    const r = await pogogen(dir, args, { ...env, ...extra });
    t.equal(r.code, 0, r.stderr);
    return r.stdout;
  };

  const first = await generate();
  t.equal(server.requests.length, 1, 'the first generation tries');
  t.match(first, /dependency x: absent \(.*404.*not tried again until its pin, POGOGEN_MIRRORS or --offline change/, 'and says it will not try again');
  const second = await generate();
  t.equal(server.requests.length, 1, 'the next generation does not try again');
  t.match(second, /dependency x: absent \(its download failed before and is not tried again; `pogogen fetch` does;/);
  t.notMatch(second, /404|until its pin/, 'the failure was said once');
  const b = ninja(dir, [], env);
  t.equal(b.code, 0, b.stdout + b.stderr);
  t.equal(run(path.join(dir, 'out/development/bin/app'), []).stdout, 'no x\n', 'built without it');

  await generate([], { POGOGEN_MIRRORS: mirror });
  t.same(server.requests.slice(1), [`/mirror/${pin.sha256}`, '/x-1.0.tar.gz'], 'other mirrors: tried again');
  await generate([], { POGOGEN_MIRRORS: mirror });
  t.equal(server.requests.length, 3, 'and remembered again');
  touchDescription(dir);
  const regen = ninja(dir, [], { ...env, POGOGEN_MIRRORS: undefined });
  t.equal(regen.code, 0, regen.stdout);
  t.match(regen.stdout, /GEN build\.ninja/);
  t.equal(server.requests.length, 3, 'ninja regenerating from a shell without POGOGEN_MIRRORS uses the recorded mirrors: nothing tried');

  await generate(['--offline'], { POGOGEN_MIRRORS: mirror });
  t.equal(server.requests.length, 3, '--offline downloads nothing');
  await generate([], { POGOGEN_MIRRORS: mirror });
  t.equal(server.requests.length, 5, 'after an --offline generation, the next one tries again');

  fs.copyFileSync(pin.file, path.join(served, 'x-1.0.tar.gz'));
  t.match(await generate([], { POGOGEN_MIRRORS: mirror }), /dependency x: absent/, 'the same pin stays remembered while upstream is back');
  t.equal(server.requests.length, 5);
  const fetched = await pogogen(dir, ['fetch'], env);
  t.equal(fetched.code, 0, fetched.stderr);
  t.equal(server.requests.length, 6, '`pogogen fetch` tries');
  t.match(await generate([], { POGOGEN_MIRRORS: mirror }), /dependency x: source \(x 1\.0 from source\)/, 'and the next generation uses the archive it fetched');
  t.notOk(fs.existsSync(path.join(dir, 'out/.pogogen/failed-downloads.json')), 'nothing is remembered any more');

  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(`${server.base}/gone/x-1.0.tar.gz`, 'a'.repeat(64), 'auto'));
  await generate();
  t.equal(server.requests.length, 7, 'a new pin is tried');
  await generate();
  t.equal(server.requests.length, 7, 'and its failure remembered');
  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(`${server.base}/gone/x-1.0.tar.gz`, 'b'.repeat(64), 'auto'));
  await generate();
  t.equal(server.requests.length, 8, 'another hash is another pin');
});
