// `pogogen desc TARGET`: describe one target of the generated build (text, or --json for tools).
import { closest } from '../model/diagnostics.ts';
import { describe, formatDescription } from '../insight/desc.ts';
import type { CliArgs } from './args.ts';
import type { Generated, Io } from './insight.ts';

export async function descCommand(args: CliArgs, gen: Generated, io: Io): Promise<number> {
  const name = args.rest[0];
  const names = gen.graph.targets.map((t) => t.name);
  if (name === undefined) {
    io.err(`pogogen: error: desc needs a target name; targets: ${names.join(', ')}\n`);
    return 2;
  }
  const t = gen.graph.targets.find((x) => x.name === name);
  if (t === undefined) {
    const guess = closest(name, names);
    io.err(`pogogen: error: no target named "${name}"${guess === undefined ? `; targets: ${names.join(', ')}` : `; did you mean "${guess}"?`}\n`);
    return 1;
  }
  const d = describe(gen.graph, gen.steps, t);
  io.out(args.json ? `${JSON.stringify(d, null, 2)}\n` : formatDescription(d));
  return 0;
}
