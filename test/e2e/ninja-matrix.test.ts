// Every way of starting the build, one after another on one tree — `npx pogogen build`, Debian's ninja 1.11 and
// npm's ninja 1.13 run directly (and make, for the make backend, in a tree of its own) — crossed with nothing
// changed, a touched source, a touched header and a changed flag: each run reruns exactly what changed, nothing
// when nothing did, and `pogogen explain`, asked beforehand about the ninja that is about to run, names the reason.
// The one exception is ninja's own: a ninja run directly right after the other kind of ninja cannot use its log
// (1.13 discards 1.11's, 1.11 misreads 1.13's hashes) and reruns everything — explain names the log, not a command.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { pogogen, project, repo, run, touch, type Run } from '../helpers.ts';
import { npm, npxEnv, skip, system } from './ninjas.ts';

const O = {
  util: 'out/development/obj/util/util/util.c.o',
  lib: 'out/development/lib/libutil.a',
  main: 'out/development/obj/app/app/main.c.o',
  app: 'out/development/bin/app',
};
const everything = [O.app, O.lib, O.main, O.util].sort();

type Change = 'nothing' | 'source' | 'header' | 'flag';
const changes: readonly Change[] = ['nothing', 'source', 'header', 'flag'];
/** What each change must rerun (the regeneration of build.ninja or the Makefile aside). */
const expected: Record<Change, string[]> = {
  nothing: [],
  source: [O.util, O.lib, O.app].sort(),
  header: [O.main, O.app].sort(),
  flag: [O.main, O.app].sort(),
};

function tree(): string {
  return project({
    'build.pogo.ts': `import { defineBuild, executable, staticLibrary } from 'pogogen';
export default defineBuild({
  project: { name: 'matrix' },
  profiles: { development: { sanitize: [], cflags: ['-O0'] } },
  targets: [
    staticLibrary('util', { sources: ['util/util.c'], public: { includeDirs: ['util'] } }),
    executable('app', { sources: ['app/main.c'], deps: ['util'], defines: { LEVEL: '1' } }),
  ],
});
`,
    'util/util.h': 'int util(void);\n',
    'util/util.c': '#include "util.h"\nint util(void) { return 1; }\n',
    'app/app.h': '#define APP 0\n',
    'app/main.c': '#include "app.h"\n#include "util.h"\nint main(void) { return util() - 1 + APP + LEVEL - LEVEL; }\n',
  });
}

function change(dir: string, c: Change): void {
  if (c === 'source') touch(path.join(dir, 'util/util.c'));
  if (c === 'header') touch(path.join(dir, 'app/app.h'));
  if (c === 'flag') {
    const file = path.join(dir, 'build.pogo.ts');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.includes("LEVEL: '1'") ? text.replace("LEVEL: '1'", "LEVEL: '2'") : text.replace("LEVEL: '2'", "LEVEL: '1'"));
  }
}

/** Outputs a ninja run built, from its status lines (`[2/4] CC out/...`), build.ninja's regeneration aside. */
const ninjaRan = (r: Run): string[] => [...r.stdout.matchAll(/^\[\d+\/\d+\] \S+ (\S+)$/gm)].map((m) => m[1]!).filter((o) => o !== 'build.ninja').sort();
/** Outputs make remade, from its quiet lines (`  CC out/...`), the Makefile's regeneration aside. */
const makeRan = (r: Run): string[] => [...r.stdout.matchAll(/^ {2}(?:CC|AR|LINK) (\S+)$/gm)].map((m) => m[1]!).sort();

interface Explained {
  steps: number;
  log?: string;
  reasons: { output: string; why: string; input?: string; inputKind?: string }[];
}

/** Checks that explain names `c` (or, after a switch of ninja, the log) as the reason for what is about to run. */
function checkExplained(t: Test, e: Explained, c: Change, switched: boolean): void {
  if (switched) {
    if (e.log !== undefined) t.match(e.log, /^out\/development\/\.ninja_log was written by ninja 1\.11 or older \(log v5\): ninja 1\.13\.\d+ .* discards a log of another version/, 'explain: the log of the other ninja, for every step');
    else t.same([...new Set(e.reasons.map((r) => r.why))], ['log-format'], 'explain: entries of the other ninja, not changed commands');
    return;
  }
  const firstHand = e.reasons.filter((r) => r.why !== 'description-changed');
  if (c === 'nothing') t.same(e, { ...e, steps: 0, reasons: [] }, 'explain: up to date');
  if (c === 'source') t.same(firstHand.map((r) => [r.why, r.input, r.inputKind]), [['input-changed', 'util/util.c', 'source']], 'explain: the source');
  if (c === 'header') t.same(firstHand.map((r) => [r.why, r.input, r.inputKind]), [['input-changed', 'app/app.h', 'header']], 'explain: the header');
  if (c === 'flag') t.same(firstHand.map((r) => [r.why, r.output]), [['command-changed', O.main]], "explain: app's compile command");
}

t.test('ninja: pogogen build, ninja 1.11 and ninja 1.13 in turn on one tree', { skip }, async (t) => {
  const dir = tree();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const first = pogogen(dir, ['build'], npxEnv);
  t.equal(first.code, 0, first.stderr);
  t.same(ninjaRan(first), everything, 'the first build builds everything');

  const starters = {
    'pogogen build': { run: () => pogogen(dir, ['build'], npxEnv), explainEnv: npxEnv, kind: undefined },
    'ninja 1.11': { run: () => run(system, [], { cwd: dir }), explainEnv: { ...npxEnv, POGOGEN_NINJA: system }, kind: 'v5' },
    'ninja 1.13': { run: () => run(npm!, [], { cwd: dir }), explainEnv: { ...npxEnv, POGOGEN_NINJA: npm! }, kind: 'v7' },
  } as const;
  type Starter = keyof typeof starters;
  // Every ordered pair of starters follows one another once.
  const order: Starter[] = ['pogogen build', 'ninja 1.11', 'ninja 1.11', 'ninja 1.13', 'ninja 1.13', 'pogogen build', 'ninja 1.13', 'ninja 1.11', 'pogogen build', 'pogogen build'];
  let lastDirect: 'v5' | 'v7' = 'v5'; // the kind of ninja that last wrote the log: the first build's, the shell's 1.11
  for (const name of order) {
    const s = starters[name];
    await t.test(name, async (t) => {
      for (const c of changes) {
        // A ninja run directly after the other kind cannot use its log, whatever changed.
        const switched = s.kind !== undefined && s.kind !== lastDirect;
        change(dir, c);
        const ex = pogogen(dir, ['explain', '--json'], s.explainEnv);
        t.equal(ex.code, 0, ex.stderr);
        checkExplained(t, JSON.parse(ex.stdout) as Explained, c, switched);
        const r = s.run();
        t.equal(r.code, 0, `${name} after ${c}: ${r.stdout}${r.stderr}`);
        t.same(ninjaRan(r), switched ? everything : expected[c], `${name}, ${c} changed: ${switched ? 'everything (the log of the other ninja)' : 'exactly that reruns'}`);
        if (!switched && name !== 'pogogen build') t.notMatch(r.stderr, /starting over/, 'the log was kept');
        if (name === 'pogogen build') t.notMatch(r.stderr, /warning/, 'pogogen build found a ninja that reads the log');
        if (s.kind !== undefined) lastDirect = s.kind;
      }
    });
  }
});

t.test('make backend: make after each change', async (t) => {
  const dir = tree();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.equal(pogogen(dir, ['--backend', 'make']).code, 0);
  const make = (): Run => run('make', ['-j2'], { cwd: dir });
  t.same(makeRan(make()), everything, 'the first build builds everything');
  for (const round of [1, 2]) {
    for (const c of changes) {
      change(dir, c);
      const ex = pogogen(dir, ['explain', '--json']);
      t.equal(ex.code, 0, ex.stderr);
      const e = JSON.parse(ex.stdout) as Explained & { tool: { name: string } };
      t.equal(e.tool.name, 'make', 'explain asks make about a make build');
      checkExplained(t, e, c, false);
      t.equal(e.steps, expected[c].length, `explain: make would run ${expected[c].length} steps`);
      const r = make();
      t.equal(r.code, 0, r.stdout + r.stderr);
      t.same(makeRan(r), expected[c], `round ${round}, ${c} changed: exactly that reruns`);
    }
  }
});
