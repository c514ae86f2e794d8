// `pogogen init`: a build.pogo.ts guessed from an existing C tree — one executable per file with a main(), the
// other sources as a shared static library when several programs use them, include dirs where included headers
// live, system libraries from the headers included — and the list of guesses with their reasons.
import path from 'node:path';

export interface TreeFile {
  /** Root-relative, `/`-separated. */
  readonly path: string;
  readonly text: string;
}

export interface InitResult {
  readonly description: string;
  /** One line per guess: what and why. */
  readonly guesses: readonly string[];
}

const mainRe = /^\s*(?:int|void)\s+main\s*\(/m;
const includeRe = /^\s*#\s*include\s*([<"])([^>"]+)[>"]/gm;

/** System headers → what to link, and why. Dependencies with recipes become optional features. */
const systemLibs: readonly { readonly test: RegExp; readonly lib?: string; readonly dep?: 'uring' | 'crypto'; readonly why: string }[] = [
  { test: /^(math|complex|tgmath)\.h$/, lib: 'm', why: 'libm' },
  { test: /^pthread\.h$/, lib: 'pthread', why: 'POSIX threads' },
  { test: /^dlfcn\.h$/, lib: 'dl', why: 'dlopen' },
  { test: /^(zlib)\.h$/, lib: 'z', why: 'zlib' },
  { test: /^liburing\.h$/, dep: 'uring', why: 'io_uring through liburing' },
  { test: /^openssl\//, dep: 'crypto', why: 'OpenSSL' },
];

const ident = (s: string): string => {
  const x = s.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(x) ? `_${x}` : x;
};

export function guessDescription(projectName: string, files: readonly TreeFile[]): InitResult {
  const guesses: string[] = [];
  const sources = files.filter((f) => f.path.endsWith('.c')).sort((a, b) => (a.path < b.path ? -1 : 1));
  if (sources.length === 0) throw new Error('no .c files found: nothing to build');

  const programs = sources.filter((f) => mainRe.test(f.text));
  if (programs.length === 0) guesses.push('no file defines main(): the sources become one static library');
  const rest = sources.filter((f) => !programs.includes(f));
  const names = programNames(projectName, programs, guesses);
  const { includeDirs, sys } = scanIncludes(sources, files, guesses);
  for (const [, s] of sys) guesses.push(s.lib !== undefined ? `link -l${s.lib} (${s.why}): ${s.by}` : `dependency ${s.dep} (${s.why}, from the system via pkg-config or built from source; an auto feature): ${s.by}`);

  const layout: Layout = {
    projectName,
    programs,
    rest,
    names,
    libs: [...sys.values()].flatMap((s) => (s.lib === undefined ? [] : [s.lib])).sort(),
    deps: [...sys.values()].flatMap((s) => (s.dep === undefined ? [] : [s.dep])).sort(),
    dirs: [...includeDirs].sort(),
  };
  const lines = [...descriptionHead(layout), ...targetsFunction(layout, guesses), '});'];
  return { description: `${lines.join('\n')}\n`, guesses };
}

/** What the description is written from. */
interface Layout {
  readonly projectName: string;
  /** Sources with a main(), and the others. */
  readonly programs: readonly TreeFile[];
  readonly rest: readonly TreeFile[];
  /** Program name by source path. */
  readonly names: ReadonlyMap<string, string>;
  /** System libraries to link, dependencies (as optional features), include dirs. */
  readonly libs: readonly string[];
  readonly deps: readonly string[];
  readonly dirs: readonly string[];
}

type SystemUse = { lib?: string; dep?: 'uring' | 'crypto'; why: string; by: string };

/** Program names: the file name, or its directory's when the file is main.c. */
function programNames(projectName: string, programs: readonly TreeFile[], guesses: string[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const p of programs) {
    const base = path.posix.basename(p.path, '.c');
    const dir = path.posix.basename(path.posix.dirname(p.path));
    // main.c names its program after its directory, unless that is a generic one (src/, the root).
    let name = base === 'main' && !['.', '', 'src', 'source', 'sources'].includes(dir) ? dir : base === 'main' ? projectName : base;
    for (let i = 2; [...names.values()].includes(name); i++) name = `${base}${i}`;
    names.set(p.path, name);
    guesses.push(`executable ${name}: ${p.path} defines main()`);
  }
  return names;
}

/** Include dirs (where quoted includes resolve, relative to the including file or to a directory of the tree) and the system libraries included. */
function scanIncludes(sources: readonly TreeFile[], files: readonly TreeFile[], guesses: string[]): { includeDirs: Set<string>; sys: Map<string, SystemUse> } {
  const headers = new Set(files.filter((f) => f.path.endsWith('.h')).map((f) => f.path));
  const includeDirs = new Set<string>();
  const sys = new Map<string, SystemUse>();
  for (const f of [...sources, ...files.filter((x) => x.path.endsWith('.h'))]) {
    for (const m of f.text.matchAll(includeRe)) {
      const [, kind, inc] = m as unknown as [string, string, string];
      if (kind === '"') {
        const local = path.posix.normalize(path.posix.join(path.posix.dirname(f.path), inc));
        if (headers.has(local)) continue;
        const hit = [...headers].filter((h) => h.endsWith(`/${inc}`) || h === inc).sort()[0];
        if (hit !== undefined) {
          const dir = hit === inc ? '.' : hit.slice(0, hit.length - inc.length - 1);
          if (!includeDirs.has(dir)) guesses.push(`include dir ${dir}: "${inc}" (included by ${f.path}) lives there`);
          includeDirs.add(dir);
        }
      } else {
        const s = systemLibs.find((x) => x.test.test(inc));
        const key = s?.lib ?? s?.dep;
        if (s !== undefined && key !== undefined && !sys.has(key)) sys.set(key, { ...(s.lib === undefined ? {} : { lib: s.lib }), ...(s.dep === undefined ? {} : { dep: s.dep }), why: s.why, by: `<${inc}> in ${f.path}` });
      }
    }
  }
  return { includeDirs, sys };
}

const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const list = (xs: readonly string[]): string => `[${xs.map(q).join(', ')}]`;

/** The file's comment, imports, and the description's head: project and options. */
function descriptionHead(l: Layout): string[] {
  const { deps, rest, programs } = l;
  const imports = ['defineBuild', 'executable', ...(deps.length > 0 ? ['dependency', 'option', 'recipes'] : []), ...(rest.length > 0 && programs.length !== 1 ? ['staticLibrary'] : [])].sort();
  const lines: string[] = [];
  lines.push(`// Written by \`pogogen init\` from the sources it found; edit freely.`);
  lines.push(`import { ${imports.join(', ')} } from 'pogogen';`, '');
  lines.push('export default defineBuild({');
  lines.push(`  project: { name: ${q(l.projectName)} },`);
  if (deps.length > 0) {
    lines.push('  options: {');
    if (deps.includes('crypto')) lines.push("    openssl: option.feature('auto', 'OpenSSL'),");
    if (deps.includes('uring')) lines.push("    uring: option.feature('auto', 'io_uring through liburing'),");
    lines.push('  },');
  }
  return lines;
}

/** The targets function: dependencies, the shared static library when there is one, one executable per program. */
function targetsFunction(l: Layout, guesses: string[]): string[] {
  const { programs, rest, deps, dirs, libs, names } = l;
  const lines: string[] = [`  targets: (${deps.length > 0 ? '{ options }' : ''}) => {`];
  const depNames: string[] = [];
  if (deps.includes('crypto')) {
    lines.push("    const crypto = dependency('crypto', { recipe: recipes.openssl, feature: options.openssl, ifMissing: { defines: ['NOOPENSSL'] } });");
    depNames.push('crypto');
  }
  if (deps.includes('uring')) {
    lines.push("    const uring = dependency('uring', { recipe: recipes.liburing, feature: options.uring, ifMissing: { defines: ['NOURING'] } });");
    depNames.push('uring');
  }
  const shared = rest.length > 0 && programs.length !== 1;
  const targets: string[] = [...depNames];
  if (shared) {
    const libName = programs.length === 0 ? ident(l.projectName) : 'common';
    lines.push(`    const ${ident(libName)} = staticLibrary(${q(libName)}, {`);
    lines.push(`      sources: ${list(rest.map((f) => f.path))},`);
    if (dirs.length > 0) lines.push(`      public: { includeDirs: ${list(dirs)} },`);
    if (depNames.length > 0) lines.push(`      deps: [${depNames.join(', ')}],`);
    lines.push('    });');
    targets.push(ident(libName));
    guesses.push(`static library ${libName}: ${rest.length} source${rest.length === 1 ? '' : 's'} without main()${programs.length > 1 ? `, shared by the ${programs.length} programs` : ''}`);
  }
  for (const p of programs) {
    const name = names.get(p.path)!;
    const v = ident(`exe_${name}`);
    const srcs = programs.length === 1 ? [p.path, ...rest.map((f) => f.path)] : [p.path];
    const ds = [...(shared ? [ident(programs.length === 0 ? l.projectName : 'common')] : []), ...depNames];
    lines.push(`    const ${v} = executable(${q(name)}, {`);
    lines.push(`      sources: ${list(srcs)},`);
    if (!shared && dirs.length > 0) lines.push(`      includeDirs: ${list(dirs)},`);
    if (libs.length > 0) lines.push(`      libs: ${list(libs)},`);
    if (ds.length > 0) lines.push(`      deps: [${ds.join(', ')}],`);
    lines.push('    });');
    targets.push(v);
  }
  if (programs.length === 1 && rest.length > 0) guesses.push(`the other ${rest.length} source${rest.length === 1 ? '' : 's'} go into ${names.get(programs[0]!.path)} (one program)`);
  lines.push(`    return [${targets.join(', ')}];`, '  },');
  return lines;
}
