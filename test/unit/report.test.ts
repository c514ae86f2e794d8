// The report's pure parts on a hand-written .ninja_log: parsing, the last run, steps, lanes, per-target and
// per-dependency times, the critical path, ccache counters, the trace, the text, the HTML and the comparison.
import t from 'tap';
import type { Edge } from '../../lib/plan/steps.ts';
import {
  asReport, bar, chromeTrace, compareReports, computeReport, concurrency, formatComparison, formatMs, formatReport,
  lastBuild, NoBuildError, parseCcacheStats, parseNinjaLog, reportHtml, type Report,
} from '../../lib/insight/report.ts';

const edge = (kind: Edge['kind'], target: string, outs: string[], ins: string[], more: Partial<Edge> = {}): Edge => ({ kind, rule: `${kind}_${target}`, target, outs, ins, implicitIns: [], orderOnly: [], ...more });

// a.c, b.c → liba.a; c.c → libc.a; gen.h (order-only for c.c); app links both; two dependency phases for zlib.
const edges: Edge[] = [
  edge('compile', 'a', ['o/a.o'], ['a.c']),
  edge('compile', 'a', ['o/b.o'], ['b.c']),
  edge('archive', 'a', ['lib/liba.a'], ['o/a.o', 'o/b.o']),
  edge('action', 'gen', ['gen/gen.h', 'gen/gen.c'], ['tool.sh']),
  edge('compile', 'c', ['o/c.o'], ['c.c'], { orderOnly: ['gen'] }),
  edge('archive', 'c', ['lib/libc.a'], ['o/c.o']),
  edge('link', 'app', ['bin/app'], ['lib/liba.a', 'lib/libc.a']),
  edge('dependency', 'zlib', ['deps/zlib/build.stamp'], [], { rule: 'dep_build_zlib', implicitIns: ['plan.json'] }),
  edge('dependency', 'zlib', ['deps/zlib.stamp', 'deps/zlib/lib/libz.a'], [], { rule: 'dep_install_zlib', implicitIns: ['deps/zlib/build.stamp'] }),
];
const aliases = [{ name: 'gen', outputs: ['gen/gen.h', 'gen/gen.c'] }];

// An earlier run (ends go 0..400), then the last run: its first end (50) is below the earlier run's last (400).
const log = [
  '# ninja log v5',
  '0\t300\t1\to/a.o\th1',
  '0\t400\t1\tbin/app\th2',
  '0\t50\t2\to/a.o\th3', // the last run starts here; ninja writes lines as edges finish
  '0\t60\t2\tgen/gen.h\th4',
  '0\t60\t2\tgen/gen.c\th4',
  '0\t100\t2\tdeps/zlib/build.stamp\th5',
  '50\t150\t2\to/b.o\th6',
  '150\t170\t2\tlib/liba.a\th8',
  '100\t180\t2\tdeps/zlib.stamp\th9',
  '100\t180\t2\tdeps/zlib/lib/libz.a\th9',
  '60\t200\t2\to/c.o\th7',
  '200\t220\t2\tlib/libc.a\th10',
  '220\t300\t2\tbin/app\th11',
  'torn line',
  '',
].join('\n');

function report(): Report {
  return computeReport({ log: 'out/dev/.ninja_log', logText: log, build: { edges, aliases }, budget: 4 });
}

t.test('parse and the last run', async (t) => {
  const p = parseNinjaLog(log);
  t.equal(p.version, 5);
  t.equal(p.entries.length, 13);
  t.equal(p.skipped, 1, 'the torn line is skipped');
  const last = lastBuild(p.entries);
  t.equal(last.entries.length, 11);
  t.equal(last.earlier, 2);
  t.same(last.entries[0], { start: 0, end: 50, mtime: '2', output: 'o/a.o', hash: 'h3' });
  t.same(lastBuild(parseNinjaLog('0\t5\t1\tx\th\n0\t9\t1\tx\th\n').entries).entries.map((e) => e.end), [9], 'the latest entry per output');
  t.throws(() => computeReport({ log: 'l', logText: '# ninja log v5\n', build: { edges }, budget: 1 }), new NoBuildError('no build to report on: run ninja first'));
});

t.test('steps, lanes, totals', async (t) => {
  const r = report();
  t.equal(r.steps.length, 9, 'multi-output edges are one step');
  const gen = r.steps.find((s) => s.target === 'gen')!;
  t.same(gen.outputs, ['gen/gen.h', 'gen/gen.c']);
  t.equal(r.wallMs, 300);
  t.equal(r.busyMs, 50 + 60 + 100 + 100 + 140 + 20 + 80 + 20 + 80);
  t.equal(r.parallelism.peak, 3);
  t.equal(r.parallelism.budget, 4);
  t.equal(r.parallelism.average, Math.round((r.busyMs / 300) * 100) / 100);
  // Steps on one lane never overlap.
  for (const a of r.steps) for (const b of r.steps) if (a !== b && a.lane === b.lane) t.ok(a.end <= b.start || b.end <= a.start, `${a.outputs[0]} / ${b.outputs[0]}`);
  t.same(r.targets.map((x) => [x.name, x.ms, x.steps]), [['zlib', 180, 2], ['a', 170, 3], ['c', 160, 2], ['app', 80, 1], ['gen', 60, 1]]);
  t.same(r.dependencies.map((d) => [d.name, d.ms, d.phases.map((p) => p.phase)]), [['zlib', 180, ['build', 'install']]]);
  t.equal(r.steps[r.slowest[0]!]!.outputs[0], 'o/c.o');
  t.equal(r.earlier, 2);
});

t.test('the critical path follows inputs, aliases and order-only inputs', async (t) => {
  const r = report();
  t.same(r.criticalPath.steps.map((i) => r.steps[i]!.outputs[0]), ['gen/gen.h', 'o/c.o', 'lib/libc.a', 'bin/app']);
  t.equal(r.criticalPath.ms, 60 + 140 + 20 + 80);
});

t.test('ccache counters', async (t) => {
  const s = parseCcacheStats('cache_miss\t3\ndirect_cache_hit\t5\npreprocessed_cache_hit\t1\nstats_zeroed_timestamp\t0\n');
  t.same(s, { hits: 6, misses: 3, rate: 0.67, scope: 'cumulative' });
  t.same(parseCcacheStats('cache_miss\t0\n'), { hits: 0, misses: 0, scope: 'cumulative' });
  t.equal(parseCcacheStats('something else'), undefined);
});

t.test('chrome trace', async (t) => {
  const r = report();
  const trace = JSON.parse(chromeTrace(r)) as { traceEvents: { ph: string; ts: number; dur: number; tid: number; args: { outputs?: string[] } }[] };
  const xs = trace.traceEvents.filter((e) => e.ph === 'X');
  t.equal(xs.length, r.steps.length);
  const covered = new Set(xs.flatMap((e) => e.args.outputs ?? []));
  for (const e of lastBuild(parseNinjaLog(log).entries).entries) t.ok(covered.has(e.output), `${e.output} in the trace`);
  const app = xs.find((e) => e.args.outputs?.[0] === 'bin/app')!;
  t.same([app.ts, app.dur], [220_000, 80_000], 'µs');
});

t.test('text, charts and html', async (t) => {
  t.equal(formatMs(863), '863 ms');
  t.equal(formatMs(1680), '1.68 s');
  t.equal(formatMs(123_000), '2 min 03 s');
  t.equal(bar(1, 2, 4), '██  ');
  t.equal(bar(1, 16, 4), '▎   ');
  t.equal(bar(0, 2, 3), '   ');
  const r = report();
  const c = concurrency(r, 3);
  t.equal(Math.round(c.reduce((a, b) => a + b, 0) * 100), Math.round((r.busyMs / 100) * 100), 'slices add up to the busy time');
  const text = formatReport(r, { columns: 100 });
  t.match(text, /wall time +300 ms/);
  t.match(text, /3 at peak, budget 4/);
  t.match(text, /zlib +█+ +180 ms/);
  t.match(text, /build 100 ms · install 80 ms/);
  t.match(text, /critical path/);
  t.notMatch(text, / \n/, 'no trailing spaces');
  const html = reportHtml(r);
  t.match(html, /<svg/);
  t.notMatch(html, /<script|<link|src=|url\(/, 'no scripts or external resources');
  t.match(html, /lib\/libc\.a/);
});

t.test('compare', async (t) => {
  const now = report();
  const old = asReport(JSON.parse(JSON.stringify({ ...now, wallMs: 600, targets: [...now.targets.map((x) => (x.name === 'c' ? { ...x, ms: 1000 } : x)), { name: 'gone', ms: 50, steps: 1, start: 0, end: 50 }] })), 'old.json');
  const c = compareReports(old, now);
  t.same(c.wall, { name: 'wall time', old: 600, new: 300 });
  t.same(c.targets.map((x) => x.name), ['c', 'gone']);
  const text = formatComparison(c, 'old.json');
  t.match(text, /wall time +600 ms → +300 ms +▼ faster by 300 ms −50%/);
  t.match(text, /targets that got faster\n +c /);
  t.match(text, /gone +gone/);
  t.match(formatComparison(compareReports(now, now), 'x'), /targets: no noticeable change/);
  t.throws(() => asReport({ version: 2 }, 'bad.json'), /bad\.json is not a pogogen report/);
});

t.test('a dependency built from source, reported after a generation that restores it from the cache', async (t) => {
  const restore = [edge('dependency', 'z', ['out/deps/z.stamp', 'out/deps/z/lib/libz.a'], [], { rule: 'dep_restore_z', implicitIns: ['out/deps/.build/z/plan.json'] }), edge('compile', 'app', ['o/m.o'], ['m.c'], { orderOnly: ['out/deps/z.stamp'] })];
  const text = ['# ninja log v5', '0\t10\t1\tout/deps/.build/z/extract.stamp\th', '10\t30\t1\tout/deps/.build/z/configure.stamp\th', '30\t90\t1\tout/deps/.build/z/build.stamp\th', '90\t95\t1\tout/deps/z.stamp\th', '90\t95\t1\tout/deps/z/lib/libz.a\th', '95\t120\t1\to/m.o\th', ''].join('\n');
  const r = computeReport({ log: 'l', logText: text, build: { edges: restore }, budget: 2 });
  t.same(r.dependencies.map((d) => [d.name, d.phases.map((p) => p.phase)]), [['z', ['extract', 'configure', 'build', 'install']]]);
  t.same(r.criticalPath.steps.map((i) => r.steps[i]!.outputs[0]), ['out/deps/.build/z/extract.stamp', 'out/deps/.build/z/configure.stamp', 'out/deps/.build/z/build.stamp', 'out/deps/z.stamp', 'o/m.o']);
  t.equal(r.criticalPath.ms, 120);
});

t.test('a multi-output edge is one job, even when this generation no longer has that edge', async (t) => {
  // The build ran a four-output action (since renamed: no edge of this generation makes those files) while one
  // object compiled: two jobs at once, not five.
  const text = ['# ninja log v5', '0\t40\t1\tgen/old.h\thA', '0\t40\t1\tgen/old.c\thA', '0\t40\t1\tgen/old.def\thA', '0\t40\t1\tgen/old.txt\thA', '0\t50\t1\to/a.o\thB', '50\t60\t1\tlib/liba.a\thC', ''].join('\n');
  const r = computeReport({ log: 'l', logText: text, build: { edges }, budget: 2 });
  t.equal(r.steps.length, 3, 'one step per edge run');
  t.same(r.steps.find((s) => s.outputs.includes('gen/old.h'))?.outputs, ['gen/old.h', 'gen/old.c', 'gen/old.def', 'gen/old.txt']);
  t.equal(r.parallelism.peak, 2);
  t.equal(r.busyMs, 40 + 50 + 10);
  t.notMatch(formatReport(r), /more than the budget/);
  // An edge this generation has with fewer outputs than the one that ran: the lines it lost stay in its step.
  const fewer = [edge('dependency', 'zlib', ['deps/zlib.stamp'], [], { rule: 'dep_restore_zlib' })];
  const r2 = computeReport({ log: 'l', logText: '# ninja log v5\n0\t9\t1\tdeps/zlib/lib/libz.a\th\n0\t9\t1\tdeps/zlib.stamp\th\n', build: { edges: fewer }, budget: 2 });
  t.same(r2.steps.map((s) => s.outputs), [['deps/zlib.stamp', 'deps/zlib/lib/libz.a']], 'named as the build names it, nothing dropped');
  t.equal(r2.parallelism.peak, 1);
});

t.test('a run that only regenerated the build file is not merged into the build before it', async (t) => {
  // The build (ends at 300), then a ninja run that only re-ran pogogen and took longer than the whole build: its
  // end does not go down, but a regeneration is always the first thing a ninja run does.
  const text = `${log.split('torn line')[0]}0\t450\t3\tbuild.ninja\th12\n`;
  const r = computeReport({ log: 'l', logText: text, build: { edges, aliases }, budget: 4 });
  t.same(r.steps.map((s) => [s.target, s.outputs]), [['(regeneration)', ['build.ninja']]]);
  t.equal(r.parallelism.peak, 1);
  t.equal(r.wallMs, 450);
  t.same(r.criticalPath.steps, [0]);
  // ninja 1.13 keeps its clock after a regeneration: what it rebuilt next is part of the same run.
  const after = `${text}450\t470\t3\to/a.o\th13\n470\t480\t3\tlib/liba.a\th14\n`;
  const r2 = computeReport({ log: 'l', logText: after, build: { edges, aliases }, budget: 4 });
  t.same(r2.steps.map((s) => s.outputs[0]), ['build.ninja', 'o/a.o', 'lib/liba.a']);
  t.equal(r2.parallelism.peak, 1);
  // A build file under another name is recognised by the name given.
  t.equal(lastBuild(parseNinjaLog('0\t300\t1\to/a.o\th\n0\t450\t1\tgen.ninja\th\n').entries, 'gen.ninja').entries.length, 1);
});

t.test('a peak above the budget is explained', async (t) => {
  // Three compiles at once under a budget of two: ninja without -j on two CPUs runs three.
  const text = ['# ninja log v5', '0\t30\t1\to/a.o\th1', '0\t40\t1\to/b.o\th2', '1\t50\t1\to/c.o\th3', ''].join('\n');
  const r = computeReport({ log: 'l', logText: text, build: { edges }, budget: 2 });
  t.equal(r.parallelism.peak, 3);
  t.match(formatReport(r), /3 at peak, budget 2 \(\d+% used\)\n +1 more than the budget ran at once: ninja had a higher -j/);
});

t.test('the critical path names each step as the build does: a split-debug step is no second LINK', async (t) => {
  // A profile with splitDebug: the link writes bin/.unstripped/app, a second edge of kind link splits it.
  const split = [
    edge('compile', 'app', ['o/m.o'], ['m.c'], { rule: 'cc_app' }),
    edge('link', 'app', ['bin/.unstripped/app'], ['o/m.o'], { rule: 'link_app' }),
    edge('link', 'app', ['bin/app', 'bin/app.debug'], ['bin/.unstripped/app'], { rule: 'split_app' }),
  ];
  const rules = [{ name: 'cc_app', description: 'CC {out}' }, { name: 'link_app', description: 'LINK {out}' }, { name: 'split_app', description: 'SPLIT {out}' }];
  const text = ['# ninja log v5', '0\t28\t1\to/m.o\ta', '28\t156\t1\tbin/.unstripped/app\tb', '156\t170\t1\tbin/app\tc', '156\t170\t1\tbin/app.debug\tc', ''].join('\n');
  const r = computeReport({ log: 'l', logText: text, build: { edges: split, rules }, budget: 2 });
  t.same(r.criticalPath.steps.map((i) => r.steps[i]!.label), ['CC', 'LINK', 'SPLIT']);
  const lines = formatReport(r).split('critical path')[1]!.split('\n').filter((l) => /ms /.test(l));
  t.equal(lines.length, 3);
  t.equal(lines.filter((l) => / LINK /.test(l)).length, 1, 'one LINK line');
  t.match(lines[2], / SPLIT +bin\/app /);
  // Without the rules (an older caller), the kind's label.
  t.same(computeReport({ log: 'l', logText: text, build: { edges: split }, budget: 2 }).steps.map((s) => s.label), ['CC', 'LINK', 'LINK']);
});
