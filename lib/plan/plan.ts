// Graph → Steps: every target expanded into compile, archive, link, symlink and action edges with concrete argv,
// using the toolchain's rule table; no text is emitted here. The planners of each concern live beside this file
// (compile.ts, link.ts, pgo.ts, deps.ts, actions.ts, install.ts) and append to one Planning (context.ts).
import type { RuleTable } from '../../rules/index.ts';
import type { Graph, GraphTarget } from '../resolve/graph.ts';
import { planAction } from './actions.ts';
import { planCompiles } from './compile.ts';
import { startPlanning, type Planning, type PlanOptions } from './context.ts';
import { planDependencyTarget } from './deps.ts';
import { planManifests } from './install.ts';
import { planArchive, planLink } from './link.ts';
import { startPgo, type Pgo } from './pgo.ts';
import type { Steps } from './steps.ts';

export type { PlanOptions };

export function plan(graph: Graph, opts: PlanOptions): Steps {
  const p = startPlanning(graph, opts);
  const pgo = startPgo(p);
  const profileCompile = profileCompileFlags(p.profile, p.table, graph.model.root);
  // Every compile first (rules and edges in target order), then what each target makes of its objects.
  for (const t of graph.targets) planCompiles(p, pgo, profileCompile, t);
  for (const t of graph.targets) planTarget(p, pgo, t);
  planManifests(p);
  p.aliases.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const defaults = graph.targets.filter((t) => t.isDefault).flatMap((t) => (t.kind === 'object_set' ? (p.objectsOf.get(t.name) ?? []) : t.outputs));
  return { root: graph.model.root, outDir: graph.outDir, rules: p.rules, edges: p.edges, aliases: p.aliases, defaults, regen: opts.regen, pools: pools(p), files: p.files };
}

/** One target's steps beyond its compiles, by kind; a kind without a case here fails to compile. */
function planTarget(p: Planning, pgo: Pgo, t: GraphTarget): void {
  switch (t.kind) {
    case 'object_set':
      p.aliases.push({ name: t.name, outputs: p.objectsOf.get(t.name) ?? [] });
      return;
    case 'static_library':
      return planArchive(p, t);
    case 'executable':
    case 'shared_library':
      return planLink(p, pgo, t);
    case 'dependency':
      return planDependencyTarget(p, t);
    case 'action':
      return planAction(p, t);
    case 'test':
      // Tests are run by `pogogen test` from the test manifest (install.ts), not built.
      return;
    default: {
      const unplanned: never = t.kind;
      throw new Error(`no planner for target kind ${String(unplanned)}`);
    }
  }
}

/** The ninja pools the steps use, sized from the job budget and memory. */
function pools(p: Planning): Steps['pools'] {
  // Without a jobserver, nested dependency builds each get `jobs` and run one at a time beside ninja's own jobs;
  // configure steps are mostly serial shell work and may overlap each other.
  const jobs = p.opts.jobs ?? 2;
  const out = p.edges.some((e) => e.kind === 'dependency') ? [{ name: 'dep_build', depth: 1 }, { name: 'dep_configure', depth: Math.max(1, jobs) }] : [];
  if (p.rules.some((r) => r.pool === 'remote')) {
    // Remote compiles wait on the network, not on local cores; links and archives stay local.
    out.push({ name: 'remote', depth: Math.max(4, jobs * 4) });
  }
  if (p.rules.some((r) => r.pool === 'lto_link')) {
    // About 2 GiB per parallel LTO link (gcc's WPA on a large program), never more links than cores.
    const byMemory = Math.floor((p.opts.memoryBytes ?? 8 * 2 ** 30) / (2 * 2 ** 30));
    out.push({ name: 'lto_link', depth: Math.max(1, Math.min(jobs, byMemory)) });
  }
  return out;
}

/** The compile flags a profile adds to every compile of the project (explain traces them back to the profile). */
export function profileCompileFlags(profile: Graph['model']['profile'], table: RuleTable, root: string): string[] {
  return [
    ...profile.cflags,
    ...(profile.march === undefined ? [] : [table.flags.march(profile.march)]),
    ...(profile.mtune === undefined ? [] : [table.flags.mtune(profile.mtune)]),
    // Split debug info needs debug info to split, whatever the profile's own flags say.
    ...(profile.splitDebug && !profile.cflags.some((f) => /^-g(?!0)/.test(f)) ? table.flags.debug : []),
    // Paths in debug info and __FILE__ become relative to the project, so checkouts build identical files.
    ...(profile.reproducible ? [table.flags.filePrefixMap(root, '.')] : []),
    ...profile.defines.map(table.flags.define),
    ...table.flags.sanitize(profile.sanitize).compile,
    ...(profile.lto ? table.flags.lto.compile : []),
    ...(profile.coverage ? table.flags.coverage.compile : []),
  ];
}

export type { RuleTable };
