// Profile-guided optimisation as steps: which executable's profile each compiled target follows, the
// instrumented twin of its objects and link, the training run, and (gcc) moving each profile beside its object.
import path from 'node:path';
import { DiagnosticsError } from '../model/diagnostics.ts';
import type { GraphTarget } from '../resolve/graph.ts';
import { fill, type Planning } from './context.ts';

/** A plan's PGO state: owners by compiled target, and each trained executable's (instrumented, final) objects. */
export interface Pgo {
  /** Which trained executable's profile a compiled target (it, and the static code it links) is optimised with. */
  readonly owner: ReadonlyMap<string, string>;
  /** The instrumented twin of each object, per trained executable. */
  readonly objects: Map<string, { gen: string; final: string }[]>;
  readonly dir: (exe: string) => string;
  /** The flags that use `exe`'s profile, and the file whose change means a new profile. */
  readonly use: (exe: string) => { flags: string[]; input: string };
}

export function startPgo(p: Planning): Pgo {
  const { graph, table, byName } = p;
  const owner = new Map<string, string>();
  if (p.profile.pgo) {
    for (const t of graph.targets) {
      if (t.pgo === undefined) continue;
      for (const x of [t.name, ...t.link!.libraries.filter((n) => ['static_library', 'object_set'].includes(byName.get(n)!.kind))]) {
        const prev = owner.get(x);
        if (prev !== undefined && prev !== t.name) {
          throw new DiagnosticsError([{ ...t.where(), path: `target "${t.name}".pgo`, message: `"${x}" is linked into two PGO-trained executables ("${prev}" and "${t.name}"), and one object can follow only one profile`, help: 'train one of them, or make the shared code a shared library' }]);
        }
        owner.set(x, t.name);
      }
    }
  }
  const dir = (exe: string): string => `${graph.outDir}/pgo/${exe}`;
  const use = (exe: string): { flags: string[]; input: string } =>
    table.flags.pgo.format === 'gcda'
      ? { flags: table.flags.pgo.use(undefined), input: `${dir(exe)}/collected.stamp` }
      : { flags: table.flags.pgo.use(path.resolve(graph.model.root, `${dir(exe)}/${exe}.profdata`)), input: `${dir(exe)}/${exe}.profdata` };
  return { owner, objects: new Map(), dir, use };
}

/**
 * A trained executable's instrumented link (its twin objects, and the final objects of what is not trained), the
 * training run, and for gcc the step that copies each profile beside the object it optimises.
 */
export function planTraining(p: Planning, pgo: Pgo, t: GraphTarget, link: { ins: readonly string[]; implicitIns: readonly string[]; ldflags: readonly string[]; libs: readonly string[] }): void {
  const { table, byName } = p;
  const dir = pgo.dir(t.name);
  const pairs = pgo.objects.get(t.name) ?? [];
  const instrumented = `${dir}/bin/${path.posix.basename(t.output!)}`;
  const genLink = p.ruleName('link_pgogen', t.name);
  const genIns = [...pairs.map((x) => x.gen), ...link.ins.filter((i) => !pairs.some((x) => x.final === i) && !t.link!.libraries.some((l) => byName.get(l)!.output === i && pgo.owner.has(l)))];
  p.rules.push({ name: genLink, command: fill(table.link, { cc: p.opts.toolchain.cc, ldflags: [...link.ldflags.filter((f) => !table.flags.strip.includes(f)), ...table.flags.pgo.generateLink], libs: link.libs }), description: 'LINK {out}' });
  p.edges.push({ kind: 'link', rule: genLink, target: t.name, outs: [instrumented], ins: genIns, implicitIns: [...link.implicitIns], orderOnly: [] });
  const trainFile = `${dir}/train.json`;
  const format = table.flags.pgo.format;
  const train = {
    root: p.graph.model.root,
    binary: instrumented,
    training: t.pgo!.training,
    format,
    objDir: `${dir}/obj`,
    rawDir: `${dir}/raw`,
    profdata: `${dir}/${t.name}.profdata`,
    llvmProfdata: p.opts.toolchain.profdata ?? ['llvm-profdata'],
    pairs: pairs.map((x) => [x.gen.replace(/\.o$/, '.gcda'), x.final.replace(/\.o$/, '.gcda')]),
    trained: `${dir}/trained.stamp`,
    collected: `${dir}/collected.stamp`,
  };
  p.files.set(trainFile, `${JSON.stringify(train, null, 2)}\n`);
  const trainRule = p.ruleName('pgo_train', t.name);
  p.rules.push({ name: trainRule, command: [...p.opts.self, 'pgo', 'train', trainFile], description: `TRAIN ${t.name}` });
  p.edges.push({ kind: 'action', rule: trainRule, target: t.name, outs: format === 'gcda' ? [train.trained] : [train.trained, train.profdata], ins: [], implicitIns: [instrumented, trainFile], orderOnly: [] });
  if (format === 'gcda') {
    // Copies each profile beside the object it optimises; the stamp moves only when a profile changed.
    const collect = p.ruleName('pgo_collect', t.name);
    p.rules.push({ name: collect, command: [...p.opts.self, 'pgo', 'collect', trainFile], description: `PROFILE ${t.name}`, restat: true });
    p.edges.push({ kind: 'action', rule: collect, target: t.name, outs: [train.collected], ins: [], implicitIns: [train.trained], orderOnly: [] });
  }
}
