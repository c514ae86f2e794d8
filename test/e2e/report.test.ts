// `pogogen report` on real .ninja_log files: a multi-library C project with a make-built dependency, built by real
// ninja; the numbers match the log, the critical path is a chain ninja itself confirms, the trace covers every step.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { built, ninja, pogogenAsync as pogogen, project, run, touch, type Run } from '../helpers.ts';
import { archive, serve } from './served.ts';
import type { Report } from '../../lib/insight/report.ts';

const adder = {
  'adder.h': 'int adder_add(int a, int b);\n',
  'adder.c': '#include "adder.h"\nint adder_add(int a, int b) { return a + b; }\n',
  Makefile: ['CC ?= cc', 'libadder.a: adder.c adder.h', '\t$(CC) $(CFLAGS) -c adder.c -o adder.o && ar rcs $@ adder.o', 'install: libadder.a', '\tmkdir -p $(PREFIX)/lib $(PREFIX)/include', '\tcp libadder.a $(PREFIX)/lib/ && cp adder.h $(PREFIX)/include/', ''].join('\n'),
};

const files = (base: string, sha256: string): Record<string, string> => ({
  'build.pogo.ts': `
import { defineBuild, dependency, executable, recipe, staticLibrary } from 'pogogen';
const adder = recipe({
  name: 'adder', version: '1.0',
  source: { urls: ['${base}/adder-1.0.tar.gz'], sha256: '${sha256}' },
  build: { kind: 'make' },
  provides: { staticLibs: ['adder'] },
});
export default defineBuild({
  project: { name: 'rep' },
  targets: () => {
    const base = staticLibrary('base', { sources: ['base/*.c'], public: { includeDirs: ['base'] } });
    const mid = staticLibrary('mid', { sources: ['mid/*.c'], deps: [base], public: { includeDirs: ['mid'] } });
    const side = staticLibrary('side', { sources: ['side/*.c'], public: { includeDirs: ['side'] } });
    return [base, mid, side, dependency('adder', { recipe: adder }), executable('app', { sources: ['app/main.c'], deps: [mid, side, 'adder'] })];
  },
});
`,
  'base/base.h': 'int base1(int);\nint base2(int);\n',
  'base/b1.c': '#include "base.h"\nint base1(int x) { return x + 1; }\n',
  'base/b2.c': '#include "base.h"\nint base2(int x) { return x * 2; }\n',
  'mid/mid.h': 'int mid(int);\n',
  'mid/mid.c': '#include "mid.h"\n#include "base.h"\nint mid(int x) { return base1(base2(x)); }\n',
  'side/side.h': 'int side(int);\n',
  'side/s1.c': '#include "side.h"\nint side(int x) { return x - 3; }\n',
  'app/main.c': '#include <stdio.h>\n#include "mid.h"\n#include "side.h"\n#include "adder.h"\nint main(void) { printf("%d\\n", adder_add(mid(3), side(4))); return 0; }\n',
});

interface LogLine {
  start: number;
  end: number;
  output: string;
}
const readLog = (dir: string): LogLine[] =>
  fs.readFileSync(path.join(dir, 'out/development/.ninja_log'), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => {
    const [start, end, , output] = l.split('\t');
    return { start: Number(start), end: Number(end), output: output! };
  });

/** Checks that each step of the report's critical path reads an output of the one before, as ninja sees the graph. */
function checkChain(t: Test, dir: string, rep: Report, buildFile: string): void {
  const chain = rep.criticalPath.steps.map((i) => rep.steps[i]!);
  t.equal(rep.criticalPath.ms, chain.reduce((n, s) => n + s.ms, 0), 'its length is the sum of its steps');
  t.ok(rep.criticalPath.ms >= Math.max(...rep.steps.map((s) => s.ms)), 'no shorter than the slowest single step');
  t.ok(rep.criticalPath.ms <= rep.wallMs, 'no longer than the build');
  for (let i = 1; i < chain.length; i++) {
    const prev = chain[i - 1]!;
    const next = chain[i]!;
    const ins = inputsOf(dir, next.outputs[0]!, buildFile);
    t.ok(prev.outputs.some((o) => ins.includes(o)), `${next.outputs[0]} reads ${prev.outputs[0]} (ninja -t query)`);
    t.ok(prev.end <= next.start, 'and started after it ended');
  }
}

/** Every input ninja knows for `output` (explicit, implicit and order-only), from `ninja -t query`. */
function inputsOf(dir: string, output: string, buildFile = 'build.ninja'): string[] {
  const q = ninja(dir, ['-f', buildFile, '-t', 'query', output]);
  const text = q.stdout.split('  outputs:')[0] ?? '';
  return text.split('\n').slice(2).map((l) => l.trim().replace(/^\|\|? /, '')).filter((l) => l !== '');
}

const json = (r: Run): Report => JSON.parse(r.stdout) as Report;

t.test('report on real builds', async (t) => {
  const work = project({});
  const served = fs.mkdtempSync(path.join(work, 'served-'));
  const pin = archive(served, 'adder-1.0', adder);
  const server = await serve(served);
  const env = { POGOGEN_CACHE: path.join(work, 'cache'), POGOGEN_MIRRORS: undefined };
  const dir = path.join(work, 'proj');
  fs.mkdirSync(dir);
  for (const [f, c] of Object.entries(files(server.base, pin.sha256))) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), c);
  }
  t.teardown(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const gen = await pogogen(dir, [], env);
  t.equal(gen.code, 0, gen.stderr);
  const before = await pogogen(dir, ['report'], env);
  t.equal(before.code, 1, 'no log yet: exit 1');
  t.match(before.stderr, /^pogogen: error: no build to report on: run ninja first/m);
  t.notMatch(before.stderr, /\n\s+at /, 'no stack trace');

  const b = ninja(dir, ['-j2'], env);
  t.equal(b.code, 0, b.stdout + b.stderr);
  t.equal(run(path.join(dir, 'out/development/bin/app'), []).stdout, '8\n');
  // The graph ninja built from: every later generation (report generates too) plans no step for the dependency,
  // whose install out/ now holds, where ninja ran its build phases.
  fs.copyFileSync(path.join(dir, 'build.ninja'), path.join(dir, 'first.ninja'));

  const log = readLog(dir);
  const r1 = await pogogen(dir, ['report', '--json', '-j', '2'], env);
  t.equal(r1.code, 0, r1.stderr);
  t.notMatch(r1.stderr, /\r|\x1b/, 'no progress drawing when not on a terminal');
  const rep = json(r1);

  await t.test('the numbers match the log', async (t) => {
    t.equal(rep.earlier, 0, 'one build so far');
    const stepOutputs = rep.steps.flatMap((s) => s.outputs).sort();
    t.same(stepOutputs, log.map((l) => l.output).sort(), 'every log entry is in exactly one step');
    for (const s of rep.steps) {
      for (const o of s.outputs) {
        const l = log.find((x) => x.output === o)!;
        t.same([s.start, s.end], [l.start, l.end], `${o}: times from the log`);
      }
      t.equal(s.ms, s.end - s.start);
    }
    t.equal(rep.wallMs, Math.max(...log.map((l) => l.end)) - Math.min(...log.map((l) => l.start)), 'wall time');
    const perEdge = new Map(log.map((l) => [`${l.start}/${l.end}/${rep.steps.find((s) => s.outputs.includes(l.output))!.target}`, l.end - l.start]));
    t.ok(rep.busyMs <= log.reduce((n, l) => n + l.end - l.start, 0), 'busy time counts a multi-output edge once');
    t.ok(rep.busyMs >= [...perEdge.values()].reduce((n, x) => n + x, 0) - 0, 'and every step');
    t.equal(rep.busyMs, rep.steps.reduce((n, s) => n + s.ms, 0));
    t.equal(rep.parallelism.budget, 2);
    t.ok(Math.abs(rep.parallelism.average - rep.busyMs / rep.wallMs) < 0.01, 'average parallelism = busy / wall');
    t.ok(rep.parallelism.peak >= 1 && rep.parallelism.peak <= 2, 'ninja -j2 never ran more than 2 at once');
    for (const target of rep.targets) t.equal(target.ms, rep.steps.filter((s) => s.target === target.name).reduce((n, s) => n + s.ms, 0), `${target.name}: sum of its steps`);
    t.same(new Set(rep.targets.map((x) => x.name)), new Set(['adder', 'app', 'base', 'mid', 'side']));
    t.equal(rep.slowest.length, Math.min(20, rep.steps.length));
    const slow = rep.slowest.map((i) => rep.steps[i]!.ms);
    t.same(slow, [...slow].sort((a, b) => b - a), 'slowest first');
    t.ok(Math.max(...rep.steps.map((s) => s.ms)) === slow[0]);
    const dep = rep.dependencies.find((d) => d.name === 'adder');
    t.ok(dep, 'the dependency has its own line');
    t.same(dep?.phases.map((p) => p.phase), ['extract', 'configure', 'build', 'install'], 'with its phases in order');
    t.equal(dep?.ms, rep.targets.find((x) => x.name === 'adder')?.ms);
    t.ok(dep?.logs.some((l) => l.endsWith('/build.log')), 'and its phase logs');
  });

  await t.test('the critical path is a real chain of the graph', async (t) => {
    const chain = rep.criticalPath.steps.map((i) => rep.steps[i]!);
    t.ok(chain.length >= 3, 'at least compile, archive, link');
    t.equal(chain.at(-1)?.outputs[0], 'out/development/bin/app', 'it ends at the link');
    checkChain(t, dir, rep, 'first.ninja');
  });

  await t.test('text, trace and html', async (t) => {
    const trace = path.join(work, 'trace.json');
    const html = path.join(work, 'report.html');
    const r = await pogogen(dir, ['report', '--trace', trace, '--html', html], env);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /wall time/);
    t.match(r.stdout, /time per target/);
    t.match(r.stdout, /time per dependency\n +adder +█/);
    t.match(r.stdout, /critical path/);
    t.match(r.stdout, /█/, 'bar charts');
    t.match(r.stderr, /wrote .*trace\.json/);
    const events = (JSON.parse(fs.readFileSync(trace, 'utf8')) as { traceEvents: { ph: string; ts: number; dur: number; pid: number; tid: number; args: { outputs?: string[] } }[] }).traceEvents;
    const xs = events.filter((e) => e.ph === 'X' && e.pid === 1);
    for (const l of log) {
      const e = xs.find((x) => x.args.outputs?.includes(l.output));
      t.ok(e, `${l.output} is in the trace`);
      t.same([e?.ts, e?.dur], [l.start * 1000, (l.end - l.start) * 1000], 'at its time, in µs');
    }
    for (const a of xs) for (const b of xs) if (a !== b && a.tid === b.tid) t.ok(a.ts + a.dur <= b.ts || b.ts + b.dur <= a.ts, 'one lane never runs two steps at once');
    const page = fs.readFileSync(html, 'utf8');
    t.match(page, /<svg/);
    t.notMatch(page, /<script|<link|src=/, 'self-contained');
  });

  await t.test('--json round-trips into --compare', async (t) => {
    const oldFile = path.join(work, 'old.json');
    fs.writeFileSync(oldFile, r1.stdout);
    const same = await pogogen(dir, ['report', '--compare', oldFile], env);
    t.equal(same.code, 0, same.stderr);
    t.match(same.stdout, /compared with .*old\.json/);
    t.match(same.stdout, /targets: no noticeable change/);
    // An older report where mid took a second longer and a target existed that no longer does.
    const doctored = { ...rep, wallMs: rep.wallMs + 1000, targets: [...rep.targets.map((x) => (x.name === 'mid' ? { ...x, ms: x.ms + 1000 } : x)), { name: 'oldlib', ms: 400, steps: 2, start: 0, end: 400 }] };
    fs.writeFileSync(oldFile, JSON.stringify(doctored));
    const diff = await pogogen(dir, ['report', '--compare', oldFile], env);
    t.equal(diff.code, 0, diff.stderr);
    t.match(diff.stdout, /wall time .*▼ faster by 1\.00 s/);
    t.match(diff.stdout, /targets that got faster\n +mid /);
    t.match(diff.stdout, /oldlib +gone/);
    const asJson = JSON.parse((await pogogen(dir, ['report', '--json', '--compare', oldFile], env)).stdout) as Report & { comparison: { targets: { name: string }[] } };
    t.same(asJson.comparison.targets.map((x) => x.name).sort(), ['mid', 'oldlib']);
    fs.writeFileSync(oldFile, '{"version": 7}');
    const bad = await pogogen(dir, ['report', '--compare', oldFile], env);
    t.equal(bad.code, 1);
    t.match(bad.stderr, /is not a pogogen report/);
    t.notMatch(bad.stderr, /\n\s+at /);
  });

  await t.test('after a rebuild only the last build is reported', async (t) => {
    touch(path.join(dir, 'side/s1.c'));
    const { run: again, outputs } = built(dir, () => ninja(dir, ['-j2'], env));
    t.equal(again.code, 0);
    const r = json(await pogogen(dir, ['report', '--json'], env));
    t.same(r.steps.flatMap((s) => s.outputs).sort(), outputs, 'exactly what the second ninja run rebuilt');
    t.ok(r.earlier > 0, 'the first build is left out');
    t.equal(r.criticalPath.steps.map((i) => r.steps[i]!.outputs[0]).at(-1), 'out/development/bin/app');
    checkChain(t, dir, r, 'build.ninja');
    t.match(ninja(dir, [], env).stdout, /no work to do/);
    const noop = json(await pogogen(dir, ['report', '--json'], env));
    t.same(noop.steps, r.steps, 'a no-op ninja run leaves the report on the last real build');
  });
});
