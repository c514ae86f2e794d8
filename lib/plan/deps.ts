// Dependency subprojects as graph steps: what a dependency inherits from the profile, its cache key, and the
// chain of edges (extract → configure → build → install, or one restore from the cache) that builds it.
import path from 'node:path';
import type { RuleTable } from '../../rules/index.ts';
import type { DependencyInherit } from '../model/api.ts';
import type { Profile } from '../model/profiles.ts';
import type { RecipeInput } from '../model/schema.ts';
import { archiveSourceOf, stripOf } from '../model/sources.ts';
import type { GraphTarget } from '../resolve/graph.ts';
import type { Planning } from './context.ts';
import type { Edge, Rule } from './steps.ts';

/** The plain and LTO-aware archivers a dependency build may get: the toolchain's own when it names them. */
export function dependencyArchivers(toolchain: { readonly ar?: readonly string[]; readonly ltoAr?: readonly string[] }, table: RuleTable): { plain: readonly string[]; lto: readonly string[] } {
  return { plain: toolchain.ar ?? table.ar.plain, lto: toolchain.ltoAr ?? table.ar.lto };
}

/**
 * The flags and archiver a source-built dependency gets from the profile. Always: the optimisation level,
 * `-march`/`-mtune`, frame pointers, `NDEBUG`, position-independent code; never: warnings. Opt-in per dependency:
 * LTO (otherwise every link of the program would re-optimise the whole library: 80+ s for libcrypto), sanitizers
 * and coverage (third-party code under them is slow to build and link, and reports on code the project does not
 * own). Debug info is cut to line tables unless `debug: 'full'`: a static libcrypto with `-g3` makes each GNU ld
 * link of the program several seconds slower (docs/DEPS-BENCHMARK.md), while `-g1` still gives file:line in
 * backtraces.
 */
export function inheritedFlags(profile: Profile, table: RuleTable, inherit: DependencyInherit = {}, ars: { readonly plain: readonly string[]; readonly lto: readonly string[] } = table.ar): { cflags: string[]; ldflags: string[]; ar: readonly string[] } {
  const lto = profile.lto && inherit.lto === true;
  const san = inherit.sanitize === true ? table.flags.sanitize(profile.sanitize) : { compile: [], link: [] };
  const coverage = profile.coverage && inherit.coverage === true;
  const debug = profile.cflags.filter((f) => /^-g/.test(f));
  const debugFlags = inherit.debug === 'full' ? debug : inherit.debug === 'none' || debug.length === 0 || debug.every((f) => /^-g0$/.test(f)) ? [] : [...table.flags.debugLines];
  return {
    cflags: [
      ...profile.cflags.filter((f) => /^-(O|f(no-)?omit-frame-pointer$|march=|mtune=)/.test(f)),
      ...debugFlags,
      ...(profile.march === undefined ? [] : [table.flags.march(profile.march)]),
      ...(profile.mtune === undefined ? [] : [table.flags.mtune(profile.mtune)]),
      ...profile.defines.filter((d) => d === 'NDEBUG').map(table.flags.define),
      ...san.compile,
      ...(coverage ? table.flags.coverage.compile : []),
      ...(lto ? table.flags.lto.compile : []),
      ...table.flags.pic,
    ],
    ldflags: [...san.link, ...(coverage ? table.flags.coverage.link : []), ...(lto ? table.flags.lto.link : [])],
    ar: lto ? ars.lto : ars.plain,
  };
}

/** The toolchain a dependency build uses, and the cross target when there is one. */
export interface DependencyToolchain {
  readonly cc: readonly string[];
  readonly ar?: readonly string[];
  readonly ltoAr?: readonly string[];
}
export type DependencyCross = NonNullable<DependencyBuildPlan['cross']> & { readonly ranlib: readonly string[]; readonly strip: readonly string[] };

/**
 * The environment and target of one dependency's build: built here once, for the plan that runs it and for the
 * cache key that names its result (lib/deps/key.ts), so the two cannot describe different builds.
 */
export function dependencyBuild(profile: Profile, table: RuleTable, inherit: DependencyInherit | undefined, toolchain: DependencyToolchain, cross: DependencyCross | undefined): Pick<DependencyBuildPlan, 'env' | 'cross'> {
  const inherited = inheritedFlags(profile, table, inherit, dependencyArchivers(toolchain, table));
  return {
    env: { CC: toolchain.cc.join(' '), AR: inherited.ar.join(' '), ...(cross === undefined ? {} : { RANLIB: cross.ranlib.join(' '), STRIP: cross.strip.join(' ') }), CFLAGS: inherited.cflags.join(' '), LDFLAGS: inherited.ldflags.join(' ') },
    ...(cross === undefined ? {} : { cross: { triple: cross.triple, cmakeProcessor: cross.cmakeProcessor, ...(cross.opensslTarget === undefined ? {} : { opensslTarget: cross.opensslTarget }) } }),
  };
}

/** What a `pogogen dep-step` run needs; written to a JSON file that the dependency's edges take as input. */
export interface DependencyBuildPlan {
  readonly name: string;
  readonly version: string;
  readonly key: string;
  readonly build: RecipeInput['build'];
  /** Absolute path of the verified archive in the download cache (absent when restoring a cached build). */
  readonly archive?: string;
  /** Absolute path of the project's vendored directory the extract phase copies instead (a local source). */
  readonly localSource?: string;
  readonly strip: number;
  /** The tree the extract phase must produce: a pinned archive's, or the local source's as this generation hashed it. */
  readonly treeSha256?: string;
  /** Absolute directories. */
  readonly sourceDir: string;
  readonly buildDir: string;
  readonly prefix: string;
  /** Absolute path of the built-dependency cache entry for `key`. */
  readonly cacheEntry: string;
  readonly env: Readonly<Record<string, string>>;
  /** Headers staged before the build (the recipe's `headers`): commands, then copies into prefix. */
  readonly headers?: NonNullable<RecipeInput['headers']>;
  /** Files the install must produce, relative to prefix. */
  readonly expect: readonly string[];
  /** Cross-compiling: the target as each build kind names it. */
  readonly cross?: { readonly triple: string; readonly opensslTarget?: string; readonly cmakeProcessor: string };
  /** Jobs for nested builds when no jobserver is offered. */
  readonly jobs: number;
  /** Log files per phase live here. */
  readonly logDir: string;
}

export interface PlannedDependency {
  readonly rules: Rule[];
  readonly edges: Edge[];
  /** The plan file: root-relative path and content. */
  readonly planFile: readonly [string, string];
}

/** Where a dependency's source, build tree, plan and phase logs live, root-relative. */
export function dependencyWorkDir(outDir: string, name: string): string {
  return `${outDir}/deps/.build/${name}`;
}

/**
 * The edges of one source-built dependency. A cache hit is one restore edge; otherwise a chain whose stamps are
 * written only after each phase succeeded, so an interrupted build resumes at the phase that did not finish.
 * The final edge has `restat`: a reinstall that changes nothing wakes no dependent.
 */
export function planDependency(t: GraphTarget, opts: { root: string; outDir: string; self: readonly string[]; cached: boolean; plan: Omit<DependencyBuildPlan, 'sourceDir' | 'buildDir' | 'prefix' | 'logDir' | 'expect' | 'headers'> }): PlannedDependency {
  const info = t.dependency!;
  const work = dependencyWorkDir(opts.outDir, t.name);
  const abs = (p: string): string => path.resolve(opts.root, p);
  const plan: DependencyBuildPlan = {
    ...opts.plan,
    sourceDir: abs(`${work}/src`),
    buildDir: abs(`${work}/build`),
    prefix: abs(info.installDir!),
    logDir: abs(work),
    expect: info.libFiles.map((f) => path.posix.relative(info.installDir!, f)),
    ...(info.resolution.source === 'source' && info.resolution.recipe.headers !== undefined ? { headers: info.resolution.recipe.headers } : {}),
  };
  const planFile = `${work}/plan.json`;
  const rules: Rule[] = [];
  const edges: Edge[] = [];
  const safe = t.name.replace(/[^A-Za-z0-9_.-]/g, '_');
  const finalOuts = [info.stamp!, ...info.libFiles];
  const headersStamp = info.headersStamp;
  const step = (phase: string, description: string, outs: string[], ins: string[], extra: Partial<Rule> = {}): void => {
    const name = `dep_${phase}_${safe}`;
    rules.push({ name, command: [...opts.self, 'dep-step', phase, planFile], description, ...extra });
    edges.push({ kind: 'dependency', rule: name, target: t.name, outs, ins: [], implicitIns: ins, orderOnly: [] });
  };
  const label = `${t.name} ${plan.version}`;
  if (opts.cached) {
    step('restore', `RESTORE ${label} (cached)`, headersStamp === undefined ? finalOuts : [...finalOuts, headersStamp], [planFile], { restat: true });
  } else {
    const stamp = (phase: string): string => `${work}/${phase}.stamp`;
    // A local source's edits reach this edge through the plan file: they change its tree hash, so its key.
    const extract = plan.localSource === undefined ? `EXTRACT ${label}` : `COPY ${label} from ${path.relative(opts.root, plan.localSource)}`;
    step('extract', extract, [stamp('extract')], [planFile, ...(plan.archive === undefined ? [] : [plan.archive])]);
    step('configure', `CONFIGURE ${label}`, [stamp('configure')], [stamp('extract')], { pool: 'dep_configure' });
    const buildAfter = [stamp('configure')];
    if (headersStamp !== undefined) {
      // The headers step sits on the chain before the build, so its generating commands never race the build in
      // the same tree; the project's objects start as soon as it is done, while the library builds. restat:
      // re-staging identical headers wakes nothing, and the install keeps the mtimes of headers it leaves unchanged.
      step('headers', `HEADERS ${label}`, [headersStamp], [plan.headers?.after === 'extract' ? stamp('extract') : stamp('configure')], { restat: true, jobserver: true });
      buildAfter.push(headersStamp);
    }
    step('build', `BUILD ${label}`, [stamp('build')], buildAfter, { pool: 'dep_build', jobserver: true });
    step('install', `INSTALL ${label}`, finalOuts, [stamp('build')], { restat: true });
  }
  return { rules, edges, planFile: [planFile, `${JSON.stringify(plan, null, 2)}\n`] };
}

/** The tree hash the extract phase checks: a pin's `treeSha256`, or the vendored tree's as hashed at generation. */
function treeOf(r: RecipeInput, local: { readonly treeHash: string } | undefined): { treeSha256?: string } {
  const pinned = local?.treeHash ?? archiveSourceOf(r)?.treeSha256;
  return pinned === undefined ? {} : { treeSha256: pinned };
}

/**
 * A dependency target's steps: nothing for a system or absent one, nor when out/ already holds its install for
 * the key (its files are then inputs like sources); otherwise the chain of planDependency.
 */
export function planDependencyTarget(p: Planning, t: GraphTarget): void {
  const d = p.opts.dependencies?.get(t.name);
  const r = t.dependency!.resolution;
  if (d === undefined || r.source !== 'source') {
    p.aliases.push({ name: t.name, outputs: [] });
    return;
  }
  if (d.installed === true) {
    // Its files are inputs like sources: a restore edge would be new to ninja and run once to copy nothing.
    p.aliases.push({ name: t.name, outputs: [...t.outputs] });
    return;
  }
  const planned = planDependency(t, {
    root: p.graph.model.root,
    outDir: p.graph.outDir,
    self: p.opts.self,
    cached: d.cached,
    plan: {
      name: t.name,
      version: r.recipe.version,
      key: d.key,
      build: r.recipe.build,
      ...(d.archive === undefined ? {} : { archive: d.archive }),
      ...(d.local === undefined ? {} : { localSource: d.local.abs }),
      strip: stripOf(r.recipe),
      ...treeOf(r.recipe, d.local),
      cacheEntry: d.cacheEntry,
      // The same construction as the cache key's (lib/cli/main.ts keyOf).
      ...dependencyBuild(p.profile, p.table, t.dependency!.inherit, p.opts.toolchain, p.opts.cross),
      jobs: p.opts.jobs ?? 2,
    },
  });
  p.rules.push(...planned.rules);
  p.edges.push(...planned.edges);
  p.files.set(planned.planFile[0], planned.planFile[1]);
  p.aliases.push({ name: t.name, outputs: [...t.outputs] });
}
