// The tree's shape for `pogogen init`: vendored packages (deps/<name>/ and the like) and whether each is plain C,
// a copy of a shipped recipe or left out; which C files are compiled, which are included by others, which are
// programs, test programs or test-guarded mains, and which are left out and why.
import path from 'node:path';
import type { InitContext, Vendored } from './context.ts';
import { recipeHeaders, testDirs, testFileRe, testMacroRe, unitTestDirs, vendorDirs } from './knowledge.ts';

const P = path.posix;

/** The vendored tree a path is in: `deps/<name>` (or `deps` itself for a file directly under it). */
function vendoredOf(p: string): string | undefined {
  const segs = p.split('/');
  const i = segs.findIndex((s, k) => k < segs.length - 1 && vendorDirs.has(s));
  if (i < 0) return undefined;
  return segs.length > i + 2 ? segs.slice(0, i + 2).join('/') : segs.slice(0, i + 1).join('/');
}

export function pkgOf(ctx: InitContext, p: string): Vendored | undefined {
  const d = vendoredOf(p);
  return d === undefined ? undefined : ctx.packages.get(d);
}

/** Vendored trees: deps/<name>/ and the like, each a package of its own. */
export function findPackages(ctx: InitContext): void {
  const { all, text, packages } = ctx;
  for (const f of all) {
    const dir = vendoredOf(f.path);
    if (dir === undefined || packages.has(dir)) continue;
    const own = ['configure', 'CMakeLists.txt', 'meson.build', 'Makefile', 'GNUmakefile', 'makefile'].map((b) => `${dir}/${b}`).find((b) => text.has(b) || all.some((x) => x.path === b));
    const name = P.basename(dir);
    const recipe = recipeHeaders.find((r) => name.toLowerCase().startsWith(r.recipe))?.recipe;
    packages.set(dir, { dir, name, ...(own === undefined ? {} : { build: own }), kind: recipe !== undefined ? 'recipe' : 'flat', ...(recipe === undefined ? {} : { recipe }) });
  }
}

/** Files that other files include (a .c chosen per platform by `#include "ae_epoll.c"`) are not compiled alone. */
export function findIncludedC(ctx: InitContext): void {
  for (const f of ctx.all) if (f.path.endsWith('.h')) ctx.headerSet.add(f.path);
  for (const [p, s] of ctx.scanned) {
    for (const inc of s.includes) {
      if (!inc.quoted || !inc.name.endsWith('.c')) continue;
      const local = P.normalize(P.join(P.dirname(p), inc.name));
      if (ctx.text.has(local) && local !== p && !ctx.includedC.has(local)) ctx.includedC.set(local, p);
    }
  }
}

/** A flat vendored package is one whose quoted includes all resolve inside it and that has no configure step. */
export function markSkippedPackages(ctx: InitContext): void {
  for (const v of ctx.packages.values()) {
    if (v.kind !== 'flat') continue;
    const mine = ctx.all.filter((f) => f.path.startsWith(`${v.dir}/`));
    const hasConfigure = mine.some((f) => /\/(configure|CMakeLists\.txt|meson\.build)$/.test(f.path) && P.dirname(f.path) === v.dir);
    const unresolved = mine.some((f) => /\.[ch]$/.test(f.path) && ctx.scanned.get(f.path)!.includes.some((inc) => inc.quoted && !inc.dead && !inc.name.endsWith('.c') && !mine.some((h) => h.path === P.normalize(P.join(P.dirname(f.path), inc.name)) || h.path.endsWith(`/${inc.name}`))));
    if (hasConfigure || unresolved || !mine.some((f) => f.path.endsWith('.c'))) v.kind = 'skip';
  }
  // Headers of vendored trees that are not built as plain libraries do not count as present.
  for (const h of ctx.headerSet) {
    const v = pkgOf(ctx, h);
    if (v === undefined || v.kind === 'flat') ctx.usable.push(h);
  }
}

function isTestPath(ctx: InitContext, p: string): boolean {
  const segs = p.split('/');
  const inPkg = pkgOf(ctx, p);
  const start = inPkg === undefined ? 0 : inPkg.dir.split('/').length;
  return segs.slice(start, -1).some((s) => testDirs.has(s.toLowerCase())) || testFileRe.test(segs[segs.length - 1]!);
}

/** Which files are compiled, and which are programs. */
export function classifyFiles(ctx: InitContext): void {
  const { leftOut, programs, libSources, testMains, testPrograms } = ctx;
  for (const c of ctx.cFiles) {
    const s = ctx.scanned.get(c)!;
    const v = pkgOf(ctx, c);
    if (v !== undefined && v.kind !== 'flat') continue;
    if (c.startsWith('-')) {
      // pogogen refuses it (the compiler would read the path as an option): never write a description it rejects.
      leftOut.push({ path: c, why: 'its path starts with "-", which a compiler would read as an option (rename the directory to build it)' });
      continue;
    }
    const via = ctx.includedC.get(c);
    if (via !== undefined) {
      leftOut.push({ path: c, why: `compiled through #include in ${via}` });
      continue;
    }
    if (isTestPath(ctx, c)) {
      const isProgram = s.main !== undefined && !s.main.dead;
      // The project's own unit-test programs become optional test programs; examples, benchmarks and vendored
      // trees' tests stay out.
      if (isProgram && v === undefined && c.split('/').slice(0, -1).some((d) => unitTestDirs.has(d.toLowerCase()))) testPrograms.push(c);
      else leftOut.push({ path: c, why: isProgram ? 'a test or example program' : 'test or example code' });
      continue;
    }
    const m = s.main;
    const testGuard = m?.conds.find((x) => x.positive && testMacroRe.test(x.macro));
    if (m !== undefined && !m.dead && testGuard === undefined) {
      if (v !== undefined) leftOut.push({ path: c, why: `a program of the vendored ${v.name} (main())` });
      else programs.push(c);
      continue;
    }
    if (m !== undefined && testGuard !== undefined && v === undefined) testMains.push({ path: c, macro: testGuard.macro });
    libSources.push(c);
  }
}
