// The report as terminal text: a summary, bar charts of targets, dependencies and steps, and the critical path.
import { concurrency } from './analysis.ts';
import { kindLabel, type Report } from './types.ts';
import { maxOf, minOf } from './util.ts';

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
export function fit(s: string, n: number): string {
  return s.length <= n ? s.padEnd(n) : `…${s.slice(s.length - n + 1)}`;
}

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
