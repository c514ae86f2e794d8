// `pogogen test`: running the declared tests in parallel within the job budget, with timeouts, expected
// failures, suites, repeats and a wrapper; per-test logs, a summary with failures' output, TAP and JUnit XML.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestManifest, TestManifestEntry } from '../plan/install.ts';

export interface TestRunOptions {
  readonly jobs: number;
  readonly suites: readonly string[];
  readonly repeat: number;
  readonly wrapper: readonly string[];
  /** A cross build's emulator (qemu-aarch64 -L ...): runs the programs that are ELF binaries, not scripts. */
  readonly emulator?: readonly string[];
  /** The environment the tests start from (the test's own `env` is added); default the process's. */
  readonly env?: NodeJS.ProcessEnv;
  readonly say: (line: string) => void;
}

export interface TestResult {
  readonly name: string;
  readonly iteration: number;
  readonly status: 'pass' | 'fail' | 'timeout' | 'xfail-pass' | 'unexpected-pass';
  readonly ok: boolean;
  readonly code: number | null;
  readonly signal: string | null;
  readonly start: number;
  readonly end: number;
  readonly output: string;
  readonly log: string;
}

function runOne(m: TestManifest, t: TestManifestEntry, iteration: number, wrapper: readonly string[], logDir: string, emulator: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<TestResult> {
  const program = path.resolve(m.root, t.program);
  const argv = [...wrapper, ...(emulator.length > 0 && isElf(program) ? emulator : []), program, ...t.args];
  const log = path.join(logDir, `${t.name}${iteration > 0 ? `.${iteration}` : ''}.log`);
  const start = Date.now();
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const child = spawn(argv[0]!, argv.slice(1), { cwd: path.resolve(m.root, t.cwd), env: { ...env, ...t.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const collect = (d: Buffer): void => {
      output += d.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      timedOut = true;
      // The whole process group: a test's own children die with it.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, t.timeout * 1000);
    const finish = (code: number | null, signal: string | null, error?: string): void => {
      clearTimeout(timer);
      const end = Date.now();
      if (error !== undefined) output += `${error}\n`;
      const failed = code !== 0 || signal !== null || error !== undefined;
      const status: TestResult['status'] = timedOut ? 'timeout' : t.shouldFail ? (failed ? 'xfail-pass' : 'unexpected-pass') : failed ? 'fail' : 'pass';
      const ok = status === 'pass' || status === 'xfail-pass';
      fs.writeFileSync(log, `$ ${argv.join(' ')}\n# cwd ${t.cwd}, exit ${code ?? signal}${timedOut ? ` (timed out after ${t.timeout} s)` : ''}, ${end - start} ms\n${output}`);
      resolve({ name: t.name, iteration, status, ok, code, signal, start, end, output, log });
    };
    child.on('error', (err) => finish(null, null, `could not run ${argv[0]}: ${err.message}`));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** Runs the selected tests; exclusive tests run alone. Results are in declaration order. */
export async function runTests(m: TestManifest, opts: TestRunOptions): Promise<TestResult[]> {
  const selected = m.tests.filter((t) => opts.suites.length === 0 || t.suites.some((s) => opts.suites.includes(s)));
  const logDir = path.join(m.root, m.outDir, 'testlog');
  fs.mkdirSync(logDir, { recursive: true });
  const queue: { t: TestManifestEntry; i: number }[] = [];
  for (let i = 0; i < opts.repeat; i++) for (const t of selected) queue.push({ t, i });
  const results: TestResult[] = [];
  const total = queue.length;
  let running = 0;
  let exclusiveRunning = false;
  await new Promise<void>((resolveAll) => {
    const pump = (): void => {
      if (results.length === total) return resolveAll();
      while (queue.length > 0 && running < opts.jobs && !exclusiveRunning) {
        const next = queue[0]!;
        // An exclusive test waits until it can run alone.
        if (next.t.exclusive && running > 0) break;
        queue.shift();
        running++;
        if (next.t.exclusive) exclusiveRunning = true;
        void runOne(m, next.t, next.i, opts.wrapper, logDir, opts.emulator, opts.env).then((r) => {
          running--;
          if (next.t.exclusive) exclusiveRunning = false;
          results.push(r);
          const label = r.ok ? (r.status === 'xfail-pass' ? 'ok (expected failure)' : 'ok') : r.status === 'timeout' ? 'TIMEOUT' : r.status === 'unexpected-pass' ? 'FAIL (passed unexpectedly)' : 'FAIL';
          opts.say(`[${results.length}/${total}] ${r.name}${opts.repeat > 1 ? ` #${r.iteration + 1}` : ''}: ${label} (${r.end - r.start} ms)`);
          pump();
        });
      }
    };
    pump();
  });
  const order = new Map(selected.map((t, i) => [t.name, i]));
  return results.sort((a, b) => a.iteration - b.iteration || order.get(a.name)! - order.get(b.name)!);
}

/** TAP version 14 for CI. */
export function toTap(results: readonly TestResult[]): string {
  const lines = ['TAP version 14', `1..${results.length}`];
  results.forEach((r, i) => {
    lines.push(`${r.ok ? 'ok' : 'not ok'} ${i + 1} - ${r.name}${r.iteration > 0 ? ` #${r.iteration + 1}` : ''}${r.status === 'xfail-pass' ? ' # TODO expected failure' : ''}`);
    if (!r.ok) {
      lines.push('  ---', `  status: ${r.status}`, `  exit: ${r.code ?? r.signal}`, `  log: ${JSON.stringify(r.log)}`, '  ...');
    }
  });
  return `${lines.join('\n')}\n`;
}

const xml = (s: string): string => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '');

/** JUnit XML for CI. */
export function toJunit(project: string, results: readonly TestResult[]): string {
  const failures = results.filter((r) => !r.ok).length;
  const time = results.reduce((a, r) => a + (r.end - r.start), 0) / 1000;
  const cases = results.map((r) => {
    const head = `    <testcase classname="${xml(project)}" name="${xml(r.name)}${r.iteration > 0 ? ` #${r.iteration + 1}` : ''}" time="${((r.end - r.start) / 1000).toFixed(3)}"`;
    if (r.ok) return `${head}/>`;
    return `${head}>\n      <failure message="${xml(r.status)}" type="${xml(r.status)}">${xml(r.output.slice(-8000))}</failure>\n    </testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${results.length}" failures="${failures}" time="${time.toFixed(3)}">\n  <testsuite name="${xml(project)}" tests="${results.length}" failures="${failures}" time="${time.toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}

/** True when `file` starts with the ELF magic (a compiled program rather than a script). */
function isElf(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const b = Buffer.alloc(4);
      return fs.readSync(fd, b, 0, 4, 0) === 4 && b.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}
