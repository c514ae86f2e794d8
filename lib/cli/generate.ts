// A generation: load → validate → dependencies → resolve → plan → backends → files, as a short sequence of stages.
// Each stage is a function of what the earlier ones produced and of the run's environment value (never process.env).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDescription, type Loaded } from '../load/load.ts';
import type { Platform } from '../model/api.ts';
import { DiagnosticsError } from '../model/diagnostics.ts';
import { validate, type Model } from '../model/validate.ts';
import { resolve } from '../resolve/resolve.ts';
import { listDirs, listSources } from '../resolve/files.ts';
import type { Graph } from '../resolve/graph.ts';
import { plan } from '../plan/plan.ts';
import { dependencyBuild } from '../plan/deps.ts';
import type { PlanOptions } from '../plan/context.ts';
import { defaultInstallDirs } from '../plan/install.ts';
import type { Steps } from '../plan/steps.ts';
import { buildBackends, compdbBackend } from '../backends/index.ts';
import type { BackendFile, BackendTarget } from '../backends/backend.ts';
import { dependencyKey } from '../deps/key.ts';
import { defaultCacheDir, holdsInstall } from '../deps/built.ts';
import { formatLock, lockOf } from '../deps/lock.ts';
import { selectDependencies, type Selected } from '../deps/select.ts';
import { attemptKey, formatFailures, parseFailures } from '../deps/failures.ts';
import { pkgConfig } from '../deps/system.ts';
import { localTrees, type LocalTree } from '../deps/local.ts';
import { localSourceOf } from '../model/sources.ts';
import { ruleTables } from '../../rules/index.ts';
import { chooseLauncher, chooseLinker } from '../../rules/tools.ts';
import { toolchainFromSpec, type CrossToolchain } from '../../rules/toolchains.ts';
import { insightCommands, type CliArgs } from './args.ts';
import { splitWords } from '../backends/shell.ts';
import { probeCompiler, which, type ProbedToolchain } from './probe.ts';
import { holds, writeIfChanged, writeTouch } from './write.ts';
import { outputPaths } from './build.ts';
import { lastGenerationFile } from './state.ts';
import { loadTimeout } from './guard.ts';
import { checkOwned, refusals, rememberWritten } from './owned.ts';
import { forget, plainGeneration, record } from './fastpath.ts';
import { fetchArchive, fetchOptions, pinOf } from './fetching.ts';
import { relTo, verboseLog, type Cli, type Env } from './context.ts';
import type { Generated } from './insight.ts';

/** The description loaded and validated, with the compiler it is built with. */
interface Described {
  readonly root: string;
  readonly loaded: Loaded;
  readonly model: Model;
  readonly toolchain: ProbedToolchain;
  readonly cross: CrossToolchain | undefined;
  /** The source directories' listing, read while the description was validated. */
  readonly listing: ReturnType<typeof listDirs>;
  readonly log: (line: string) => void;
}

/** What generating wrote, beyond what the insight commands look at. */
export interface Generation extends Generated {
  readonly buildFile: string;
  readonly written: readonly string[];
}

/** Generates the build files for `args`; the caller prints or acts on the result. */
export async function generate(args: CliArgs, cli: Cli): Promise<Generation> {
  const root = path.resolve(args.dir);
  // A failed or partial run must not leave a record claiming everything is up to date.
  forget(root);
  // Files outside out/ are overwritten only when pogogen wrote them: checked before anything is fetched or written.
  const { buildFile, compdb } = outputPaths(args, root);
  const owned = checkOwned(root, [
    { rel: buildFile, by: 'header' },
    { rel: compdb, by: 'record' },
  ]);
  if (owned.foreign.length > 0) throw new DiagnosticsError(refusals(owned.foreign, { buildFile, compdb, backend: args.backend }));

  const d = await describe(args, cli, root);
  const deps = await dependencies(args, cli, d);
  const graph = resolve(d.model, { dependencies: deps.selected.resolutions, sources: listSources(d.model, await d.listing), ...(d.cross === undefined ? {} : { variant: d.cross.triple }) });
  d.log('resolved');
  const installed = installedAlready(root, graph, deps.selected, d.log);
  const tools = buildTools(args, cli.env, d);
  const recorded = recordedEnv(cli.env, deps.cacheDir, deps.remoteUrl);
  // A vendored tree a recipe builds from is read like the description: an edit there regenerates (a new tree hash).
  const localFiles = [...deps.local.values()].flatMap((l) => l.files);
  const localDirs = [...deps.local.values()].flatMap((l) => l.dirs);
  const regenFiles = [...d.loaded.files.map((f) => relTo(root, f)), ...installed.files, ...localFiles].sort();
  const steps = plan(graph, {
    toolchain: planToolchain(d),
    ...(d.cross === undefined ? {} : { cross: { triple: d.cross.triple, cmakeProcessor: d.cross.cmakeProcessor, ranlib: d.cross.ranlib, strip: d.cross.strip, ...(d.cross.opensslTarget === undefined ? {} : { opensslTarget: d.cross.opensslTarget }) } }),
    launcher: tools.launcher,
    ...(tools.linker === undefined ? {} : { linker: tools.linker }),
    env: { cppflags: splitWords(cli.env.CPPFLAGS), cflags: splitWords(cli.env.CFLAGS), ldflags: splitWords(cli.env.LDFLAGS) },
    regen: { argv: regenArgv(args, cli, d.model, recorded, tools, { buildFile, compdb }), buildFile, depfile: 'out/.pogogen/build.ninja.d', files: regenFiles, dirs: [...graph.watchedDirs, ...localDirs].sort() },
    self: cli.rt.self,
    dependencies: installed.builds,
    jobs: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    installDirs: { ...defaultInstallDirs, ...args.installDirs },
    profileArgs: ['--profile', d.model.profile.name, ...(args.toolchain === undefined ? [] : [`--toolchain=${args.toolchain}`])],
  });
  d.log(`planned ${steps.edges.length} edge(s)`);

  const out = outputFiles(args, root, graph, steps, { buildFile, compdb }, owned.unsure);
  const files = [...out.plan, ...(deps.lockText === undefined ? [] : [[deps.lockFile, deps.lockText] as FileOut]), ...out.backend, ...out.compdb];
  // What this machine chose for each dependency: reported here, not in the lock.
  files.push([path.join(root, graph.outDir, 'dependencies.json'), `${JSON.stringify(Object.fromEntries([...deps.selected.resolved].sort(([a], [b]) => (a < b ? -1 : 1))), null, 2)}\n`]);
  files.push([lastGenerationFile(root), `${JSON.stringify(lastGeneration(args, d.model, graph, tools, recorded, { buildFile, compdb }))}\n`]);
  if (deps.failed.size > 0) files.push([deps.failuresFile, formatFailures(deps.failed)]);
  else fs.rmSync(deps.failuresFile, { force: true });
  // What the description scheduled (a timer's throw, a Promise rejected in its targets function) has happened by
  // now, and nothing can happen between this check and the last file written.
  await cli.guard.settle();
  const written = files.filter(([f, text]) => writeIfChanged(f, text)).map(([f]) => relTo(root, f));
  rememberWritten(root, [compdb]);
  const stamp = buildBackends[args.backend].stamp;
  if (stamp !== undefined) {
    // The stamp says "the build file reflects its inputs as of now", so make does not re-run pogogen needlessly.
    if (written.includes(buildFile) || !fs.existsSync(path.join(root, stamp))) writeTouch(path.join(root, stamp));
  }
  d.log(written.length === 0 ? 'all files up to date' : `wrote ${written.join(', ')}`);
  if (args.command === 'generate' && plainGeneration(cli.argv) === root) {
    rememberInputs(cli, root, d, deps.selected, { files: [...installed.files, ...localFiles], dirs: localDirs }, graph, files.map(([f]) => f), deps.lockFile);
  }
  return { root, model: d.model, graph, steps, toolchain: d.toolchain, env: cli.env, buildFile, written };
}

/** Loads build.pogo.ts while the compiler is probed, then validates it for the profile. */
async function describe(args: CliArgs, cli: Cli, root: string): Promise<Described> {
  const log = verboseLog(args, cli.io);
  const file = path.join(root, 'build.pogo.ts');
  const stateDir = path.join(root, 'out', '.pogogen');
  const cross = crossToolchain(args);
  const ccEnv = cli.env.CC;
  // CC wins (a wrapper, another version); otherwise the cross toolchain's compiler, else cc.
  const cc = ccEnv !== undefined && ccEnv.trim() !== '' ? splitWords(ccEnv) : cross !== undefined ? [...cross.cc] : ['cc'];
  // esbuild (when the description changed) runs while the compiler is probed: two processes, two cores.
  const loading = loadDescription(file, { cacheDir: path.join(stateDir, 'load'), apiEntry: cli.rt.apiEntry, timeoutMs: loadTimeout(cli.env), onRun: (frameOf) => cli.guard.watch(frameOf) });
  loading.catch(() => {}); // awaited below, after the probe, whose error comes first
  const toolchain = probeCompiler(cc, path.join(defaultCacheDir(cli.env), 'toolchains'), log, cli.env.PATH ?? '');
  log(`compiler: ${toolchain.family} ${toolchain.version} (${toolchain.cc.join(' ')})`);

  const loaded = await loading;
  log(`${loaded.cached ? 'loaded from the cache' : 'bundled with esbuild'}: ${loaded.files.map((f) => relTo(root, f)).join(', ')}`);
  // The source directories are read on the thread pool while the description is validated.
  const listing = listDirs(root, loaded.value);
  const texts = new Map(loaded.files.map((f) => [f, fs.readFileSync(f, 'utf8')]));
  const model = validate(loaded.value, { root, src: { main: file, texts, frameOf: loaded.frameOf }, profile: args.profile, defines: args.defines, toolchain, platform: process.platform as Platform });
  log(`validated ${model.targets.length} target(s), profile ${model.profile.name}`);
  if (cross !== undefined && model.profile.march === 'native') {
    throw new DiagnosticsError([{ file: '<command line>', path: '--toolchain', message: `profile ${model.profile.name} builds with -march=native, which means this machine's CPU, not the ${cross.triple} target`, help: `use a profile without march: 'native', or name the target CPU (march: 'armv8.2-a')` }]);
  }
  if (model.profile.march === 'native') cli.io.err(`pogogen: warning: profile ${model.profile.name} builds for this machine's CPU only (-march=native), into out/${model.profile.name}.native/: do not ship it\n`);
  return { root, loaded, model, toolchain, cross, listing, log };
}

const planToolchain = (d: Described): PlanOptions['toolchain'] => (d.cross === undefined ? d.toolchain : { ...d.toolchain, ar: d.cross.ar, ltoAr: d.cross.ltoAr });

/** `pogogen fetch`: every recipe's archive into the download cache, nothing generated. */
export async function fetchCommand(args: CliArgs, cli: Cli): Promise<number> {
  const root = path.resolve(args.dir);
  forget(root);
  const { model, log } = await describe(args, cli, root);
  const opts = await fetchOptions(args, cli, log);
  let n = 0;
  for (const t of model.targets) {
    if (t.kind !== 'dependency' || t.recipe === undefined) continue;
    const local = localSourceOf(t.recipe);
    if (local !== undefined) {
      cli.io.out(`${t.name}: nothing to fetch, built from the project's ${local.path} (${t.recipe.name} ${t.recipe.version})\n`);
      continue;
    }
    const r = await fetchArchive(pinOf(t), opts);
    cli.io.out(`${t.name}: ${r.fromCache ? 'cached' : `downloaded from ${r.url}`} (${t.recipe.name} ${t.recipe.version})\n`);
    n++;
  }
  cli.io.out(`pogogen: ${n} archive${n === 1 ? '' : 's'} in ${path.join(opts.cacheDir, 'archives')}\n`);
  return 0;
}

interface Dependencies {
  readonly cacheDir: string;
  /** POGOGEN_REMOTE_CACHE, checked (no credential in it), when set. */
  readonly remoteUrl: string | undefined;
  readonly selected: Selected;
  /** The vendored trees local recipe sources name, by dependency target name. */
  readonly local: ReadonlyMap<string, LocalTree>;
  readonly lockFile: string;
  readonly lockText: string | undefined;
  readonly failuresFile: string;
  readonly failed: ReadonlyMap<string, { attempt: string; message: string }>;
}

/** Dependencies: system or source, cached or to build; fetched now so the build itself needs no network. */
async function dependencies(args: CliArgs, cli: Cli, d: Described): Promise<Dependencies> {
  const { root, model, toolchain, cross, log } = d;
  const env = cli.env;
  const stateDir = path.join(root, 'out', '.pogogen');
  if (cross !== undefined) {
    // The host's .pc files describe host libraries: a cross build looks only in the target's directory, and
    // without one finds no system package (features fall back to source or to missing).
    env.PKG_CONFIG_LIBDIR = cross.pkgConfigLibdir !== undefined && fs.existsSync(cross.pkgConfigLibdir) ? cross.pkgConfigLibdir : path.join(stateDir, 'no-pkgconfig');
    env.PKG_CONFIG_PATH = '';
  }
  const fetchOpts = await fetchOptions(args, cli, log);
  // Failed downloads of optional dependencies are remembered for the same pin and mirrors; a generation that does
  // not try (offline, found elsewhere) forgets them.
  const failuresFile = path.join(stateDir, 'failed-downloads.json');
  const failedBefore = parseFailures(fs.existsSync(failuresFile) ? fs.readFileSync(failuresFile, 'utf8') : undefined);
  // pogogen.lock pins the sources of the description's recipes and nothing this machine decides (lib/deps/lock.ts):
  // it follows from the description alone, so --frozen can fail before anything is fetched.
  const local = await localTrees(model);
  if (local.diagnostics.length > 0) throw new DiagnosticsError([...local.diagnostics]);
  const lockFile = path.join(root, 'pogogen.lock');
  const oldLock = fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : undefined;
  const lock = lockOf(model, new Map([...local.trees].map(([name, l]) => [name, l.treeHash])));
  const lockText = Object.keys(lock.dependencies).length > 0 || oldLock !== undefined ? formatLock(lock) : undefined;
  if (args.frozen && lockText !== undefined && lockText !== oldLock) {
    throw new DiagnosticsError([{ file: 'pogogen.lock', path: '', message: oldLock === undefined ? 'there is no pogogen.lock and --frozen forbids writing one' : 'pogogen.lock would change and --frozen forbids it', help: 'run pogogen without --frozen and commit pogogen.lock' }]);
  }
  const table = ruleTables[toolchain.family];
  const attempt = (pin: { urls: readonly string[]; sha256: string }): string => attemptKey(pin, fetchOpts.mirrors, env);
  const selected = await selectDependencies(model, {
    cacheDir: fetchOpts.cacheDir,
    offline: args.offline,
    local: local.trees,
    log,
    probe: (name) => pkgConfig(name, log, env),
    failedBefore: (t) => {
      const f = failedBefore.get(t.name);
      return f !== undefined && f.attempt === attempt(pinOf(t)) ? f.message : undefined;
    },
    keyOf: (t) => {
      // The same construction as the plan's (dependencyBuild), so the key names exactly the build it stands for.
      const build = dependencyBuild(model.profile, table, t.inherit, planToolchain(d), cross);
      return dependencyKey({ recipe: t.recipe!, compiler: { family: toolchain.family, version: toolchain.version }, ...build, platform: process.platform, arch: cross?.triple ?? process.arch, sourceTree: local.trees.get(t.name)?.treeHash });
    },
    fetch: async (t) => (await fetchArchive(pinOf(t), fetchOpts)).path,
    fetchBuilt: async (t, key, entry) => (await (await fetchOpts.remoteCache())?.fetchBuilt(key, entry, `${t.recipe!.name} ${t.recipe!.version}`)) === true,
    hasArchive: async (t) => {
      try {
        await fetchArchive(pinOf(t), { ...fetchOpts, offline: true });
        return true;
      } catch {
        return false;
      }
    },
  });
  if (selected.diagnostics.length > 0) throw new DiagnosticsError(selected.diagnostics);
  // On stdout for a plain generation; the insight commands keep stdout for their own (maybe --json) output.
  // (and say it only with --verbose: explain and desc are about the build, not about where dependencies came from).
  const sayDeps = args.command === 'generate' ? cli.io.out : insightCommands.has(args.command) && !args.verbose ? undefined : cli.io.err;
  if (sayDeps !== undefined) for (const line of selected.report) sayDeps(`pogogen: ${line}\n`);
  const failed = new Map([...selected.failedDownloads].map(([name, f]) => [name, { attempt: attempt(f), message: f.message }]));
  return { cacheDir: fetchOpts.cacheDir, remoteUrl: fetchOpts.remoteUrl, selected, local: local.trees, lockFile, lockText, failuresFile, failed };
}

/**
 * A cached dependency whose install out/ already holds for this key (after a cold build, or a restore) needs no
 * step: a restore edge would be new to ninja and run once to copy nothing. Its files are read like the
 * description's instead, so deleting one regenerates, with a restore.
 */
function installedAlready(root: string, graph: Graph, selected: Selected, log: (line: string) => void): { builds: Map<string, Selected['builds'] extends Map<string, infer B> ? B & { installed?: boolean } : never>; files: string[] } {
  const files: string[] = [];
  const builds = new Map(
    [...selected.builds].map(([name, b]) => {
      const info = graph.targets.find((t) => t.name === name)?.dependency;
      if (!b.cached || info?.stamp === undefined) return [name, b];
      const own = [info.stamp, ...(info.headersStamp === undefined ? [] : [info.headersStamp]), ...info.libFiles];
      if (!holdsInstall(path.resolve(root, info.stamp), b.key, own.map((f) => path.resolve(root, f)))) return [name, b];
      log(`dependency ${name}: ${info.installDir} holds its install already`);
      files.push(...own);
      return [name, { ...b, installed: true }];
    }),
  );
  return { builds, files };
}

/**
 * The environment the regeneration command records, so `ninja` re-running pogogen after an edit keeps CC and the
 * flags even from a shell where they are not set. The same for where dependencies come from: another cache means
 * re-extracting and rebuilding every dependency, other mirrors other downloads. The cache is recorded as the
 * directory it resolved to (a relative POGOGEN_CACHE, or one chosen by XDG_CACHE_HOME, would mean another directory
 * from ninja's working directory or another shell).
 */
function recordedEnv(env: Env, cacheDir: string, remoteUrl: string | undefined): string[] {
  const nonEmpty = (v: string | undefined): boolean => v !== undefined && v !== '';
  return [
    ...(['CC', 'CPPFLAGS', 'CFLAGS', 'LDFLAGS'] as const).filter((k) => env[k] !== undefined).map((k) => `${k}=${env[k]}`),
    ...(nonEmpty(env.POGOGEN_CACHE) || nonEmpty(env.XDG_CACHE_HOME) ? [`POGOGEN_CACHE=${path.resolve(cacheDir)}`] : []),
    // The download limits decide whether an archive is taken, like the mirrors where from. The proxy settings are
    // not recorded: they belong to the network the shell is on, and a proxy URL may hold a password.
    ...(['POGOGEN_MIRRORS', 'POGOGEN_MAX_DOWNLOAD', 'POGOGEN_DOWNLOAD_DEADLINE'] as const).filter((k) => env[k] !== undefined).map((k) => `${k}=${env[k]}`),
    // So is the remote cache's URL (checked to hold no credential), never its token: a credential stays in the
    // environment of whoever runs the build.
    ...(remoteUrl === undefined ? [] : [`POGOGEN_REMOTE_CACHE=${remoteUrl}`]),
  ];
}

interface Tools {
  readonly launcher: string[];
  readonly linker: string | undefined;
}

/** The compiler launcher (ccache unless turned off; an explicit one wins) and the linker (rules/tools.ts). */
function buildTools(args: CliArgs, env: Env, d: Described): Tools {
  const onPath = (tool: string): boolean => which(tool, env.PATH ?? '') !== undefined;
  const spec = args.launcher ?? env.POGOGEN_LAUNCHER;
  const launcher = chooseLauncher(spec === 'none' ? 'none' : spec !== undefined && spec !== '' ? splitWords(spec) : undefined, onPath);
  if (launcher.length > 0) d.log(`compiler launcher: ${launcher.join(' ')}`);
  const linker = chooseLinker(env.POGOGEN_LINKER, { cross: d.cross !== undefined, lto: d.model.profile.lto, family: d.toolchain.family }, onPath);
  if (linker !== undefined) d.log(`linker: ${linker}`);
  return { launcher, linker };
}

/** The command ninja (or make) re-runs pogogen with: the recorded environment, the decisions and the options. */
function regenArgv(args: CliArgs, cli: Cli, model: Model, recorded: readonly string[], tools: Tools, out: { buildFile: string; compdb: string }): string[] {
  const sorted = (o: Readonly<Record<string, string>>): [string, string][] => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1));
  return [
    'env',
    ...recorded,
    // The launcher and linker decisions are recorded, so a regeneration from another shell keeps them.
    `POGOGEN_LINKER=${tools.linker ?? 'default'}`,
    ...cli.rt.self,
    ...(args.backend === 'make' ? ['--backend', 'make'] : []),
    ...(args.buildFile === undefined ? [] : [`--build-file=${out.buildFile}`]),
    ...(args.compdb === undefined ? [] : [`--compdb=${out.compdb}`]),
    `--launcher=${tools.launcher.length > 0 ? tools.launcher.join(' ') : 'none'}`,
    ...(args.toolchain === undefined ? [] : [`--toolchain=${args.toolchain}`]),
    '--profile',
    model.profile.name,
    ...sorted(args.installDirs).map(([k, v]) => `--${k}=${v}`),
    ...sorted(args.defines).map(([k, v]) => `-D${k}=${v}`),
  ];
}

type FileOut = [string, string | Iterable<string>];

/** The plan's own files, then the backend's and compile_commands.json, all absolute; refusals end the run here. */
function outputFiles(args: CliArgs, root: string, graph: Graph, steps: Steps, out: { buildFile: string; compdb: string }, unsureOwned: readonly string[]): { plan: FileOut[]; backend: FileOut[]; compdb: FileOut[] } {
  const where: BackendTarget['where'] = (name) => graph.targets.find((t) => t.name === name)?.where() ?? { file: 'build.pogo.ts' };
  const backend = buildBackends[args.backend];
  const bad = backend.refuses(steps, { file: out.buildFile, where });
  if (bad.length > 0) throw new DiagnosticsError(bad);
  const abs = (files: readonly BackendFile[]): FileOut[] => files.map(([f, text]) => [path.join(root, f), text]);
  const compdbFiles = abs(compdbBackend.files(steps, { file: out.compdb, where }));
  // A compile_commands.json neither as recorded nor laid out as pogogen writes it (an empty "[]") is pogogen's to
  // rewrite only if it already holds what pogogen writes now: then nothing changes in it anyway.
  const compdbText = compdbFiles[0]![1];
  const unsure = unsureOwned.filter((rel) => !holds(path.join(root, rel), compdbText));
  if (unsure.length > 0) throw new DiagnosticsError(refusals(unsure, { buildFile: out.buildFile, compdb: out.compdb, backend: args.backend }));
  return { plan: abs([...steps.files].sort(([a], [b]) => (a < b ? -1 : 1))), backend: abs(backend.files(steps, { file: out.buildFile, where })), compdb: compdbFiles };
}

/** out/.pogogen/last-generation.json: what report, explain, desc, docker, targets and build follow (lib/cli/state.ts). */
function lastGeneration(args: CliArgs, model: Model, graph: Graph, tools: Tools, recorded: readonly string[], out: { buildFile: string; compdb: string }): object {
  return {
    ...(args.offline ? { offline: true } : {}),
    ...(args.buildFile === undefined ? {} : { buildFile: out.buildFile }),
    ...(args.compdb === undefined ? {} : { compdb: out.compdb }),
    ...(args.toolchain === undefined ? {} : { toolchain: args.toolchain }),
    profile: model.profile.name,
    outDir: graph.outDir,
    backend: args.backend,
    launcher: tools.launcher.length > 0 ? tools.launcher.join(' ') : 'none',
    linker: tools.linker ?? 'default',
    defines: args.defines,
    installDirs: args.installDirs,
    env: Object.fromEntries(recorded.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
  };
}

/** The fast path's record: what an unchanged re-run must find unchanged to answer without loading anything. */
function rememberInputs(cli: Cli, root: string, d: Described, selected: Selected, project: { files: readonly string[]; dirs: readonly string[] }, graph: Graph, outputs: readonly string[], lockFile: string): void {
  const cc = which(d.toolchain.cc[0]!, cli.env.PATH ?? '');
  // The dependency cache is read too: a built entry or an archive that disappears means generating again.
  const depFiles = [...selected.builds.values()].flatMap((b) => (b.cached ? [path.join(b.cacheEntry, 'manifest.json')] : b.archive === undefined ? [] : [b.archive]));
  // So are the installs in out/ that were planned without a step (one deleted must be restored), and the files and
  // directories of vendored trees that recipes build from (an edit, or a file added, means a new tree hash).
  depFiles.push(...project.files.map((f) => path.resolve(root, f)));
  const read = { files: [...d.loaded.files, lockFile, ...(cc === undefined ? [] : [cc]), ...depFiles], dirs: [...graph.watchedDirs, ...project.dirs].map((dir) => path.resolve(root, dir)) };
  record(root, cli.argv, cli.rt.version, cli.rt.self[cli.rt.self.length - 1]!, read, outputs, cli.env);
}

/** The cross toolchain `--toolchain` names, or undefined; a bad name or file is a diagnostic. */
export function crossToolchain(args: CliArgs): CrossToolchain | undefined {
  if (args.toolchain === undefined) return undefined;
  const t = toolchainFromSpec(args.toolchain, (f) => fs.readFileSync(f, 'utf8'));
  if (typeof t === 'string') throw new DiagnosticsError([{ file: '<command line>', path: '--toolchain', message: t }]);
  return t;
}
