// The report as a Chrome trace (Perfetto, chrome://tracing): one row per lane, a dependency's own log apart.
import { lastBuild, parseNinjaLog } from './log.ts';
import type { Report } from './types.ts';
import { maxOf } from './util.ts';

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
