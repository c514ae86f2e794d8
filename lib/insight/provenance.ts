// Where each argument of a target's compile command comes from: the profile, the project's settings, the target's
// own or public settings, a dependency's public settings (and through which chain), a dependency subproject, the
// environment, or pogogen's own rule. Recomputed from the model the same way resolve and plan compose them.
import { ruleTables } from '../../rules/index.ts';
import { expand, type Steps } from '../plan/steps.ts';
import type { Graph } from '../resolve/graph.ts';
import { normalize } from '../resolve/paths.ts';
import { dependencySettings, type DependencyTarget } from '../resolve/resolve.ts';
import { profileCompileFlags } from '../plan/plan.ts';
import { normalizeSettings, type Model, type ModelTarget, type NormalizedSettings, type Toolchain } from '../model/validate.ts';
import { splitWords } from '../backends/shell.ts';

export interface FlagOrigin {
  /** The argument as the compiler sees it. */
  readonly arg: string;
  /** A human label: `profile development`, `target cache`, `public of util (via cache)`, ... */
  readonly origin: string;
}

/** Labelled groups of flags, in the order plan puts them on the command line. */
type Source = { readonly origin: string; readonly flags: readonly string[] };

export function compileProvenance(model: Model, graph: Graph, steps: Steps, toolchain: Toolchain, target: string, env: Readonly<Record<string, string | undefined>>): FlagOrigin[] | undefined {
  const gt = graph.targets.find((t) => t.name === target);
  const edge = steps.edges.find((e) => e.kind === 'compile' && e.target === target && e.source !== undefined);
  if (gt?.compiled === undefined || edge === undefined) return undefined;
  const rule = steps.rules.find((r) => r.name === edge.rule)!;
  const family = toolchain.family;
  const table = ruleTables[family];
  const render = (s: NormalizedSettings): string[] => [...s.cflags, ...s.defines.map(table.flags.define), ...s.includeDirs.map((d) => table.flags.include(normalize(d)))];
  const byName = new Map(model.targets.map((t) => [t.name, t]));
  const profile = model.profile;

  const sources: Source[] = [
    { origin: `profile ${profile.name}`, flags: profileCompileFlags(profile, table, model.root) },
    { origin: 'pogogen (position-independent code for libraries)', flags: gt.compiled.pic ? table.flags.pic : [] },
    { origin: 'project settings (defineBuild settings)', flags: render(model.settings) },
  ];
  const t = byName.get(target)!;
  sources.push({ origin: `target ${target}${optionNote(model, normalizeSettings(t as unknown as Settings))}`, flags: render(normalizeSettings(t as unknown as Settings)) });
  sources.push({ origin: `target ${target} (its public settings)`, flags: render(normalizeSettings((t as SettingsLike).public)) });
  // What each dependency exports, following publicDeps chains: `public of util (via cache)`.
  const seen = new Set<string>();
  const visit = (name: string, via: readonly string[]): void => {
    const key = `${name}<${via.join('<')}`;
    if (seen.has(key) || via.includes(name)) return;
    seen.add(key);
    const d = byName.get(name);
    const g = graph.targets.find((x) => x.name === name);
    if (d === undefined || g === undefined) return;
    const chain = via.length === 0 ? '' : ` (via ${via.join(' → ')})`;
    if (g.kind === 'action') {
      sources.push({ origin: `generated files of action ${name}${chain}`, flags: [table.flags.include(`${graph.outDir}/gen`)] });
    } else if (g.kind === 'dependency' && g.dependency !== undefined) {
      const r = g.dependency.resolution;
      const how = r.source === 'system' ? `system, pkg-config ${r.pkgConfig} ${r.version}` : r.source === 'source' ? `built from source: ${r.recipe.name} ${r.recipe.version}` : 'missing: its ifMissing settings';
      // The same settings resolve gave the dependents.
      sources.push({ origin: `dependency ${name} (${how})${chain}`, flags: render(dependencySettings(d as DependencyTarget, g.dependency)) });
    } else if (g.kind !== 'test') {
      sources.push({ origin: `public settings of ${name}${chain}`, flags: render(normalizeSettings((d as SettingsLike).public)) });
      for (const p of (d as SettingsLike).publicDeps ?? []) visit(typeof p === 'string' ? p : p.name, [name, ...via]);
    }
  };
  for (const dep of gt.deps) visit(dep, []);
  sources.push({ origin: 'environment CPPFLAGS', flags: splitWords(env.CPPFLAGS) });
  sources.push({ origin: 'environment CFLAGS', flags: splitWords(env.CFLAGS) });

  const argv = expand(rule, edge).filter((a): a is string => typeof a === 'string');
  const launcher = rule.launcher ?? 0;
  return argv.map((arg, i) => {
    if (i < launcher) return { arg, origin: 'compiler launcher (--launcher / ccache on PATH)' };
    if (i === launcher) return { arg, origin: `compiler (CC, ${toolchain.family} ${toolchain.version})` };
    const hit = sources.find((s) => s.flags.includes(arg));
    if (hit !== undefined) return { arg, origin: hit.origin };
    if (arg === edge.ins[0]) return { arg, origin: 'the source file' };
    if (arg === edge.outs[0]) return { arg, origin: 'the object file' };
    if (/^-fprofile-/.test(arg)) return { arg, origin: `profile ${profile.name} (PGO)` };
    return { arg, origin: `pogogen's ${family} compile rule (rules/${family}.ts)` };
  });
}

type Settings = Parameters<typeof normalizeSettings>[0];
type SettingsLike = ModelTarget & {
  readonly public?: Parameters<typeof normalizeSettings>[0];
  readonly publicDeps?: readonly (string | { readonly name: string })[];
};

/** ` (values from options a, b)` when a target's defines carry an option's current value. */
function optionNote(model: Model, s: NormalizedSettings): string {
  const names = Object.entries(model.options)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
    .filter(([, v]) => s.defines.some((d) => d.endsWith(`=${String(v)}`) || d.endsWith(`=${JSON.stringify(String(v))}`)))
    .map(([k]) => k);
  return names.length === 0 ? '' : ` (values from option${names.length > 1 ? 's' : ''} ${names.join(', ')})`;
}
