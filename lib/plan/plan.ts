// Graph → Steps: every target expanded into compile, archive, link, symlink and action edges with concrete argv,
// using the toolchain's rule table; no text is emitted here.
import path from 'node:path';
import { ruleTables, type RuleTable, type TemplateElement } from '../../rules/index.ts';
import type { Graph, GraphTarget } from '../resolve/graph.ts';
import { DiagnosticsError } from '../model/diagnostics.ts';
import { dependencyBuild, planDependency, type DependencyCross } from './deps.ts';
import { defaultInstallDirs, installManifest, testManifest, type InstallDirs } from './install.ts';
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
  readonly dependencies?: ReadonlyMap<string, { readonly key: string; readonly cached: boolean; readonly installed?: boolean; readonly archive?: string; readonly cacheEntry: string }>;
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

export function plan(graph: Graph, opts: PlanOptions): Steps {
  const table = ruleTables[opts.toolchain.family];
  const profile = graph.model.profile;
  const rules: Rule[] = [];
  const edges: Edge[] = [];
  const aliases: { name: string; outputs: string[] }[] = [];
  const byName = new Map(graph.targets.map((t) => [t.name, t]));
  const ruleNames = new Set<string>();
  const ruleName = (prefix: string, target: string): string => {
    const base = `${prefix}_${target.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
    let name = base;
    for (let i = 2; ruleNames.has(name); i++) name = `${base}_${i}`;
    ruleNames.add(name);
    return name;
  };

  const sanitize = table.flags.sanitize(profile.sanitize);
  const profileCompile = profileCompileFlags(profile, table, graph.model.root);
  const profileLink = [
    ...(opts.linker === undefined ? [] : [`-fuse-ld=${opts.linker}`]),
    ...profile.ldflags,
    ...sanitize.link,
    ...(profile.lto ? table.flags.lto.link : []),
    ...(profile.lto ? (table.flags.lto.cache?.(`${graph.outDir}/lto-cache`, opts.linker) ?? []) : []),
    // An LTO link compiles too: gcc writes an artificial unit whose directory is the link's, the checkout path,
    // into the debug info (and so into the .debug file, the Build ID and the debuglink CRC) unless it is mapped.
    ...(profile.reproducible && profile.lto ? [table.flags.filePrefixMap(graph.model.root, '.')] : []),
    ...(profile.coverage ? table.flags.coverage.link : []),
  ];
  const ar = profile.lto ? (opts.toolchain.ltoAr ?? table.ar.lto) : (opts.toolchain.ar ?? table.ar.plain);
  const objectsOf = new Map<string, string[]>();
  const files = new Map<string, string>();

  // PGO: which executable's profile each compiled target is optimised with (it and the static code it links).
  const pgoOwner = new Map<string, string>();
  if (profile.pgo) {
    for (const t of graph.targets) {
      if (t.pgo === undefined) continue;
      for (const x of [t.name, ...t.link!.libraries.filter((n) => ['static_library', 'object_set'].includes(byName.get(n)!.kind))]) {
        const prev = pgoOwner.get(x);
        if (prev !== undefined && prev !== t.name) {
          throw new DiagnosticsError([{ ...t.where(), path: `target "${t.name}".pgo`, message: `"${x}" is linked into two PGO-trained executables ("${prev}" and "${t.name}"), and one object can follow only one profile`, help: 'train one of them, or make the shared code a shared library' }]);
        }
        pgoOwner.set(x, t.name);
      }
    }
  }
  const pgoDir = (exe: string): string => `${graph.outDir}/pgo/${exe}`;
  const pgoUse = (exe: string): { flags: string[]; input: string } =>
    table.flags.pgo.format === 'gcda'
      ? { flags: table.flags.pgo.use(undefined), input: `${pgoDir(exe)}/collected.stamp` }
      : { flags: table.flags.pgo.use(path.resolve(graph.model.root, `${pgoDir(exe)}/${exe}.profdata`)), input: `${pgoDir(exe)}/${exe}.profdata` };
  const pgoObjects = new Map<string, { gen: string; final: string }[]>();
  // A compiler launcher (ccache, sccache, distcc, ...) wraps compiles only: links, archives and dependency builds
  // run the compiler directly. Remote launchers send compiles to a pool deeper than the local cores.
  const launcher = opts.launcher ?? [];
  const compiler = [...launcher, ...opts.toolchain.cc];
  const launched = launcher.length > 0 ? { launcher: launcher.length } : {};
  const remote = launcher.length > 0 && ['distcc', 'icecc', 'pump'].includes(path.basename(launcher[0]!));
  const remotePool = remote ? { pool: 'remote' } : {};

  for (const t of graph.targets) {
    if (t.compiled !== undefined) {
      const c = t.compiled;
      const cflags = [
        ...profileCompile,
        ...(c.pic ? table.flags.pic : []),
        ...c.compile.cflags,
        ...c.compile.defines.map(table.flags.define),
        ...c.compile.includeDirs.map(table.flags.include),
        ...opts.env.cppflags,
        ...opts.env.cflags,
      ];
      const owner = pgoOwner.get(t.name);
      const use = owner === undefined ? undefined : pgoUse(owner);
      const cc = ruleName('cc', t.name);
      rules.push({ name: cc, command: fill(table.compile, { cc: compiler, cflags: [...cflags, ...(use?.flags ?? [])] }), description: 'CC {out}', depfile: '{out}.d', ...launched, ...remotePool });
      const objects: string[] = [];
      // Shared by every compile edge of the target (edges are read-only): one array, not one per source.
      const implicitIns = use === undefined ? none : [use.input];
      const orderOnly = c.generated.length === 0 ? none : [...c.generated];
      const objDir = `${graph.outDir}/obj/${t.name}/`;
      for (const src of c.sources) {
        const obj = `${objDir}${objectName(src)}.o`;
        objects.push(obj);
        edges.push({ kind: 'compile', rule: cc, target: t.name, outs: [obj], ins: [argPath(src)], implicitIns, orderOnly, source: src });
      }
      objectsOf.set(t.name, objects);
      if (owner !== undefined) {
        // The instrumented twin of each object, compiled the same way plus instrumentation.
        const gen = ruleName('cc_pgogen', t.name);
        rules.push({ name: gen, command: fill(table.compile, { cc: compiler, cflags: [...cflags, ...table.flags.pgo.generate] }), description: 'CC {out}', depfile: '{out}.d', ...launched, ...remotePool });
        const pairs = pgoObjects.get(owner) ?? [];
        for (const src of c.sources) {
          const obj = `${pgoDir(owner)}/obj/${t.name}/${objectName(src)}.o`;
          edges.push({ kind: 'compile', rule: gen, target: t.name, outs: [obj], ins: [argPath(src)], implicitIns: [], orderOnly: [...c.generated] });
          pairs.push({ gen: obj, final: `${graph.outDir}/obj/${t.name}/${objectName(src)}.o` });
        }
        pgoObjects.set(owner, pairs);
      }
    }
  }

  for (const t of graph.targets) {
    const objects = objectsOf.get(t.name) ?? [];
    switch (t.kind) {
      case 'object_set':
        aliases.push({ name: t.name, outputs: objects });
        break;
      case 'static_library': {
        const name = ruleName('ar', t.name);
        rules.push({ name, command: fill(table.archive, { ar }), description: 'AR {out}' });
        edges.push({ kind: 'archive', rule: name, target: t.name, outs: [t.output!], ins: objects, implicitIns: [], orderOnly: [] });
        aliases.push({ name: t.name, outputs: [t.output!] });
        break;
      }
      case 'executable':
      case 'shared_library': {
        const link = t.link!;
        const ins = [...objects];
        const implicitIns: string[] = [];
        for (const lib of link.libraries) {
          const dep = byName.get(lib)!;
          if (dep.kind === 'object_set') ins.push(...(objectsOf.get(lib) ?? []));
          else if (dep.kind === 'dependency') ins.push(...dep.dependency!.libFiles);
          else ins.push(dep.output!);
          // The linker opens libfoo.so through its soname link too; make sure those exist.
          if (dep.shared !== undefined) implicitIns.push(...dep.outputs.slice(1));
        }
        // $ORIGIN keeps the binary runnable from out/ and after installing bin/ and lib/ side by side.
        const rpath = link.needsRpath ? [table.flags.rpath(t.kind === 'executable' ? '$ORIGIN/../lib' : '$ORIGIN')] : [];
        // With split debug info the link keeps it; the split step strips.
        const split = profile.splitDebug;
        const ldflags = [...profileLink, ...(profile.strip && !split ? table.flags.strip : []), ...rpath, ...link.ldflags, ...opts.env.ldflags];
        const linkOut = split ? `${path.posix.dirname(t.output!)}/.unstripped/${path.posix.basename(t.output!)}` : t.output!;
        // LTO links run the optimiser: a pool sized by memory keeps parallel links from exhausting RAM.
        const linkPool = profile.lto ? 'lto_link' : undefined;
        const libs = link.libs.map(table.flags.lib);
        const name = ruleName('link', t.name);
        if (t.kind === 'executable') {
          rules.push({ name, command: fill(table.link, { cc: opts.toolchain.cc, ldflags, libs }), description: 'LINK {out}', ...(linkPool === undefined ? {} : { pool: linkPool }) });
          edges.push({ kind: 'link', rule: name, target: t.name, outs: [linkOut], ins, implicitIns, orderOnly: [] });
        } else {
          const shared = t.shared!;
          rules.push({ name, command: fill(table.linkShared, { cc: opts.toolchain.cc, ldflags, libs, soname: [table.flags.soname(shared.soname)] }), description: 'SOLINK {out}', ...(linkPool === undefined ? {} : { pool: linkPool }) });
          edges.push({ kind: 'link_shared', rule: name, target: t.name, outs: [linkOut], ins, implicitIns, orderOnly: [] });
          if (shared.links.length > 0) {
            const ln = ruleName('ln', t.name);
            rules.push({ name: ln, command: ['ln', '-sf', path.posix.basename(t.output!), '{out}'], description: 'LN {out}' });
            for (const l of t.outputs.slice(1)) edges.push({ kind: 'symlink', rule: ln, target: t.name, outs: [l], ins: [], implicitIns: [t.output!], orderOnly: [] });
          }
        }
        if (t.kind === 'executable' && pgoOwner.get(t.name) === t.name) {
          const dir = pgoDir(t.name);
          const pairs = pgoObjects.get(t.name) ?? [];
          const instrumented = `${dir}/bin/${path.posix.basename(t.output!)}`;
          const genLink = ruleName('link_pgogen', t.name);
          const genIns = [...pairs.map((p) => p.gen), ...ins.filter((i) => !pairs.some((p) => p.final === i) && !link.libraries.some((l) => byName.get(l)!.output === i && pgoOwner.has(l)))];
          rules.push({ name: genLink, command: fill(table.link, { cc: opts.toolchain.cc, ldflags: [...ldflags.filter((f) => !table.flags.strip.includes(f)), ...table.flags.pgo.generateLink], libs }), description: 'LINK {out}' });
          edges.push({ kind: 'link', rule: genLink, target: t.name, outs: [instrumented], ins: genIns, implicitIns, orderOnly: [] });
          const trainFile = `${dir}/train.json`;
          const format = table.flags.pgo.format;
          const train = {
            root: graph.model.root,
            binary: instrumented,
            training: t.pgo!.training,
            format,
            objDir: `${dir}/obj`,
            rawDir: `${dir}/raw`,
            profdata: `${dir}/${t.name}.profdata`,
            llvmProfdata: opts.toolchain.profdata ?? ['llvm-profdata'],
            pairs: pairs.map((p) => [p.gen.replace(/\.o$/, '.gcda'), p.final.replace(/\.o$/, '.gcda')]),
            trained: `${dir}/trained.stamp`,
            collected: `${dir}/collected.stamp`,
          };
          files.set(trainFile, `${JSON.stringify(train, null, 2)}\n`);
          const trainRule = ruleName('pgo_train', t.name);
          rules.push({ name: trainRule, command: [...opts.self, 'pgo', 'train', trainFile], description: `TRAIN ${t.name}` });
          edges.push({ kind: 'action', rule: trainRule, target: t.name, outs: format === 'gcda' ? [train.trained] : [train.trained, train.profdata], ins: [], implicitIns: [instrumented, trainFile], orderOnly: [] });
          if (format === 'gcda') {
            // Copies each profile beside the object it optimises; the stamp moves only when a profile changed.
            const collect = ruleName('pgo_collect', t.name);
            rules.push({ name: collect, command: [...opts.self, 'pgo', 'collect', trainFile], description: `PROFILE ${t.name}`, restat: true });
            edges.push({ kind: 'action', rule: collect, target: t.name, outs: [train.collected], ins: [], implicitIns: [train.trained], orderOnly: [] });
          }
        }
        if (split) {
          const debug = `${t.output!}.debug`;
          const sub = (el: TemplateElement): Arg => (typeof el === 'string' ? el.replace('{in}', linkOut).replace('{out}', t.output!).replace('{debug}', debug) : el);
          const splitRule = ruleName('split', t.name);
          rules.push({ name: splitRule, command: table.splitDebug.map(sub), description: 'SPLIT {out}' });
          edges.push({ kind: 'link', rule: splitRule, target: t.name, outs: [t.output!, debug], ins: [linkOut], implicitIns: [], orderOnly: [] });
        }
        aliases.push({ name: t.name, outputs: [...t.outputs] });
        break;
      }
      case 'dependency': {
        const d = opts.dependencies?.get(t.name);
        const r = t.dependency!.resolution;
        if (d === undefined || r.source !== 'source') {
          aliases.push({ name: t.name, outputs: [] });
          break;
        }
        if (d.installed === true) {
          // Its files are inputs like sources: a restore edge would be new to ninja and run once to copy nothing.
          aliases.push({ name: t.name, outputs: [...t.outputs] });
          break;
        }
        const planned = planDependency(t, {
          root: graph.model.root,
          outDir: graph.outDir,
          self: opts.self,
          cached: d.cached,
          plan: {
            name: t.name,
            version: r.recipe.version,
            key: d.key,
            build: r.recipe.build,
            ...(d.archive === undefined ? {} : { archive: d.archive }),
            strip: r.recipe.source.strip ?? 1,
            ...(r.recipe.source.treeSha256 === undefined ? {} : { treeSha256: r.recipe.source.treeSha256 }),
            cacheEntry: d.cacheEntry,
            // The same construction as the cache key's (lib/cli/main.ts keyOf).
            ...dependencyBuild(profile, table, t.dependency!.inherit, opts.toolchain, opts.cross),
            jobs: opts.jobs ?? 2,
          },
        });
        rules.push(...planned.rules);
        edges.push(...planned.edges);
        files.set(planned.planFile[0], planned.planFile[1]);
        aliases.push({ name: t.name, outputs: [...t.outputs] });
        break;
      }
      case 'action': {
        const a = t.action!;
        const name = ruleName('action', t.name);
        const command = a.command.flatMap((arg) => actionArg(arg, t, graph));
        rules.push({ name, command, description: a.description ?? `GEN ${t.outputs.join(' ')}` });
        edges.push({ kind: 'action', rule: name, target: t.name, outs: [...t.outputs], ins: [], implicitIns: [...a.inputs, ...a.needs], orderOnly: [] });
        aliases.push({ name: t.name, outputs: [...t.outputs] });
        break;
      }
    }
  }

  aliases.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const defaults = graph.targets.filter((t) => t.isDefault).flatMap((t) => (t.kind === 'object_set' ? (objectsOf.get(t.name) ?? []) : t.outputs));
  // `ninja install` and `ninja test`: always-run edges (their outputs never exist) in the console pool, after what
  // they need; the manifests they read are written at generation time.
  const install = installManifest(graph, opts.installDirs ?? defaultInstallDirs);
  const installFile = `${graph.outDir}/install.json`;
  files.set(installFile, `${JSON.stringify(install, null, 2)}\n`);
  rules.push({ name: 'pogogen_install', command: [...opts.self, 'install-files', installFile], description: 'INSTALL', pool: 'console' });
  edges.push({ kind: 'action', rule: 'pogogen_install', target: 'install', outs: ['install'], ins: [], implicitIns: [installFile, ...install.needs], orderOnly: [], always: true });
  const tests = testManifest(graph);
  if (tests.tests.length > 0) {
    const testFile = `${graph.outDir}/tests.json`;
    files.set(testFile, `${JSON.stringify(tests, null, 2)}\n`);
    rules.push({ name: 'pogogen_test', command: [...opts.self, 'test', '--no-build', ...(opts.profileArgs ?? [])], description: 'TEST', pool: 'console' });
    edges.push({ kind: 'action', rule: 'pogogen_test', target: 'test', outs: ['test'], ins: [], implicitIns: [testFile, ...tests.needs], orderOnly: [], always: true });
    if (profile.coverage) {
      // `ninja coverage`: the tests, then gcovr's text and HTML summary.
      rules.push({ name: 'pogogen_coverage', command: [...opts.self, 'test', '--no-build', '--coverage', ...(opts.profileArgs ?? [])], description: 'COVERAGE', pool: 'console' });
      edges.push({ kind: 'action', rule: 'pogogen_coverage', target: 'coverage', outs: ['coverage'], ins: [], implicitIns: [testFile, ...tests.needs], orderOnly: [], always: true });
    }
  }

  // Without a jobserver, nested dependency builds each get `jobs` and run one at a time beside ninja's own jobs;
  // configure steps are mostly serial shell work and may overlap each other.
  const jobs = opts.jobs ?? 2;
  const pools = edges.some((e) => e.kind === 'dependency') ? [{ name: 'dep_build', depth: 1 }, { name: 'dep_configure', depth: Math.max(1, jobs) }] : [];
  if (rules.some((r) => r.pool === 'remote')) {
    // Remote compiles wait on the network, not on local cores; links and archives stay local.
    pools.push({ name: 'remote', depth: Math.max(4, jobs * 4) });
  }
  if (rules.some((r) => r.pool === 'lto_link')) {
    // About 2 GiB per parallel LTO link (gcc's WPA on a large program), never more links than cores.
    const byMemory = Math.floor((opts.memoryBytes ?? 8 * 2 ** 30) / (2 * 2 ** 30));
    pools.push({ name: 'lto_link', depth: Math.max(1, Math.min(jobs, byMemory)) });
  }
  return { root: graph.model.root, outDir: graph.outDir, rules, edges, aliases, defaults, regen: opts.regen, pools, files };
}

/** A path as a command argument: `-lead.c` would read as an option, `./-lead.c` cannot. */
function argPath(p: string): string {
  return p.startsWith('-') ? `./${p}` : p;
}

/** The compile flags a profile adds to every compile of the project (explain traces them back to the profile). */
export function profileCompileFlags(profile: Graph['model']['profile'], table: RuleTable, root: string): string[] {
  return [
    ...profile.cflags,
    ...(profile.march === undefined ? [] : [table.flags.march(profile.march)]),
    ...(profile.mtune === undefined ? [] : [table.flags.mtune(profile.mtune)]),
    // Split debug info needs debug info to split, whatever the profile's own flags say.
    ...(profile.splitDebug && !profile.cflags.some((f) => /^-g(?!0)/.test(f)) ? table.flags.debug : []),
    // Paths in debug info and __FILE__ become relative to the project, so checkouts build identical files.
    ...(profile.reproducible ? [table.flags.filePrefixMap(root, '.')] : []),
    ...profile.defines.map(table.flags.define),
    ...table.flags.sanitize(profile.sanitize).compile,
    ...(profile.lto ? table.flags.lto.compile : []),
    ...(profile.coverage ? table.flags.coverage.compile : []),
  ];
}

/** An empty list shared by edges that have no such inputs (frozen: edges are never changed after planning). */
const none: readonly string[] = Object.freeze([]);

/** Object file name for a source: `src/a.c` → `src/a.c`; `..` and absolute paths stay inside obj/. */
function objectName(src: string): string {
  // Most sources have neither `..` nor empty segments: the name is the path itself.
  if (src !== '' && !src.includes('..') && !src.includes('//') && !src.startsWith('/') && !src.endsWith('/')) return src;
  return src
    .split('/')
    .map((seg) => (seg === '..' ? '__' : seg === '' ? '_' : seg))
    .join('/');
}

/** Fills a template's list placeholders; `{in}`, `{out}` and `{depfile}` stay for the backends. */
function fill(template: readonly TemplateElement[], vars: Readonly<Record<string, readonly string[]>>): Arg[] {
  const out: Arg[] = [];
  for (const el of template) {
    const m = typeof el === 'string' ? /^\{(\w+)\}$/.exec(el) : null;
    const v = m === null ? undefined : vars[m[1]!];
    if (v !== undefined) out.push(...v);
    else out.push(el);
  }
  return out;
}

/** An action argument with `{in}`, `{out}`, `{out:N}`, `{gen}`, `{outdir}` and `{root}` replaced. */
function actionArg(arg: string, t: GraphTarget, graph: Graph): string[] {
  const a = t.action!;
  if (arg === '{in}') return [...a.inputs];
  if (arg === '{out}') return [...t.outputs];
  return [
    arg.replace(/\{(out:\d+|gen|outdir|root)\}/g, (whole, key: string) => {
      if (key === 'gen') return graph.genDir;
      if (key === 'outdir') return graph.outDir;
      if (key === 'root') return graph.model.root;
      return t.outputs[Number(key.slice(4))] ?? whole;
    }),
  ];
}

export type { RuleTable };
