// `pogogen init`: a build.pogo.ts guessed from an existing C tree (pure: the files in, the description text and
// the guesses with their reasons out). The include graph decides the structure: a library per source directory,
// public include directories, programs where main() is not behind a test macro; headers nothing in the tree
// provides become shipped recipes (pkg-config first), generated headers become actions, `#error` guards and the
// tree's own -D flags become defines and options; vendored trees and test programs are recognised and kept apart.
// Reading C files and build files, and what init knows of trees in general, live in init/.
import path from 'node:path';
import type { InitResult, TreeFile } from './init/context.ts';
import { isScript, readBuildFiles } from './init/hints.ts';
import { genericDirs, jsReserved, recipeHeaders, reservedNames, systemLibs, testDirs, testFileRe, testMacroRe, unitTestDirs, vendorDirs, type RecipeName } from './init/knowledge.ts';
import { scan, type Cond, type Include, type Scanned } from './init/scan.ts';

export type { InitResult, TreeFile } from './init/context.ts';

const P = path.posix;

// ─── The guess ──────────────────────────────────────────────────────────────────────────────────────────────────

interface Vendored {
  readonly dir: string;
  readonly name: string;
  /** Its own build system's file, if any. */
  readonly build?: string;
  kind: 'recipe' | 'flat' | 'skip';
  recipe?: RecipeName;
}

interface Lib {
  name: string;
  readonly dirs: string[];
  readonly sources: string[];
  shared?: string;
  vendored?: Vendored;
  readonly deps: Set<Lib>;
}

interface Special {
  readonly recipes: Set<RecipeName>;
  readonly generated: Set<string>;
  readonly forwards: Set<string>;
  readonly libs: Set<string>;
  readonly files: Set<string>;
}

const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function guessDescription(projectName: string, files: readonly TreeFile[]): InitResult {
  const guesses: string[] = [];
  const todo: string[] = [];
  const all = [...files].sort((a, b) => byPath(a.path, b.path));
  const text = new Map(all.map((f) => [f.path, f.text]));
  const cFiles = all.filter((f) => f.path.endsWith('.c')).map((f) => f.path);
  if (cFiles.length === 0) throw new Error('no .c files found: nothing to build');
  const scanned = new Map<string, Scanned>();
  for (const f of all) if (/\.[ch]$/.test(f.path)) scanned.set(f.path, scan(f.text));
  const hints = readBuildFiles(all);

  // Vendored trees: deps/<name>/ and the like, each a package of its own.
  const vendoredOf = (p: string): string | undefined => {
    const segs = p.split('/');
    const i = segs.findIndex((s, k) => k < segs.length - 1 && vendorDirs.has(s));
    if (i < 0) return undefined;
    return segs.length > i + 2 ? segs.slice(0, i + 2).join('/') : segs.slice(0, i + 1).join('/');
  };
  const packages = new Map<string, Vendored>();
  for (const f of all) {
    const dir = vendoredOf(f.path);
    if (dir === undefined || packages.has(dir)) continue;
    const own = ['configure', 'CMakeLists.txt', 'meson.build', 'Makefile', 'GNUmakefile', 'makefile'].map((b) => `${dir}/${b}`).find((b) => text.has(b) || all.some((x) => x.path === b));
    const name = P.basename(dir);
    const recipe = recipeHeaders.find((r) => name.toLowerCase().startsWith(r.recipe))?.recipe;
    packages.set(dir, { dir, name, ...(own === undefined ? {} : { build: own }), kind: recipe !== undefined ? 'recipe' : 'flat', ...(recipe === undefined ? {} : { recipe }) });
  }
  const pkgOf = (p: string): Vendored | undefined => {
    const d = vendoredOf(p);
    return d === undefined ? undefined : packages.get(d);
  };

  // Files that other files include (a .c chosen per platform by `#include "ae_epoll.c"`) are not compiled alone.
  const headerSet = new Set(all.filter((f) => f.path.endsWith('.h')).map((f) => f.path));
  const includedC = new Map<string, string>();
  for (const [p, s] of scanned) {
    for (const inc of s.includes) {
      if (!inc.quoted || !inc.name.endsWith('.c')) continue;
      const local = P.normalize(P.join(P.dirname(p), inc.name));
      if (text.has(local) && local !== p && !includedC.has(local)) includedC.set(local, p);
    }
  }

  // A flat vendored package is one whose quoted includes all resolve inside it and that has no configure step.
  for (const v of packages.values()) {
    if (v.kind !== 'flat') continue;
    const mine = all.filter((f) => f.path.startsWith(`${v.dir}/`));
    const hasConfigure = mine.some((f) => /\/(configure|CMakeLists\.txt|meson\.build)$/.test(f.path) && P.dirname(f.path) === v.dir);
    const unresolved = mine.some((f) => /\.[ch]$/.test(f.path) && scanned.get(f.path)!.includes.some((inc) => inc.quoted && !inc.dead && !inc.name.endsWith('.c') && !mine.some((h) => h.path === P.normalize(P.join(P.dirname(f.path), inc.name)) || h.path.endsWith(`/${inc.name}`))));
    if (hasConfigure || unresolved || !mine.some((f) => f.path.endsWith('.c'))) v.kind = 'skip';
  }

  // Which files are compiled, and which are programs.
  const isTestPath = (p: string): boolean => {
    const segs = p.split('/');
    const inPkg = pkgOf(p);
    const start = inPkg === undefined ? 0 : inPkg.dir.split('/').length;
    return segs.slice(start, -1).some((s) => testDirs.has(s.toLowerCase())) || testFileRe.test(segs[segs.length - 1]!);
  };
  const leftOut: { path: string; why: string }[] = [];
  const programs: string[] = [];
  const libSources: string[] = [];
  const testMains: { path: string; macro: string }[] = [];
  const testPrograms: string[] = [];
  for (const c of cFiles) {
    const s = scanned.get(c)!;
    const v = pkgOf(c);
    if (v !== undefined && v.kind !== 'flat') continue;
    const via = includedC.get(c);
    if (via !== undefined) {
      leftOut.push({ path: c, why: `compiled through #include in ${via}` });
      continue;
    }
    if (isTestPath(c)) {
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

  // Include resolution. Headers of vendored trees that are not built as plain libraries do not count as present.
  const usable = [...headerSet].filter((h) => {
    const v = pkgOf(h);
    return v === undefined || v.kind === 'flat';
  });
  const resolveCache = new Map<string, string | undefined>();
  const resolveInclude = (from: string, inc: Include): { file: string; dir?: string } | undefined => {
    if (inc.quoted) {
      const local = P.normalize(P.join(P.dirname(from), inc.name));
      if (text.has(local) && !local.startsWith('../')) {
        const v = pkgOf(local);
        if (v === undefined || v.kind === 'flat') return { file: local };
      }
    }
    if (inc.name.startsWith('../') || inc.name.startsWith('/')) return undefined;
    const key = `${pkgOf(from)?.dir ?? ''}\0${inc.name}`;
    let hit = resolveCache.get(key);
    if (!resolveCache.has(key)) {
      const fromPkg = pkgOf(from)?.dir;
      const candidates = usable.filter((h) => h === inc.name || h.endsWith(`/${inc.name}`));
      // Prefer a header of the same package (or of the project itself), then the shortest path.
      const rank = (h: string): number => (pkgOf(h)?.dir === fromPkg ? 0 : 1);
      hit = candidates.sort((a, b) => rank(a) - rank(b) || a.length - b.length || byPath(a, b))[0];
      resolveCache.set(key, hit);
    }
    if (hit === undefined) return undefined;
    return { file: hit, dir: hit === inc.name ? '.' : hit.slice(0, hit.length - inc.name.length - 1) };
  };

  // What each file needs beyond the tree: recipes, generated headers, forwarding headers, system libraries.
  const generatedHeaders = new Map<string, { by: string; line: number }>();
  const forwards = new Map<string, { portable: string; recipe: RecipeName; by: string; line: number; depth: number }>();
  const missing = new Map<string, string>();
  const recipeUse = new Map<RecipeName, { by: string; guards: Cond[] }>();
  const sysUse = new Map<string, string>();
  const direct = new Map<string, { files: Set<string>; dirs: Set<string>; special: Special }>();
  const emptySpecial = (): Special => ({ recipes: new Set(), generated: new Set(), forwards: new Set(), libs: new Set(), files: new Set() });
  const directOf = (p: string): { files: Set<string>; dirs: Set<string>; special: Special } => {
    let d = direct.get(p);
    if (d !== undefined) return d;
    d = { files: new Set(), dirs: new Set(), special: emptySpecial() };
    direct.set(p, d);
    for (const inc of scanned.get(p)?.includes ?? []) {
      if (inc.dead) continue;
      const r = resolveInclude(p, inc);
      if (r !== undefined) {
        d.files.add(r.file);
        if (r.dir !== undefined && !(inc.quoted && r.file === P.normalize(P.join(P.dirname(p), inc.name)))) d.dirs.add(r.dir);
        continue;
      }
      const rh = recipeHeaders.find((x) => x.re.test(inc.name));
      if (rh !== undefined) {
        d.special.recipes.add(rh.recipe);
        const prev = recipeUse.get(rh.recipe);
        if (prev === undefined) recipeUse.set(rh.recipe, { by: `${inc.quoted ? '"' : '<'}${inc.name}${inc.quoted ? '"' : '>'} in ${p}:${inc.line}`, guards: [...inc.conds] });
        else prev.guards = prev.guards.filter((g) => inc.conds.some((c) => c.macro === g.macro && c.positive === g.positive));
        if (inc.quoted && inc.name.startsWith('../')) {
          const portable = rh.re.exec(inc.name)![1]!;
          const depth = /^(\.\.\/)+/.exec(inc.name)![0].length / 3;
          const key = `${depth}\0${inc.name}`;
          if (!forwards.has(key)) forwards.set(key, { portable, recipe: rh.recipe, by: p, line: inc.line, depth });
          d.special.forwards.add(key);
        }
        continue;
      }
      if (!inc.quoted) {
        const s = systemLibs.find((x) => x.re.test(inc.name));
        if (s !== undefined) {
          d.special.libs.add(s.lib);
          if (!sysUse.has(s.lib)) sysUse.set(s.lib, `<${inc.name}> in ${p}`);
        }
        continue;
      }
      if (inc.name.endsWith('.h') && !inc.name.startsWith('../')) {
        d.special.generated.add(inc.name);
        if (!generatedHeaders.has(inc.name)) generatedHeaders.set(inc.name, { by: p, line: inc.line });
      } else if (!missing.has(inc.name)) missing.set(inc.name, `${p}:${inc.line}`);
    }
    return d;
  };
  const closureCache = new Map<string, { files: Set<string>; dirs: Set<string>; special: Special }>();
  const closure = (p: string): { files: Set<string>; dirs: Set<string>; special: Special } => {
    const hit = closureCache.get(p);
    if (hit !== undefined) return hit;
    const out = { files: new Set<string>(), dirs: new Set<string>(), special: emptySpecial() };
    const todoStack = [p];
    const seen = new Set<string>([p]);
    while (todoStack.length > 0) {
      const f = todoStack.pop()!;
      const d = directOf(f);
      out.special.files.add(f);
      for (const x of d.dirs) out.dirs.add(x);
      for (const k of ['recipes', 'generated', 'forwards', 'libs'] as const) for (const x of d.special[k]) (out.special[k] as Set<string>).add(x);
      for (const x of d.files) {
        out.files.add(x);
        if (!seen.has(x)) {
          seen.add(x);
          todoStack.push(x);
        }
      }
    }
    closureCache.set(p, out);
    return out;
  };
  for (const c of [...libSources, ...programs, ...testPrograms]) closure(c);

  // A generated header: included, absent, and written by a script or a Makefile rule of the tree.
  interface Generator {
    readonly header: string;
    readonly command: string[];
    readonly inputs: string[];
    readonly runnable: boolean;
    readonly why: string;
  }
  const generators = new Map<string, Generator>();
  const scripts = all.filter((f) => isScript(f.path) && pkgOf(f.path) === undefined);
  const wrap = (body: string): string[] => ['sh', '-c', `case "$2" in /*) o="$2";; *) o="$PWD/$2";; esac; cd "$1" && ${body}`, 'sh', '{root}', '{out}'];
  const runner = (script: string): string => (script.endsWith('.py') ? 'python3' : script.endsWith('.pl') ? 'perl' : 'sh');
  for (const [h, at] of [...generatedHeaders].sort((a, b) => byPath(a[0], b[0]))) {
    const base = P.basename(h);
    const rule = hints.rules.get(base);
    const script = scripts.find((s) => s.text.includes(base)) ?? (rule === undefined ? undefined : scripts.find((s) => rule.recipe.some((r) => r.includes(P.basename(s.path)))));
    if (rule !== undefined && rule.recipe.length > 0) {
      const dir = P.dirname(rule.file);
      const cmd = rule.recipe.join(' && ');
      const vars = cmd.replace(/\$[@<]/g, '').match(/\$[({]?[A-Za-z_]/g);
      const body = cmd.replace(/\$@/g, '"$o"').replace(/\$</g, rule.prereqs[0] ?? '');
      generators.set(h, {
        header: h,
        command: wrap(dir === '.' ? body : `cd ${shq(dir)} && ${body}`),
        inputs: [...new Set([...rule.prereqs.filter((x) => !x.includes('$')).map((x) => (dir === '.' ? x : P.join(dir, x))), ...(script === undefined ? [] : [script.path])])].filter((x) => text.has(x) || all.some((f) => f.path === x)).sort(),
        runnable: vars === null,
        why: `${rule.file} has a rule for ${rule.target}: ${cmd}`,
      });
      continue;
    }
    if (script !== undefined) {
      const s = script.text;
      const takesArg = /\$\{?1\b|sys\.argv\[1\]|\$ARGV\[0\]/.test(s);
      const fixed = new RegExp(`>\\s*["']?([\\w./-]*${base.replace(/\./g, '\\.')})`).exec(s);
      const run = `${runner(script.path)} ${shq(script.path)}`;
      const body = takesArg ? `${run} "$o"` : fixed !== null ? `${run} && mv ${shq(fixed[1]!)} "$o"` : `${run} > "$o"`;
      generators.set(h, {
        header: h,
        command: wrap(body),
        inputs: [script.path],
        runnable: true,
        why: `${script.path} mentions ${base} (${takesArg ? 'it takes the output path as its argument' : fixed !== null ? `it writes ${fixed[1]}, which the action moves into place` : 'it writes the header to standard output'})`,
      });
      continue;
    }
    missing.set(h, `${at.by}:${at.line}`);
  }
  for (const [h] of generatedHeaders) if (!generators.has(h)) generatedHeaders.delete(h);

  // Libraries: one per source directory of the project, one per flat vendored tree.
  const libs: Lib[] = [];
  const libOfFile = new Map<string, Lib>();
  const groups = new Map<string, string[]>();
  for (const c of libSources) {
    const v = pkgOf(c);
    const key = v !== undefined ? `pkg:${v.dir}` : `dir:${P.dirname(c)}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const projectGroups = [...groups.keys()].filter((k) => k.startsWith('dir:'));
  // One program and its sources all in its own directory: one executable, no library.
  const single = programs.length === 1 && projectGroups.every((k) => k === `dir:${P.dirname(programs[0]!)}`);
  for (const [key, srcs] of [...groups].sort((a, b) => byPath(a[0], b[0]))) {
    if (single && key.startsWith('dir:')) continue;
    const v = key.startsWith('pkg:') ? packages.get(key.slice(4)) : undefined;
    const dir = key.slice(4);
    const lib: Lib = { name: v?.name ?? (genericDirs.has(P.basename(dir)) ? projectName : P.basename(dir)), dirs: v !== undefined ? [...new Set(srcs.map((s) => P.dirname(s)))].sort() : [dir], sources: srcs.sort(byPath), deps: new Set(), ...(v === undefined ? {} : { vendored: v }) };
    libs.push(lib);
    for (const s of srcs) libOfFile.set(s, lib);
  }

  // Header ownership: the library with a source of the same stem, else the library of the header's directory.
  // Memoised (closures ask for the same headers over and over); cleared when libraries merge.
  const owners = new Map<string, Lib | undefined>();
  const owner = (h: string): Lib | undefined => {
    if (owners.has(h)) return owners.get(h);
    const o = ownerOf(h);
    owners.set(h, o);
    return o;
  };
  const ownerOf = (h: string): Lib | undefined => {
    const v = pkgOf(h);
    if (v !== undefined) return libs.find((l) => l.vendored === v);
    const stem = P.basename(h, '.h');
    const sameStem = libs.filter((l) => l.vendored === undefined && l.sources.some((s) => P.basename(s, '.c') === stem));
    if (sameStem.length === 1) return sameStem[0];
    return libs.find((l) => l.vendored === undefined && l.dirs.includes(P.dirname(h)));
  };
  // Library edges from the include graph; a cycle merges its libraries into one.
  const edgesOf = (l: Lib): Set<Lib> => {
    const out = new Set<Lib>();
    for (const s of l.sources) for (const f of closure(s).files) {
      const o = owner(f);
      if (o !== undefined && o !== l) out.add(o);
    }
    return out;
  };
  for (;;) {
    const edges = new Map(libs.map((l) => [l, edgesOf(l)]));
    const reach = (from: Lib): Set<Lib> => {
      const seen = new Set<Lib>();
      const stack = [...edges.get(from)!];
      while (stack.length > 0) {
        const x = stack.pop()!;
        if (seen.has(x)) continue;
        seen.add(x);
        stack.push(...edges.get(x)!);
      }
      return seen;
    };
    const cyclic = libs.find((l) => reach(l).has(l));
    if (cyclic === undefined) {
      for (const l of libs) for (const e of edges.get(l)!) l.deps.add(e);
      break;
    }
    const members = libs.filter((l) => l === cyclic || (reach(cyclic).has(l) && reach(l).has(cyclic)));
    const merged: Lib = { name: members[0]!.name, dirs: members.flatMap((m) => m.dirs).sort(), sources: members.flatMap((m) => m.sources).sort(byPath), deps: new Set() };
    guesses.push(`library ${merged.name}: ${members.map((m) => m.dirs.join(', ')).join(' and ')} include each other's headers, so they are one library`);
    for (const m of members) libs.splice(libs.indexOf(m), 1);
    libs.push(merged);
    owners.clear();
    for (const s of merged.sources) libOfFile.set(s, merged);
  }

  // Shared libraries where the tree's own build files, or the directory's name, say so.
  for (const l of libs) {
    if (l.vendored !== undefined) continue;
    const base = P.basename(l.dirs[0]!);
    const hint = hints.shared.get(l.name) ?? hints.shared.get(base) ?? hints.shared.get(base.replace(/^lib/, ''));
    if (hint !== undefined) l.shared = hint;
    else if (/(^|[-_ ])(shared|dso|plugins?)([-_ ]|$)/i.test(base)) l.shared = `the directory is named ${base}`;
  }

  // Names: valid, unique, never one pogogen reserves.
  const taken = new Set<string>();
  const nameFor = (want: string, suffix: string): string => {
    let n = want.replace(/[^A-Za-z0-9_.+-]+/g, '-').replace(/^[-.]+|-+$/g, '');
    if (n === '') n = suffix;
    const reserved = reservedNames.has(n.toLowerCase());
    const alt = `${n}-${suffix}`;
    let cand = reserved ? alt : n;
    if (taken.has(cand.toLowerCase()) && !reserved) cand = alt;
    for (let i = 2; taken.has(cand.toLowerCase()); i++) cand = `${alt}${i}`;
    taken.add(cand.toLowerCase());
    return cand;
  };
  const usedRecipes = [...recipeUse.keys()].sort();
  const depName = new Map<RecipeName, string>();
  for (const r of usedRecipes) depName.set(r, nameFor(r, 'dep'));
  const genName = new Map<string, string>();
  for (const h of [...generators.keys()]) genName.set(h, nameFor(P.basename(h).replace(/\./g, '_'), 'gen'));
  const fwdName = forwards.size > 0 ? nameFor('forward-headers', 'gen') : '';
  // Programs are named first: their names are the ones users type.
  const exeName = new Map<string, string>();
  for (const p of programs) {
    const base = P.basename(p, '.c');
    const dir = P.basename(P.dirname(p));
    exeName.set(p, nameFor(base === 'main' ? (genericDirs.has(dir) ? projectName : dir) : base, 'bin'));
  }
  for (const l of [...libs].sort((a, b) => byPath(a.dirs[0]!, b.dirs[0]!))) l.name = nameFor(l.name, 'lib');

  // Include directories: public on the library that owns the headers there, else project-wide.
  const publicDirs = new Map<Lib, Set<string>>();
  const projectDirs = new Set<string>();
  const privateDirs = new Map<Lib | string, Set<string>>();
  const dirOwners = new Map<string, Set<Lib | undefined>>();
  for (const h of headerSet) {
    const d = P.dirname(h);
    if (!dirOwners.has(d)) dirOwners.set(d, new Set());
    dirOwners.get(d)!.add(owner(h));
  }
  const dirReason = new Map<string, string>();
  for (const c of [...libSources, ...programs]) {
    for (const d of closure(c).dirs) {
      if (!dirReason.has(d)) {
        const by = [...closure(c).special.files].find((f) => directOf(f).dirs.has(d)) ?? c;
        dirReason.set(d, by);
      }
      // One owner for every header there, or the directory is everyone's.
      const here = [...(dirOwners.get(d) ?? [])];
      const mine = libOfFile.get(c);
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

  // Defines: `#error` guards, public on the library that owns the header; unconditional -D flags of the tree's
  // build files for macros the sources test; conditional ones as options.
  const publicDefines = new Map<Lib, Map<string, string>>();
  const projectDefines = new Map<string, string>();
  const required = new Map<string, { file: string; line: number; value?: string }>();
  const compiled = new Set<string>();
  for (const c of [...libSources, ...programs]) for (const f of closure(c).special.files) compiled.add(f);
  for (const f of [...compiled].sort(byPath)) for (const r of scanned.get(f)?.required ?? []) if (!required.has(r.macro)) required.set(r.macro, { file: f, line: r.line, ...(r.value === undefined ? {} : { value: r.value }) });
  const defineText = (m: string, v: string | undefined): string => (v === undefined ? m : `${m}=${v}`);
  for (const [m, r] of [...required].sort((a, b) => byPath(a[0], b[0]))) {
    const fromBuild = hints.defines.get(m);
    const value = fromBuild?.value ?? r.value;
    const o = owner(r.file);
    const reason = fromBuild !== undefined ? `${fromBuild.file} passes -D${defineText(m, fromBuild.value)}` : r.value !== undefined ? `the smallest value its guard accepts` : 'no build file gives it a value';
    const fileOwner = r.file.endsWith('.h') ? o : libOfFile.get(r.file);
    if (fileOwner !== undefined) {
      if (!publicDefines.has(fileOwner)) publicDefines.set(fileOwner, new Map());
      publicDefines.get(fileOwner)!.set(m, defineText(m, value));
      guesses.push(`define ${defineText(m, value)} (public on ${fileOwner.name}): ${r.file}:${r.line} stops with #error without it; ${reason}`);
    } else {
      projectDefines.set(m, defineText(m, value));
      guesses.push(`define ${defineText(m, value)} (project-wide): ${r.file}:${r.line} stops with #error without it; ${reason}`);
    }
    if (fromBuild === undefined) todo.push(`check the value of ${m} (guessed ${defineText(m, value)}): ${r.file}:${r.line} requires it`);
  }
  const testedBy = new Map<string, string>();
  for (const f of [...compiled].sort(byPath)) if (pkgOf(f) === undefined) for (const m of scanned.get(f)?.tested ?? []) if (!testedBy.has(m)) testedBy.set(m, f);

  // Dependencies from shipped recipes; the guard around the include decides optional features.
  interface DepGuess {
    readonly recipe: RecipeName;
    readonly name: string;
    readonly option: string;
    readonly ifMissing?: string;
    readonly ifFound?: string;
  }
  const optionKeys = new Set<string>();
  const optKey = (want: string): string => {
    let k = want.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
    if (!/^[a-z_]/.test(k)) k = `_${k}`;
    let cand = k;
    for (let i = 2; optionKeys.has(cand); i++) cand = `${k}${i}`;
    optionKeys.add(cand);
    return cand;
  };
  const deps: DepGuess[] = [];
  const guardMacros = new Set<string>();
  for (const r of usedRecipes) {
    const use = recipeUse.get(r)!;
    const rh = recipeHeaders.find((x) => x.recipe === r)!;
    const neg = use.guards.find((g) => !g.positive && /^(NO|DISABLE|WITHOUT)_?/i.test(g.macro));
    const pos = use.guards.find((g) => g.positive && /^(USE|HAVE|WITH|ENABLE)_?/i.test(g.macro));
    const name = depName.get(r)!;
    const dg: DepGuess = { recipe: r, name, option: optKey(r), ...(neg === undefined ? {} : { ifMissing: neg.macro }), ...(pos === undefined || neg !== undefined ? {} : { ifFound: pos.macro }) };
    deps.push(dg);
    if (neg !== undefined) guardMacros.add(neg.macro);
    if (pos !== undefined) guardMacros.add(pos.macro);
    const vend = [...packages.values()].find((v) => v.recipe === r);
    const how = rh.pkg !== undefined ? `pkg-config ${rh.pkg} first, the shipped recipe as fallback` : 'built by the shipped recipe';
    const opt = neg !== undefined ? `an auto feature; absent, its users get -D${neg.macro}` : pos !== undefined ? `an auto feature; found, its users get -D${pos.macro}` : 'required: the include is not behind a guard';
    guesses.push(`dependency ${name} (${rh.why}; ${how}; ${opt}): ${use.by}${vend !== undefined ? `; ${vend.dir} is a vendored copy with its own build, not compiled into the project` : ''}`);
    if (vend !== undefined) todo.push(`${vend.dir}: the recipe builds pinned upstream ${r}, not this copy; if the copy is patched, point a recipe at it (recipes take pinned archives only)`);
  }
  for (const [, f] of forwards) {
    guesses.push(`forwarding header: ${f.by}:${f.line} includes a path into a directory its own scripts fill; a generated header forwards it to <${f.portable}>`);
  }
  for (const [key, f] of [...forwards].sort((a, b) => byPath(a[0], b[0]))) todo.push(`${f.by}:${f.line}: write #include <${f.portable}> instead of "${key.split('\0')[1]}" (portable; the forwarding header can then go)`);

  // Options and defines from the build files' -D flags for macros the sources test.
  interface OptGuess {
    readonly key: string;
    readonly macro: string;
    readonly value?: string;
  }
  const opts: OptGuess[] = [];
  for (const [m, d] of [...hints.defines].sort((a, b) => byPath(a[0], b[0]))) {
    if (required.has(m) || guardMacros.has(m) || !testedBy.has(m) || pkgOf(d.file) !== undefined) continue;
    if (d.conditional) {
      const key = optKey(m);
      opts.push({ key, macro: m, ...(d.value === undefined ? {} : { value: d.value }) });
      guesses.push(`option ${key} (default off, then -D${defineText(m, d.value)}): ${d.file} sets it conditionally and ${testedBy.get(m)} tests it`);
    } else {
      projectDefines.set(m, defineText(m, d.value));
      guesses.push(`define ${defineText(m, d.value)} (project-wide): ${d.file} always passes it and ${testedBy.get(m)} tests it`);
    }
  }
  // A vendored flat tree keeps the unconditional -D flags of its own Makefile.
  const vendoredDefines = new Map<Lib, string[]>();
  for (const l of libs) {
    if (l.vendored === undefined) continue;
    const ds = [...hints.defines].filter(([, d]) => !d.conditional && d.file.startsWith(`${l.vendored!.dir}/`)).map(([m, d]) => defineText(m, d.value)).sort();
    if (ds.length > 0) vendoredDefines.set(l, ds);
  }

  // Per-target needs from the closure of its sources.
  interface Needs extends Omit<Special, 'files'> {
    /** Libraries whose headers the sources include. */
    readonly deps: Set<Lib>;
    /** Macros the sources test. */
    readonly macros: Set<string>;
  }
  const needsOf = (srcs: readonly string[], self: Lib | undefined): Needs => {
    const n: Needs = { recipes: new Set(), generated: new Set(), forwards: new Set(), libs: new Set(), deps: new Set(), macros: new Set() };
    for (const s of srcs) {
      const c = closure(s);
      for (const r of c.special.recipes) n.recipes.add(r as RecipeName);
      for (const g of c.special.generated) if (generators.has(g)) n.generated.add(g);
      for (const f of c.special.forwards) n.forwards.add(f);
      for (const l of c.special.libs) n.libs.add(l);
      for (const f of c.files) {
        const o = owner(f);
        if (o !== undefined && o !== self) n.deps.add(o);
      }
      for (const f of c.special.files) for (const m of scanned.get(f)?.tested ?? []) n.macros.add(m);
    }
    // A guard macro tested here without the header included still needs the dependency's define.
    for (const d of deps) if ((d.ifMissing !== undefined && n.macros.has(d.ifMissing)) || (d.ifFound !== undefined && n.macros.has(d.ifFound))) n.recipes.add(d.recipe);
    return n;
  };

  // Guesses for structure.
  for (const p of programs) guesses.push(`executable ${exeName.get(p)}: ${p} defines main()`);
  if (single && libSources.length > 0) guesses.push(`the other ${plural(libSources.length, 'source')} go into ${exeName.get(programs[0]!)} (one program, one directory)`);
  for (const l of libs) {
    const kind = l.shared !== undefined ? 'shared library' : 'static library';
    const where = l.vendored !== undefined ? `the vendored ${l.vendored.dir} is plain C${l.vendored.build !== undefined ? ` (its ${P.basename(l.vendored.build)} is not needed)` : ''}` : `the sources of ${l.dirs.join(', ')}`;
    guesses.push(`${kind} ${l.name}: ${plural(l.sources.length, 'source')}, ${where}${l.shared !== undefined ? `; shared: ${l.shared}` : ''}${l.deps.size > 0 ? `; uses ${[...l.deps].map((d) => d.name).sort().join(', ')} (includes their headers)` : ''}`);
  }
  for (const [l, ds] of [...publicDirs].sort((a, b) => byPath(a[0].name, b[0].name))) for (const d of [...ds].sort()) guesses.push(`public include dir ${d} of ${l.name}: ${l.name}'s headers live there and are included by path from elsewhere (e.g. ${dirReason.get(d)})`);
  for (const d of [...projectDirs].sort()) guesses.push(`include dir ${d} (project-wide): its headers belong to no one library (e.g. included by ${dirReason.get(d)})`);
  for (const [lib, why] of [...sysUse].sort()) guesses.push(`link -l${lib} (${systemLibs.find((s) => s.lib === lib)!.why}): ${why}`);
  for (const [h, g] of [...generators].sort((a, b) => byPath(a[0], b[0]))) {
    guesses.push(`action ${genName.get(h)} writes ${h}: absent from the tree, included by ${generatedHeaders.get(h)?.by ?? '?'}; ${g.why}`);
    if (!g.runnable) todo.push(`action ${genName.get(h)}: the command copied from the Makefile uses make variables; make it a plain command (TODO in build.pogo.ts)`);
  }
  for (const t of testMains) guesses.push(`${t.path}: its main() is behind #ifdef ${t.macro}: compiled without it into ${libOfFile.get(t.path)?.name ?? exeName.get(programs[0]!) ?? 'the program'}`);
  const outGroups = new Map<string, string[]>();
  for (const o of leftOut) outGroups.set(o.why, [...(outGroups.get(o.why) ?? []), o.path]);
  for (const [why, ps] of [...outGroups].sort((a, b) => byPath(a[0], b[0]))) {
    const shown = ps.slice(0, 4).join(', ') + (ps.length > 4 ? `, … (${ps.length} in all)` : '');
    guesses.push(`left out, ${why}: ${shown}`);
  }
  for (const v of [...packages.values()].sort((a, b) => byPath(a.dir, b.dir))) {
    if (v.kind === 'skip') {
      guesses.push(`left out: ${v.dir} is a vendored tree with its own build${v.build !== undefined ? ` (${P.basename(v.build)})` : ''} and no shipped recipe`);
      todo.push(`${v.dir}: build it with its own build system (a recipe needs a pinned archive) or list its sources in a library`);
    } else if (v.kind === 'recipe' && !usedRecipes.includes(v.recipe!)) guesses.push(`left out: ${v.dir} is a vendored copy of ${v.recipe}, which no source includes`);
  }
  for (const [h, at] of [...missing].sort((a, b) => byPath(a[0], b[0]))) {
    // A header of a vendored tree that is left out: the include is only as good as that tree's own build.
    const inVendored = [...headerSet].filter((x) => (x === h || x.endsWith(`/${h}`)) && pkgOf(x)?.kind === 'skip').sort()[0];
    todo.push(inVendored !== undefined ? `"${h}" (included at ${at}) is in ${pkgOf(inVendored)!.dir}, which is left out: build that tree first and add its include dir and library` : `"${h}" (included at ${at}): nothing in the tree provides it, nor writes it`);
  }

  // ── The text ──
  const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const list = (xs: readonly string[]): string => `[${xs.map(q).join(', ')}]`;
  // fast-glob's special characters; `+` and `@` only matter before `(`, which is escaped.
  const globEscape = (s: string): string => s.replace(/[\\*?!\[\](){}]/g, '\\$&');
  const varNames = new Set<string>();
  const varFor = (name: string): string => {
    let v = name.replace(/[^A-Za-z0-9_]/g, '_');
    if (/^[0-9]/.test(v) || jsReserved.has(v) || v === '') v = `_${v}`;
    let cand = v;
    for (let i = 2; varNames.has(cand); i++) cand = `${v}${i}`;
    varNames.add(cand);
    return cand;
  };
  const depVar = new Map<string, string>();
  const libVar = new Map<Lib, string>();
  const lines: string[] = [];
  const body: string[] = [];
  const returned: string[] = [];
  const usesProfile = forwards.size > 0;
  const imports = new Set(['defineBuild']);
  const optionLines: string[] = [];
  for (const d of deps) optionLines.push(`    ${d.option}: option.feature('${d.ifMissing !== undefined || d.ifFound !== undefined ? 'auto' : 'enabled'}', ${q(recipeHeaders.find((r) => r.recipe === d.recipe)!.why)}),`);
  for (const o of opts) optionLines.push(`    ${o.key}: option.bool(false, ${q(`-D${defineText(o.macro, o.value)}, as the tree's build files set it on request`)}),`);
  if (optionLines.length > 0) imports.add('option');

  for (const d of deps) {
    imports.add('dependency');
    imports.add('recipes');
    const v = varFor(d.name);
    depVar.set(d.name, v);
    const extra = [d.ifMissing !== undefined ? `ifMissing: { defines: [${q(d.ifMissing)}] }` : '', d.ifFound !== undefined ? `ifFound: { defines: [${q(d.ifFound)}] }` : ''].filter((x) => x !== '');
    body.push(`    const ${v} = dependency(${q(d.name)}, { recipe: recipes.${d.recipe}, feature: options.${d.option}${extra.length > 0 ? `, ${extra.join(', ')}` : ''} });`);
    returned.push(v);
  }
  for (const [h, g] of [...generators].sort((a, b) => byPath(a[0], b[0]))) {
    imports.add('action');
    const name = genName.get(h)!;
    const v = varFor(name);
    depVar.set(`gen:${h}`, v);
    body.push(`    // TODO(pogogen init): ${h} is generated: ${g.why}.${g.runnable ? ' Check the command does what the tree intends.' : ' The command uses make variables: make it a plain command.'}`);
    body.push(`    const ${v} = action(${q(name)}, {`);
    body.push(`      command: ${list(g.command)},`);
    if (g.inputs.length > 0) body.push(`      inputs: ${list(g.inputs.map(globEscape))},`);
    body.push(`      outputs: [${q(h)}],`);
    body.push('    });');
    returned.push(v);
  }
  const fwdDirs = new Set<string>();
  if (forwards.size > 0) {
    imports.add('action');
    const v = varFor(fwdName);
    depVar.set('fwd', v);
    const outs: string[] = [];
    const script: string[] = [];
    for (const [key, f] of [...forwards].sort((a, b) => byPath(a[0], b[0]))) {
      const inc = key.split('\0')[1]!;
      const anchor = `fwd/${'_/'.repeat(f.depth)}`;
      fwdDirs.add(anchor.slice(0, -1));
      const target = P.normalize(P.join(anchor, inc));
      if (!outs.includes(target)) {
        outs.push(target);
        script.push(`printf '#include <%s>\\n' ${shq(f.portable)} > "$${outs.length}"`);
      }
      const keep = `${anchor}.keep`;
      if (!outs.includes(keep)) {
        outs.push(keep);
        script.push(`: > "$${outs.length}"`);
      }
    }
    body.push(`    // TODO(pogogen init): includes of "../deps/…" paths are answered by forwarding headers; write the portable`);
    body.push(`    // #include <…> in the sources instead and this action can go.`);
    body.push(`    const ${v} = action(${q(fwdName)}, {`);
    body.push(`      command: ['sh', '-c', ${q(script.join('; '))}, 'sh', ${outs.map((_, i) => q(`{out:${i}}`)).join(', ')}],`);
    body.push(`      outputs: ${list(outs)},`);
    body.push('    });');
    returned.push(v);
  }

  const emitCompiled = (helper: 'executable' | 'staticLibrary' | 'sharedLibrary', name: string, srcs: readonly string[], self: Lib | undefined, extraDeps: readonly Lib[], extra: { defines?: readonly string[]; optional?: boolean } = {}): string => {
    imports.add(helper);
    const n = needsOf(srcs, self);
    const v = varFor(name);
    if (self !== undefined) libVar.set(self, v);
    const ds: string[] = [];
    for (const d of [...new Set([...(self === undefined ? [] : [...self.deps]), ...n.deps, ...extraDeps])].sort((a, b) => byPath(a.name, b.name))) if (d !== self) ds.push(libVar.get(d)!);
    for (const r of [...n.recipes].sort()) ds.push(depVar.get(depName.get(r)!)!);
    for (const g of [...n.generated].sort()) ds.push(depVar.get(`gen:${g}`)!);
    if (n.forwards.size > 0) ds.push(depVar.get('fwd')!);
    const defines = opts.filter((o) => n.macros.has(o.macro));
    body.push(`    const ${v} = ${helper}(${q(name)}, {`);
    body.push(`      sources: ${list(srcs.map(globEscape))},`);
    const priv = [...(self === undefined ? [] : [...(privateDirs.get(self) ?? [])])].sort();
    const fwdInc = n.forwards.size > 0 ? [...fwdDirs].sort().map((d) => `\`out/\${profile}/gen/${d}\``) : [];
    if (priv.length > 0 || fwdInc.length > 0) body.push(`      includeDirs: [${[...priv.map(q), ...fwdInc].join(', ')}],`);
    const vd = self === undefined ? [] : (vendoredDefines.get(self) ?? []);
    const optDefs = defines.map((o) => `...(options.${o.key} ? [${q(defineText(o.macro, o.value))}] : [])`);
    const own = [...vd, ...(extra.defines ?? [])];
    if (own.length > 0 || optDefs.length > 0) body.push(`      defines: [${[...own.map(q), ...optDefs].join(', ')}],`);
    const libsHere = [...n.libs].sort();
    const pubDirs = self === undefined ? [] : [...(publicDirs.get(self) ?? [])].sort();
    const pubDefs = self === undefined ? [] : [...(publicDefines.get(self)?.values() ?? [])].sort();
    if (helper === 'executable' || helper === 'sharedLibrary') {
      if (libsHere.length > 0) body.push(`      libs: ${list(libsHere)},`);
    }
    const pub: string[] = [];
    if (pubDirs.length > 0) pub.push(`includeDirs: ${list(pubDirs)}`);
    if (pubDefs.length > 0) pub.push(`defines: ${list(pubDefs)}`);
    if (helper === 'staticLibrary' && libsHere.length > 0) pub.push(`libs: ${list(libsHere)}`);
    if (pub.length > 0) body.push(`      public: { ${pub.join(', ')} },`);
    if (ds.length > 0) body.push(`      deps: [${ds.join(', ')}],`);
    if (extra.optional === true) body.push('      default: false,');
    body.push('    });');
    returned.push(v);
    return v;
  };

  // Libraries in dependency order (the graph is acyclic: cycles were merged).
  const emitted = new Set<Lib>();
  const visit = (l: Lib): void => {
    if (emitted.has(l)) return;
    emitted.add(l);
    for (const d of [...l.deps].sort((a, b) => byPath(a.name, b.name))) visit(d);
    emitCompiled(l.shared !== undefined ? 'sharedLibrary' : 'staticLibrary', l.name, l.sources, l, []);
  };
  for (const l of [...libs].sort((a, b) => byPath(a.name, b.name))) visit(l);
  for (const p of programs) {
    const own = libs.find((l) => l.vendored === undefined && l.dirs.includes(P.dirname(p)));
    const srcs = single ? [p, ...libSources.filter((s) => pkgOf(s) === undefined)] : [p];
    emitCompiled('executable', exeName.get(p)!, srcs, undefined, own === undefined ? [] : [own]);
  }
  // Test programs: built only when asked for (`ninja NAME`, `pogogen test`), so one that needs more than init saw
  // costs nothing in a plain build.
  const projectLibSources = libSources.filter((x) => pkgOf(x) === undefined);
  const emitTest = (file: string, want: string, why: string, extra: { defines?: readonly string[] }): void => {
    imports.add('test');
    const name = nameFor(want, 'test');
    const own = libOfFile.get(file);
    const srcs = single ? [file, ...projectLibSources.filter((x) => x !== file)] : [file];
    const v = emitCompiled('executable', name, srcs, undefined, own === undefined ? [] : [own], { ...extra, optional: true });
    const run = nameFor(`run-${name}`, 'test');
    const tv = varFor(run);
    body.push(`    const ${tv} = test(${q(run)}, { program: ${v} });`);
    returned.push(tv);
    guesses.push(`test program ${name} (not built by default; ${q(run).slice(1, -1)} runs it): ${why}`);
  };
  for (const tm of testMains) emitTest(tm.path, `${P.basename(tm.path, '.c')}-test`, `${tm.path} has a main() behind #ifdef ${tm.macro}, so it is compiled with -D${tm.macro}`, { defines: [tm.macro] });
  for (const tp of testPrograms) emitTest(tp, P.basename(tp, '.c'), `${tp} defines main() in a test directory`, {});

  if (programs.length === 0 && libs.length === 0) todo.push(`nothing is left to build by default: every C file is ${testPrograms.length > 0 ? 'a test program (built only for the tests), ' : ''}a test, an example or part of a vendored tree left out (see above); add targets by hand`);
  else if (programs.length === 0) guesses.push('no file defines main() outside tests: the sources become libraries only');

  const settings: string[] = [];
  if (projectDirs.size > 0) settings.push(`includeDirs: ${list([...projectDirs].sort())}`);
  if (projectDefines.size > 0) settings.push(`defines: ${list([...projectDefines.values()].sort())}`);

  lines.push('// Written by `pogogen init` from the sources it found; edit freely. Its guesses, with their reasons, were');
  lines.push('// printed when it ran; lines marked TODO are for you to check.');
  lines.push(`import { ${[...imports].sort().join(', ')} } from 'pogogen';`, '');
  lines.push('export default defineBuild({');
  lines.push(`  project: { name: ${q(projectName)} },`);
  if (optionLines.length > 0) lines.push('  options: {', ...optionLines, '  },');
  if (settings.length > 0) lines.push(`  settings: { ${settings.join(', ')} },`);
  const ctx = [...(optionLines.length > 0 ? ['options'] : []), ...(usesProfile ? ['profile'] : [])];
  lines.push(`  targets: (${ctx.length > 0 ? `{ ${ctx.join(', ')} }` : ''}) => {`);
  lines.push(...body);
  lines.push(`    return [${returned.join(', ')}];`);
  lines.push('  },');
  lines.push('});');
  if (forwards.size > 0) todo.push('the forwarding headers are found through out/<profile>/gen/fwd: a profile with march (out/<profile>.<march>/) needs the path adjusted');
  return { description: `${lines.join('\n')}\n`, guesses, todo };
}

/** A word for `sh -c`: single-quoted unless plainly safe. */
function shq(s: string): string {
  return /^[\w./+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
