// Steps → compile_commands.json: one entry per compiled source with the exact argv of the compile edge.
import path from 'node:path';
import { expand, type Steps } from '../../plan/steps.ts';

export function writeCompdb(steps: Steps): string {
  const rules = new Map(steps.rules.map((r) => [r.name, r]));
  const entries = steps.edges
    .filter((e) => e.kind === 'compile' && e.source !== undefined)
    .map((e) => ({
      directory: steps.root,
      file: path.resolve(steps.root, e.source!),
      // Tools want the compiler itself as argv[0], not a launcher such as ccache.
      arguments: expand(rules.get(e.rule)!, e)
        .slice(rules.get(e.rule)!.launcher ?? 0)
        .map((a) => (typeof a === 'string' ? a : a.raw)),
      output: path.resolve(steps.root, e.outs[0]!),
    }));
  entries.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.output < b.output ? -1 : a.output > b.output ? 1 : 0));
  return `${JSON.stringify(entries, null, 2)}\n`;
}
