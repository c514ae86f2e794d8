// The Make backend against the ninja backend on the same fixture: same outputs, same commands, the same rebuilds
// after a header touch, a define change and an environment CFLAGS change; no-op, -n, V=1, help, clean, targets,
// self-regeneration.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { built, fixture, ninja, pogogen, run, touch, type Run } from '../helpers.ts';

const make = (dir: string, args: string[] = [], env: Record<string, string | undefined> = {}): Run => run('make', ['-j2', ...args], { cwd: dir, env });
/** Outputs make rebuilt, from its quiet `  CC out/...` lines (GEN Makefile excluded). */
const remade = (r: Run): string[] =>
  r.stdout
    .split('\n')
    .map((l) => /^ {2}(?:CC|AR|LINK|SOLINK|LN|GEN) (\S.*)$/.exec(l)?.[1])
    .filter((x): x is string => x !== undefined && x !== 'Makefile')
    .sort();
const outputs = (dir: string): string[] => {
  const list: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(path.join(dir, d), { withFileTypes: true })) {
      const rel = `${d}/${e.name}`;
      if (e.isDirectory()) {
        if (!['cmd', 'testlog'].includes(e.name)) walk(rel);
      } else if (!/\.(d|gcda)$|^\.ninja_|\.json$/.test(e.name)) list.push(rel);
    }
  };
  walk('out/development');
  return list.sort();
};
const editGreeting = (dir: string, to: string): void => {
  const file = path.join(dir, 'build.pogo.ts');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/option\.string\('[a-z]+'/, `option.string('${to}'`));
};

t.test('make and ninja agree', async (t) => {
  const n = fixture('basic');
  const m = fixture('basic');
  t.teardown(() => {
    fs.rmSync(n, { recursive: true, force: true });
    fs.rmSync(m, { recursive: true, force: true });
  });
  t.equal(pogogen(n).code, 0);
  const gen = pogogen(m, ['--backend=make']);
  t.equal(gen.code, 0, gen.stderr);
  t.equal(ninja(n).code, 0);
  const first = make(m);
  t.equal(first.code, 0, first.stdout + first.stderr);
  t.match(first.stdout, /^ {2}CC out\/development\/obj\//m, 'quiet CC lines by default');
  t.notMatch(first.stdout, /-fsanitize/, 'no full commands without V=1');
  t.same(outputs(m), outputs(n), 'the same output files');
  t.equal(run(path.join(m, 'out/development/bin/app'), []).stdout, run(path.join(n, 'out/development/bin/app'), []).stdout, 'working binaries, same behaviour');
  t.equal(fs.readFileSync(path.join(m, 'compile_commands.json'), 'utf8').split(m).join('@'), fs.readFileSync(path.join(n, 'compile_commands.json'), 'utf8').split(n).join('@'), 'the same compile commands');
  // The commands make ran are the ones in compile_commands.json.
  const v = run('make', ['-n', 'V=1', '-B', 'out/development/obj/app/app/main.c.o'], { cwd: m }).stdout;
  const db = JSON.parse(fs.readFileSync(path.join(m, 'compile_commands.json'), 'utf8')) as { arguments: string[]; output: string }[];
  const entry = db.find((e) => e.output.endsWith('obj/app/app/main.c.o'))!;
  t.ok(v.includes(entry.arguments.slice(1, 4).join(' ')), 'make -n shows the compdb command');

  const second = make(m);
  t.equal(remade(second).length, 0, 'a second make -j2 runs no command');
  t.match(second.stdout, /Nothing to be done/);
  const dryRun = run('make', ['-n'], { cwd: m });
  t.notMatch(dryRun.stdout, /\bcc\b.*-c /, 'make -n after a complete build prints no compile');

  await t.test('touching a header rebuilds what ninja rebuilds', async (t) => {
    touch(path.join(n, 'lib/strx/include/strx.h'));
    touch(path.join(m, 'lib/strx/include/strx.h'));
    const byNinja = built(n, () => ninja(n)).outputs;
    const byMake = remade(make(m));
    t.same(byMake, byNinja);
    t.ok(byMake.length >= 4);
  });

  await t.test('a changed define regenerates the Makefile and rebuilds what ninja rebuilds', async (t) => {
    editGreeting(n, 'howdy');
    editGreeting(m, 'howdy');
    const byNinja = built(n, () => ninja(n)).outputs.filter((o) => o !== 'build.ninja');
    const r = make(m);
    t.match(r.stdout, /GEN Makefile/, 'make regenerated its Makefile by itself');
    t.same(remade(r), byNinja);
    t.match(run(path.join(m, 'out/development/bin/app'), []).stdout, /^howdy /);
    t.equal(remade(make(m)).length, 0, 'and then rests (no regeneration loop)');
    t.notMatch(make(m).stdout, /GEN Makefile/);
  });

  await t.test('environment CFLAGS: the same objects and links as ninja', async (t) => {
    t.equal(pogogen(n, [], { CFLAGS: '-DEXTRA=1' }).code, 0);
    t.equal(pogogen(m, ['--backend=make'], { CFLAGS: '-DEXTRA=1' }).code, 0);
    const byNinja = built(n, () => ninja(n)).outputs;
    const byMake = remade(make(m));
    t.same(byMake, byNinja);
    t.notOk(byMake.some((o) => o.endsWith('version.h')), 'actions do not re-run');
  });

  await t.test('V=1, targets, help, clean, -j8 from clean', async (t) => {
    touch(path.join(m, 'other/main.c'));
    const verbose = make(m, ['V=1', 'other']);
    t.match(verbose.stdout, /-fsanitize=address,undefined/, 'V=1 prints full commands');
    t.notMatch(verbose.stdout, /obj\/app\//, 'make other builds only other');
    const help = make(m, ['help']);
    for (const name of ['app', 'other', 'mathx', 'strx', 'greet', 'version', 'clean']) t.match(help.stdout, new RegExp(`\\b${name}\\b`));
    t.equal(make(m, ['clean']).code, 0);
    t.notOk(fs.existsSync(path.join(m, 'out/development/bin/app')), 'clean removed the outputs');
    for (let i = 0; i < 3; i++) {
      t.equal(make(m, ['clean']).code, 0);
      const r = run('make', ['-j8'], { cwd: m });
      t.equal(r.code, 0, `make -j8 from clean #${i + 1}: ${r.stderr}`);
    }
    t.match(run(path.join(m, 'out/development/bin/app'), []).stdout, /7\^2=49/);
  });
});

t.test('paths make cannot express are refused; ninja builds them', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'my src'));
  fs.writeFileSync(path.join(dir, 'my src/extra.c'), 'int extra(void) { return 1; }\n');
  const file = path.join(dir, 'build.pogo.ts');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("sources: ['other/main.c']", "sources: ['other/main.c', 'my src/extra.c']"));
  const r = pogogen(dir, ['--backend=make']);
  t.equal(r.code, 1);
  t.match(r.stderr, /path "my src\/extra\.c" contains whitespace, which GNU make cannot express/);
  t.notOk(fs.existsSync(path.join(dir, 'Makefile')), 'no Makefile written');
  t.equal(pogogen(dir).code, 0);
  t.equal(ninja(dir).code, 0, 'ninja builds it');
});
