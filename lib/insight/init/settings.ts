// Settings for `pogogen init`: include dirs (public on the library that owns the headers there, else
// project-wide), defines (`#error` guards; the tree's unconditional -D flags for macros the sources test),
// options (its conditional -D flags), dependencies on shipped recipes with the guard around the include as an
// optional feature, and what each target needs from the closure of its sources.
import path from 'node:path';
import type { DepGuess, InitContext, Lib, Special } from './context.ts';
import { byPath, defineText } from './context.ts';
import { closure, directOf } from './includes.ts';
import { recipeHeaders, type RecipeName } from './knowledge.ts';
import { owner } from './libraries.ts';
import { pkgOf } from './tree.ts';

const P = path.posix;

/** Include directories: public on the library that owns the headers there, else project-wide. */
export function includeDirs(ctx: InitContext): void {
  const { publicDirs, projectDirs, privateDirs, dirReason } = ctx;
  const dirOwners = new Map<string, Set<Lib | undefined>>();
  for (const h of ctx.headerSet) {
    const d = P.dirname(h);
    if (!dirOwners.has(d)) dirOwners.set(d, new Set());
    dirOwners.get(d)!.add(owner(ctx, h));
  }
  for (const c of [...ctx.libSources, ...ctx.programs]) {
    for (const d of closure(ctx, c).dirs) {
      if (!dirReason.has(d)) {
        const by = [...closure(ctx, c).special.files].find((f) => directOf(ctx, f).dirs.has(d)) ?? c;
        dirReason.set(d, by);
      }
      // One owner for every header there, or the directory is everyone's.
      const here = [...(dirOwners.get(d) ?? [])];
      const mine = ctx.libOfFile.get(c);
      const o = here.length === 1 ? here[0] : undefined;
      if (o !== undefined && o === mine && o.vendored !== undefined) {
        if (!privateDirs.has(o)) privateDirs.set(o, new Set());
        privateDirs.get(o)!.add(d);
      } else if (o !== undefined) {
        if (!publicDirs.has(o)) publicDirs.set(o, new Set());
        publicDirs.get(o)!.add(d);
      } else projectDirs.add(d);
    }
  }
  // A directory every library can see is also public where its owner is: no need to repeat it project-wide.
  for (const [, ds] of publicDirs) for (const d of ds) projectDirs.delete(d);
  // A vendored tree's internal directory that the project also includes from is public there.
  for (const [l, ds] of privateDirs) for (const d of ds) if (publicDirs.get(l as Lib)?.has(d)) ds.delete(d);
}

/** Defines from `#error` guards in compiled files, public on the library that owns the file; and which
 *  project file first tests each macro. */
export function guardDefines(ctx: InitContext): void {
  const { required, guesses } = ctx;
  const compiled = new Set<string>();
  for (const c of [...ctx.libSources, ...ctx.programs]) for (const f of closure(ctx, c).special.files) compiled.add(f);
  for (const f of [...compiled].sort(byPath)) for (const r of ctx.scanned.get(f)?.required ?? []) if (!required.has(r.macro)) required.set(r.macro, { file: f, line: r.line, ...(r.value === undefined ? {} : { value: r.value }) });
  for (const [m, r] of [...required].sort((a, b) => byPath(a[0], b[0]))) {
    const fromBuild = ctx.hints.defines.get(m);
    const value = fromBuild?.value ?? r.value;
    const o = owner(ctx, r.file);
    const reason = fromBuild !== undefined ? `${fromBuild.file} passes -D${defineText(m, fromBuild.value)}` : r.value !== undefined ? `the smallest value its guard accepts` : 'no build file gives it a value';
    const fileOwner = r.file.endsWith('.h') ? o : ctx.libOfFile.get(r.file);
    if (fileOwner !== undefined) {
      if (!ctx.publicDefines.has(fileOwner)) ctx.publicDefines.set(fileOwner, new Map());
      ctx.publicDefines.get(fileOwner)!.set(m, defineText(m, value));
      guesses.push(`define ${defineText(m, value)} (public on ${fileOwner.name}): ${r.file}:${r.line} stops with #error without it; ${reason}`);
    } else {
      ctx.projectDefines.set(m, defineText(m, value));
      guesses.push(`define ${defineText(m, value)} (project-wide): ${r.file}:${r.line} stops with #error without it; ${reason}`);
    }
    if (fromBuild === undefined) ctx.todo.push(`check the value of ${m} (guessed ${defineText(m, value)}): ${r.file}:${r.line} requires it`);
  }
  for (const f of [...compiled].sort(byPath)) if (pkgOf(ctx, f) === undefined) for (const m of ctx.scanned.get(f)?.tested ?? []) if (!ctx.testedBy.has(m)) ctx.testedBy.set(m, f);
}

/** An option key: lower-case, a valid identifier, unique. */
function optKey(ctx: InitContext, want: string): string {
  let k = want.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  if (!/^[a-z_]/.test(k)) k = `_${k}`;
  let cand = k;
  for (let i = 2; ctx.optionKeys.has(cand); i++) cand = `${k}${i}`;
  ctx.optionKeys.add(cand);
  return cand;
}

/** Dependencies from shipped recipes; the guard around the include decides optional features. */
export function recipeDependencies(ctx: InitContext): void {
  const { guesses, todo } = ctx;
  for (const r of ctx.usedRecipes) {
    const use = ctx.recipeUse.get(r)!;
    const rh = recipeHeaders.find((x) => x.recipe === r)!;
    const neg = use.guards.find((g) => !g.positive && /^(NO|DISABLE|WITHOUT)_?/i.test(g.macro));
    const pos = use.guards.find((g) => g.positive && /^(USE|HAVE|WITH|ENABLE)_?/i.test(g.macro));
    const name = ctx.depName.get(r)!;
    const dg: DepGuess = { recipe: r, name, option: optKey(ctx, r), ...(neg === undefined ? {} : { ifMissing: neg.macro }), ...(pos === undefined || neg !== undefined ? {} : { ifFound: pos.macro }) };
    ctx.deps.push(dg);
    if (neg !== undefined) ctx.guardMacros.add(neg.macro);
    if (pos !== undefined) ctx.guardMacros.add(pos.macro);
    const vend = [...ctx.packages.values()].find((v) => v.recipe === r);
    const how = rh.pkg !== undefined ? `pkg-config ${rh.pkg} first, the shipped recipe as fallback` : 'built by the shipped recipe';
    const opt = neg !== undefined ? `an auto feature; absent, its users get -D${neg.macro}` : pos !== undefined ? `an auto feature; found, its users get -D${pos.macro}` : 'required: the include is not behind a guard';
    guesses.push(`dependency ${name} (${rh.why}; ${how}; ${opt}): ${use.by}${vend !== undefined ? `; ${vend.dir} is a vendored copy with its own build, not compiled into the project` : ''}`);
    if (vend !== undefined) todo.push(`${vend.dir}: the recipe builds pinned upstream ${r}, not this copy; if the copy is patched, build it with a recipe whose source is the directory (source: { path: '${vend.dir}' })`);
  }
  for (const [, f] of ctx.forwards) {
    guesses.push(`forwarding header: ${f.by}:${f.line} includes a path into a directory its own scripts fill; a generated header forwards it to <${f.portable}>`);
  }
  for (const [key, f] of [...ctx.forwards].sort((a, b) => byPath(a[0], b[0]))) todo.push(`${f.by}:${f.line}: write #include <${f.portable}> instead of "${key.split('\0')[1]}" (portable; the forwarding header can then go)`);
}

/** Options and defines from the build files' -D flags for macros the sources test; a vendored flat tree keeps
 *  the unconditional -D flags of its own Makefile. */
export function buildFileDefines(ctx: InitContext): void {
  const { hints, testedBy } = ctx;
  for (const [m, d] of [...hints.defines].sort((a, b) => byPath(a[0], b[0]))) {
    if (ctx.required.has(m) || ctx.guardMacros.has(m) || !testedBy.has(m) || pkgOf(ctx, d.file) !== undefined) continue;
    if (d.conditional) {
      const key = optKey(ctx, m);
      ctx.opts.push({ key, macro: m, ...(d.value === undefined ? {} : { value: d.value }) });
      ctx.guesses.push(`option ${key} (default off, then -D${defineText(m, d.value)}): ${d.file} sets it conditionally and ${testedBy.get(m)} tests it`);
    } else {
      ctx.projectDefines.set(m, defineText(m, d.value));
      ctx.guesses.push(`define ${defineText(m, d.value)} (project-wide): ${d.file} always passes it and ${testedBy.get(m)} tests it`);
    }
  }
  for (const l of ctx.libs) {
    if (l.vendored === undefined) continue;
    const ds = [...hints.defines].filter(([, d]) => !d.conditional && d.file.startsWith(`${l.vendored!.dir}/`)).map(([m, d]) => defineText(m, d.value)).sort();
    if (ds.length > 0) ctx.vendoredDefines.set(l, ds);
  }
}

/** What a target needs, from the closure of its sources. */
export interface Needs extends Omit<Special, 'files'> {
  /** Libraries whose headers the sources include. */
  readonly deps: Set<Lib>;
  /** Macros the sources test. */
  readonly macros: Set<string>;
}

export function needsOf(ctx: InitContext, srcs: readonly string[], self: Lib | undefined): Needs {
  const n: Needs = { recipes: new Set(), generated: new Set(), forwards: new Set(), libs: new Set(), locals: new Set(), deps: new Set(), macros: new Set() };
  for (const s of srcs) {
    const c = closure(ctx, s);
    for (const r of c.special.recipes) n.recipes.add(r as RecipeName);
    for (const g of c.special.generated) if (ctx.generators.has(g)) n.generated.add(g);
    for (const f of c.special.forwards) n.forwards.add(f);
    for (const l of c.special.libs) n.libs.add(l);
    for (const l of c.special.locals) n.locals.add(l);
    for (const f of c.files) {
      const o = owner(ctx, f);
      if (o !== undefined && o !== self) n.deps.add(o);
    }
    for (const f of c.special.files) for (const m of ctx.scanned.get(f)?.tested ?? []) n.macros.add(m);
  }
  // A guard macro tested here without the header included still needs the dependency's define.
  for (const d of ctx.deps) if ((d.ifMissing !== undefined && n.macros.has(d.ifMissing)) || (d.ifFound !== undefined && n.macros.has(d.ifFound))) n.recipes.add(d.recipe);
  return n;
}
