// The guesses about the structure `pogogen init` chose (programs, libraries, include dirs, system libraries,
// actions, test-guarded mains, what was left out and why) and the to-do items for what it could not decide.
import path from 'node:path';
import type { InitContext } from './context.ts';
import { byPath, plural } from './context.ts';
import { systemLibs } from './knowledge.ts';
import { pkgOf } from './tree.ts';

const P = path.posix;

export function structureGuesses(ctx: InitContext): void {
  const { guesses, todo, programs, exeName } = ctx;
  for (const p of programs) guesses.push(`executable ${exeName.get(p)}: ${p} defines main()`);
  if (ctx.single && ctx.libSources.length > 0) guesses.push(`the other ${plural(ctx.libSources.length, 'source')} go into ${exeName.get(programs[0]!)} (one program, one directory)`);
  for (const l of ctx.libs) {
    const kind = l.shared !== undefined ? 'shared library' : 'static library';
    const where = l.vendored !== undefined ? `the vendored ${l.vendored.dir} is plain C${l.vendored.build !== undefined ? ` (its ${P.basename(l.vendored.build)} is not needed)` : ''}` : `the sources of ${l.dirs.join(', ')}`;
    guesses.push(`${kind} ${l.name}: ${plural(l.sources.length, 'source')}, ${where}${l.shared !== undefined ? `; shared: ${l.shared}` : ''}${l.deps.size > 0 ? `; uses ${[...l.deps].map((d) => d.name).sort().join(', ')} (includes their headers)` : ''}`);
  }
  for (const [l, ds] of [...ctx.publicDirs].sort((a, b) => byPath(a[0].name, b[0].name))) for (const d of [...ds].sort()) guesses.push(`public include dir ${d} of ${l.name}: ${l.name}'s headers live there and are included by path from elsewhere (e.g. ${ctx.dirReason.get(d)})`);
  for (const d of [...ctx.projectDirs].sort()) guesses.push(`include dir ${d} (project-wide): its headers belong to no one library (e.g. included by ${ctx.dirReason.get(d)})`);
  for (const [lib, why] of [...ctx.sysUse].sort()) guesses.push(`link -l${lib} (${systemLibs.find((s) => s.lib === lib)!.why}): ${why}`);
  for (const [h, g] of [...ctx.generators].sort((a, b) => byPath(a[0], b[0]))) {
    guesses.push(`action ${ctx.genName.get(h)} writes ${h}: absent from the tree, included by ${ctx.generatedHeaders.get(h)?.by ?? '?'}; ${g.why}`);
    if (!g.runnable) todo.push(`action ${ctx.genName.get(h)}: the command copied from the Makefile uses make variables; make it a plain command (TODO in build.pogo.ts)`);
  }
  for (const t of ctx.testMains) guesses.push(`${t.path}: its main() is behind #ifdef ${t.macro}: compiled without it into ${ctx.libOfFile.get(t.path)?.name ?? exeName.get(programs[0]!) ?? 'the program'}`);
  leftOutGuesses(ctx);
}

/** What was left out, grouped by why; vendored trees left out; headers nothing provides. */
function leftOutGuesses(ctx: InitContext): void {
  const { guesses, todo } = ctx;
  const outGroups = new Map<string, string[]>();
  for (const o of ctx.leftOut) outGroups.set(o.why, [...(outGroups.get(o.why) ?? []), o.path]);
  for (const [why, ps] of [...outGroups].sort((a, b) => byPath(a[0], b[0]))) {
    const shown = ps.slice(0, 4).join(', ') + (ps.length > 4 ? `, … (${ps.length} in all)` : '');
    guesses.push(`left out, ${why}: ${shown}`);
  }
  for (const v of [...ctx.packages.values()].sort((a, b) => byPath(a.dir, b.dir))) {
    if (v.kind === 'skip' && ctx.localUse.has(v.dir)) continue; // a dependency built from the directory (init/local.ts)
    if (v.kind === 'skip' && v.build !== undefined) guesses.push(`left out: ${v.dir} is a vendored tree with its own build (${P.basename(v.build)}), and no source includes its headers`);
    else if (v.kind === 'skip') {
      guesses.push(`left out: ${v.dir} is a vendored tree that is not plain C and has no build of its own`);
      todo.push(`${v.dir}: give it a recipe whose source is the directory (source: { path: '${v.dir}' }) and a build, or list its sources in a library`);
    } else if (v.kind === 'recipe' && !ctx.usedRecipes.includes(v.recipe!)) guesses.push(`left out: ${v.dir} is a vendored copy of ${v.recipe}, which no source includes`);
  }
  for (const [h, at] of [...ctx.missing].sort((a, b) => byPath(a[0], b[0]))) {
    // A header of a vendored tree that is left out: the include is only as good as that tree's own build.
    const inVendored = [...ctx.headerSet].filter((x) => (x === h || x.endsWith(`/${h}`)) && pkgOf(ctx, x)?.kind === 'skip').sort()[0];
    todo.push(inVendored !== undefined ? `"${h}" (included at ${at}) is in ${pkgOf(ctx, inVendored)!.dir}, which is left out: build that tree first and add its include dir and library` : `"${h}" (included at ${at}): nothing in the tree provides it, nor writes it`);
  }
}
