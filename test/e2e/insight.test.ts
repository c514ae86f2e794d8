// explain, desc and targets --json on the basic fixture built with real gcc and ninja: a touched header is named,
// a changed option shows as changed commands with the flag's origin, desc and targets describe the real build.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { fixture, ninja, pogogen, touch } from '../helpers.ts';

t.test('explain, desc and targets on a real build', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.equal(pogogen(dir).code, 0);
  t.equal(ninja(dir).code, 0);
  const mtime = (): number => fs.statSync(path.join(dir, 'build.ninja')).mtimeMs;
  const before = mtime();

  const clean = pogogen(dir, ['explain', 'app']);
  t.equal(clean.code, 0, clean.stderr);
  t.match(clean.stdout, /^app is up to date: ninja would run nothing$/m, 'nothing to do right after a build');
  t.match(clean.stdout, /^ {2}-Ilib\/strx\/include +public settings of strx$/m, 'an include dir is traced to the library that exports it');
  t.match(clean.stdout, /^ {2}-O0 +profile development$/m, 'a profile flag to the profile');
  t.match(clean.stdout, /^ {2}-DGREETING="hello" +target app \(values from option greeting\)$/m, 'a define to the target and the option it carries');
  t.equal(mtime(), before, 'explain generated the same build.ninja: nothing rewritten');

  await t.test('a touched header is named, with what it rebuilds', async (t) => {
    const h = path.join(dir, 'lib/strx/include/strx.h');
    touch(h);
    const r = pogogen(dir, ['explain', 'app']);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /header lib\/strx\/include\/strx\.h \(included, per the depfile\) is newer than out\/development\/obj\/app\/app\/main\.c\.o/);
    t.match(r.stdout, /^target strx:$/m, 'the library that includes it too');
    const j = JSON.parse(pogogen(dir, ['explain', 'app', '--json']).stdout) as { reasons: { why: string; input?: string; inputKind?: string }[]; steps: number };
    t.ok(j.reasons.length > 0 && j.reasons.every((x) => x.why === 'input-changed' && x.input === 'lib/strx/include/strx.h' && x.inputKind === 'header'), 'JSON: every first-hand reason is that header');
    t.ok(j.steps >= 3, `${j.steps} steps would run`);
    t.equal(ninja(dir).code, 0);
  });

  await t.test('a changed option shows as changed commands, and the flag says where it comes from', async (t) => {
    const r = pogogen(dir, ['explain', 'app', '-Dgreeting=howdy']);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /the command for out\/development\/obj\/app\/app\/main\.c\.o changed/);
    t.match(r.stdout, /-DGREETING="howdy" +target app \(values from option greeting\)/);
    t.equal(pogogen(dir).code, 0, 'back to the defaults');
  });

  await t.test('desc', async (t) => {
    const d = JSON.parse(pogogen(dir, ['desc', 'app', '--json']).stdout) as { kind: string; sources: string[]; compile: string[]; linkOrder: string[]; outputs: string[]; includeDirs: string[] };
    t.equal(d.kind, 'executable');
    t.same(d.sources, ['app/args.c', 'app/main.c']);
    t.same(d.outputs, ['out/development/bin/app']);
    t.ok(d.compile.includes('-Ilib/strx/include') && d.compile.includes('-c'), 'the exact compile command');
    const compdb = JSON.parse(fs.readFileSync(path.join(dir, 'compile_commands.json'), 'utf8')) as { file: string; arguments: string[] }[];
    t.same(d.compile, compdb.find((c) => c.file.endsWith('app/args.c'))!.arguments, 'the same argv as compile_commands.json');
    t.ok(d.linkOrder.includes('strx') && d.linkOrder.indexOf('strx') < d.linkOrder.indexOf('mathx'), `link order ${d.linkOrder.join(' ')}`);
    const text = pogogen(dir, ['desc', 'mathx']);
    t.match(text.stdout, /^mathx: static library, declared at build\.pogo\.ts:\d+$/m);
    t.match(text.stdout, /^dependents\n {2}other\n {2}strx$/m);
    const bad = pogogen(dir, ['desc', 'apq']);
    t.equal(bad.code, 1);
    t.match(bad.stderr, /no target named "apq"; did you mean "app"\?/);
    const badExplain = pogogen(dir, ['explain', 'nothing/here.o']);
    t.equal(badExplain.code, 1);
    t.match(badExplain.stderr, /is neither a target nor an output of this build/);
  });

  await t.test('targets --json', async (t) => {
    const list = JSON.parse(pogogen(dir, ['targets', '--json']).stdout) as { name: string; kind: string; output: string | null; deps: string[] }[];
    t.same(list.map((x) => `${x.name}:${x.kind}`), ['app:executable', 'greet:shared_library', 'mathx:static_library', 'other:executable', 'strx:static_library', 'version:action']);
    t.same(list.find((x) => x.name === 'app')!.deps, ['strx', 'greet', 'version']);
  });
});
