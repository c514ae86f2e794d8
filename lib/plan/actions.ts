// A project's actions (commands that generate files) as one rule and one edge each.
import type { Graph, GraphTarget } from '../resolve/graph.ts';
import type { Planning } from './context.ts';

export function planAction(p: Planning, t: GraphTarget): void {
  const a = t.action!;
  const name = p.ruleName('action', t.name);
  const command = a.command.flatMap((arg) => actionArg(arg, t, p.graph));
  p.rules.push({ name, command, description: a.description ?? `GEN ${t.outputs.join(' ')}` });
  p.edges.push({ kind: 'action', rule: name, target: t.name, outs: [...t.outputs], ins: [], implicitIns: [...a.inputs, ...a.needs], orderOnly: [] });
  p.aliases.push({ name: t.name, outputs: [...t.outputs] });
}

/** An action argument with `{in}`, `{out}`, `{out:N}`, `{gen}`, `{outdir}` and `{root}` replaced. */
function actionArg(arg: string, t: GraphTarget, graph: Graph): string[] {
  const a = t.action!;
  if (arg === '{in}') return [...a.inputs];
  if (arg === '{out}') return [...t.outputs];
  return [
    arg.replace(/\{(out:\d+|gen|outdir|root)\}/g, (whole, key: string) => {
      if (key === 'gen') return graph.genDir;
      if (key === 'outdir') return graph.outDir;
      if (key === 'root') return graph.model.root;
      return t.outputs[Number(key.slice(4))] ?? whole;
    }),
  ];
}
