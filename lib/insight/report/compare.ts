// Two reports compared: wall, busy and critical-path time, and the targets and steps whose time changed noticeably.
import { fit, formatMs } from './text.ts';
import type { Report } from './types.ts';
import { cmp, maxOf } from './util.ts';

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
