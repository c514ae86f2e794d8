// The critical path of the last build: the longest chain of steps where each reads an output of the one before.
import type { Edge } from '../../plan/steps.ts';
import type { BuildShape, Report, ReportStep } from './types.ts';

/** The phases of a dependency build in the order its edges chain them (lib/plan/deps.ts). */
const phaseOrder = ['extract', 'configure', 'headers', 'build', 'install', 'restore'];

/**
 * The longest chain of steps by duration where each step's edge reads (as input, implicit or order-only input) an
 * output of the one before. Only steps of the last build count: an up-to-date input made no one wait.
 */
export function criticalPath(steps: readonly ReportStep[], edges: readonly (Edge | undefined)[], aliases: NonNullable<BuildShape['aliases']>): Report['criticalPath'] {
  if (steps.length === 0) return { ms: 0, steps: [] };
  const producer = new Map<string, number>();
  steps.forEach((s, i) => {
    for (const o of s.outputs) producer.set(o, i);
  });
  const aliasOf = new Map(aliases.map((a) => [a.name, a.outputs]));
  const preds = (i: number): number[] => {
    const e = edges[i];
    if (e === undefined) return steps[i]!.phase === undefined ? [] : stalePhasePredecessor(steps, i);
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
  return longestChain(steps, preds);
}

/** A stale dependency phase waited for the latest earlier phase of the same dependency that had finished. */
function stalePhasePredecessor(steps: readonly ReportStep[], i: number): number[] {
  const s = steps[i]!;
  const rank = phaseOrder.indexOf(s.phase!);
  let best: number | undefined;
  steps.forEach((p, j) => {
    if (p.target !== s.target || p.phase === undefined || p.end > s.start) return;
    const r = phaseOrder.indexOf(p.phase);
    if (r < rank && (best === undefined || r > phaseOrder.indexOf(steps[best]!.phase!))) best = j;
  });
  return best === undefined ? [] : [best];
}

/** The chain with the longest summed duration through the predecessor relation (ties: the one ending last). */
function longestChain(steps: readonly ReportStep[], preds: (i: number) => number[]): Report['criticalPath'] {
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
