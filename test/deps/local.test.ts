// Local recipe sources: the tree hash follows the contents (not the place), reaches the cache key and the lock, and
// the listing covers every file and directory; the copy keeps modes and times and refuses a tree edited meanwhile;
// an archive's key and lock entry are what they were before local sources existed.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ruleTables } from '../../rules/index.ts';
import { dependencyKey } from '../../lib/deps/key.ts';
import { copyLocalTree, localTrees } from '../../lib/deps/local.ts';
import { formatLock, lockOf } from '../../lib/deps/lock.ts';
import { dependency, recipe } from '../../lib/model/api.ts';
import type { RecipeInput } from '../../lib/model/schema.ts';
import { validate, type Model } from '../../lib/model/validate.ts';
import { dependencyBuild } from '../../lib/plan/deps.ts';
import { project } from '../helpers.ts';

const toolchain = { family: 'gcc', version: '12.2.0', cc: ['cc'] } as const;
const vendored = { 'deps/foo/foo.c': 'int foo(void) { return 1; }\n', 'deps/foo/include/foo.h': 'int foo(void);\n', 'deps/foo/configure': '#!/bin/sh\n' };
const archived = { urls: ['https://example.com/bar-1.tar.gz'], sha256: 'b'.repeat(64) };

function modelOf(root: string, source: RecipeInput['source']): Model {
  const r = recipe({ name: 'foo', version: 'vendored', source, build: { kind: 'configure' }, provides: { staticLibs: ['foo'] } });
  const main = path.join(root, 'build.pogo.ts');
  return validate({ project: { name: 'p' }, targets: [dependency('foo', { recipe: r })] }, { root, src: { main, texts: new Map([[main, '']]) }, profile: 'development', defines: {}, toolchain, platform: 'linux' });
}

function keyOf(model: Model, sourceTree: string | undefined): string {
  const t0 = model.targets[0]!;
  if (t0.kind !== 'dependency') throw new Error('not a dependency');
  const build = dependencyBuild(model.profile, ruleTables.gcc, undefined, toolchain, undefined);
  return dependencyKey({ recipe: t0.recipe!, compiler: { family: 'gcc', version: '12.2.0' }, ...build, platform: 'linux', arch: 'x64', sourceTree });
}

t.test('the tree hash names the contents, wherever the tree is; the listing covers it', async (t) => {
  const a = project(vendored);
  const b = project({ 'third_party/elsewhere/x': '', ...vendored });
  t.teardown(() => [a, b].forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  fs.chmodSync(path.join(a, 'deps/foo/configure'), 0o755);
  fs.chmodSync(path.join(b, 'deps/foo/configure'), 0o755);
  const la = await localTrees(modelOf(a, { path: 'deps/foo/' }));
  const lb = await localTrees(modelOf(b, { path: './deps/foo' }));
  t.same(la.diagnostics, []);
  const ta = la.trees.get('foo')!;
  t.equal(ta.rel, 'deps/foo', 'normalised');
  t.same(ta.files, ['deps/foo/configure', 'deps/foo/foo.c', 'deps/foo/include/foo.h']);
  t.same(ta.dirs, ['deps/foo', 'deps/foo/include']);
  t.equal(ta.treeHash, lb.trees.get('foo')!.treeHash, 'two checkouts of the same tree hash the same');
  fs.chmodSync(path.join(b, 'deps/foo/configure'), 0o644);
  t.not((await localTrees(modelOf(b, { path: 'deps/foo' }))).trees.get('foo')!.treeHash, ta.treeHash, 'the executable bit counts');

  const model = modelOf(a, { path: 'deps/foo' });
  t.not(keyOf(model, ta.treeHash), keyOf(model, 'c'.repeat(64)), 'the tree hash is part of the cache key');
  const lock = lockOf(model, new Map([['foo', ta.treeHash]]));
  t.same(lock.dependencies.foo, { recipe: 'foo', version: 'vendored', path: 'deps/foo', treeSha256: ta.treeHash });
});

t.test('an archive-sourced recipe keys and locks as before', async (t) => {
  const root = project({});
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const model = modelOf(root, archived);
  t.equal(keyOf(model, undefined), keyOf(model, undefined));
  t.equal(formatLock(lockOf(model)), `${JSON.stringify({ dependencies: { foo: { recipe: 'foo', sha256: archived.sha256, urls: archived.urls, version: 'vendored' } }, lockVersion: 2 }, null, 2)}\n`);
  t.same((await localTrees(model)).trees.size, 0, 'no tree is read for it');
});

t.test('the copy keeps modes, symlinks and times and replaces what was there', async (t) => {
  const root = project(vendored);
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const src = path.join(root, 'deps/foo');
  fs.chmodSync(path.join(src, 'configure'), 0o755);
  fs.symlinkSync('include/foo.h', path.join(src, 'foo.h'));
  const old = new Date('2001-02-03T04:05:06Z');
  fs.utimesSync(path.join(src, 'foo.c'), old, old);
  const to = path.join(root, 'out/work/src');
  fs.mkdirSync(to, { recursive: true });
  fs.writeFileSync(path.join(to, 'stale.o'), '');
  const hash = await copyLocalTree(src, to);
  t.equal(hash, (await localTrees(modelOf(root, { path: 'deps/foo' }))).trees.get('foo')!.treeHash, 'the copy is the tree the generation hashed');
  t.notOk(fs.existsSync(path.join(to, 'stale.o')), 'what was there before is gone');
  t.equal(fs.statSync(path.join(to, 'configure')).mode & 0o777, 0o755);
  t.equal(fs.readlinkSync(path.join(to, 'foo.h')), 'include/foo.h');
  t.equal(fs.statSync(path.join(to, 'foo.c')).mtimeMs, old.getTime(), 'times kept (autotools trees compare them)');
});
