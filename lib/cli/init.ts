// `pogogen init`: placeholder until its module lands.
import type { CliArgs } from './args.ts';
import type { Io } from './insight.ts';

export async function initCommand(args: CliArgs, root: string, io: Io): Promise<number> {
  void args;
  void root;
  io.err('pogogen: init is not available yet\n');
  return 1;
}
