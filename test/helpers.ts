// Shared test helpers: temporary C projects, running the built pogogen CLI, ninja, make and the binaries they make.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expand, type Steps } from '../lib/plan/steps.ts';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const cli = path.join(repo, 'dist', 'cli.js');
/** The command as npm installs it: the file package.json's `bin` names. */
export const bin = path.join(repo, (JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { bin: { pogogen: string } }).bin.pogogen);

export interface Run {
  readonly code: number;
  /** The signal that ended the process, if one did. */
  readonly signal?: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

function result(r: SpawnSyncReturns<string>): Run {
  if (r.error !== undefined) throw r.error;
  return { code: r.status ?? -1, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh project directory with `files` (path → content) written into it. */
export function project(files: Readonly<Record<string, string>>, prefix = 'pogogen-test-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  write(dir, files);
  return dir;
}

export function write(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [name, content] of Object.entries(files)) {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
}

/** Copies a fixture under test/fixtures/ into a fresh temporary directory. */
export function fixture(name: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `pogogen-${name}-`)));
  fs.cpSync(path.join(repo, 'test', 'fixtures', name), dir, { recursive: true });
  return dir;
}

/** Tests get no compiler launcher and the compiler's default linker unless they ask (ccache, lld may be installed for their own tests). */
export const baseEnv = { ...process.env, POGOGEN_LAUNCHER: process.env.POGOGEN_LAUNCHER ?? 'none', POGOGEN_LINKER: process.env.POGOGEN_LINKER ?? 'default' };

export function pogogen(dir: string, args: readonly string[] = [], env: Readonly<Record<string, string | undefined>> = {}): Run {
  return result(spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...baseEnv, ...env } }));
}

export const ninjaBin = process.env.POGOGEN_TEST_NINJA ?? 'ninja';

export function ninja(dir: string, args: readonly string[] = [], env: Readonly<Record<string, string | undefined>> = {}): Run {
  return result(spawnSync(ninjaBin, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } }));
}

export function run(cmd: string, args: readonly string[], opts: { cwd?: string; env?: Readonly<Record<string, string | undefined>> } = {}): Run {
  return result(spawnSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', env: { ...process.env, ...opts.env } }));
}

/** Outputs ninja built in its last run, from `.ninja_log` (entries after the previous run's last end time). */
export function ninjaLog(dir: string, profile = 'development'): { start: number; end: number; output: string; mtime: string }[] {
  const text = fs.readFileSync(path.join(dir, 'out', profile, '.ninja_log'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [start, end, mtime, output] = l.split('\t');
      return { start: Number(start), end: Number(end), mtime: mtime!, output: output! };
    });
}

/** Outputs that a ninja run rebuilt: parses `ninja -d explain`-free output by diffing .ninja_log line counts. */
export function built(dir: string, doRun: () => Run, profile = 'development'): { run: Run; outputs: string[] } {
  const logFile = path.join(dir, 'out', profile, '.ninja_log');
  const before = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').length : 0;
  const r = doRun();
  const lines = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n') : [];
  const fresh = lines.slice(Math.max(0, before - 1)).filter((l) => l !== '' && !l.startsWith('#'));
  return { run: r, outputs: fresh.map((l) => l.split('\t')[3]!).sort() };
}

/**
 * Sets a file's mtime to now (newer than anything built before), then waits until the filesystem's own clock has
 * passed it. Files get the kernel's coarse clock, which lags the one `Date` reads by up to a tick; ninja 1.12+ records
 * that clock at each command's start, so a build started within the tick would log its outputs as older than the
 * touched file and the next build would run them again (seen as a flaky "rebuilt one target too many").
 */
export function touch(file: string): void {
  const t = new Date();
  fs.utimesSync(file, t, t);
  const wanted = BigInt(t.getTime()) * 1_000_000n;
  const probe = path.join(os.tmpdir(), `pogogen-clock-${process.pid}`);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 1000; i++) {
    fs.writeFileSync(probe, '');
    if (fs.statSync(probe, { bigint: true }).mtimeNs > wanted) break;
    Atomics.wait(pause, 0, 0, 1);
  }
  fs.rmSync(probe, { force: true });
}

export function mtimes(dir: string, files: readonly string[]): Record<string, number> {
  return Object.fromEntries(files.map((f) => [f, fs.statSync(path.join(dir, f)).mtimeMs]));
}

/** Like pogogen(), without blocking this process (for tests that serve files to it from here). */
export function pogogenAsync(dir: string, args: readonly string[] = [], env: Readonly<Record<string, string | undefined>> = {}): Promise<Run> {
  return spawnAsync(process.execPath, [cli, ...args], dir, env);
}

/** Like ninja(), without blocking this process. */
export function ninjaAsync(dir: string, args: readonly string[] = [], env: Readonly<Record<string, string | undefined>> = {}): Promise<Run> {
  return spawnAsync(ninjaBin, args, dir, env);
}

function spawnAsync(cmd: string, args: readonly string[], dir: string, env: Readonly<Record<string, string | undefined>>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: dir, env: { ...baseEnv, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
}

/**
 * What is wrong with `text` as the compile_commands.json of `steps`, or undefined. The writer builds it from
 * pre-quoted blocks, not with JSON.stringify: it must parse to exactly the entries JSON.stringify would be given
 * (each compile edge's argv without the launcher, absolute file and output, sorted by file then output), laid out
 * exactly as `JSON.stringify(entries, null, 2)` would.
 */
export function compdbProblem(steps: Steps, text: string): string | undefined {
  const rules = new Map(steps.rules.map((r) => [r.name, r]));
  const want = steps.edges
    .filter((e) => e.kind === 'compile' && e.source !== undefined)
    .map((e) => {
      const rule = rules.get(e.rule)!;
      return { directory: steps.root, file: path.resolve(steps.root, e.source!), arguments: expand(rule, e).slice(rule.launcher ?? 0).map((a) => (typeof a === 'string' ? a : a.raw)), output: path.resolve(steps.root, e.outs[0]!) };
    })
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.output < b.output ? -1 : a.output > b.output ? 1 : 0));
  let got: unknown;
  try {
    got = JSON.parse(text);
  } catch (err) {
    return `compile_commands.json is not JSON: ${String(err)}`;
  }
  if (JSON.stringify(got) !== JSON.stringify(want)) return `compile_commands.json differs from its entries: ${JSON.stringify(got).slice(0, 300)} vs ${JSON.stringify(want).slice(0, 300)}`;
  const layout = `${JSON.stringify(want, null, 2)}\n`;
  if (text !== layout) return `compile_commands.json is laid out differently: ${JSON.stringify(text.slice(0, 300))}`;
  return undefined;
}
