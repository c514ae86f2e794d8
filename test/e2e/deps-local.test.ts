// A recipe whose source is a directory of the project (a vendored tree with its own configure): built with real
// sh, make, gcc and ninja from a copy under out/, never written into; an edit under it rebuilds the dependency and
// the program, an unchanged tree rebuilds nothing; the lock records its path and tree hash; a bad path is refused.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { built, fixture, ninja, pogogen, run, touch, write } from '../helpers.ts';

const description = (source: string): string => `import { defineBuild, dependency, executable, recipe } from 'pogogen';

const greet = recipe({
  name: 'greet',
  version: 'vendored',
  source: { path: ${JSON.stringify(source)} },
  build: { kind: 'configure' },
  provides: { staticLibs: ['greet'] },
});

export default defineBuild({
  project: { name: 'greeter' },
  targets: [dependency('greet', { recipe: greet }), executable('greeter', { sources: ['src/main.c'], deps: ['greet'] })],
});
`;

/** Every file under `dir` with its content hash and mode: what a build must not change. */
function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = path.join(e.parentPath, e.name);
    const st = fs.lstatSync(p);
    out[path.relative(dir, p)] = st.isDirectory() ? 'dir' : `${(st.mode & 0o777).toString(8)} ${crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`;
  }
  return out;
}

t.test('a vendored directory as a recipe source: built from a copy, rebuilt on edit, cached when unchanged', async (t) => {
  const dir = fixture('init-vendored');
  const cache = `${dir}.cache`;
  t.teardown(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  });
  const env = { POGOGEN_CACHE: cache };
  write(dir, { 'build.pogo.ts': description('deps/libgreet/') });
  const vendored = path.join(dir, 'deps');
  const before = listing(vendored);

  const gen = pogogen(dir, [], env);
  t.equal(gen.code, 0, gen.stderr);
  t.match(gen.stdout, /dependency greet: source \(greet vendored from deps\/libgreet\)/);
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'pogogen.lock'), 'utf8'));
  t.same(Object.keys(lock.dependencies.greet).sort(), ['path', 'recipe', 'treeSha256', 'version'], 'the lock records a path and a tree hash, no URL');
  t.equal(lock.dependencies.greet.path, 'deps/libgreet');
  t.match(lock.dependencies.greet.treeSha256, /^[0-9a-f]{64}$/);
  const b = ninja(dir, [], env);
  t.equal(b.code, 0, b.stdout);
  t.match(b.stdout, /COPY greet vendored from deps\/libgreet/);
  t.equal(run(path.join(dir, 'out/development/bin/greeter'), []).stdout, 'hello x42\n', 'the program runs against the vendored library');
  t.match(ninja(dir, [], env).stdout, /no work to do/, 'a second build does nothing');
  t.same(listing(vendored), before, 'the build wrote nothing into the vendored directory');
  t.ok(fs.existsSync(path.join(dir, 'out/development/deps/.build/greet/src/Makefile')), 'configure ran in the copy under out/');

  await t.test('an unchanged re-run: the fast path, then the cached build; nothing rebuilt', async (t) => {
    const again = pogogen(dir, ['--verbose'], env);
    t.equal(again.code, 0, again.stderr);
    t.match(again.stderr, /nothing changed since the last generation/, 'the fast path answers');
    t.match(ninja(dir, [], env).stdout, /no work to do/);
    const full = pogogen(dir, ['--offline'], env);
    t.equal(full.code, 0, full.stderr);
    t.match(full.stdout, /built result cached/, 'the same tree is a cache hit, offline too');
    const { run: r, outputs } = built(dir, () => ninja(dir, [], env));
    t.equal(r.code, 0, r.stdout);
    t.notOk(outputs.some((o) => o.includes('deps/')), `no dependency step ran: ${outputs.join(', ')}`);
    t.notOk(outputs.includes('out/development/bin/greeter'), 'the program is not relinked');
  });

  await t.test('editing a vendored file regenerates, rebuilds the dependency and relinks the program', async (t) => {
    const word = path.join(vendored, 'libgreet/word.h');
    fs.writeFileSync(word, '#define GREET_WORD "howdy"\n');
    touch(word);
    const { run: r, outputs } = built(dir, () => ninja(dir, [], env));
    t.equal(r.code, 0, r.stdout);
    t.match(r.stdout, /GEN build\.ninja/, 'ninja regenerated: the file is an input of the regeneration rule');
    t.ok(outputs.some((o) => o.endsWith('deps/.build/greet/build.stamp')), 'the dependency was rebuilt');
    t.ok(outputs.includes('out/development/bin/greeter'), 'the program was relinked');
    t.equal(run(path.join(dir, 'out/development/bin/greeter'), []).stdout, 'howdy x42\n');
    t.match(ninja(dir, [], env).stdout, /no work to do/, 'then nothing');
    t.same(Object.keys(listing(vendored)).sort(), Object.keys(before).sort(), 'still no build products in the vendored directory');
    const lockNow = JSON.parse(fs.readFileSync(path.join(dir, 'pogogen.lock'), 'utf8'));
    t.not(lockNow.dependencies.greet.treeSha256, lock.dependencies.greet.treeSha256, 'the lock follows the tree');
  });

  await t.test('--frozen refuses a lock the vendored tree no longer matches; fetch has nothing to download', async (t) => {
    fs.writeFileSync(path.join(vendored, 'libgreet/word.h'), '#define GREET_WORD "hi"\n');
    const frozen = pogogen(dir, ['--frozen'], env);
    t.equal(frozen.code, 1);
    t.match(frozen.stderr, /pogogen\.lock would change and --frozen forbids it/);
    const fetched = pogogen(dir, ['fetch'], env);
    t.equal(fetched.code, 0, fetched.stderr);
    t.match(fetched.stdout, /greet: nothing to fetch, built from the project's deps\/libgreet/);
    t.match(fetched.stdout, /0 archives/);
  });
});

t.test('a bad local path is refused with the field named, exit 1 and no build file', async (t) => {
  const dir = fixture('init-vendored');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'deps/not-a-dir'), '');
  const cases: [string, RegExp][] = [
    ['/usr/include', /"\/usr\/include" is not a relative path: name the directory relative to the project root/],
    ['../deps/libgreet', /"\.\.\/deps\/libgreet" leads outside the project: a local source must be a directory inside it/],
    ['deps/../../x', /"deps\/\.\.\/\.\.\/x" leads outside the project/],
    ['deps/libmissing', /dependency "greet" builds from "deps\/libmissing", which does not exist in the project/],
    ['deps/not-a-dir', /which is not a directory in the project/],
    ['out/development', /is under out\/, which pogogen writes/],
  ];
  for (const [p, message] of cases) {
    write(dir, { 'build.pogo.ts': description(p) });
    const r = pogogen(dir, [], { POGOGEN_CACHE: `${dir}/.cache` });
    t.equal(r.code, 1, `${p}: exit 1`);
    t.match(r.stderr, /^build\.pogo\.ts:\d+: error: targets\[0\]\.recipe\.source\.path: /, `${p}: file, line and field`);
    t.match(r.stderr, message, `${p}: says what is wrong`);
    t.notOk(fs.existsSync(path.join(dir, 'build.ninja')), `${p}: no build.ninja`);
  }
  fs.symlinkSync('/usr/include', path.join(dir, 'deps/outside'));
  write(dir, { 'build.pogo.ts': description('deps/outside') });
  const r = pogogen(dir, [], { POGOGEN_CACHE: `${dir}/.cache` });
  t.equal(r.code, 1);
  t.match(r.stderr, /builds from "deps\/outside", which is a symlink to \/usr\/include, outside the project/);
  t.notOk(fs.existsSync(path.join(dir, 'build.ninja')));
});
