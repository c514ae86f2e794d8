// The pogogen command: parses the command line, hands it to one handler per command, and prints every error once
// here, turning it into an exit code; the only module that touches process exit codes and the terminal.
import path from 'node:path';
import { LoadError } from '../load/load.ts';
import { DiagnosticsError, formatDiagnostic, thrownText, type Diagnostic } from '../model/diagnostics.ts';
import { helpText, parseArgs, UsageError, type CliArgs } from './args.ts';
import { ProbeError } from './probe.ts';
import { build } from './build.ts';
import { readLastGeneration } from './state.ts';
import { Guard, stackOf } from './guard.ts';
import { ManifestError } from './manifests.ts';
import { fetchCommand, generate } from './generate.ts';
import type { Cli, Env, Runtime } from './context.ts';
import type { Io } from './insight.ts';

export type { Runtime } from './context.ts';

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };
// `pogogen desc app | head`: a closed pipe ends the output quietly, as for any Unix tool.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

/**
 * Runs pogogen with `argv` (without node and script) in the environment `env` (a copy is taken: nothing here
 * changes process.env); resolves to the exit code.
 */
export async function main(argv: readonly string[], rt: Runtime, io: Io = stdio, env: Env = process.env): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`pogogen: ${err.message}\nRun "pogogen ${err.command === undefined || err.command === 'generate' ? '' : `${err.command} `}--help" for usage.\n`);
    return 2;
  }
  if (args.command === 'help') {
    io.out(`${helpText(args.helpTopic)}\n`);
    return 0;
  }
  if (args.command === 'version') {
    io.out(`pogogen ${rt.version}\n`);
    return 0;
  }
  // Whatever the description raises where no call can catch it ends the run here, as a diagnostic.
  const guard = new Guard(path.resolve(args.dir));
  const cli: Cli = { rt, io, env: { ...env }, guard, argv, run: (a) => run(a, cli) };
  try {
    return await Promise.race([run(args, cli), guard.raised]);
  } catch (err) {
    if (err instanceof DiagnosticsError) {
      printDiagnostics(err.diagnostics, io);
      return 1;
    }
    if (err instanceof LoadError) {
      printDiagnostics([loadDiagnostic(err, path.resolve(args.dir))], io);
      return 1;
    }
    // Named by name, not class: the network code that throws it loads only when an archive is fetched.
    if (err instanceof ManifestError || (err instanceof Error && (err.name === 'FetchError' || err.name === 'ExtractError'))) {
      io.err(`pogogen: error: ${err.message}\n`);
      return 1;
    }
    if (err instanceof ProbeError) {
      io.err(`pogogen: error: ${err.message}\n  help: set CC to a gcc or clang compiler, e.g. CC=gcc\n`);
      return 1;
    }
    // thrownText, not err.message: what ends here may come from user code, with a `message` getter that throws.
    if (args.debug) io.err(`${(err instanceof Error ? stackOf(err) : undefined) ?? thrownText(err)}\n`);
    else io.err(`pogogen: internal error: ${thrownText(err)}\n  (run with --debug for a stack trace)\n`);
    return 1;
  } finally {
    guard.stop();
  }
}

function printDiagnostics(diags: readonly Diagnostic[], io: Io): void {
  io.err(`${diags.map(formatDiagnostic).join('\n')}\n`);
  io.err(`pogogen: ${diags.length} error${diags.length === 1 ? '' : 's'}; no file was written\n`);
}

function loadDiagnostic(err: LoadError, root: string): Diagnostic {
  const file = err.file.startsWith(root + '/') ? err.file.slice(root.length + 1) : err.file;
  const caret = err.lineText !== undefined && err.column !== undefined ? `\n    ${err.lineText}\n    ${' '.repeat(Math.max(0, err.column - 1))}^` : '';
  return { file, ...(err.line === undefined ? {} : { line: err.line }), ...(err.column === undefined ? {} : { column: err.column }), path: '', message: `${err.message}${caret}`, ...(err.help === undefined ? {} : { help: err.help }) };
}

/** One handler per command; the switch is exhaustive, so a new command that is not handled fails to compile. */
async function run(args: CliArgs, cli: Cli): Promise<number> {
  const root = path.resolve(args.dir);
  const { io } = cli;
  const command = args.command;
  switch (command) {
    case 'help':
      io.out(`${helpText(args.helpTopic)}\n`);
      return 0;
    case 'version':
      io.out(`pogogen ${cli.rt.version}\n`);
      return 0;
    case 'build':
      return build(args, io, root, cli.run, cli.env);
    case 'init':
      // Commands other than generating load their code when used: a plain generation never compiles it.
      return (await import('./init.ts')).initCommand(args, root, io);
    case 'dep-step':
      return (await import('./commands/steps.ts')).depStep(args, cli);
    case 'pgo':
      return (await import('./commands/steps.ts')).pgoStep(args, cli);
    case 'install-files':
      return (await import('./commands/steps.ts')).installFiles(args, cli);
    case 'install':
    case 'test':
      return (await import('./commands/act.ts')).installOrTest(args, cli);
    case 'fetch':
      return fetchCommand(args, cli);
    case 'generate': {
      const gen = await generate(args, cli);
      if (gen.written.includes(gen.buildFile)) io.out(`pogogen: wrote ${gen.buildFile} (${gen.model.profile.name}, ${gen.graph.targets.length} targets)\n`);
      return 0;
    }
    case 'targets': {
      // The handler gets the command line as followed, as the generation did: the last generation's backend, …
      const followed = followLastGeneration(args, cli);
      return (await import('./commands/act.ts')).listTargets(followed, cli, await generate(followed, cli));
    }
    case 'report':
    case 'explain':
    case 'desc':
    case 'docker':
    case 'ci': {
      const followed = followLastGeneration(args, cli);
      const gen = await generate(followed, cli);
      return (await import('./insight.ts')).insightCommand(followed, gen, io);
    }
    default: {
      const never: never = command;
      throw new Error(`no handler for ${String(never)}`);
    }
  }
}

/**
 * report, explain, desc, docker and targets look at the build the last generation wrote: its profile, options,
 * launcher, linker and recorded environment, so that generating again here rewrites nothing. Unless --profile is
 * given: then they look at that profile's build, as the command line says.
 */
function followLastGeneration(args: CliArgs, cli: Cli): CliArgs {
  if (args.profileGiven) return args;
  const g = readLastGeneration(path.resolve(args.dir), (m) => cli.io.err(`pogogen: warning: ${m}\n`));
  if (g === undefined) return args;
  const a = { ...args } as { -readonly [K in keyof CliArgs]: CliArgs[K] };
  if (typeof g.profile === 'string') a.profile = g.profile;
  if (g.backend !== undefined) a.backend = g.backend;
  if (a.buildFile === undefined && g.buildFile !== undefined) a.buildFile = g.buildFile;
  if (a.compdb === undefined && g.compdb !== undefined) a.compdb = g.compdb;
  if (a.launcher === undefined && g.launcher !== undefined) a.launcher = g.launcher;
  if (a.toolchain === undefined && g.toolchain !== undefined) a.toolchain = g.toolchain;
  // An offline generation resolved its dependencies without the network: looking again must not differ.
  if (g.offline === true) a.offline = true;
  if (Object.keys(a.defines).length === 0 && g.defines !== undefined) a.defines = g.defines;
  if (Object.keys(a.installDirs).length === 0 && g.installDirs !== undefined) a.installDirs = g.installDirs;
  if (cli.env.POGOGEN_LINKER === undefined && g.linker !== undefined) cli.env.POGOGEN_LINKER = g.linker;
  for (const [k, v] of Object.entries(g.env ?? {})) cli.env[k] ??= v;
  return a;
}
