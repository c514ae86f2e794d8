// The build report as pure functions: .ninja_log text and the build's edges in, a report object out, and from it the
// terminal text (with bar charts), Chrome trace JSON, a self-contained HTML page and a comparison of two reports.
import type { Edge, EdgeKind } from '../plan/steps.ts';

/** One line of a .ninja_log: times in ms since that ninja run started; `mtime` kept as text (ns since 1.10). */
export interface LogEntry {
  readonly start: number;
  readonly end: number;
  readonly mtime: string;
  readonly output: string;
  readonly hash: string;
}

export interface ParsedLog {
  /** The `# ninja log vN` version; 0 when the header is missing. */
  readonly version: number;
  readonly entries: readonly LogEntry[];
  /** Lines that were not a log entry (a build killed mid-write leaves a torn last line). */
  readonly skipped: number;
}

/** Parses .ninja_log text (v4 to v7 share the leading `start end mtime output` columns). */
export function parseNinjaLog(text: string): ParsedLog {
  let version = 0;
  let skipped = 0;
  const entries: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const header = /^# ninja log v(\d+)/.exec(line);
    if (header !== null) {
      version = Number(header[1]);
      continue;
    }
    const cols = line.split('\t');
    const [start, end, mtime, output, hash] = cols;
    if (cols.length < 4 || output === undefined || output === '' || !/^\d+$/.test(start ?? '') || !/^\d+$/.test(end ?? '')) {
      skipped++;
      continue;
    }
    entries.push({ start: Number(start), end: Number(end), mtime: mtime ?? '', output, hash: hash ?? '' });
  }
  return { version, entries, skipped };
}

/**
 * The entries of the last ninja run, latest entry per output. Ninja appends one line per output when its edge
 * finishes, with times relative to that run's start, so within a run end times never decrease: the last run begins
 * after the last place where an end time goes down. A no-op run appends nothing, so the last build stays reported.
 * A regeneration of the build file (`buildFile`) is the first thing a ninja run does, so its line also begins a run:
 * ninja 1.11 then starts its clock again (the rebuild that follows is a run of its own), 1.13 keeps it (the
 * regeneration and the rebuild are one run), and a run that only regenerated, finishing after the previous run's
 * last end, is not mistaken for part of it.
 */
export function lastBuild(entries: readonly LogEntry[], buildFile?: string): { readonly entries: readonly LogEntry[]; readonly earlier: number } {
  let from = 0;
  for (let i = 1; i < entries.length; i++) if (entries[i]!.end < entries[i - 1]!.end || entries[i]!.output === buildFile) from = i;
  const latest = new Map<string, LogEntry>();
  for (const e of entries.slice(from)) {
    latest.delete(e.output); // re-inserted: keeps the order of the latest write
    latest.set(e.output, e);
  }
  return { entries: [...latest.values()], earlier: entries.length - latest.size };
}

/** A step kind: an edge kind, or `other` for log outputs no edge of this build produces (e.g. build.ninja). */
export type StepKind = EdgeKind | 'other';

export interface ReportStep {
  /** Every output of the edge, the first one names the step. */
  readonly outputs: readonly string[];
  readonly target: string;
  readonly kind: StepKind;
  readonly start: number;
  readonly end: number;
  readonly ms: number;
  /** The concurrent lane (0-based) the step ran in: lanes are reused as soon as a step ends. */
  readonly lane: number;
  /** For dependency steps: extract, configure, headers, build, install or restore. */
  readonly phase?: string;
  /**
   * What the step did, as the build's progress line says it (CC, AR, LINK, SPLIT, ...): two steps of one kind can
   * differ (a split-debug step is a link edge). Missing in reports written before it existed.
   */
  readonly label?: string;
}

export interface ReportTarget {
  readonly name: string;
  /** Sum of its steps' durations. */
  readonly ms: number;
  readonly steps: number;
  /** From its first step's start to its last step's end. */
  readonly start: number;
  readonly end: number;
}

export interface ReportDependency {
  readonly name: string;
  readonly ms: number;
  readonly phases: readonly { readonly phase: string; readonly start: number; readonly end: number; readonly ms: number }[];
  /** The phase logs pogogen's dep-step wrote, root-relative. */
  readonly logs: readonly string[];
  /** The dependency's own ninja log (meson builds), when there is one. */
  readonly inner?: { readonly log: string; readonly steps: number; readonly wallMs: number; readonly busyMs: number; readonly slowest: readonly { readonly output: string; readonly ms: number }[] };
}

export interface CcacheStats {
  readonly hits: number;
  readonly misses: number;
  /** Hits / (hits + misses), 0..1; undefined when ccache has seen no cacheable compile. */
  readonly rate?: number;
  /** ccache keeps no per-build counters: the numbers are the cache's totals since its last reset. */
  readonly scope: 'cumulative';
}

export interface Report {
  readonly version: 1;
  /** The log read, root-relative. */
  readonly log: string;
  /** Entries of earlier runs (or older entries of the same outputs) left out. */
  readonly earlier: number;
  readonly wallMs: number;
  /** Sum of all step durations. */
  readonly busyMs: number;
  readonly parallelism: { readonly average: number; readonly peak: number; readonly budget: number; readonly utilisation: number };
  /** Every step of the last build, by start time. */
  readonly steps: readonly ReportStep[];
  /** By time, slowest first. */
  readonly targets: readonly ReportTarget[];
  readonly dependencies: readonly ReportDependency[];
  /** Indices into `steps`, slowest first (at most 20). */
  readonly slowest: readonly number[];
  /** Indices into `steps`, first to last: each step's outputs include an input of the next one. */
  readonly criticalPath: { readonly ms: number; readonly steps: readonly number[] };
  readonly ccache?: CcacheStats;
}

/** What the report needs of the build: its edges and alias names (inputs may name an alias). */
export interface BuildShape {
  readonly edges: readonly Edge[];
  readonly aliases?: readonly { readonly name: string; readonly outputs: readonly string[] }[];
  /** The build file's path (its regeneration appears in the log without an edge). */
  readonly buildFile?: string;
  /** The rules' progress descriptions (`LINK {out}`), for the steps' labels. */
  readonly rules?: readonly { readonly name: string; readonly description: string }[];
}

export interface DependencyLogs {
  /** Phase log files, root-relative. */
  readonly logs: readonly string[];
  /** The dependency's own .ninja_log: root-relative path and text. */
  readonly inner?: { readonly path: string; readonly text: string };
}

export interface ReportInput {
  readonly log: string;
  readonly logText: string;
  readonly build: BuildShape;
  readonly budget: number;
  readonly dependencies?: ReadonlyMap<string, DependencyLogs>;
  readonly ccache?: CcacheStats;
}

export const slowestCount = 20;

/** Thrown for a log with nothing to report on. */
export class NoBuildError extends Error {}

export function computeReport(input: ReportInput): Report {
  const parsed = parseNinjaLog(input.logText);
  const buildFile = input.build.buildFile ?? 'build.ninja';
  const last = lastBuild(parsed.entries, buildFile);
  if (last.entries.length === 0) throw new NoBuildError('no build to report on: run ninja first');
  const edgeOf = new Map<string, Edge>();
  for (const e of input.build.edges) for (const o of e.outs) edgeOf.set(o, e);

  // Outputs no edge of this build writes may still be a target's: a dependency whose install out/ already held
  // when this build file was written has no edge, but its alias still names the files the install wrote.
  const aliasOf = new Map<string, string>();
  for (const a of input.build.aliases ?? []) for (const o of a.outputs) if (!edgeOf.has(o)) aliasOf.set(o, a.name);

  // One step per edge run. Ninja writes one line per output of an edge, all with the edge's start, end and command
  // hash: those lines are one step, whether or not this generation still has that edge (a dependency built from
  // source is restored by a differently shaped edge afterwards; a renamed action's outputs have no edge at all).
  // Counting such lines one by one made a four-output edge four jobs at once. Lines without a hash column are
  // grouped by this build's edges.
  const groups = new Map<string, { outputs: string[]; edge?: Edge; start: number; end: number }>();
  const edgeIds = new Map<Edge, number>();
  for (const e of last.entries) {
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
  raw.sort((a, b) => a.start - b.start || a.end - b.end || cmp(a.outputs[0]!, b.outputs[0]!));

  // Lanes: greedy interval partitioning by start time uses exactly as many lanes as the peak concurrency.
  const laneEnds: number[] = [];
  const classes = classify(raw, buildFile);
  const verbOf = new Map((input.build.rules ?? []).map((r) => [r.name, /^([A-Z][A-Z0-9]{0,5})\b/.exec(r.description)?.[1]]));
  const steps: ReportStep[] = raw.map((r, i) => {
    let lane = laneEnds.findIndex((end) => end <= r.start);
    if (lane === -1) lane = laneEnds.push(r.end) - 1;
    else laneEnds[lane] = r.end;
    const c = classes[i]!;
    // Dependency phases keep DEP (their verbs are long and the phase is shown apart); stale edges their kind's.
    const verb = c.kind === 'dependency' || c.stale || r.edge === undefined ? undefined : verbOf.get(r.edge.rule);
    return { outputs: r.outputs, target: c.target, kind: c.kind, start: r.start, end: r.end, ms: r.end - r.start, lane, ...(c.phase === undefined ? {} : { phase: c.phase }), label: verb ?? kindLabel[c.kind] };
  });

  const start = minOf(steps.map((s) => s.start));
  const wallMs = maxOf(steps.map((s) => s.end)) - start;
  const busyMs = steps.reduce((n, s) => n + s.ms, 0);
  const average = wallMs > 0 ? busyMs / wallMs : steps.length > 0 ? 1 : 0;
  const budget = Math.max(1, input.budget);

  const byTarget = new Map<string, ReportStep[]>();
  for (const s of steps) push(byTarget, s.target, s);
  const targets = [...byTarget].map(([name, ss]) => ({ name, ms: ss.reduce((n, s) => n + s.ms, 0), steps: ss.length, start: minOf(ss.map((s) => s.start)), end: maxOf(ss.map((s) => s.end)) }));
  targets.sort((a, b) => b.ms - a.ms || cmp(a.name, b.name));

  const dependencies = dependencyTimes(steps, input.dependencies);

  const order = steps.map((_, i) => i);
  const slowest = order.sort((a, b) => steps[b]!.ms - steps[a]!.ms || a - b).slice(0, slowestCount);

  return {
    version: 1,
    log: input.log,
    earlier: last.earlier,
    wallMs,
    busyMs,
    parallelism: { average: round2(average), peak: laneEnds.length, budget, utilisation: round2(average / budget) },
    steps,
    targets,
    dependencies,
    slowest,
    criticalPath: criticalPath(steps, raw.map((r, i) => (classes[i]!.stale ? undefined : r.edge)), input.build.aliases ?? []),
    ...(input.ccache === undefined ? {} : { ccache: input.ccache }),
  };
}

/** The phases of a dependency build in the order its edges chain them (lib/plan/deps.ts). */
const phaseOrder = ['extract', 'configure', 'headers', 'build', 'install', 'restore'];

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

/**
 * The longest chain of steps by duration where each step's edge reads (as input, implicit or order-only input) an
 * output of the one before. Only steps of the last build count: an up-to-date input made no one wait.
 */
function criticalPath(steps: readonly ReportStep[], edges: readonly (Edge | undefined)[], aliases: NonNullable<BuildShape['aliases']>): Report['criticalPath'] {
  if (steps.length === 0) return { ms: 0, steps: [] };
  const producer = new Map<string, number>();
  steps.forEach((s, i) => {
    for (const o of s.outputs) producer.set(o, i);
  });
  const aliasOf = new Map(aliases.map((a) => [a.name, a.outputs]));
  const preds = (i: number): number[] => {
    const e = edges[i];
    const s = steps[i]!;
    if (e === undefined && s.phase !== undefined) {
      // A stale dependency phase: it waited for the latest earlier phase of the same dependency that had finished.
      const rank = phaseOrder.indexOf(s.phase);
      let best: number | undefined;
      steps.forEach((p, j) => {
        if (p.target !== s.target || p.phase === undefined || p.end > s.start) return;
        const r = phaseOrder.indexOf(p.phase);
        if (r < rank && (best === undefined || r > phaseOrder.indexOf(steps[best]!.phase!))) best = j;
      });
      return best === undefined ? [] : [best];
    }
    if (e === undefined) return [];
    const found = new Set<number>();
    const visit = (file: string, depth: number): void => {
      const p = producer.get(file);
      if (p !== undefined && p !== i) found.add(p);
      else if (depth < 8) for (const f of aliasOf.get(file) ?? []) visit(f, depth + 1);
    };
    for (const f of [...e.ins, ...e.implicitIns, ...e.orderOnly]) visit(f, 0);
    // A real predecessor finished before this step started; anything else would be a stale or foreign entry.
    return [...found].filter((p) => steps[p]!.end <= steps[i]!.start).sort((a, b) => a - b);
  };
  const best = new Array<number | undefined>(steps.length);
  const via = new Array<number | undefined>(steps.length);
  // Predecessors end before their successors start, so visiting by end time sees every predecessor first.
  const byEnd = steps.map((_, i) => i).sort((a, b) => steps[a]!.end - steps[b]!.end || steps[a]!.start - steps[b]!.start || a - b);
  for (const i of byEnd) {
    let longest = -1;
    for (const p of preds(i)) {
      const b = best[p] ?? 0;
      if (b > longest) {
        longest = b;
        via[i] = p;
      }
    }
    best[i] = steps[i]!.ms + Math.max(0, longest);
  }
  let last = 0;
  for (let i = 1; i < steps.length; i++) {
    const b = best[i]!;
    const l = best[last]!;
    if (b > l || (b === l && steps[i]!.end > steps[last]!.end)) last = i;
  }
  const chain: number[] = [];
  for (let i: number | undefined = last; i !== undefined; i = via[i]) chain.push(i);
  chain.reverse();
  return { ms: best[last]!, steps: chain };
}

/** Hits and misses from `ccache --print-stats` (tab-separated counters, ccache ≥ 4). */
export function parseCcacheStats(text: string): CcacheStats | undefined {
  const counters = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.split('\t');
    if (k !== undefined && v !== undefined && /^\d+$/.test(v.trim())) counters.set(k.trim(), Number(v.trim()));
  }
  if (!counters.has('cache_miss')) return undefined;
  const hits = (counters.get('direct_cache_hit') ?? 0) + (counters.get('preprocessed_cache_hit') ?? 0);
  const misses = counters.get('cache_miss') ?? 0;
  return { hits, misses, ...(hits + misses > 0 ? { rate: round2(hits / (hits + misses)) } : {}), scope: 'cumulative' };
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

// ---------------------------------------------------------------------------------------------------------------
// Terminal text

/** A duration for people: 863 ms, 1.68 s, 12.4 s, 2 min 03 s. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

const eighths = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A horizontal bar of `value / max` of `width` cells, in eighths of a cell; at least a sliver when value > 0. */
export function bar(value: number, max: number, width: number): string {
  if (max <= 0 || value <= 0) return ''.padEnd(width);
  const units = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8));
  return ('█'.repeat(Math.floor(units / 8)) + eighths[units % 8]!).padEnd(width);
}

const sparks = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** Shortens a path from the left to `n` characters. */
function fit(s: string, n: number): string {
  return s.length <= n ? s.padEnd(n) : `…${s.slice(s.length - n + 1)}`;
}

const kindLabel: Record<StepKind, string> = { compile: 'CC', archive: 'AR', link: 'LINK', link_shared: 'SOLINK', symlink: 'LN', action: 'GEN', dependency: 'DEP', other: '' };

export interface TextOptions {
  /** Terminal width; charts use what is left after the labels. */
  readonly columns?: number;
}

export function formatReport(r: Report, opts: TextOptions = {}): string {
  const columns = Math.max(60, Math.min(opts.columns ?? 100, 160));
  const lines: string[] = [];
  const p = r.parallelism;
  lines.push(`pogogen report: ${r.log}, last build: ${r.steps.length} step${r.steps.length === 1 ? '' : 's'}${r.earlier > 0 ? ` (${r.earlier} older log entr${r.earlier === 1 ? 'y' : 'ies'} left out)` : ''}`);
  lines.push(`  wall time    ${formatMs(r.wallMs)}   (busy ${formatMs(r.busyMs)} summed over steps)`);
  lines.push(`  parallelism  ${p.average.toFixed(2)} jobs on average, ${p.peak} at peak, budget ${p.budget} (${Math.round(p.utilisation * 100)}% used)`);
  // Edges are counted once each, so a peak above the budget is real: ninja was given more jobs (without -j it runs
  // CPUs + 2, 3 on two CPUs) or the report was asked about a smaller budget than the build had.
  if (p.peak > p.budget) lines.push(`               ${p.peak - p.budget} more than the budget ran at once: ninja had a higher -j (without -j it runs more jobs than there are CPUs)`);
  lines.push(`  critical     ${formatMs(r.criticalPath.ms)} in ${r.criticalPath.steps.length} step${r.criticalPath.steps.length === 1 ? '' : 's'}: the build cannot be faster than this with more jobs`);
  if (r.ccache !== undefined) {
    const c = r.ccache;
    lines.push(`  ccache       ${c.rate === undefined ? 'no cacheable compiles yet' : `${Math.round(c.rate * 100)}% hits`} (${c.hits} hits, ${c.misses} misses; the cache's totals, ccache does not count per build)`);
  }

  // Busy jobs over time: one column per slice, the budget as the full height.
  const w = columns - 12;
  const conc = concurrency(r, w);
  const top = Math.max(p.budget, p.peak);
  lines.push('', `jobs busy over time (full height: ${top})`);
  lines.push(`  ${String(top).padStart(3)} ┤${conc.map((c) => (c <= 0 ? ' ' : sparks[Math.min(7, Math.max(0, Math.ceil((c / top) * 8) - 1))]!)).join('')}`);
  const endLabel = formatMs(r.wallMs);
  lines.push(`      └${'─'.repeat(w)}`, `       0${endLabel.padStart(w - 1)}`);

  // Labels take what they need up to what leaves a bar of 16 to 40 cells; the rest of a line is ~25 columns.
  const widths = (longest: number, fixed: number): [number, number] => {
    const barW = Math.max(16, Math.min(40, columns - fixed - longest));
    return [Math.max(8, Math.min(longest, columns - fixed - barW)), barW];
  };
  const [labelW, barW] = widths(maxOf(r.targets.map((t) => t.name.length)), 24);
  lines.push('', 'time per target (summed over its steps)');
  const maxT = r.targets[0]?.ms ?? 0;
  for (const t of r.targets) lines.push(`  ${fit(t.name, labelW)} ${bar(t.ms, maxT, barW)} ${formatMs(t.ms).padStart(8)}  ${t.steps} step${t.steps === 1 ? '' : 's'}`);

  if (r.dependencies.length > 0) {
    lines.push('', 'time per dependency');
    const maxD = r.dependencies[0]?.ms ?? 0;
    const [depW, depBar] = widths(maxOf(r.dependencies.map((d) => d.name.length)), 14);
    for (const d of r.dependencies) {
      lines.push(`  ${fit(d.name, depW)} ${bar(d.ms, maxD, depBar)} ${formatMs(d.ms).padStart(8)}`);
      lines.push(`  ${''.padEnd(depW)} ${d.phases.map((ph) => `${ph.phase} ${formatMs(ph.ms)}`).join(' · ')}`);
      if (d.inner !== undefined) lines.push(`  ${''.padEnd(depW)} its own ninja log: ${d.inner.steps} steps, ${formatMs(d.inner.wallMs)} wall; slowest ${d.inner.slowest.slice(0, 3).map((s) => `${s.output} ${formatMs(s.ms)}`).join(', ')}`);
      if (d.logs.length > 0) lines.push(`  ${''.padEnd(depW)} logs: ${d.logs.join(' ')}`);
    }
  }

  const [stepW, stepBar] = widths(maxOf(r.steps.map((s) => s.outputs[0]!.length)), 23);
  lines.push('', `${r.slowest.length === r.steps.length ? 'all' : `the ${r.slowest.length} slowest`} steps`);
  const maxS = r.slowest[0] === undefined ? 0 : r.steps[r.slowest[0]]!.ms;
  r.slowest.forEach((i, n) => {
    const s = r.steps[i]!;
    lines.push(`  ${String(n + 1).padStart(2)}. ${(s.label ?? kindLabel[s.kind]).padEnd(6)} ${fit(s.outputs[0]!, stepW)} ${bar(s.ms, maxS, stepBar)} ${formatMs(s.ms).padStart(8)}`);
  });

  lines.push('', 'critical path (each step reads an output of the one above; bars share one scale)');
  const t0 = minOf(r.steps.map((s) => s.start));
  const maxC = maxOf(r.criticalPath.steps.map((i) => r.steps[i]!.ms), 0);
  const [pathW, pathBar] = widths(maxOf(r.criticalPath.steps.map((i) => r.steps[i]!.outputs[0]!.length), 0), 28);
  for (const i of r.criticalPath.steps) {
    const s = r.steps[i]!;
    lines.push(`  ${formatMs(s.start - t0).padStart(8)} ${(s.label ?? kindLabel[s.kind]).padEnd(6)} ${fit(s.outputs[0]!, pathW)} ${bar(s.ms, maxC, pathBar)} ${formatMs(s.ms).padStart(8)}`);
  }
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Chrome trace

/**
 * Chrome trace JSON (the Trace Event Format Perfetto and chrome://tracing open): one complete ('X') event per step,
 * one thread per lane so concurrent steps sit on separate rows; a dependency's own ninja log is a second process.
 */
export function chromeTrace(r: Report, inner: ReadonlyMap<string, string> = new Map()): string {
  const events: object[] = [
    { name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: `ninja: ${r.log}` } },
  ];
  const lanes = maxOf(r.steps.map((s) => s.lane + 1), 0);
  for (let l = 0; l < lanes; l++) events.push({ name: 'thread_name', ph: 'M', pid: 1, tid: l + 1, args: { name: `lane ${l + 1}` } });
  const critical = new Set(r.criticalPath.steps);
  r.steps.forEach((s, i) => {
    events.push({ name: s.outputs[0], cat: s.kind, ph: 'X', ts: s.start * 1000, dur: s.ms * 1000, pid: 1, tid: s.lane + 1, args: { target: s.target, outputs: s.outputs, critical: critical.has(i) } });
  });
  // A dependency's nested ninja build runs inside its build phase: its clock starts near that phase's start.
  let pid = 2;
  for (const d of r.dependencies) {
    const text = inner.get(d.name);
    const phase = d.phases.find((p) => p.phase === 'build');
    if (text === undefined || phase === undefined) continue;
    const entries = lastBuild(parseNinjaLog(text).entries).entries;
    events.push({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: `${d.name} (its own ninja log)` } });
    const laneEnds: number[] = [];
    for (const e of [...entries].sort((a, b) => a.start - b.start || a.end - b.end)) {
      let lane = laneEnds.findIndex((end) => end <= e.start);
      if (lane === -1) lane = laneEnds.push(e.end) - 1;
      else laneEnds[lane] = e.end;
      events.push({ name: e.output, cat: 'dependency-inner', ph: 'X', ts: (phase.start + e.start) * 1000, dur: (e.end - e.start) * 1000, pid, tid: lane + 1, args: { dependency: d.name } });
    }
    pid++;
  }
  return `${JSON.stringify({ traceEvents: events, displayTimeUnit: 'ms', otherData: { wallMs: r.wallMs, budget: r.parallelism.budget } })}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Comparison

export interface Change {
  readonly name: string;
  readonly old?: number;
  readonly new?: number;
}

export interface Comparison {
  readonly wall: Change;
  readonly busy: Change;
  readonly critical: Change;
  readonly parallelism: { readonly old: number; readonly new: number };
  /** Targets and steps whose time changed noticeably, appeared or disappeared; biggest change first. */
  readonly targets: readonly Change[];
  readonly steps: readonly Change[];
}

export class CompareError extends Error {}

/** Checks that a parsed JSON value is a report this module wrote (a --json output), enough to compare with. */
export function asReport(value: unknown, file: string): Report {
  const v = value as Partial<Report> | null;
  const ok =
    typeof v === 'object' && v !== null && v.version === 1 && typeof v.wallMs === 'number' && typeof v.busyMs === 'number' &&
    Array.isArray(v.steps) && Array.isArray(v.targets) && typeof v.criticalPath?.ms === 'number' && typeof v.parallelism?.average === 'number' &&
    v.steps.every((s) => Array.isArray(s?.outputs) && typeof s.outputs[0] === 'string' && typeof s.ms === 'number') &&
    v.targets.every((t) => typeof t?.name === 'string' && typeof t.ms === 'number');
  if (!ok) throw new CompareError(`${file} is not a pogogen report (write one with pogogen report --json > ${file})`);
  return v as Report;
}

/** A change counts when it is at least 10% and 5 ms (ninja's clock is in ms; smaller moves are noise). */
const noticeable = (a: number, b: number): boolean => Math.abs(b - a) >= 5 && Math.abs(b - a) >= 0.1 * Math.max(a, b);

export function compareReports(old: Report, now: Report): Comparison {
  const diff = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): Change[] => {
    const out: Change[] = [];
    for (const name of new Set([...a.keys(), ...b.keys()])) {
      const o = a.get(name);
      const n = b.get(name);
      if (o === undefined || n === undefined || noticeable(o, n)) out.push({ name, ...(o === undefined ? {} : { old: o }), ...(n === undefined ? {} : { new: n }) });
    }
    return out.sort((x, y) => Math.abs((y.new ?? 0) - (y.old ?? 0)) - Math.abs((x.new ?? 0) - (x.old ?? 0)) || cmp(x.name, y.name));
  };
  const targets = (r: Report): Map<string, number> => new Map(r.targets.map((t) => [t.name, t.ms]));
  const steps = (r: Report): Map<string, number> => new Map(r.steps.map((s) => [s.outputs[0]!, s.ms]));
  return {
    wall: { name: 'wall time', old: old.wallMs, new: now.wallMs },
    busy: { name: 'busy time', old: old.busyMs, new: now.busyMs },
    critical: { name: 'critical path', old: old.criticalPath.ms, new: now.criticalPath.ms },
    parallelism: { old: old.parallelism.average, new: now.parallelism.average },
    targets: diff(targets(old), targets(now)),
    steps: diff(steps(old), steps(now)),
  };
}

function formatChange(c: Change, width: number): string {
  if (c.old === undefined) return `  ${fit(c.name, width)} new        ${formatMs(c.new ?? 0)}`;
  if (c.new === undefined) return `  ${fit(c.name, width)} gone       (was ${formatMs(c.old)})`;
  const d = c.new - c.old;
  const pct = c.old > 0 ? ` ${d >= 0 ? '+' : '−'}${Math.round((Math.abs(d) / c.old) * 100)}%` : '';
  const how = d === 0 ? '= same' : `${d > 0 ? '▲ slower' : '▼ faster'} by ${formatMs(Math.abs(d))}${pct}`;
  return `  ${fit(c.name, width)} ${formatMs(c.old).padStart(8)} → ${formatMs(c.new).padStart(8)}  ${how}`;
}

export function formatComparison(c: Comparison, oldName: string): string {
  const lines = [`compared with ${oldName}`];
  for (const x of [c.wall, c.busy, c.critical]) lines.push(formatChange(x, 20));
  lines.push(`  ${fit('parallelism', 20)} ${c.parallelism.old.toFixed(2).padStart(8)} → ${c.parallelism.new.toFixed(2).padStart(8)}  jobs on average`);
  const section = (title: string, list: readonly Change[]): void => {
    const slower = list.filter((x) => x.old === undefined || (x.new !== undefined && x.new > x.old) || x.new === undefined);
    const faster = list.filter((x) => x.old !== undefined && x.new !== undefined && x.new < x.old);
    if (list.length === 0) {
      lines.push('', `${title}: no noticeable change (10% and 5 ms or more)`);
      return;
    }
    const width = Math.min(48, maxOf(list.map((x) => x.name.length), 12));
    if (faster.length > 0) lines.push('', `${title} that got faster`, ...faster.slice(0, 20).map((x) => formatChange(x, width)));
    if (slower.length > 0) lines.push('', `${title} that got slower, appeared or went away`, ...slower.slice(0, 20).map((x) => formatChange(x, width)));
  };
  section('targets', c.targets);
  section('steps', c.steps);
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// HTML

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const kindColour: Record<StepKind, string> = { compile: '#4e79a7', archive: '#f28e2b', link: '#e15759', link_shared: '#b07aa1', symlink: '#bab0ac', action: '#59a14f', dependency: '#edc948', other: '#9c755f' };

/** Horizontal bars as inline SVG: label, bar, value. */
function svgBars(rows: readonly { label: string; ms: number; colour?: string; title?: string }[]): string {
  const rowH = 20;
  const labelW = 300;
  const barW = 520;
  const max = maxOf(rows.map((r) => r.ms), 1);
  const h = rows.length * rowH + 4;
  const parts = rows.map((r, i) => {
    const y = i * rowH + 2;
    const w = Math.max(1, (r.ms / max) * barW);
    const label = r.label.length > 44 ? `…${r.label.slice(-43)}` : r.label;
    return `<g><title>${esc(r.title ?? `${r.label}: ${formatMs(r.ms)}`)}</title><text x="${labelW - 6}" y="${y + 14}" text-anchor="end">${esc(label)}</text><rect x="${labelW}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${r.colour ?? '#4e79a7'}"/><text x="${(labelW + w + 6).toFixed(1)}" y="${y + 14}">${esc(formatMs(r.ms))}</text></g>`;
  });
  return `<svg class="bars" viewBox="0 0 ${labelW + barW + 90} ${h}" width="${labelW + barW + 90}" height="${h}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

/** The timeline: one row per lane, each step a rectangle; critical-path steps outlined. */
function svgTimeline(r: Report): string {
  const width = 900;
  const rowH = 16;
  const lanes = maxOf(r.steps.map((s) => s.lane + 1), 1);
  const t0 = minOf(r.steps.map((s) => s.start));
  const scale = r.wallMs > 0 ? width / r.wallMs : 0;
  const critical = new Set(r.criticalPath.steps);
  const h = lanes * rowH + 24;
  const rects = r.steps.map((s, i) => {
    const x = (s.start - t0) * scale;
    const w = Math.max(1, s.ms * scale);
    const stroke = critical.has(i) ? ' stroke="#d00" stroke-width="2"' : '';
    return `<rect x="${x.toFixed(1)}" y="${s.lane * rowH + 2}" width="${w.toFixed(1)}" height="${rowH - 3}" fill="${kindColour[s.kind]}"${stroke}><title>${esc(`${s.outputs.join(' ')} (${s.target}): ${formatMs(s.ms)} from ${formatMs(s.start - t0)}${critical.has(i) ? ', on the critical path' : ''}`)}</title></rect>`;
  });
  const axis = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${(f * width).toFixed(1)}" y="${lanes * rowH + 18}" text-anchor="${f === 0 ? 'start' : f === 1 ? 'end' : 'middle'}">${esc(formatMs(f * r.wallMs))}</text>`);
  return `<svg class="timeline" viewBox="0 0 ${width} ${h}" width="${width}" height="${h}" xmlns="http://www.w3.org/2000/svg"><rect width="${width}" height="${lanes * rowH + 2}" fill="#f4f4f4"/>${rects.join('')}${axis.join('')}</svg>`;
}

/** Busy jobs over time as an area, with the job budget as a dashed line. */
function svgConcurrency(r: Report): string {
  const width = 900;
  const height = 120;
  const n = 300;
  const conc = concurrency(r, n);
  const top = Math.max(r.parallelism.budget, r.parallelism.peak, 1);
  const y = (v: number): number => height - (v / top) * (height - 10);
  const pts = conc.map((c, i) => `${((i + 0.5) * (width / n)).toFixed(1)},${y(c).toFixed(1)}`);
  const budgetY = y(r.parallelism.budget).toFixed(1);
  return `<svg class="conc" viewBox="0 0 ${width} ${height + 18}" width="${width}" height="${height + 18}" xmlns="http://www.w3.org/2000/svg"><polygon points="0,${height} ${pts.join(' ')} ${width},${height}" fill="#4e79a7" fill-opacity="0.7"/><line x1="0" x2="${width}" y1="${budgetY}" y2="${budgetY}" stroke="#d00" stroke-dasharray="6 4"><title>job budget: ${r.parallelism.budget}</title></line><text x="${width - 4}" y="${Number(budgetY) - 4}" text-anchor="end">budget ${r.parallelism.budget}</text><text x="2" y="${height + 15}">0</text><text x="${width - 2}" y="${height + 15}" text-anchor="end">${esc(formatMs(r.wallMs))}</text></svg>`;
}

/** A self-contained page (inline CSS and SVG, no scripts or external resources) with the same charts as the text. */
export function reportHtml(r: Report, comparison?: { readonly with: string; readonly text: string }): string {
  const p = r.parallelism;
  const t0 = minOf(r.steps.map((s) => s.start));
  const legend = (Object.keys(kindColour) as StepKind[]).filter((k) => r.steps.some((s) => s.kind === k)).map((k) => `<span class="key" style="background:${kindColour[k]}"></span>${esc(k)}`).join(' ');
  const sections = [
    `<h1>pogogen build report</h1><p class="meta">${esc(r.log)} · last build: ${r.steps.length} steps${r.earlier > 0 ? ` (${r.earlier} older log entries left out)` : ''}</p>`,
    `<table class="summary"><tr><th>wall time</th><td>${esc(formatMs(r.wallMs))}</td></tr><tr><th>busy (summed)</th><td>${esc(formatMs(r.busyMs))}</td></tr><tr><th>parallelism</th><td>${p.average.toFixed(2)} average, ${p.peak} peak, budget ${p.budget} (${Math.round(p.utilisation * 100)}% used)</td></tr><tr><th>critical path</th><td>${esc(formatMs(r.criticalPath.ms))} in ${r.criticalPath.steps.length} steps</td></tr>${r.ccache === undefined ? '' : `<tr><th>ccache</th><td>${r.ccache.rate === undefined ? 'no cacheable compiles yet' : `${Math.round(r.ccache.rate * 100)}% hits`} (${r.ccache.hits} hits, ${r.ccache.misses} misses; the cache's totals, not this build's alone)</td></tr>`}</table>`,
    `<h2>Jobs busy over time</h2>${svgConcurrency(r)}`,
    `<h2>Timeline</h2><p class="legend">${legend} · <span class="key crit"></span>critical path</p>${svgTimeline(r)}`,
    `<h2>Time per target</h2>${svgBars(r.targets.map((t) => ({ label: t.name, ms: t.ms, title: `${t.name}: ${formatMs(t.ms)} in ${t.steps} steps` })))}`,
    r.dependencies.length === 0 ? '' : `<h2>Time per dependency</h2>${svgBars(r.dependencies.map((d) => ({ label: d.name, ms: d.ms, colour: kindColour.dependency, title: `${d.name}: ${d.phases.map((ph) => `${ph.phase} ${formatMs(ph.ms)}`).join(', ')}` })))}`,
    `<h2>Slowest steps</h2>${svgBars(r.slowest.map((i) => r.steps[i]!).map((s) => ({ label: s.outputs[0]!, ms: s.ms, colour: kindColour[s.kind], title: `${s.outputs.join(' ')} (${s.target}): ${formatMs(s.ms)}` })))}`,
    `<h2>Critical path</h2><p>Each step reads an output of the one before; more jobs cannot make the build faster than ${esc(formatMs(r.criticalPath.ms))}.</p>${svgBars(r.criticalPath.steps.map((i) => r.steps[i]!).map((s) => ({ label: `${formatMs(s.start - t0)} ${s.outputs[0]!}`, ms: s.ms, colour: kindColour[s.kind] })))}`,
    comparison === undefined ? '' : `<h2>Compared with ${esc(comparison.with)}</h2><pre>${esc(comparison.text)}</pre>`,
  ];
  const css = 'body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}.meta{color:#666}table.summary th{text-align:left;padding-right:16px;font-weight:600}svg text{font:12px system-ui,sans-serif;fill:#222}.key{display:inline-block;width:12px;height:12px;margin:0 4px 0 8px;vertical-align:middle}.key.crit{border:2px solid #d00;background:#fff}pre{background:#f4f4f4;padding:8px}';
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>pogogen build report</title><style>${css}</style></head><body>\n${sections.filter((s) => s !== '').join('\n')}\n</body></html>\n`;
}

// ---------------------------------------------------------------------------------------------------------------

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Math.min/max over a list without spreading it into arguments (a 200,000-step build would overflow the stack). */
function minOf(xs: readonly number[], empty = 0): number {
  if (xs.length === 0) return empty;
  let m = Infinity;
  for (const x of xs) if (x < m) m = x;
  return m;
}
function maxOf(xs: readonly number[], floor = -Infinity): number {
  let m = floor;
  for (const x of xs) if (x > m) m = x;
  return xs.length === 0 && floor === -Infinity ? 0 : m;
}
