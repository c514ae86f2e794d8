// Settings that travel along dependency edges: what each target exports to its dependents (public settings,
// generated headers, a dependency's install), and what a link pulls in, in the order `ld` wants.
import { normalizeSettings, type ModelTarget, type NormalizedSettings } from '../model/validate.ts';
import type { DependencyInfo, GraphTarget } from './graph.ts';
import type { DependencyTarget, Outputs } from './outputs.ts';
import { normalize } from './paths.ts';

/** What a target gives the targets that depend on it. */
export interface Exported {
  readonly settings: NormalizedSettings;
  /** Generated files their compiles must wait for. */
  readonly generated: readonly string[];
}

export const emptySettings: NormalizedSettings = { cflags: [], defines: [], includeDirs: [], ldflags: [], libs: [] };

/** What a target exports to its dependents, by name: memoized, so linear in edges. */
export function exportedBy(
  byName: ReadonlyMap<string, ModelTarget>,
  outputsOf: ReadonlyMap<string, Outputs>,
  depInfo: ReadonlyMap<string, DependencyInfo>,
  genDir: string,
): (name: string) => Exported {
  const memo = new Map<string, Exported>();
  const exported = (name: string): Exported => {
    const hit = memo.get(name);
    if (hit !== undefined) return hit;
    const t = byName.get(name)!;
    let result: Exported;
    if (t.kind === 'action') {
      result = { settings: { ...emptySettings, includeDirs: [genDir] }, generated: outputsOf.get(name)!.outputs };
    } else if (t.kind === 'test') {
      result = { settings: emptySettings, generated: [] };
    } else if (t.kind === 'dependency') {
      const info = depInfo.get(name);
      result = { settings: info === undefined ? emptySettings : dependencySettings(t, info), generated: info?.stamp === undefined ? [] : [info.headersStamp ?? info.stamp] };
    } else {
      const parts: Exported[] = [{ settings: normalizeSettings(t.public), generated: [] }];
      for (const d of t.publicDeps ?? []) parts.push(exported(typeof d === 'string' ? d : d.name));
      result = mergeExported(parts);
    }
    memo.set(name, result);
    return result;
  };
  return exported;
}

/**
 * What a link of `name` pulls in: static libraries and object sets transitively (they carry no dependencies of
 * their own, so their private and public libs and ldflags come along), shared libraries as a stop (their own deps
 * are inside them; only their public settings come along). Libraries are ordered dependents first, as `ld` wants.
 */
export function linkInfo(
  name: string,
  byName: ReadonlyMap<string, ModelTarget>,
  depsOf: ReadonlyMap<string, readonly string[]>,
  project: NormalizedSettings,
  depInfo: ReadonlyMap<string, DependencyInfo>,
): GraphTarget['link'] {
  const order = linkOrder(name, byName, depsOf);
  const self = byName.get(name)! as Extract<ModelTarget, { sources: unknown }>;
  const parts: NormalizedSettings[] = [project, normalizeSettings(self), normalizeSettings(self.public)];
  const libraries: string[] = [];
  let needsRpath = false;
  for (const n of order) {
    if (n === name) continue;
    const t = byName.get(n)!;
    if (t.kind === 'action' || t.kind === 'executable' || t.kind === 'test') continue;
    if (t.kind === 'dependency') {
      const info = depInfo.get(n);
      if (info === undefined) continue;
      if (info.libFiles.length > 0) libraries.push(n);
      parts.push(dependencySettings(t, info));
      continue;
    }
    libraries.push(n);
    if (t.kind === 'shared_library') {
      needsRpath = true;
      parts.push(normalizeSettings(t.public));
    } else {
      parts.push(normalizeSettings(t), normalizeSettings(t.public));
    }
  }
  const all = concatSettings(parts);
  // A system library is named once, after everything that may need it.
  const libs = [...new Set(all.libs.slice().reverse())].reverse();
  return { libraries, ldflags: dedupe(all.ldflags), libs, needsRpath };
}

/** `name` and what it links, dependents first; a shared library's own dependencies are inside it. */
function linkOrder(name: string, byName: ReadonlyMap<string, ModelTarget>, depsOf: ReadonlyMap<string, readonly string[]>): string[] {
  const order: string[] = [];
  const visited = new Set<string>();
  const visit = (n: string): void => {
    if (visited.has(n)) return;
    visited.add(n);
    const t = byName.get(n)!;
    if (t.kind !== 'shared_library' || n === name) for (const d of depsOf.get(n) ?? []) visit(d);
    order.push(n);
  };
  visit(name);
  return order.reverse();
}

/** What a dependency gives its dependents: compile and link settings from the recipe or pkg-config (plus ifFound), or ifMissing. */
export function dependencySettings(t: DependencyTarget, info: DependencyInfo): NormalizedSettings {
  const r = info.resolution;
  if (r.source === 'missing') return normalizeSettings(t.ifMissing);
  const p = r.source === 'system' ? undefined : r.recipe.provides;
  const own: NormalizedSettings = r.source === 'system' ? { ...emptySettings, cflags: r.cflags, ldflags: r.ldflags } : { ...emptySettings, includeDirs: (p!.includeDirs ?? ['include']).map((d) => normalize(`${info.installDir}/${d}`)), defines: p!.defines ?? [], libs: p!.libs ?? [] };
  return t.ifFound === undefined ? own : concatSettings([own, normalizeSettings(t.ifFound)]);
}

export function mergeExported(parts: readonly Exported[]): Exported {
  return { settings: concatSettings(parts.map((p) => p.settings)), generated: dedupe(parts.flatMap((p) => p.generated)) };
}

export function concatSettings(parts: readonly NormalizedSettings[]): NormalizedSettings {
  return {
    cflags: parts.flatMap((p) => p.cflags),
    defines: dedupe(parts.flatMap((p) => p.defines)),
    includeDirs: dedupe(parts.flatMap((p) => p.includeDirs)),
    ldflags: parts.flatMap((p) => p.ldflags),
    libs: dedupe(parts.flatMap((p) => p.libs)),
  };
}

function dedupe<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
