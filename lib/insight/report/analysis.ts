// A report computed from the last build in a .ninja_log and the build's edges: one step per edge run, lanes,
// per-target and per-dependency times, the slowest steps and the critical path (critical.ts).
import type { Edge } from '../../plan/steps.ts';
import { criticalPath } from './critical.ts';
import { lastBuild, parseNinjaLog, type LogEntry } from './log.ts';
import { kindLabel, type BuildShape, type DependencyLogs, type Report, type ReportDependency, type ReportInput, type ReportStep, type ReportTarget, type StepKind } from './types.ts';
import { cmp, maxOf, minOf, push, round2 } from './util.ts';

export const slowestCount = 20;

/** Thrown for a log with nothing to report on. */
export class NoBuildError extends Error {}

export function computeReport(input: ReportInput): Report {
  const parsed = parseNinjaLog(input.logText);
  const buildFile = input.build.buildFile ?? 'build.ninja';
  const last = lastBuild(parsed.entries, buildFile);
  if (last.entries.length === 0) throw new NoBuildError('no build to report on: run ninja first');
  const raw = groupRuns(last.entries, input.build);
  const classes = classify(raw, buildFile);
  const { steps, lanes } = placeSteps(raw, classes, input.build.rules ?? []);

  const start = minOf(steps.map((s) => s.start));
  const wallMs = maxOf(steps.map((s) => s.end)) - start;
  const busyMs = steps.reduce((n, s) => n + s.ms, 0);
  const average = wallMs > 0 ? busyMs / wallMs : steps.length > 0 ? 1 : 0;
  const budget = Math.max(1, input.budget);
  const order = steps.map((_, i) => i);
  const slowest = order.sort((a, b) => steps[b]!.ms - steps[a]!.ms || a - b).slice(0, slowestCount);

  return {
    version: 1,
    log: input.log,
    earlier: last.earlier,
    wallMs,
    busyMs,
    parallelism: { average: round2(average), peak: lanes, budget, utilisation: round2(average / budget) },
    steps,
    targets: targetTimes(steps),
    dependencies: dependencyTimes(steps, input.dependencies),
    slowest,
    criticalPath: criticalPath(steps, raw.map((r, i) => (classes[i]!.stale ? undefined : r.edge)), input.build.aliases ?? []),
    ...(input.ccache === undefined ? {} : { ccache: input.ccache }),
  };
}

/** One run of an edge, as the log's lines of its outputs tell it. */
interface Run {
  readonly outputs: readonly string[];
  readonly edge: Edge | undefined;
  readonly start: number;
  readonly end: number;
}

/**
 * One run per edge run, by start time. Ninja writes one line per output of an edge, all with the edge's start, end
 * and command hash: those lines are one step, whether or not this generation still has that edge (a dependency
 * built from source is restored by a differently shaped edge afterwards; a renamed action's outputs have no edge at
 * all). Counting such lines one by one made a four-output edge four jobs at once. Lines without a hash column are
 * grouped by this build's edges.
 */
function groupRuns(entries: readonly LogEntry[], build: BuildShape): Run[] {
  const edgeOf = new Map<string, Edge>();
  for (const e of build.edges) for (const o of e.outs) edgeOf.set(o, e);
  // Outputs no edge of this build writes may still be a target's: a dependency whose install out/ already held
  // when this build file was written has no edge, but its alias still names the files the install wrote.
  const aliasOf = new Map<string, string>();
  for (const a of build.aliases ?? []) for (const o of a.outputs) if (!edgeOf.has(o)) aliasOf.set(o, a.name);
  const groups = new Map<string, { outputs: string[]; edge?: Edge; start: number; end: number }>();
  const edgeIds = new Map<Edge, number>();
  for (const e of entries) {
    const edge = edgeOf.get(e.output);
    let key: string;
    const alias = aliasOf.get(e.output);
    if (e.hash !== '') key = `run\0${e.start}\0${e.end}\0${e.hash}`;
    else if (edge === undefined) key = alias === undefined ? `file\0${e.output}` : `alias\0${alias}\0${e.start}\0${e.end}`;
    else {
      let id = edgeIds.get(edge);
      if (id === undefined) edgeIds.set(edge, (id = edgeIds.size));
      key = `edge\0${id}\0${e.start}\0${e.end}`;
    }
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { outputs: [e.output], ...(edge === undefined ? {} : { edge }), start: e.start, end: e.end });
    else {
      g.outputs.push(e.output);
      g.edge ??= edge;
    }
  }
  const raw = [...groups.values()].map((g) => ({
    // The edge's own output order, so the step is named as the build names it; outputs it no longer has follow.
    outputs: g.edge === undefined ? g.outputs : [...g.edge.outs.filter((o) => g.outputs.includes(o)), ...g.outputs.filter((o) => !g.edge!.outs.includes(o))],
    edge: g.edge,
    start: g.start,
    end: g.end,
  }));
  return raw.sort((a, b) => a.start - b.start || a.end - b.end || cmp(a.outputs[0]!, b.outputs[0]!));
}

/** The runs as steps in lanes: greedy interval partitioning by start time uses exactly as many lanes as the peak concurrency. */
function placeSteps(raw: readonly Run[], classes: ReturnType<typeof classify>, rules: NonNullable<BuildShape['rules']>): { steps: ReportStep[]; lanes: number } {
  const laneEnds: number[] = [];
  const verbOf = new Map(rules.map((r) => [r.name, /^([A-Z][A-Z0-9]{0,5})\b/.exec(r.description)?.[1]]));
  const steps: ReportStep[] = raw.map((r, i) => {
    let lane = laneEnds.findIndex((end) => end <= r.start);
    if (lane === -1) lane = laneEnds.push(r.end) - 1;
    else laneEnds[lane] = r.end;
    const c = classes[i]!;
    // Dependency phases keep DEP (their verbs are long and the phase is shown apart); stale edges their kind's.
    const verb = c.kind === 'dependency' || c.stale || r.edge === undefined ? undefined : verbOf.get(r.edge.rule);
    return { outputs: r.outputs, target: c.target, kind: c.kind, start: r.start, end: r.end, ms: r.end - r.start, lane, ...(c.phase === undefined ? {} : { phase: c.phase }), label: verb ?? kindLabel[c.kind] };
  });
  return { steps, lanes: laneEnds.length };
}

/** Per target: the sum of its steps' times, slowest first. */
function targetTimes(steps: readonly ReportStep[]): ReportTarget[] {
  const byTarget = new Map<string, ReportStep[]>();
  for (const s of steps) push(byTarget, s.target, s);
  const targets = [...byTarget].map(([name, ss]) => ({ name, ms: ss.reduce((n, s) => n + s.ms, 0), steps: ss.length, start: minOf(ss.map((s) => s.start)), end: maxOf(ss.map((s) => s.end)) }));
  return targets.sort((a, b) => b.ms - a.ms || cmp(a.name, b.name));
}

/**
 * Each step's target, kind and (for dependency builds) phase. The edges are those of the generation that runs the
 * report, which may differ from the one ninja built: after a dependency's first build its result is cached, so a
 * new generation plans a restore edge where the log has extract, configure, build and install, or no edge at all
 * when out/ still holds that install. Those log entries are recognised by the stamps dependency phases write
 * (`deps/.build/<name>/<phase>.stamp`, `deps/<name>.stamp`) and marked stale: their place in the chain comes from
 * the phase order, not from edges that no longer exist.
 */
function classify(raw: readonly { outputs: readonly string[]; edge: Edge | undefined }[], buildFile: string): { target: string; kind: StepKind; phase?: string; stale: boolean }[] {
  const stampOf = (outputs: readonly string[]): { name: string; phase: string } | undefined => {
    for (const o of outputs) {
      const m = /(?:^|\/)deps\/\.build\/([^/]+)\/([a-z]+)\.stamp$/.exec(o);
      if (m !== null) return { name: m[1]!, phase: m[2]! };
    }
    // The last stamp, written by an install or a restore (the restore also rewrites the headers stamp).
    for (const o of outputs) {
      const m = /(?:^|\/)deps\/([^/]+)\.stamp$/.exec(o);
      if (m !== null && !m[1]!.endsWith('.headers')) return { name: m[1]!, phase: 'restore' };
    }
    for (const o of outputs) {
      const m = /(?:^|\/)deps\/([^/]+)\.headers\.stamp$/.exec(o);
      if (m !== null) return { name: m[1]!, phase: 'headers' };
    }
    return undefined;
  };
  const out = raw.map((r) => {
    const stamp = stampOf(r.outputs);
    const rulePhase = r.edge?.kind === 'dependency' ? /^dep_([a-z]+)_/.exec(r.edge.rule)?.[1] : undefined;
    if (r.edge !== undefined && r.edge.kind !== 'dependency') return { target: r.edge.target, kind: r.edge.kind as StepKind, stale: false };
    if (r.edge !== undefined) {
      const phase = stamp?.phase ?? rulePhase ?? 'step';
      return { target: r.edge.target, kind: 'dependency' as StepKind, phase, stale: phase !== rulePhase };
    }
    if (stamp !== undefined) return { target: stamp.name, kind: 'dependency' as StepKind, phase: stamp.phase, stale: true };
    return { target: r.outputs[0] === buildFile ? '(regeneration)' : '(not in this build)', kind: 'other' as StepKind, stale: false };
  });
  // A "restore" in the same run as that dependency's build phases was its install, planned before the cache had it.
  const built = new Set(out.filter((c) => c.phase !== undefined && c.phase !== 'restore' && c.phase !== 'headers').map((c) => c.target));
  for (const c of out) {
    if (c.phase === 'restore' && built.has(c.target)) {
      c.phase = 'install';
      c.stale = true;
    }
  }
  return out;
}

/** Per dependency target: its phases (from the `dep_<phase>_<name>` rule names) and what its logs add. */
function dependencyTimes(steps: readonly ReportStep[], logs: ReadonlyMap<string, DependencyLogs> | undefined): ReportDependency[] {
  const byDep = new Map<string, { phase: string; start: number; end: number; ms: number }[]>();
  for (const s of steps) if (s.kind === 'dependency') push(byDep, s.target, { phase: s.phase ?? 'step', start: s.start, end: s.end, ms: s.ms });
  const deps: ReportDependency[] = [...byDep].map(([name, phases]) => {
    const l = logs?.get(name);
    let inner: ReportDependency['inner'];
    if (l?.inner !== undefined) {
      const entries = lastBuild(parseNinjaLog(l.inner.text).entries).entries;
      if (entries.length > 0) {
        const wallMs = maxOf(entries.map((e) => e.end)) - minOf(entries.map((e) => e.start));
        const slowest = entries.map((e) => ({ output: e.output, ms: e.end - e.start })).sort((a, b) => b.ms - a.ms || cmp(a.output, b.output)).slice(0, 5);
        inner = { log: l.inner.path, steps: entries.length, wallMs, busyMs: entries.reduce((n, e) => n + e.end - e.start, 0), slowest };
      }
    }
    return { name, ms: phases.reduce((n, p) => n + p.ms, 0), phases, logs: l?.logs ?? [], ...(inner === undefined ? {} : { inner }) };
  });
  return deps.sort((a, b) => b.ms - a.ms || cmp(a.name, b.name));
}

/** The average number of busy jobs in each of `n` equal slices of the build (time-weighted). */
export function concurrency(report: Pick<Report, 'steps' | 'wallMs'>, n: number): number[] {
  const out = new Array<number>(n).fill(0);
  if (report.steps.length === 0 || report.wallMs <= 0) return out;
  const t0 = minOf(report.steps.map((s) => s.start));
  const width = report.wallMs / n;
  for (const s of report.steps) {
    const a = (s.start - t0) / width;
    const b = (s.end - t0) / width;
    for (let k = Math.max(0, Math.floor(a)); k < Math.min(n, Math.ceil(b)); k++) out[k]! += Math.min(b, k + 1) - Math.max(a, k);
  }
  return out;
}
