// The insight commands (report, explain, desc, docker, ci): each gets the freshly generated build — model, graph and
// steps — and prints to stdout; the work itself lives in lib/insight/ (pure) and the per-command modules here.
import type { CliArgs } from './args.ts';
import type { Model } from '../model/validate.ts';
import type { Graph } from '../resolve/graph.ts';
import type { Steps } from '../plan/steps.ts';
import type { ProbedToolchain } from './probe.ts';
import { reportCommand } from './report.ts';
import { explainCommand } from './explain.ts';
import { descCommand } from './desc.ts';
import { dockerCommand } from './docker.ts';
import { ciCommand } from './ci.ts';

export interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

/** What a generation produced, for commands that look at the build rather than write it. */
export interface Generated {
  /** Absolute project directory. */
  readonly root: string;
  readonly model: Model;
  readonly graph: Graph;
  readonly steps: Steps;
  readonly toolchain: ProbedToolchain;
  /** The run's environment (lib/cli/context.ts): what CFLAGS and the like said for this generation. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export async function insightCommand(args: CliArgs, gen: Generated, io: Io): Promise<number> {
  switch (args.command) {
    case 'report':
      return reportCommand(args, gen, io);
    case 'explain':
      return explainCommand(args, gen, io);
    case 'desc':
      return descCommand(args, gen, io);
    case 'docker':
      return dockerCommand(args, gen, io);
    case 'ci':
      return ciCommand(args, gen, io);
    default:
      throw new Error(`not an insight command: ${args.command}`);
  }
}
