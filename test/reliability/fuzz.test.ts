// Bad descriptions never crash: thousands of random and mutated description values through validate → resolve
// (and, when they resolve, plan and the three writers) end in a Graph or a DiagnosticsError with well-formed
// diagnostics; a few hundred build.pogo.ts texts through the real CLI end in exit 0, or exit 1 with a message and
// no stack trace, leaving the previous files untouched. Seeded: the seed is printed, FUZZ_SEED=<seed> replays a
// run and FUZZ_CASE=<i> one case of it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { writeCompdb } from '../../lib/backends/compdb/write.ts';
import { checkMakePaths, writeMake } from '../../lib/backends/make/write.ts';
import { writeNinja } from '../../lib/backends/ninja/write.ts';
import { DiagnosticsError, formatDiagnostic, type Diagnostic } from '../../lib/model/diagnostics.ts';
import { validate, type Model } from '../../lib/model/validate.ts';
import { plan } from '../../lib/plan/plan.ts';
import type { DependencyResolution } from '../../lib/resolve/graph.ts';
import { resolve } from '../../lib/resolve/resolve.ts';
import { listSources } from '../../lib/resolve/files.ts';
import { cli, compdbProblem, project } from '../helpers.ts';
import { caseSeed, cliCase, description, rng, seedFromEnv, type Traits } from './gen.ts';

const seed = seedFromEnv();
const only = process.env.FUZZ_CASE === undefined ? undefined : Number(process.env.FUZZ_CASE);
const IN_PROCESS = Number(process.env.FUZZ_CASES ?? 5000);
const CLI_RUNS = Number(process.env.FUZZ_CLI_RUNS ?? 60);
console.log(`# fuzz seed ${seed} (reproduce with FUZZ_SEED=${seed}; one case with FUZZ_CASE=<i>)`);

/** Why a diagnostic is not well-formed, or undefined. */
export function malformed(d: Diagnostic): string | undefined {
  if (typeof d !== 'object' || d === null) return 'not an object';
  if (typeof d.file !== 'string' || d.file === '' || /[\n\0]/.test(d.file)) return `bad file ${JSON.stringify(d.file)}`;
  if (typeof d.path !== 'string' || /[\n\r\0]/.test(d.path)) return `bad path ${JSON.stringify(d.path)}`;
  if (typeof d.message !== 'string' || d.message.trim() === '') return 'empty message';
  if (d.line !== undefined && !(Number.isInteger(d.line) && d.line > 0)) return `bad line ${String(d.line)}`;
  if (d.column !== undefined && !(Number.isInteger(d.column) && d.column > 0)) return `bad column ${String(d.column)}`;
  if (d.help !== undefined && typeof d.help !== 'string') return 'bad help';
  // User strings are quoted, not pasted: no NUL, CR or escape sequences reach the terminal, and no megabyte line.
  for (const [name, text] of [['message', d.message], ['help', d.help ?? '']] as const) {
    if (/[\0\r\x1b]/.test(text)) return `raw control character in ${name}: ${JSON.stringify(text.slice(0, 120))}`;
    if (text.length > 4000) return `${name} of ${text.length} characters`;
  }
  formatDiagnostic(d);
  return undefined;
}

t.test(`in-process: validate → resolve → plan → writers never throw anything else (seed ${seed})`, async (t) => {
  const root = project({ 'main.c': 'int main(void) { return 0; }\n', 'src/a.c': '\n', 'src/b.c': '\n', 'include/x.h': '\n' });
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const main = path.join(root, 'build.pogo.ts');
  const opts = { root, src: { main, texts: new Map([[main, 'export default {}\n']]) }, profile: 'development', defines: {}, toolchain: { family: 'gcc', version: '12.2.0', cc: ['cc'] } as const, platform: 'linux' as const };
  const tally = { graphs: 0, diagnosed: 0, traps: 0, planned: 0 };
  const failures: string[] = [];
  const t0 = performance.now();
  for (let i = only ?? 0; i < (only === undefined ? IN_PROCESS : only + 1); i++) {
    const r = rng(caseSeed(seed, i));
    const { value, traits } = description(r);
    if (traits.traps) tally.traps++;
    const problem = runCase(value, traits, r, {
      ...opts,
      profile: r.chance(0.1) ? r.pick(['production', 'testing', 'bench', 'nope', 'prod']) : 'development',
      defines: r.chance(0.1) ? { [r.pick(['speed', 'tls', 'on', 'nope'])]: r.pick(['fast', 'maybe', 'true', '']) } : {},
    }, tally);
    if (problem !== undefined) failures.push(`case ${i} (FUZZ_SEED=${seed} FUZZ_CASE=${i}): ${problem}`);
  }
  const total = tally.graphs + tally.diagnosed + failures.length;
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  t.same(failures.slice(0, 5), [], `${total} cases in ${secs} s: ${tally.graphs} graphs (${tally.planned} planned and written), ${tally.diagnosed} diagnosed, ${tally.traps} with throwing traps`);
  if (only === undefined) {
    t.ok(tally.diagnosed > total / 3, 'most mutations are rejected with diagnostics');
    t.ok(tally.graphs > 0, 'and some still resolve');
  }
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was not polluted');
});

function runCase(value: unknown, traits: Traits, r: ReturnType<typeof rng>, opts: Parameters<typeof validate>[1], tally: { graphs: number; diagnosed: number; planned: number }): string | undefined {
  let model: Model;
  try {
    model = validate(value, opts);
    const dependencies = new Map<string, DependencyResolution>();
    for (const t of model.targets) {
      if (t.kind !== 'dependency') continue;
      dependencies.set(t.name, t.recipe !== undefined && r.chance(0.7) ? { source: 'source', why: 'fuzz', recipe: t.recipe } : r.chance(0.5) ? { source: 'system', why: 'fuzz', pkgConfig: 'x', version: '1', cflags: ['-I/x y'], ldflags: ['-lx'] } : { source: 'missing', why: 'fuzz' });
    }
    const graph = resolve(model, { dependencies, sources: listSources(model) });
    tally.graphs++;
    // A graph the backends cannot write is a crash too: plan it and write all three files.
    const builds = new Map([...dependencies].filter(([, d]) => d.source === 'source').map(([n]) => [n, { key: 'k'.repeat(64), cached: false, archive: '/cache/a.tar.gz', cacheEntry: '/cache/built/k' }]));
    const steps = plan(graph, { toolchain: { family: 'gcc', cc: ['cc'] }, env: { cppflags: [], cflags: [], ldflags: [] }, regen: { argv: ['pogogen'], buildFile: 'build.ninja', depfile: 'out/.pogogen/build.ninja.d', files: ['build.pogo.ts'], dirs: [] }, self: ['node', 'cli.js'], dependencies: builds, jobs: 2, memoryBytes: 8 * 2 ** 30 });
    // Both render lazily: iterate them, so every line is made.
    [...writeNinja(steps)];
    const badCompdb = compdbProblem(steps, [...writeCompdb(steps)].join(''));
    if (badCompdb !== undefined) return badCompdb;
    if (checkMakePaths(steps).length === 0) writeMake(steps);
    tally.planned++;
    return undefined;
  } catch (err) {
    if (!(err instanceof DiagnosticsError)) return `threw ${describe(err)}`;
    if (!Array.isArray(err.diagnostics) || err.diagnostics.length === 0) return 'DiagnosticsError without diagnostics';
    for (const d of err.diagnostics) {
      const bad = malformed(d);
      if (bad !== undefined) return `malformed diagnostic (${bad}): ${safeFormat(d)}`;
      // The catch-all in validate is for user code that throws; reaching it without a trap hides a pogogen bug.
      if (!traits.traps && !traits.cyclic && d.message.startsWith('the description could not be read')) return `internal error disguised as a diagnostic: ${d.message}`;
    }
    tally.diagnosed++;
    return undefined;
  }
}

function describe(err: unknown): string {
  try {
    return err instanceof Error ? (err.stack ?? err.message).split('\n').slice(0, 6).join('\n') : String(err);
  } catch {
    return Object.prototype.toString.call(err);
  }
}

function safeFormat(d: Diagnostic): string {
  try {
    return formatDiagnostic(d).slice(0, 300);
  } catch {
    return '(unformattable)';
  }
}

/** Runs the CLI without blocking, so two runs can overlap on two cores. */
function pogogenRun(dir: string, args: readonly string[]): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: dir, env: { ...process.env, POGOGEN_LAUNCHER: 'none', POGOGEN_CACHE: path.join(dir, '..', 'cache') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, stdout, stderr });
    });
  });
}

const stackFrame = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

t.test(`CLI: exit 0, or exit 1 with a message, no stack trace, files untouched (seed ${seed})`, async (t) => {
  // Two workers, each with its own project directory, so runs overlap without sharing files.
  const work = project({});
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
  const sources = { 'main.c': 'int main(void) { return 0; }\n', 'src/a.c': 'int a(void) { return 1; }\n', 'src/b.c': 'int b(void) { return 2; }\n', 'inc/x.h': '\n' };
  const baseline = "import { defineBuild, executable } from 'pogogen';\nexport default defineBuild({ project: { name: 'base' }, targets: [executable('base', { sources: ['main.c'] })] });\n";
  const tally = { ok: 0, failed: 0, debug: 0 };
  const failures: string[] = [];
  const whats = new Map<string, number>();
  const worker = async (w: number): Promise<void> => {
    const dir = path.join(work, `w${w}`);
    for (let i = w; i < CLI_RUNS; i += 2) {
      if (only !== undefined && i !== only) continue;
      const r = rng(caseSeed(seed ^ 0x5eed, i));
      const c = cliCase(r);
      whats.set(c.what.replace(/ \(.*\)$/, '').replace(/^throws .*/, 'throws'), (whats.get(c.what.replace(/ \(.*\)$/, '').replace(/^throws .*/, 'throws')) ?? 0) + 1);
      // Start each case from a known good generation, so "no file was written" can be checked.
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      for (const [f, text] of Object.entries(sources)) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.writeFileSync(path.join(dir, f), text);
      }
      const make = c.args.includes('--backend=make');
      if (i % 10 === w) {
        // Now and then, check the previous files survive a failure (costs a second run).
        fs.writeFileSync(path.join(dir, 'build.pogo.ts'), baseline);
        const b = await pogogenRun(dir, make ? ['--backend=make'] : []);
        if (b.code !== 0) failures.push(`case ${i}: baseline failed: ${b.stderr}`);
      }
      const before = snapshot(dir);
      fs.writeFileSync(path.join(dir, 'build.pogo.ts'), c.text);
      for (const [f, text] of Object.entries(c.files)) fs.writeFileSync(path.join(dir, f), text);
      const res = await pogogenRun(dir, c.args);
      const debug = c.args.includes('--debug');
      const where = `case ${i} (FUZZ_SEED=${seed} FUZZ_CASE=${i}, ${c.what}, args ${JSON.stringify(c.args)})`;
      if (res.code === 0) {
        tally.ok++;
        if (!fs.existsSync(path.join(dir, make ? 'Makefile' : 'build.ninja'))) failures.push(`${where}: exit 0 but no build file`);
        continue;
      }
      tally.failed++;
      if (debug) tally.debug++;
      // A malformed command line is a usage error: exit 2 and a pointer to --help, by design.
      if (res.code === 2 && /^Run "pogogen --help" for usage\.$/m.test(res.stderr) && !stackFrame.test(res.stderr)) continue;
      const why =
        res.code !== 1
          ? `exit ${res.code} (signal ${res.signal})`
          : res.stderr.trim() === ''
            ? 'exit 1 with nothing on stderr'
            : !debug && stackFrame.test(res.stderr)
              ? 'a stack trace'
              : /internal error/.test(res.stderr)
                ? 'an internal error'
                : !/^pogogen: (\d+ errors?; no file was written|error: .+)$/m.test(res.stderr)
                  ? 'no closing "pogogen: N errors" line'
                  : JSON.stringify(snapshot(dir)) !== JSON.stringify(before)
                    ? 'files changed by a failed run'
                    : undefined;
      if (why !== undefined) failures.push(`${where}: ${why}\n--- build.pogo.ts\n${c.text.slice(0, 600)}\n--- stderr\n${res.stderr.slice(0, 1500)}`);
    }
  };
  await Promise.all([worker(0), worker(1)]);
  t.same(failures.slice(0, 3), [], `${tally.ok + tally.failed} CLI runs: ${tally.ok} exit 0, ${tally.failed} exit 1 with a clean message (${tally.debug} with --debug); ${[...whats].map(([k, v]) => `${v} ${k}`).join(', ')}`);
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution here either');
});

/** The files a generation writes, with their contents (absent ones as null). */
function snapshot(dir: string): Record<string, string | null> {
  const read = (f: string): string | null => {
    try {
      return fs.readFileSync(path.join(dir, f), 'utf8');
    } catch {
      return null;
    }
  };
  return Object.fromEntries(['build.ninja', 'Makefile', 'compile_commands.json', 'pogogen.lock'].map((f) => [f, read(f)]));
}
