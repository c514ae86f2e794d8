// Model → Graph: labels to targets, sources expanded, public settings propagated, link order, outputs checked
// for duplicates and for paths ninja cannot express, cycles reported with their path. A short sequence of stages
// (edges.ts, outputs.ts, targets.ts over settings.ts), each stopping at its problems; the disk is read before, by
// the listing step (files.ts), never here.
import type { Model } from '../model/validate.ts';
import { resolveEdges } from './edges.ts';
import type { DependencyResolution, Graph } from './graph.ts';
import { outputDirs, planOutputs } from './outputs.ts';
import { Problems } from './problems.ts';
import { exportedBy } from './settings.ts';
import { extraInstall, graphTarget, type Resolving } from './targets.ts';
import { SourceTree, type SourceListing } from './tree.ts';

export { dependencySettings } from './settings.ts';
export { findCycle } from './edges.ts';
export type { DependencyTarget } from './outputs.ts';

export interface ResolveOptions {
  /** How each `dependency` target was resolved, by name (the CLI probes pkg-config and the cache first). */
  readonly dependencies?: ReadonlyMap<string, DependencyResolution>;
  /** Appended to the output directory (`out/<profile>.<variant>`): a cross build's target triple. */
  readonly variant?: string;
  /** What the disk holds of the model's paths: listSources(model, await listDirs(...)), made before resolving. */
  readonly sources: SourceListing;
}

/** The model's graph, from the model and the listing alone: no disk, no environment. */
export function resolve(model: Model, opts: ResolveOptions): Graph {
  const problems = new Problems(model);
  const dirs = outputDirs(model, opts.variant);
  const byName = new Map(model.targets.map((t) => [t.name, t]));
  const depsOf = resolveEdges(model, byName, problems);
  problems.stopIfAny();
  const { outputsOf, depInfo } = planOutputs(model, dirs, opts.dependencies, problems);
  // Later stages need every target's outputs: stop at the first layer of problems.
  problems.stopIfAny();
  const tree = new SourceTree(model.root, opts.sources);
  const r: Resolving = { model, byName, depsOf, outputsOf, depInfo, exported: exportedBy(byName, outputsOf, depInfo, dirs.genDir), tree, problems };
  const targets = model.targets.flatMap((t) => graphTarget(r, t));
  problems.stopIfAny();
  const install = extraInstall(model, tree, problems);
  problems.stopIfAny();
  return { model, outDir: dirs.outDir, genDir: dirs.genDir, targets, watchedDirs: [...tree.watchedDirs].sort(), extraInstall: install };
}
