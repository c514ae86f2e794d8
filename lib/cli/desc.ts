// `pogogen desc`: placeholder until its module lands.
import type { CliArgs } from './args.ts';
import type { Generated, Io } from './insight.ts';

export async function descCommand(args: CliArgs, gen: Generated, io: Io): Promise<number> {
  void args;
  void gen;
  io.err('pogogen: desc is not available yet\n');
  return 1;
}
