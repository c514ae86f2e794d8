// Libraries for `pogogen init`: one per source directory of the project and one per flat vendored tree; which
// library owns a header; library edges from the include graph (a cycle merges its libraries into one); shared
// libraries where the tree says so; and the targets' names: valid, unique, never one pogogen reserves.
import path from 'node:path';
import type { InitContext, Lib } from './context.ts';
import { byPath } from './context.ts';
import { closure } from './includes.ts';
import { genericDirs, reservedNames } from './knowledge.ts';
import { pkgOf } from './tree.ts';

const P = path.posix;

/** Libraries: one per source directory of the project, one per flat vendored tree. */
export function groupLibraries(ctx: InitContext): void {
  const { programs } = ctx;
  const groups = new Map<string, string[]>();
  for (const c of ctx.libSources) {
    const v = pkgOf(ctx, c);
    const key = v !== undefined ? `pkg:${v.dir}` : `dir:${P.dirname(c)}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const projectGroups = [...groups.keys()].filter((k) => k.startsWith('dir:'));
  // One program and its sources all in its own directory: one executable, no library.
  ctx.single = programs.length === 1 && projectGroups.every((k) => k === `dir:${P.dirname(programs[0]!)}`);
  for (const [key, srcs] of [...groups].sort((a, b) => byPath(a[0], b[0]))) {
    if (ctx.single && key.startsWith('dir:')) continue;
    const v = key.startsWith('pkg:') ? ctx.packages.get(key.slice(4)) : undefined;
    const dir = key.slice(4);
    const lib: Lib = { name: v?.name ?? (genericDirs.has(P.basename(dir)) ? ctx.projectName : P.basename(dir)), dirs: v !== undefined ? [...new Set(srcs.map((s) => P.dirname(s)))].sort() : [dir], sources: srcs.sort(byPath), deps: new Set(), ...(v === undefined ? {} : { vendored: v }) };
    ctx.libs.push(lib);
    for (const s of srcs) ctx.libOfFile.set(s, lib);
  }
}

/** Header ownership, memoised (closures ask for the same headers over and over); cleared when libraries merge. */
export function owner(ctx: InitContext, h: string): Lib | undefined {
  if (ctx.owners.has(h)) return ctx.owners.get(h);
  const o = ownerOf(ctx, h);
  ctx.owners.set(h, o);
  return o;
}

/** The library with a source of the same stem, else the library of the header's directory. */
function ownerOf(ctx: InitContext, h: string): Lib | undefined {
  const { libs } = ctx;
  const v = pkgOf(ctx, h);
  if (v !== undefined) return libs.find((l) => l.vendored === v);
  const stem = P.basename(h, '.h');
  const sameStem = libs.filter((l) => l.vendored === undefined && l.sources.some((s) => P.basename(s, '.c') === stem));
  if (sameStem.length === 1) return sameStem[0];
  return libs.find((l) => l.vendored === undefined && l.dirs.includes(P.dirname(h)));
}

/** The libraries whose headers a library's sources include. */
function edgesOf(ctx: InitContext, l: Lib): Set<Lib> {
  const out = new Set<Lib>();
  for (const s of l.sources) for (const f of closure(ctx, s).files) {
    const o = owner(ctx, f);
    if (o !== undefined && o !== l) out.add(o);
  }
  return out;
}

function reach(edges: ReadonlyMap<Lib, Set<Lib>>, from: Lib): Set<Lib> {
  const seen = new Set<Lib>();
  const stack = [...edges.get(from)!];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    stack.push(...edges.get(x)!);
  }
  return seen;
}

/** Library edges from the include graph; a cycle merges its libraries into one, until none is left. */
export function linkLibraries(ctx: InitContext): void {
  const { libs } = ctx;
  for (;;) {
    const edges = new Map(libs.map((l) => [l, edgesOf(ctx, l)]));
    const cyclic = libs.find((l) => reach(edges, l).has(l));
    if (cyclic === undefined) {
      for (const l of libs) for (const e of edges.get(l)!) l.deps.add(e);
      return;
    }
    const members = libs.filter((l) => l === cyclic || (reach(edges, cyclic).has(l) && reach(edges, l).has(cyclic)));
    const merged: Lib = { name: members[0]!.name, dirs: members.flatMap((m) => m.dirs).sort(), sources: members.flatMap((m) => m.sources).sort(byPath), deps: new Set() };
    ctx.guesses.push(`library ${merged.name}: ${members.map((m) => m.dirs.join(', ')).join(' and ')} include each other's headers, so they are one library`);
    for (const m of members) libs.splice(libs.indexOf(m), 1);
    libs.push(merged);
    ctx.owners.clear();
    for (const s of merged.sources) ctx.libOfFile.set(s, merged);
  }
}

/** Shared libraries where the tree's own build files, or the directory's name, say so. */
export function markShared(ctx: InitContext): void {
  for (const l of ctx.libs) {
    if (l.vendored !== undefined) continue;
    const base = P.basename(l.dirs[0]!);
    const hint = ctx.hints.shared.get(l.name) ?? ctx.hints.shared.get(base) ?? ctx.hints.shared.get(base.replace(/^lib/, ''));
    if (hint !== undefined) l.shared = hint;
    else if (/(^|[-_ ])(shared|dso|plugins?)([-_ ]|$)/i.test(base)) l.shared = `the directory is named ${base}`;
  }
}

/** A target name: valid, unique, never one pogogen reserves (then `want-suffix`, numbered if need be). */
export function nameFor(ctx: InitContext, want: string, suffix: string): string {
  const { taken } = ctx;
  let n = want.replace(/[^A-Za-z0-9_.+-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  if (n === '') n = suffix;
  const reserved = reservedNames.has(n.toLowerCase());
  const alt = `${n}-${suffix}`;
  let cand = reserved ? alt : n;
  if (taken.has(cand.toLowerCase()) && !reserved) cand = alt;
  for (let i = 2; taken.has(cand.toLowerCase()); i++) cand = `${alt}${i}`;
  taken.add(cand.toLowerCase());
  return cand;
}

/** Names for dependencies, actions, programs and libraries, in that order. */
export function nameTargets(ctx: InitContext): void {
  ctx.usedRecipes = [...ctx.recipeUse.keys()].sort();
  for (const r of ctx.usedRecipes) ctx.depName.set(r, nameFor(ctx, r, 'dep'));
  for (const h of [...ctx.generators.keys()]) ctx.genName.set(h, nameFor(ctx, P.basename(h).replace(/\./g, '_'), 'gen'));
  ctx.fwdName = ctx.forwards.size > 0 ? nameFor(ctx, 'forward-headers', 'gen') : '';
  // Programs are named first: their names are the ones users type.
  for (const p of ctx.programs) {
    const base = P.basename(p, '.c');
    const dir = P.basename(P.dirname(p));
    ctx.exeName.set(p, nameFor(ctx, base === 'main' ? (genericDirs.has(dir) ? ctx.projectName : dir) : base, 'bin'));
  }
  for (const l of [...ctx.libs].sort((a, b) => byPath(a.dirs[0]!, b.dirs[0]!))) l.name = nameFor(ctx, l.name, 'lib');
}
