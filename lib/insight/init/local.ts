// Vendored trees with their own build (configure, CMakeLists.txt, meson.build or a Makefile) whose headers the
// project includes: for `pogogen init`, dependencies built by that build from the directory itself (a recipe whose
// source is `{ path }`), the build kind from the file that is there, the library from what the build files name
// (else the directory's name), and what is weak in the guess said as a TODO.
import path from 'node:path';
import type { InitContext, LocalGuess, Vendored } from './context.ts';
import { byPath } from './context.ts';
import { nameFor } from './libraries.ts';

const P = path.posix;

/** The build kind of a vendored tree's own build file. */
const kinds: readonly [RegExp, LocalGuess['kind']][] = [
  [/^configure$/, 'configure'],
  [/^CMakeLists\.txt$/, 'cmake'],
  [/^meson\.build$/, 'meson'],
  [/^(GNUmakefile|[Mm]akefile)$/, 'make'],
];

/** How each kind's build files name a static library they build. */
const libPatterns: readonly RegExp[] = [/\badd_library\s*\(\s*([\w.+-]+)/g, /\b(?:static_)?library\s*\(\s*'([\w.+-]+)'/g, /\blib([\w+-]+)\.a\b/g];

export function localDependencies(ctx: InitContext): void {
  for (const [dir, by] of [...ctx.localUse].sort((a, b) => byPath(a[0], b[0]))) {
    const v = ctx.packages.get(dir)!;
    const kind = kinds.find(([re]) => re.test(P.basename(v.build!)))?.[1] ?? 'make';
    const name = nameFor(ctx, v.name, 'dep');
    const weak: string[] = [];
    const lib = libraryOf(ctx, v, weak);
    if (!installs(ctx, v, kind)) weak.push(`${v.build} shows no install step: the build must install lib/lib${lib.name}.a and its headers under include/ of the prefix it is given (or adjust build and provides)`);
    const g: LocalGuess = { dir, name, recipeName: name.replace(/[^A-Za-z0-9_.+-]/g, '_'), kind, lib: lib.name, why: lib.why, weak };
    ctx.locals.push(g);
    ctx.guesses.push(`dependency ${name} (built by its own ${P.basename(v.build!)} from ${dir}, a local recipe source; build kind ${kind}; library ${lib.name}: ${lib.why}): ${by}; its sources are not compiled into the project`);
    for (const x of weak) ctx.todo.push(`dependency ${name}: ${x} (TODO in build.pogo.ts)`);
  }
}

/** The static library the tree builds: named by its build files, else after the directory (a weak guess). */
function libraryOf(ctx: InitContext, v: Vendored, weak: string[]): { name: string; why: string } {
  const stem = v.name.replace(/^lib/, '');
  const named = new Map<string, string>();
  for (const f of buildFiles(ctx, v)) for (const re of libPatterns) for (const m of ctx.text.get(f)!.matchAll(re)) if (!named.has(m[1]!)) named.set(m[1]!, f);
  const names = [...named.keys()];
  const pick = names.find((n) => n === stem) ?? (names.length === 1 ? names[0] : undefined);
  if (pick !== undefined) return { name: pick, why: `${named.get(pick)} builds lib${pick}.a` };
  weak.push(names.length > 0 ? `the library is guessed as lib${stem}.a from the directory's name; its build files name ${names.map((n) => `lib${n}`).join(', ')}: keep the one the project links` : `the library is guessed as lib${stem}.a from the directory's name: check what ${v.build} installs`);
  return { name: stem, why: `named after ${v.dir}` };
}

/** The build files at the top of the tree (and the templates configure fills in). */
function buildFiles(ctx: InitContext, v: Vendored): string[] {
  return ['configure', 'configure.ac', 'CMakeLists.txt', 'meson.build', 'GNUmakefile', 'Makefile', 'makefile', 'Makefile.in', 'Makefile.am'].map((b) => `${v.dir}/${b}`).filter((f) => ctx.text.has(f));
}

/** Whether the tree's build appears to install (pogogen builds, then installs into the dependency's prefix). */
function installs(ctx: InitContext, v: Vendored, kind: LocalGuess['kind']): boolean {
  const text = buildFiles(ctx, v).map((f) => ctx.text.get(f)!).join('\n');
  if (kind === 'cmake') return /\binstall\s*\(/.test(text);
  if (kind === 'meson') return /\binstall\s*:\s*true|install_headers/.test(text);
  return /^\s*install\s*:/m.test(text) || /automake|AM_INIT/.test(text);
}
