// The state `pogogen init`'s stages share: the tree as read, then what each stage found (vendored packages, which
// files are compiled and how, the include graph, libraries and their names, include dirs, defines, options,
// dependencies), and the guesses and the to-do list they write as they go. Made empty by `newContext`; each
// stage (tree.ts, includes.ts, generated.ts, libraries.ts, settings.ts, guesses.ts, render.ts) fills its part, in
// the order guessDescription (../init.ts) runs them.
import type { BuildHints } from './hints.ts';
import { readBuildFiles } from './hints.ts';
import type { RecipeName } from './knowledge.ts';
import { scan, type Cond, type Scanned } from './scan.ts';

export interface TreeFile {
  /** Root-relative, `/`-separated. */
  readonly path: string;
  readonly text: string;
}

export interface InitResult {
  readonly description: string;
  /** One line per guess: what and why. */
  readonly guesses: readonly string[];
  /** What init could not decide: for the user to check or finish. */
  readonly todo: readonly string[];
}

export interface Vendored {
  readonly dir: string;
  readonly name: string;
  /** Its own build system's file, if any. */
  readonly build?: string;
  kind: 'recipe' | 'flat' | 'skip';
  recipe?: RecipeName;
}

export interface Lib {
  name: string;
  readonly dirs: string[];
  readonly sources: string[];
  shared?: string;
  vendored?: Vendored;
  readonly deps: Set<Lib>;
}

/** What a file needs from beyond the tree's own files. */
export interface Special {
  readonly recipes: Set<RecipeName>;
  readonly generated: Set<string>;
  readonly forwards: Set<string>;
  readonly libs: Set<string>;
  /** Vendored trees with their own build whose headers are included (built as local-source dependencies). */
  readonly locals: Set<string>;
  readonly files: Set<string>;
}

/** A file's includes (direct ones, or the closure): the files, the include dirs that find them, the rest. */
export interface Reach {
  readonly files: Set<string>;
  readonly dirs: Set<string>;
  readonly special: Special;
}

/** A header included from a directory a vendored tree's scripts fill (`"../deps/…"`), forwarded to its recipe. */
export interface Forward {
  readonly portable: string;
  readonly recipe: RecipeName;
  readonly by: string;
  readonly line: number;
  readonly depth: number;
}

/** A generated header: included, absent, and written by a script or a Makefile rule of the tree. */
export interface Generator {
  readonly header: string;
  readonly command: string[];
  readonly inputs: string[];
  readonly runnable: boolean;
  readonly why: string;
}

/** A dependency on a shipped recipe; the guard around the include decides an optional feature. */
export interface DepGuess {
  readonly recipe: RecipeName;
  readonly name: string;
  readonly option: string;
  readonly ifMissing?: string;
  readonly ifFound?: string;
}

/** A vendored tree with its own build that the project includes: a dependency built by that build from the directory. */
export interface LocalGuess {
  readonly dir: string;
  /** The dependency target's name and its recipe's. */
  readonly name: string;
  readonly recipeName: string;
  readonly kind: 'configure' | 'cmake' | 'meson' | 'make';
  /** The static library it is guessed to install, and why. */
  readonly lib: string;
  readonly why: string;
  /** What init is unsure of: a TODO comment in the file and an item of the to-do list each. */
  readonly weak: readonly string[];
}

/** An option from a -D flag the tree's build files pass conditionally. */
export interface OptGuess {
  readonly key: string;
  readonly macro: string;
  readonly value?: string;
}

export interface InitContext {
  readonly projectName: string;
  /** The tree's files, sorted by path. */
  readonly all: readonly TreeFile[];
  readonly text: ReadonlyMap<string, string>;
  readonly cFiles: readonly string[];
  readonly scanned: ReadonlyMap<string, Scanned>;
  readonly hints: BuildHints;
  readonly guesses: string[];
  readonly todo: string[];

  // tree.ts: vendored packages, and which C files are compiled, and how.
  readonly packages: Map<string, Vendored>;
  readonly headerSet: Set<string>;
  /** A .c another file includes → that file. */
  readonly includedC: Map<string, string>;
  readonly leftOut: { path: string; why: string }[];
  readonly programs: string[];
  readonly libSources: string[];
  readonly testMains: { path: string; macro: string }[];
  readonly testPrograms: string[];

  // includes.ts: include resolution and what each file needs beyond the tree.
  /** Headers that count as present: the project's and those of flat vendored trees. */
  readonly usable: string[];
  readonly resolveCache: Map<string, string | undefined>;
  readonly generatedHeaders: Map<string, { by: string; line: number }>;
  readonly forwards: Map<string, Forward>;
  readonly missing: Map<string, string>;
  readonly recipeUse: Map<RecipeName, { by: string; guards: Cond[] }>;
  readonly sysUse: Map<string, string>;
  /** A vendored tree with its own build → the first include of one of its headers. */
  readonly localUse: Map<string, string>;
  readonly direct: Map<string, Reach>;
  readonly closureCache: Map<string, Reach>;

  // generated.ts
  readonly generators: Map<string, Generator>;

  // libraries.ts: libraries, header ownership (memoised; cleared when libraries merge) and names.
  readonly libs: Lib[];
  readonly libOfFile: Map<string, Lib>;
  /** One program and its sources all in its own directory: one executable, no library. */
  single: boolean;
  readonly owners: Map<string, Lib | undefined>;
  /** Target names given so far, lower-cased. */
  readonly taken: Set<string>;
  usedRecipes: RecipeName[];
  readonly depName: Map<RecipeName, string>;
  readonly genName: Map<string, string>;
  fwdName: string;
  readonly exeName: Map<string, string>;

  // settings.ts: include dirs, defines, dependencies and options.
  readonly publicDirs: Map<Lib, Set<string>>;
  readonly projectDirs: Set<string>;
  readonly privateDirs: Map<Lib | string, Set<string>>;
  /** An include dir → a file that needs it, for the guesses. */
  readonly dirReason: Map<string, string>;
  readonly publicDefines: Map<Lib, Map<string, string>>;
  readonly projectDefines: Map<string, string>;
  readonly required: Map<string, { file: string; line: number; value?: string }>;
  readonly testedBy: Map<string, string>;
  readonly optionKeys: Set<string>;
  readonly deps: DepGuess[];
  readonly guardMacros: Set<string>;
  readonly opts: OptGuess[];
  readonly vendoredDefines: Map<Lib, string[]>;

  // local.ts: vendored trees with their own build that the project includes.
  readonly locals: LocalGuess[];
}

export const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
export const defineText = (m: string, v: string | undefined): string => (v === undefined ? m : `${m}=${v}`);

/** A word for `sh -c`: single-quoted unless plainly safe. */
export function shq(s: string): string {
  return /^[\w./+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The tree read (sorted, C files scanned, build files read for hints) and every stage's part still empty. */
export function newContext(projectName: string, files: readonly TreeFile[]): InitContext {
  const all = [...files].sort((a, b) => byPath(a.path, b.path));
  const cFiles = all.filter((f) => f.path.endsWith('.c')).map((f) => f.path);
  if (cFiles.length === 0) throw new Error('no .c files found: nothing to build');
  const scanned = new Map<string, Scanned>();
  for (const f of all) if (/\.[ch]$/.test(f.path)) scanned.set(f.path, scan(f.text));
  return {
    projectName, all, text: new Map(all.map((f) => [f.path, f.text])), cFiles, scanned, hints: readBuildFiles(all), guesses: [], todo: [],
    packages: new Map(), headerSet: new Set(), includedC: new Map(), leftOut: [], programs: [], libSources: [], testMains: [], testPrograms: [],
    usable: [], resolveCache: new Map(), generatedHeaders: new Map(), forwards: new Map(), missing: new Map(), recipeUse: new Map(), sysUse: new Map(), localUse: new Map(), direct: new Map(), closureCache: new Map(),
    generators: new Map(),
    libs: [], libOfFile: new Map(), single: false, owners: new Map(), taken: new Set(), usedRecipes: [], depName: new Map(), genName: new Map(), fwdName: '', exeName: new Map(),
    publicDirs: new Map(), projectDirs: new Set(), privateDirs: new Map(), dirReason: new Map(), publicDefines: new Map(), projectDefines: new Map(), required: new Map(), testedBy: new Map(),
    optionKeys: new Set(), deps: [], guardMacros: new Set(), opts: [], vendoredDefines: new Map(),
    locals: [],
  };
}
