// A compiled target's compile rule and one edge per source, plus, when a trained executable's profile covers the
// target, the instrumented twin of each object.
import type { GraphTarget } from '../resolve/graph.ts';
import { argPath, fill, none, objectName, type Planning } from './context.ts';
import type { Pgo } from './pgo.ts';

export function planCompiles(p: Planning, pgo: Pgo, profileCompile: readonly string[], t: GraphTarget): void {
  const c = t.compiled;
  if (c === undefined) return;
  const { table, opts } = p;
  const cflags = [
    ...profileCompile,
    ...(c.pic ? table.flags.pic : []),
    ...c.compile.cflags,
    ...c.compile.defines.map(table.flags.define),
    ...c.compile.includeDirs.map(table.flags.include),
    ...opts.env.cppflags,
    ...opts.env.cflags,
  ];
  const owner = pgo.owner.get(t.name);
  const use = owner === undefined ? undefined : pgo.use(owner);
  const cc = p.ruleName('cc', t.name);
  p.rules.push({ name: cc, command: fill(table.compile, { cc: p.compiler, cflags: [...cflags, ...(use?.flags ?? [])] }), description: 'CC {out}', depfile: '{out}.d', ...p.compileRuleExtras });
  const objects: string[] = [];
  // Shared by every compile edge of the target (edges are read-only): one array, not one per source.
  const implicitIns = use === undefined ? none : [use.input];
  const orderOnly = c.generated.length === 0 ? none : [...c.generated];
  const objDir = `${p.graph.outDir}/obj/${t.name}/`;
  for (const src of c.sources) {
    const obj = `${objDir}${objectName(src)}.o`;
    objects.push(obj);
    p.edges.push({ kind: 'compile', rule: cc, target: t.name, outs: [obj], ins: [argPath(src)], implicitIns, orderOnly, source: src });
  }
  p.objectsOf.set(t.name, objects);
  if (owner === undefined) return;
  // The instrumented twin of each object, compiled the same way plus instrumentation.
  const gen = p.ruleName('cc_pgogen', t.name);
  p.rules.push({ name: gen, command: fill(table.compile, { cc: p.compiler, cflags: [...cflags, ...table.flags.pgo.generate] }), description: 'CC {out}', depfile: '{out}.d', ...p.compileRuleExtras });
  const pairs = pgo.objects.get(owner) ?? [];
  for (const src of c.sources) {
    const obj = `${pgo.dir(owner)}/obj/${t.name}/${objectName(src)}.o`;
    p.edges.push({ kind: 'compile', rule: gen, target: t.name, outs: [obj], ins: [argPath(src)], implicitIns: [], orderOnly: [...c.generated] });
    pairs.push({ gen: obj, final: `${p.graph.outDir}/obj/${t.name}/${objectName(src)}.o` });
  }
  pgo.objects.set(owner, pairs);
}
