// `pogogen report`: reads out/<profile>/.ninja_log, the dependency builds' logs and ccache's counters, prints the
// report (text or --json) and writes --trace and --html files; the analysis itself is lib/insight/report.ts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliArgs } from './args.ts';
import type { Generated, Io } from './insight.ts';
import { which } from './probe.ts';
import { writeIfChanged } from './write.ts';
import { dependencyWorkDir } from '../plan/deps.ts';
import {
  asReport, chromeTrace, compareReports, CompareError, computeReport, formatComparison, formatReport, NoBuildError,
  parseCcacheStats, reportHtml, type CcacheStats, type DependencyLogs,
} from '../insight/report.ts';

export async function reportCommand(args: CliArgs, gen: Generated, io: Io): Promise<number> {
  const { root, steps } = gen;
  const rel = (p: string): string => (p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p);
  const logRel = `${steps.outDir}/.ninja_log`;
  const logFile = path.join(root, logRel);
  if (!fs.existsSync(logFile)) {
    io.err(`pogogen: error: no build to report on: run ninja first (${logRel} does not exist)\n`);
    return 1;
  }
  // Only on a terminal: a status line while the logs and ccache are read, erased before the report prints.
  const status = process.stderr.isTTY ? (s: string): void => void process.stderr.write(`\r\x1b[K${s}`) : (): void => {};
  status(`pogogen: reading ${logRel}…`);
  try {
    const dependencies = dependencyLogs(gen, rel);
    let ccache: CcacheStats | undefined;
    if (usesCcache(gen)) {
      status('pogogen: asking ccache for its counters…');
      ccache = ccacheStats();
    }
    status('pogogen: analysing…');
    let report;
    try {
      report = computeReport({
        log: logRel,
        logText: fs.readFileSync(logFile, 'utf8'),
        build: { edges: steps.edges, aliases: steps.aliases, buildFile: steps.regen.buildFile, rules: steps.rules },
        budget: args.jobs ?? os.availableParallelism(),
        dependencies,
        ...(ccache === undefined ? {} : { ccache }),
      });
    } catch (err) {
      if (err instanceof NoBuildError) {
        status('');
        io.err(`pogogen: error: ${err.message} (${logRel} has no entries)\n`);
        return 1;
      }
      throw err;
    }

    let comparison: { with: string; text: string; data: ReturnType<typeof compareReports> } | undefined;
    if (args.compare !== undefined) {
      const file = path.resolve(args.compare);
      let old;
      try {
        old = asReport(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown, args.compare);
      } catch (err) {
        status('');
        const why = err instanceof CompareError ? err.message : err instanceof SyntaxError ? `${args.compare} is not JSON: ${err.message}` : `cannot read ${args.compare}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((err as NodeJS.ErrnoException).code ?? String(err))}`;
        io.err(`pogogen: error: ${why}\n`);
        return 1;
      }
      const data = compareReports(old, report);
      comparison = { with: args.compare, text: formatComparison(data, args.compare), data };
    }

    const inner = new Map<string, string>();
    for (const [name, d] of dependencies) if (d.inner !== undefined) inner.set(name, d.inner.text);
    const wrote: string[] = [];
    if (args.trace !== undefined) {
      status(`pogogen: writing ${args.trace}…`);
      writeIfChanged(path.resolve(args.trace), chromeTrace(report, inner));
      wrote.push(`pogogen: wrote ${args.trace} (Chrome trace: open it in https://ui.perfetto.dev or chrome://tracing)\n`);
    }
    if (args.html !== undefined) {
      status(`pogogen: writing ${args.html}…`);
      writeIfChanged(path.resolve(args.html), reportHtml(report, comparison));
      wrote.push(`pogogen: wrote ${args.html}\n`);
    }
    status('');
    if (args.json) io.out(`${JSON.stringify(comparison === undefined ? report : { ...report, comparison: comparison.data }, null, 1)}\n`);
    else {
      io.out(formatReport(report, { columns: process.stdout.isTTY ? process.stdout.columns : 100 }));
      if (comparison !== undefined) io.out(`\n${comparison.text}`);
    }
    for (const w of wrote) io.err(w);
    return 0;
  } finally {
    status('');
  }
}

/**
 * Each source-built dependency's phase logs and, when its build ran ninja itself (meson), that ninja's log. The
 * places come from the dependency's plan file, which pogogen wrote at generation time (Steps.files), or, for one
 * whose install out/ already held, the plan file the build that installed it left on disk.
 */
function dependencyLogs(gen: Generated, rel: (p: string) => string): Map<string, DependencyLogs> {
  const out = new Map<string, DependencyLogs>();
  const plans = new Map<string, string>();
  for (const e of gen.steps.edges) {
    if (e.kind !== 'dependency' || plans.has(e.target)) continue;
    const text = [...e.ins, ...e.implicitIns].map((f) => gen.steps.files.get(f)).find((x) => x !== undefined);
    if (text !== undefined) plans.set(e.target, text);
  }
  for (const t of gen.graph.targets) {
    if (t.dependency?.resolution.source !== 'source' || plans.has(t.name)) continue;
    try {
      plans.set(t.name, fs.readFileSync(path.join(gen.root, dependencyWorkDir(gen.graph.outDir, t.name), 'plan.json'), 'utf8'));
    } catch {
      // never built here
    }
  }
  for (const [name, text] of plans) {
    let plan: { logDir?: unknown; buildDir?: unknown } | undefined;
    try {
      plan = JSON.parse(text) as { logDir?: unknown; buildDir?: unknown };
    } catch {
      // not a plan file
    }
    if (plan === undefined || typeof plan.logDir !== 'string') continue;
    const logDir = path.resolve(gen.root, plan.logDir);
    const logs = fs.existsSync(logDir) ? fs.readdirSync(logDir).filter((f) => f.endsWith('.log')).sort().map((f) => rel(path.join(logDir, f))) : [];
    const innerLog = typeof plan.buildDir === 'string' ? path.join(path.resolve(gen.root, plan.buildDir), '.ninja_log') : undefined;
    const inner = innerLog !== undefined && fs.existsSync(innerLog) ? { path: rel(innerLog), text: fs.readFileSync(innerLog, 'utf8') } : undefined;
    out.set(name, { logs, ...(inner === undefined ? {} : { inner }) });
  }
  return out;
}

/** True when the build's compiles go through ccache (a rule with a launcher whose program is ccache). */
function usesCcache(gen: Generated): boolean {
  return gen.steps.rules.some((r) => {
    const first = r.command[0];
    return (r.launcher ?? 0) > 0 && typeof first === 'string' && path.basename(first) === 'ccache';
  });
}

/**
 * ccache's counters. ccache counts per cache, not per build, and pogogen does not reset them (they are the user's),
 * so these are the cache's totals since its last `ccache -z`; the report says so.
 */
function ccacheStats(): CcacheStats | undefined {
  const ccache = which('ccache');
  if (ccache === undefined) return undefined;
  const r = spawnSync(ccache, ['--print-stats'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? parseCcacheStats(r.stdout) : undefined;
}
