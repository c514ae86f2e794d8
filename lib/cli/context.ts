// What every command handler gets: the runtime paths, the terminal, and the environment as a value — main() copies
// the process's at its start, and handlers read and extend that copy, never process.env, so main can run twice in
// one process (the tests do) without one run's settings leaking into the next.
import type { CliArgs } from './args.ts';
import type { Guard } from './guard.ts';
import type { Io } from './insight.ts';

export type Env = Record<string, string | undefined>;

export interface Runtime {
  /** The pogogen package's version. */
  readonly version: string;
  /** Absolute path of the module `import 'pogogen'` resolves to inside descriptions. */
  readonly apiEntry: string;
  /** The command that re-runs pogogen (for the regeneration edge), e.g. [node, .../dist/cli.js]. */
  readonly self: readonly string[];
}

export interface Cli {
  readonly rt: Runtime;
  readonly io: Io;
  /** This run's environment (a copy: a handler may add to it, e.g. the settings of the last generation). */
  readonly env: Env;
  /** Catches what the description raises outside any call. */
  readonly guard: Guard;
  /** The command line as given, for the fast-path record. */
  readonly argv: readonly string[];
  /** Runs another command in this run (install and test generate first; build may regenerate). */
  readonly run: (args: CliArgs) => Promise<number>;
}

/** `--verbose`'s progress lines, timed from the process's start as the fast path's line is. */
export function verboseLog(args: CliArgs, io: Io): (line: string) => void {
  return (line) => {
    if (args.verbose) io.err(`pogogen: ${line} (${performance.now().toFixed(1)} ms)\n`);
  };
}

export function relTo(root: string, f: string): string {
  return f.startsWith(root + '/') ? f.slice(root.length + 1) : f;
}
