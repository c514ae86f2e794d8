import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { action, executable, objectSet, option, sharedLibrary, staticLibrary } from '../../lib/model/api.ts';
import { mergeProfile } from '../../lib/model/profiles.ts';
import { validate } from '../../lib/model/validate.ts';
import { resolve } from '../../lib/resolve/resolve.ts';
import { listDirs, listSources } from '../../lib/resolve/files.ts';
import type { Graph } from '../../lib/resolve/graph.ts';
import { project } from '../helpers.ts';

const toolchain = { family: 'gcc', version: '12.2.0', cc: ['cc'] } as const;

function graphOf(description: unknown, files: string[], opts: { profile?: string; defines?: Record<string, string> } = {}): Graph {
  const root = project(Object.fromEntries(files.map((f) => [f, '/* c */\n'])));
  const main = path.join(root, 'build.pogo.ts');
  const model = validate(description, { root, src: { main, texts: new Map([[main, '']]) }, profile: opts.profile ?? 'development', defines: opts.defines ?? {}, toolchain, platform: 'linux' });
  const g = resolve(model, { sources: listSources(model) });
  fs.rmSync(root, { recursive: true, force: true });
  return g;
}

const target = (g: Graph, name: string) => g.targets.find((x) => x.name === name)!;

t.test('public settings reach direct dependents; publicDeps re-export them', async (t) => {
  const c = staticLibrary('c', { sources: ['c.c'], public: { includeDirs: ['inc/c'], defines: ['C'] }, includeDirs: ['private/c'] });
  const b = staticLibrary('b', { sources: ['b.c'], deps: [c], public: { includeDirs: ['inc/b'] } });
  const a = staticLibrary('a', { sources: ['a.c'], publicDeps: [b] });
  const exe = executable('exe', { sources: ['main.c'], deps: [a] });
  const g = graphOf({ project: { name: 'p' }, targets: [a, b, c, exe] }, ['a.c', 'b.c', 'c.c', 'main.c']);
  t.same(target(g, 'c').compiled!.compile.includeDirs, ['private/c', 'inc/c'], 'own private then public');
  t.same(target(g, 'b').compiled!.compile.includeDirs, ['inc/b', 'inc/c'], 'b sees c (direct dep)');
  t.same(target(g, 'b').compiled!.compile.defines, ['C']);
  t.same(target(g, 'a').compiled!.compile.includeDirs, ['inc/b'], "a sees b's public but not c's (b's dep on c is private)");
  t.same(target(g, 'exe').compiled!.compile.includeDirs, ['inc/b'], 'exe sees b through a.publicDeps');
});

t.test('static libraries link transitively in dependency order with their libs', async (t) => {
  const c = staticLibrary('c', { sources: ['c.c'], libs: ['m'] });
  const b = staticLibrary('b', { sources: ['b.c'], deps: [c], public: { libs: ['pthread'] } });
  const a = staticLibrary('a', { sources: ['a.c'], deps: [b, c] });
  const exe = executable('exe', { sources: ['main.c'], deps: [a], ldflags: ['-Wl,-z,now'] });
  const g = graphOf({ project: { name: 'p' }, targets: [exe] }, ['a.c', 'b.c', 'c.c', 'main.c']);
  t.same(g.targets.map((x) => x.name), ['a', 'b', 'c', 'exe'], 'targets referenced by object are included, sorted');
  const link = target(g, 'exe').link!;
  t.same(link.libraries, ['a', 'b', 'c'], 'dependents before dependencies');
  t.same(link.libs, ['pthread', 'm'], "c's private libm still reaches the final link");
  t.same(link.ldflags, ['-Wl,-z,now']);
  t.equal(link.needsRpath, false);
});

t.test('a shared library stops the static chain; object sets link into dependents', async (t) => {
  const x = staticLibrary('x', { sources: ['x.c'], libs: ['m'] });
  const so = sharedLibrary('so', { sources: ['so.c'], deps: [x], version: '1.2.3', public: { libs: ['dl'] } });
  const objs = objectSet('objs', { sources: ['o.c'] });
  const exe = executable('exe', { sources: ['main.c'], deps: [so, objs] });
  const g = graphOf({ project: { name: 'p' }, targets: [exe] }, ['x.c', 'so.c', 'o.c', 'main.c']);
  t.same(target(g, 'exe').link!.libraries, ['objs', 'so']);
  t.same(target(g, 'exe').link!.libs, ['dl'], "x's libm stays inside the shared library");
  t.equal(target(g, 'exe').link!.needsRpath, true);
  t.same(target(g, 'so').link!.libraries, ['x']);
  t.same(target(g, 'so').link!.libs, ['dl', 'm']);
  t.same(target(g, 'so').shared, { soname: 'libso.so.1', links: ['libso.so.1', 'libso.so'] });
  t.same(target(g, 'so').outputs, ['out/development/lib/libso.so.1.2.3', 'out/development/lib/libso.so.1', 'out/development/lib/libso.so']);
  t.equal(target(g, 'x').compiled!.pic, true, 'static libraries are PIC by default');
  t.equal(target(g, 'exe').compiled!.pic, false);
});

t.test('an action gives its dependents the gen dir and an order-only edge', async (t) => {
  const gen = action('gen', { command: ['touch', '{out}'], outputs: ['a.h', 'sub/b.h'] });
  const lib = staticLibrary('lib', { sources: ['l.c'], publicDeps: [gen] });
  const exe = executable('exe', { sources: ['main.c'], deps: [lib] });
  const other = executable('other', { sources: ['o.c'] });
  const g = graphOf({ project: { name: 'p' }, targets: [exe, other] }, ['l.c', 'main.c', 'o.c'], { profile: 'prod' });
  t.equal(g.outDir, 'out/production', 'the alias prod names the production profile');
  t.same(target(g, 'lib').compiled!.generated, ['out/production/gen/a.h', 'out/production/gen/sub/b.h']);
  t.same(target(g, 'exe').compiled!.generated, ['out/production/gen/a.h', 'out/production/gen/sub/b.h'], 're-exported by publicDeps');
  t.same(target(g, 'exe').compiled!.compile.includeDirs, ['out/production/gen']);
  t.same(target(g, 'other').compiled!.generated, [], 'unrelated targets do not wait');
});

t.test('options: defaults, -D values, typed checks', async (t) => {
  const seen: unknown[] = [];
  const description = {
    project: { name: 'p' },
    options: { tls: option.feature('auto'), fast: option.bool(false), alloc: option.enum(['libc', 'jemalloc'], 'libc'), name: option.string('x') },
    targets: (ctx: { options: unknown; profile: string; compiler: unknown }) => {
      seen.push(ctx.options, ctx.profile, ctx.compiler);
      return [executable('exe', { sources: ['main.c'] })];
    },
  };
  graphOf(description, ['main.c'], { defines: { fast: 'yes', alloc: 'jemalloc', tls: 'disabled', name: 'a b' } });
  t.same(seen[0], { tls: 'disabled', fast: true, alloc: 'jemalloc', name: 'a b' });
  t.equal(seen[1], 'development');
  t.same(seen[2], { family: 'gcc', version: '12.2.0', command: 'cc' });
  t.throws(() => graphOf(description, ['main.c'], { defines: { fast: 'maybe' } }), /invalid value "maybe" for bool option "fast"/);
  t.throws(() => graphOf(description, ['main.c'], { defines: { alloc: 'tcmalloc' } }), /invalid value "tcmalloc" for enum option "alloc"/);
});

t.test('profiles merge: built-in, override, extends', async (t) => {
  const p = mergeProfile('bench', { production: { cflags: ['-O2'] }, bench: { extends: 'production', strip: false } });
  t.same(p, { name: 'bench', cflags: ['-O2'], defines: ['NDEBUG'], ldflags: [], sanitize: [], lto: true, strip: false, coverage: false, splitDebug: false, reproducible: true, pgo: false });
  t.same(mergeProfile('a', { a: { extends: 'b' }, b: { extends: 'a' } }), { cycle: ['a', 'b', 'a'] });
  t.same(mergeProfile('dev2', { dev2: { extends: 'nope' } }), { unknown: 'nope', from: 'dev2' });
});

t.test('listDirs reads the literal sources\' directories ahead; resolve takes them over and agrees', async (t) => {
  const root = project({ 'src/a.c': '', 'src/b.c': '', 'lib/x/y.c': '', 'top.c': '' });
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const lib = staticLibrary('lib', { sources: ['lib/x/y.c', 'lib/x/*.c'] });
  const app = executable('app', { sources: ['src/a.c', 'src/b.c', 'top.c', 'gone/z.c', 42 as unknown as string], deps: [lib] });
  const description = { project: { name: 'p' }, targets: [app, lib, null, { sources: 'not a list' }] };
  const listings = await listDirs(root, description);
  t.same(
    [...listings].map(([d, names]) => [path.relative(root, d), names === null ? null : [...names].sort()]).sort(),
    [
      ['', ['lib', 'src', 'top.c']],
      ['gone', null],
      ['lib/x', ['y.c']],
      ['src', ['a.c', 'b.c']],
    ],
    'each directory once; a missing one is null; globs and non-strings are skipped',
  );
  const odd = await listDirs(root, { get targets(): unknown { throw new Error('getter'); } });
  t.equal(odd.size, 0, 'a description that throws when read lists nothing (validation reports it)');

  const main = path.join(root, 'build.pogo.ts');
  const fine = { project: { name: 'p' }, targets: [executable('app', { sources: ['src/a.c', 'src/b.c', 'top.c'], deps: [lib] }), lib] };
  const model = validate(fine, { root, src: { main, texts: new Map([[main, '']]) }, profile: 'development', defines: {}, toolchain, platform: 'linux' });
  const ahead = resolve(model, { sources: listSources(model, await listDirs(root, fine)) });
  const plain = resolve(model, { sources: listSources(model) });
  t.same(ahead.targets.map((x) => x.compiled?.sources), plain.targets.map((x) => x.compiled?.sources), 'the same sources either way');
  t.same(target(ahead, 'app').compiled!.sources, ['src/a.c', 'src/b.c', 'top.c']);

  // Taken over as given, not read again: a listing that names a file the disk lacks lets it through.
  const ghost = { project: { name: 'p' }, targets: [executable('app', { sources: ['src/ghost.c'] })] };
  const ghostModel = validate(ghost, { root, src: { main, texts: new Map([[main, '']]) }, profile: 'development', defines: {}, toolchain, platform: 'linux' });
  t.throws(() => resolve(ghostModel, { sources: listSources(ghostModel) }), /missing source file: src\/ghost\.c/, 'read from disk: missing');
  const told = new Map([[path.join(root, 'src'), new Set(['a.c', 'b.c', 'ghost.c'])]]);
  t.same(target(resolve(ghostModel, { sources: listSources(ghostModel, told) }), 'app').compiled!.sources, ['src/ghost.c'], 'from the listings: present');
});

t.test('given a listing, resolve reads no disk: the files and globs it names are all it knows', async (t) => {
  const root = project({ 'src/a.c': '', 'src/b.c': '', 'inc/x.h': '' });
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const main = path.join(root, 'build.pogo.ts');
  const description = { project: { name: 'p' }, targets: [staticLibrary('lib', { sources: ['src/*.c'], installHeaders: ['inc/x.h'] }), executable('app', { sources: ['src/a.c'], deps: ['lib'] })] };
  const model = validate(description, { root, src: { main, texts: new Map([[main, '']]) }, profile: 'development', defines: {}, toolchain, platform: 'linux' });
  const sources = listSources(model, await listDirs(root, description));
  t.same(sources.globs.get('src/*.c'), { matches: ['src/a.c', 'src/b.c'], watched: ['src'] }, 'a glob: its matches and the directories it looked at');
  fs.rmSync(root, { recursive: true, force: true });
  const g = resolve(model, { sources });
  t.same(target(g, 'lib').compiled!.sources, ['src/a.c', 'src/b.c'], 'the disk is gone; the listing still answers');
  t.same(target(g, 'lib').install!.headers, ['inc/x.h']);
  t.same(g.watchedDirs, ['src']);
  t.throws(() => resolve(model, { sources: { dirs: new Map(), globs: new Map() } }), /internal: directory .*src was not listed/, 'a listing that lacks a path is a bug, not a missing file');
});
