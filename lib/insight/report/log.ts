// Reading what the build left: .ninja_log text (entries, and the last ninja run among them) and ccache's counters.
import type { CcacheStats } from './types.ts';
import { round2 } from './util.ts';

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
