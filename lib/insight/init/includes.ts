// Include resolution for `pogogen init`: which file of the tree an `#include` finds and through which include
// dir, and what a file needs beyond the tree (shipped recipes, generated and forwarding headers, system
// libraries, headers nothing provides); then the closure of a file's includes. Both memoised in the context.
import path from 'node:path';
import type { InitContext, Reach, Special } from './context.ts';
import { byPath } from './context.ts';
import { recipeHeaders, systemLibs } from './knowledge.ts';
import type { Include } from './scan.ts';
import { pkgOf } from './tree.ts';

const P = path.posix;

/** The file an include finds: beside the includer when quoted, else the best header of that name in the tree. */
function resolveInclude(ctx: InitContext, from: string, inc: Include): { file: string; dir?: string } | undefined {
  if (inc.quoted) {
    const local = P.normalize(P.join(P.dirname(from), inc.name));
    if (ctx.text.has(local) && !local.startsWith('../')) {
      const v = pkgOf(ctx, local);
      if (v === undefined || v.kind === 'flat') return { file: local };
    }
  }
  if (inc.name.startsWith('../') || inc.name.startsWith('/')) return undefined;
  const key = `${pkgOf(ctx, from)?.dir ?? ''}\0${inc.name}`;
  let hit = ctx.resolveCache.get(key);
  if (!ctx.resolveCache.has(key)) {
    const fromPkg = pkgOf(ctx, from)?.dir;
    const candidates = ctx.usable.filter((h) => h === inc.name || h.endsWith(`/${inc.name}`));
    // Prefer a header of the same package (or of the project itself), then the shortest path.
    const rank = (h: string): number => (pkgOf(ctx, h)?.dir === fromPkg ? 0 : 1);
    hit = candidates.sort((a, b) => rank(a) - rank(b) || a.length - b.length || byPath(a, b))[0];
    ctx.resolveCache.set(key, hit);
  }
  if (hit === undefined) return undefined;
  return { file: hit, dir: hit === inc.name ? '.' : hit.slice(0, hit.length - inc.name.length - 1) };
}

const emptySpecial = (): Special => ({ recipes: new Set(), generated: new Set(), forwards: new Set(), libs: new Set(), locals: new Set(), files: new Set() });

/** What a file includes directly: files of the tree and the dirs that find them, and what is not in the tree. */
export function directOf(ctx: InitContext, p: string): Reach {
  let d = ctx.direct.get(p);
  if (d !== undefined) return d;
  d = { files: new Set(), dirs: new Set(), special: emptySpecial() };
  ctx.direct.set(p, d);
  for (const inc of ctx.scanned.get(p)?.includes ?? []) {
    if (inc.dead) continue;
    const r = resolveInclude(ctx, p, inc);
    if (r !== undefined) {
      d.files.add(r.file);
      if (r.dir !== undefined && !(inc.quoted && r.file === P.normalize(P.join(P.dirname(p), inc.name)))) d.dirs.add(r.dir);
      continue;
    }
    beyondTree(ctx, p, inc, d.special);
  }
  return d;
}

/** An include the tree does not answer: a recipe's header (maybe by a relative path), a system library's, a
 *  header to generate, or one nothing provides. */
function beyondTree(ctx: InitContext, p: string, inc: Include, special: Special): void {
  const rh = recipeHeaders.find((x) => x.re.test(inc.name));
  if (rh !== undefined) {
    special.recipes.add(rh.recipe);
    const prev = ctx.recipeUse.get(rh.recipe);
    if (prev === undefined) ctx.recipeUse.set(rh.recipe, { by: `${inc.quoted ? '"' : '<'}${inc.name}${inc.quoted ? '"' : '>'} in ${p}:${inc.line}`, guards: [...inc.conds] });
    else prev.guards = prev.guards.filter((g) => inc.conds.some((c) => c.macro === g.macro && c.positive === g.positive));
    if (inc.quoted && inc.name.startsWith('../')) {
      const portable = rh.re.exec(inc.name)![1]!;
      const depth = /^(\.\.\/)+/.exec(inc.name)![0].length / 3;
      const key = `${depth}\0${inc.name}`;
      if (!ctx.forwards.has(key)) ctx.forwards.set(key, { portable, recipe: rh.recipe, by: p, line: inc.line, depth });
      special.forwards.add(key);
    }
    return;
  }
  const local = localPackageOf(ctx, p, inc);
  if (local !== undefined) {
    special.locals.add(local);
    if (!ctx.localUse.has(local)) ctx.localUse.set(local, `${inc.quoted ? '"' : '<'}${inc.name}${inc.quoted ? '"' : '>'} in ${p}:${inc.line}`);
    return;
  }
  if (!inc.quoted) {
    const s = systemLibs.find((x) => x.re.test(inc.name));
    if (s !== undefined) {
      special.libs.add(s.lib);
      if (!ctx.sysUse.has(s.lib)) ctx.sysUse.set(s.lib, `<${inc.name}> in ${p}`);
    }
    return;
  }
  if (inc.name.endsWith('.h') && !inc.name.startsWith('../')) {
    special.generated.add(inc.name);
    if (!ctx.generatedHeaders.has(inc.name)) ctx.generatedHeaders.set(inc.name, { by: p, line: inc.line });
  } else if (!ctx.missing.has(inc.name)) ctx.missing.set(inc.name, `${p}:${inc.line}`);
}

/**
 * The vendored tree with its own build (not compiled into the project) that holds the header an include names:
 * beside the includer by a relative path, or anywhere in the tree by its name; the shortest path wins.
 */
function localPackageOf(ctx: InitContext, from: string, inc: Include): string | undefined {
  const beside = inc.quoted ? P.normalize(P.join(P.dirname(from), inc.name)) : undefined;
  const byName = inc.name.startsWith('../') || inc.name.startsWith('/') ? undefined : inc.name;
  const hits = [...ctx.headerSet].filter((h) => h === beside || (byName !== undefined && (h === byName || h.endsWith(`/${byName}`)))).filter((h) => {
    const v = pkgOf(ctx, h);
    return v !== undefined && v.kind === 'skip' && v.build !== undefined;
  });
  return hits.sort((a, b) => a.length - b.length || byPath(a, b)).map((h) => pkgOf(ctx, h)!.dir)[0];
}

/** Everything a file includes, transitively; `special.files` holds the file itself and every file reached. */
export function closure(ctx: InitContext, p: string): Reach {
  const hit = ctx.closureCache.get(p);
  if (hit !== undefined) return hit;
  const out = { files: new Set<string>(), dirs: new Set<string>(), special: emptySpecial() };
  const todoStack = [p];
  const seen = new Set<string>([p]);
  while (todoStack.length > 0) {
    const f = todoStack.pop()!;
    const d = directOf(ctx, f);
    out.special.files.add(f);
    for (const x of d.dirs) out.dirs.add(x);
    for (const k of ['recipes', 'generated', 'forwards', 'libs', 'locals'] as const) for (const x of d.special[k]) (out.special[k] as Set<string>).add(x);
    for (const x of d.files) {
      out.files.add(x);
      if (!seen.has(x)) {
        seen.add(x);
        todoStack.push(x);
      }
    }
  }
  ctx.closureCache.set(p, out);
  return out;
}

/** The closures of every compiled file, so that what they need beyond the tree is known before it is used. */
export function followIncludes(ctx: InitContext): void {
  for (const c of [...ctx.libSources, ...ctx.programs, ...ctx.testPrograms]) closure(ctx, c);
}
