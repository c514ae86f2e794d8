// The state one plan() run builds up, shared by the planners of each concern (compile, link, pgo, dependencies,
// actions, manifests): the inputs, the rule table, the rules and edges emitted so far, and the small helpers they
// all use to fill argv templates.
import path from 'node:path';
import { remoteLaunchers, ruleTables, type RuleTable, type TemplateElement } from '../../rules/index.ts';
import type { Graph, GraphTarget } from '../resolve/graph.ts';
import type { DependencyCross } from './deps.ts';
import type { InstallDirs } from './install.ts';
import type { Arg, Edge, Rule, Steps } from './steps.ts';

export interface PlanOptions {
  readonly toolchain: {
    readonly family: 'gcc' | 'clang';
    /** The compiler command, e.g. `['gcc']`. */
    readonly cc: readonly string[];
    /** Archiver for LTO builds when the probe found a specific one (`llvm-ar-16`). */
    readonly ltoAr?: readonly string[];
    /** The archiver when it is not plain `ar` (a cross toolchain's). */
    readonly ar?: readonly string[];
    /** clang's profile merger when the probe found one (`llvm-profdata-14`). */
    readonly profdata?: readonly string[];
  };
  /** CPPFLAGS, CFLAGS and LDFLAGS from the environment, already split into arguments. */
  readonly env: { readonly cppflags: readonly string[]; readonly cflags: readonly string[]; readonly ldflags: readonly string[] };
  readonly regen: Steps['regen'];
  /** The pogogen command (for dependency steps that pogogen runs itself). */
  readonly self: readonly string[];
  /**
   * Source-built dependencies: cache key, whether the built result is cached, the archive when it is not, and
   * whether out/ already holds the install for the key (then no step is planned).
   */
  readonly dependencies?: ReadonlyMap<string, { readonly key: string; readonly cached: boolean; readonly installed?: boolean; readonly archive?: string; readonly local?: { readonly abs: string; readonly rel: string; readonly treeHash: string }; readonly cacheEntry: string }>;
  /** Parallel jobs for nested builds without a jobserver, and the depth of the dependency pools. */
  readonly jobs?: number;
  /** Installation directories for `ninja install`. */
  readonly installDirs?: InstallDirs;
  /** Compiler launcher argv (`['ccache']`); empty or absent for none. */
  readonly launcher?: readonly string[];
  /** A linker for the compiler's `-fuse-ld=` (`lld`, `mold`); absent: the compiler's default. */
  readonly linker?: string;
  /** Cross-compiling: what dependency builds need to target it (configure --host, OpenSSL and CMake names). */
  readonly cross?: DependencyCross;
  /** Physical memory, for sizing the LTO link pool. */
  readonly memoryBytes?: number;
  /** The profile name, passed to `pogogen test` by the test edge. */
  readonly profileArgs?: readonly string[];
}

/** What the planners read and append to; one per plan() run, dropped when it returns. */
export interface Planning {
  readonly graph: Graph;
  readonly opts: PlanOptions;
  readonly table: RuleTable;
  readonly profile: Graph['model']['profile'];
  readonly byName: ReadonlyMap<string, GraphTarget>;
  readonly rules: Rule[];
  readonly edges: Edge[];
  readonly aliases: { name: string; outputs: string[] }[];
  /** Files written beside the build file (plans, manifests): root-relative path → content. */
  readonly files: Map<string, string>;
  /** Each compiled target's objects, in source order. */
  readonly objectsOf: Map<string, string[]>;
  /** A rule name unique in the plan: `<prefix>_<target>`, numbered on a clash after sanitising. */
  readonly ruleName: (prefix: string, target: string) => string;
  /** The compile command: the launcher, then the compiler. */
  readonly compiler: readonly string[];
  /** Rule fields every compile rule carries: how many argv words are the launcher, the remote pool. */
  readonly compileRuleExtras: Partial<Rule>;
  /** The profile's link flags: linker choice, ldflags, sanitizers, LTO (and its cache), coverage. */
  readonly profileLink: readonly string[];
  /** The archiver for the project's static libraries. */
  readonly ar: readonly string[];
}

export function startPlanning(graph: Graph, opts: PlanOptions): Planning {
  const table = ruleTables[opts.toolchain.family];
  const profile = graph.model.profile;
  const ruleNames = new Set<string>();
  const ruleName = (prefix: string, target: string): string => {
    const base = `${prefix}_${target.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
    let name = base;
    for (let i = 2; ruleNames.has(name); i++) name = `${base}_${i}`;
    ruleNames.add(name);
    return name;
  };
  // A compiler launcher (ccache, sccache, distcc, ...) wraps compiles only: links, archives and dependency builds
  // run the compiler directly. Remote launchers send compiles to a pool deeper than the local cores.
  const launcher = opts.launcher ?? [];
  const remote = launcher.length > 0 && remoteLaunchers.includes(path.basename(launcher[0]!));
  const profileLink = [
    ...(opts.linker === undefined ? [] : [table.flags.linker(opts.linker)]),
    ...profile.ldflags,
    ...table.flags.sanitize(profile.sanitize).link,
    ...(profile.lto ? table.flags.lto.link : []),
    ...(profile.lto ? (table.flags.lto.cache?.(`${graph.outDir}/lto-cache`, opts.linker) ?? []) : []),
    // An LTO link compiles too: gcc writes an artificial unit whose directory is the link's, the checkout path,
    // into the debug info (and so into the .debug file, the Build ID and the debuglink CRC) unless it is mapped.
    ...(profile.reproducible && profile.lto ? [table.flags.filePrefixMap(graph.model.root, '.')] : []),
    ...(profile.coverage ? table.flags.coverage.link : []),
  ];
  return {
    graph,
    opts,
    table,
    profile,
    byName: new Map(graph.targets.map((t) => [t.name, t])),
    rules: [],
    edges: [],
    aliases: [],
    files: new Map(),
    objectsOf: new Map(),
    ruleName,
    compiler: [...launcher, ...opts.toolchain.cc],
    compileRuleExtras: { ...(launcher.length > 0 ? { launcher: launcher.length } : {}), ...(remote ? { pool: 'remote' } : {}) },
    profileLink,
    ar: profile.lto ? (opts.toolchain.ltoAr ?? table.ar.lto) : (opts.toolchain.ar ?? table.ar.plain),
  };
}

/** An empty list shared by edges that have no such inputs (frozen: edges are never changed after planning). */
export const none: readonly string[] = Object.freeze([]);

/** A path as a command argument: `-lead.c` would read as an option, `./-lead.c` cannot. */
export function argPath(p: string): string {
  return p.startsWith('-') ? `./${p}` : p;
}

/** Object file name for a source: `src/a.c` → `src/a.c`; `..` and absolute paths stay inside obj/. */
export function objectName(src: string): string {
  // Most sources have neither `..` nor empty segments: the name is the path itself.
  if (src !== '' && !src.includes('..') && !src.includes('//') && !src.startsWith('/') && !src.endsWith('/')) return src;
  return src
    .split('/')
    .map((seg) => (seg === '..' ? '__' : seg === '' ? '_' : seg))
    .join('/');
}

/** Fills a template's list placeholders; `{in}`, `{out}` and `{depfile}` stay for the backends. */
export function fill(template: readonly TemplateElement[], vars: Readonly<Record<string, readonly string[]>>): Arg[] {
  const out: Arg[] = [];
  for (const el of template) {
    const m = typeof el === 'string' ? /^\{(\w+)\}$/.exec(el) : null;
    const v = m === null ? undefined : vars[m[1]!];
    if (v !== undefined) out.push(...v);
    else out.push(el);
  }
  return out;
}
