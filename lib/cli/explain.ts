// `pogogen explain`: placeholder until its module lands.
import type { CliArgs } from './args.ts';
import type { Generated, Io } from './insight.ts';

export async function explainCommand(args: CliArgs, gen: Generated, io: Io): Promise<number> {
  void args;
  void gen;
  io.err('pogogen: explain is not available yet\n');
  return 1;
}
