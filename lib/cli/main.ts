// The pogogen command: load → validate → resolve → plan → write, with every error printed once here and turned
// into an exit code; the only module that touches process exit codes and the terminal.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { LoadError, loadDescription } from '../load/load.ts';
import type { Platform } from '../model/api.ts';
import { DiagnosticsError, formatDiagnostic, thrownText, type Diagnostic } from '../model/diagnostics.ts';
import { placeText, validate } from '../model/validate.ts';
import { resolve } from '../resolve/resolve.ts';
import { listDirs } from '../resolve/files.ts';
import { plan } from '../plan/plan.ts';
import { writeNinja } from '../backends/ninja/write.ts';
import { writeCompdb } from '../backends/compdb/write.ts';
import { checkMakePaths, makeStamp, writeMake } from '../backends/make/write.ts';
import { helpText, insightCommands, parseArgs, splitWords, UsageError, type CliArgs } from './args.ts';
import { probeCompiler, ProbeError, which } from './probe.ts';
import { holds, writeIfChanged, writeTouch } from './write.ts';
import { build, outputPaths } from './build.ts';
import { lastGenerationFile, readLastGeneration } from './state.ts';
import { Guard, loadTimeout, stackOf } from './guard.ts';
import { checkOwned, refusals, rememberWritten } from './owned.ts';
import os from 'node:os';
import { ruleTables } from '../../rules/index.ts';
import type { RecipeInput } from '../model/schema.ts';
import { dependencyBuild, type DependencyBuildPlan } from '../plan/deps.ts';
import { dependencyKey } from '../deps/key.ts';
import { defaultCacheDir, holdsInstall } from '../deps/built.ts';
import { progressBar } from '../deps/progress.ts';
import { defaultInstallDirs, type InstallManifest, type TestManifest } from '../plan/install.ts';
import { forget, plainGeneration, record } from './fastpath.ts';
import { formatLock, lockOf } from '../deps/lock.ts';
import { selectDependencies } from '../deps/select.ts';
import { attemptKey, formatFailures, parseFailures } from '../deps/failures.ts';
import type { Phase } from '../deps/steps.ts';
import type { Io } from './insight.ts';
import { loadToolchain, type CrossToolchain } from '../../rules/toolchains.ts';

export interface Runtime {
  /** The pogogen package's version. */
  readonly version: string;
  /** Absolute path of the module `import 'pogogen'` resolves to inside descriptions. */
  readonly apiEntry: string;
  /** The command that re-runs pogogen (for the regeneration edge), e.g. [node, .../dist/cli.js]. */
  readonly self: readonly string[];
}

/** The command line as given, for the fast-path record. */
let rawArgv: readonly string[] = [];
/** Catches what the description raises outside any call (one per process, like the handlers it installs). */
let guard: Guard;

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };
// `pogogen desc app | head`: a closed pipe ends the output quietly, as for any Unix tool.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

/** Runs pogogen with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], rt: Runtime, io: Io = stdio): Promise<number> {
  rawArgv = argv;
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`pogogen: ${err.message}\nRun "pogogen ${err.command === undefined || err.command === 'generate' ? '' : `${err.command} `}--help" for usage.\n`);
    return 2;
  }
  if (args.command === 'help') {
    io.out(`${helpText(args.helpTopic)}\n`);
    return 0;
  }
  if (args.command === 'version') {
    io.out(`pogogen ${rt.version}\n`);
    return 0;
  }
  // Whatever the description raises where no call can catch it ends the run here, as a diagnostic.
  guard = new Guard(path.resolve(args.dir));
  try {
    return await Promise.race([run(args, rt, io), guard.raised]);
  } catch (err) {
    if (err instanceof DiagnosticsError) {
      printDiagnostics(err.diagnostics, io);
      return 1;
    }
    if (err instanceof LoadError) {
      printDiagnostics([loadDiagnostic(err, path.resolve(args.dir))], io);
      return 1;
    }
    if (err instanceof ProbeError) {
      io.err(`pogogen: error: ${err.message}\n  help: set CC to a gcc or clang compiler, e.g. CC=gcc\n`);
      return 1;
    }
    // thrownText, not err.message: what ends here may come from user code, with a `message` getter that throws.
    if (args.debug) io.err(`${(err instanceof Error ? stackOf(err) : undefined) ?? thrownText(err)}\n`);
    else io.err(`pogogen: internal error: ${thrownText(err)}\n  (run with --debug for a stack trace)\n`);
    return 1;
  } finally {
    guard.stop();
  }
}

function printDiagnostics(diags: readonly Diagnostic[], io: Io): void {
  io.err(`${diags.map(formatDiagnostic).join('\n')}\n`);
  io.err(`pogogen: ${diags.length} error${diags.length === 1 ? '' : 's'}; no file was written\n`);
}

function loadDiagnostic(err: LoadError, root: string): Diagnostic {
  const file = err.file.startsWith(root + '/') ? err.file.slice(root.length + 1) : err.file;
  const caret = err.lineText !== undefined && err.column !== undefined ? `\n    ${err.lineText}\n    ${' '.repeat(Math.max(0, err.column - 1))}^` : '';
  return { file, ...(err.line === undefined ? {} : { line: err.line }), ...(err.column === undefined ? {} : { column: err.column }), path: '', message: `${err.message}${caret}`, ...(err.help === undefined ? {} : { help: err.help }) };
}

async function run(args: CliArgs, rt: Runtime, io: Io): Promise<number> {
  // Times are counted from the process's start, as the fast path's line is: they include Node's own start-up and
  // the loading of the pipeline, which at 1,000 sources are most of a generation.
  const log = (line: string): void => {
    if (args.verbose) io.err(`pogogen: ${line} (${performance.now().toFixed(1)} ms)\n`);
  };
  const root = path.resolve(args.dir);
  const file = path.join(root, 'build.pogo.ts');
  const stateDir = path.join(root, 'out', '.pogogen');
  if (args.command === 'build') return build(args, io, root, (a) => run(a, rt, io));
  // Commands other than generating load their code when used: a plain generation never compiles it.
  if (args.command === 'init') return (await import('./init.ts')).initCommand(args, root, io);
  if ((insightCommands.has(args.command) || args.command === 'targets') && !args.profileGiven) {
    // report, explain, desc, docker and targets look at the build the last generation wrote: its profile, options,
    // launcher, linker and recorded environment, so that generating again here rewrites nothing.
    const g = readLastGeneration(root, (m) => io.err(`pogogen: warning: ${m}\n`));
    if (g !== undefined) {
      if (typeof g.profile === 'string') args = { ...args, profile: g.profile };
      if (g.backend !== undefined) args = { ...args, backend: g.backend };
      if (args.buildFile === undefined && g.buildFile !== undefined) args = { ...args, buildFile: g.buildFile };
      if (args.compdb === undefined && g.compdb !== undefined) args = { ...args, compdb: g.compdb };
      if (args.launcher === undefined && g.launcher !== undefined) args = { ...args, launcher: g.launcher };
      if (args.toolchain === undefined && g.toolchain !== undefined) args = { ...args, toolchain: g.toolchain };
      // An offline generation resolved its dependencies without the network: looking again must not differ.
      if (g.offline === true) args = { ...args, offline: true };
      if (Object.keys(args.defines).length === 0 && g.defines !== undefined) args = { ...args, defines: g.defines };
      if (Object.keys(args.installDirs).length === 0 && g.installDirs !== undefined) args = { ...args, installDirs: g.installDirs };
      if (process.env.POGOGEN_LINKER === undefined && g.linker !== undefined) process.env.POGOGEN_LINKER = g.linker;
      for (const [k, v] of Object.entries(g.env ?? {})) process.env[k] ??= v;
    }
  }
  if (args.command === 'dep-step') return depStep(args, io);
  if (args.command === 'pgo') {
    const [what, file] = args.rest;
    if ((what !== 'train' && what !== 'collect') || file === undefined) {
      io.err('pogogen: pgo needs train|collect and a plan file (run by ninja)\n');
      return 2;
    }
    const pgo = await import('./pgo.ts');
    const problem = what === 'train' ? pgo.train(file) : pgo.collect(file);
    if (problem !== undefined) io.err(`pogogen: error: PGO ${problem}\n`);
    return problem === undefined ? 0 : 1;
  }
  if (args.command === 'install-files') {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(root, args.rest[0] ?? ''), 'utf8')) as InstallManifest;
    (await import('./install.ts')).install(manifest, root, process.env.DESTDIR ?? '', (line) => io.out(`${line}\n`));
    return 0;
  }
  if (args.command === 'install' || args.command === 'test') {
    // Generate first so the manifests match the description, then act on them.
    const gen = await run({ ...args, command: 'generate' }, rt, io);
    if (gen !== 0) return gen;
    const outDir = readLastGeneration(root)?.outDir ?? `out/${args.profile}`;
    if (args.command === 'install') {
      if (args.dryRun) {
        const manifest = JSON.parse(fs.readFileSync(path.join(root, outDir, 'install.json'), 'utf8')) as InstallManifest;
        for (const line of (await import('./install.ts')).describeInstall(manifest, process.env.DESTDIR ?? '')) io.out(`${line}\n`);
        return 0;
      }
      return build({ ...args, command: 'build', rest: ['install'] }, io, root, undefined);
    }
    return testCommand(args, rt, io, root, outDir);
  }

  // A failed or partial run must not leave a record claiming everything is up to date.
  forget(root);
  // Files outside out/ are overwritten only when pogogen wrote them: checked before anything is fetched or written.
  const { buildFile, compdb } = outputPaths(args, root);
  const outputs = [{ rel: buildFile, by: 'header' as const }, { rel: compdb, by: 'record' as const }];
  const owned = checkOwned(root, outputs);
  if (owned.foreign.length > 0) throw new DiagnosticsError(refusals(owned.foreign, { buildFile, compdb, backend: args.backend }));
  const cross = crossToolchain(args);
  const ccEnv = process.env.CC;
  // CC wins (a wrapper, another version); otherwise the cross toolchain's compiler, else cc.
  const cc = ccEnv !== undefined && ccEnv.trim() !== '' ? splitWords(ccEnv) : cross !== undefined ? [...cross.cc] : ['cc'];
  // esbuild (when the description changed) runs while the compiler is probed: two processes, two cores.
  const loading = loadDescription(file, { cacheDir: path.join(stateDir, 'load'), apiEntry: rt.apiEntry, timeoutMs: loadTimeout(process.env), onRun: (frameOf) => guard.watch(frameOf) });
  loading.catch(() => {}); // awaited below, after the probe, whose error comes first
  const toolchain = probeCompiler(cc, path.join(defaultCacheDir(), 'toolchains'), log);
  log(`compiler: ${toolchain.family} ${toolchain.version} (${toolchain.cc.join(' ')})`);

  const loaded = await loading;
  log(`${loaded.cached ? 'loaded from the cache' : 'bundled with esbuild'}: ${loaded.files.map((f) => relTo(root, f)).join(', ')}`);
  // The source directories are read on the thread pool while the description is validated.
  const listing = listDirs(root, loaded.value);
  const texts = new Map(loaded.files.map((f) => [f, fs.readFileSync(f, 'utf8')]));
  const model = validate(loaded.value, {
    root,
    src: { main: file, texts, frameOf: loaded.frameOf },
    profile: args.profile,
    defines: args.defines,
    toolchain,
    platform: process.platform as Platform,
  });
  log(`validated ${model.targets.length} target(s), profile ${model.profile.name}`);
  if (cross !== undefined && model.profile.march === 'native') {
    throw new DiagnosticsError([{ file: '<command line>', path: '--toolchain', message: `profile ${model.profile.name} builds with -march=native, which means this machine's CPU, not the ${cross.triple} target`, help: `use a profile without march: 'native', or name the target CPU (march: 'armv8.2-a')` }]);
  }
  if (model.profile.march === 'native') io.err(`pogogen: warning: profile ${model.profile.name} builds for this machine's CPU only (-march=native), into out/${model.profile.name}.native/: do not ship it\n`);

  // Dependencies: system or source, cached or to build; fetched now so the build itself needs no network.
  const cacheDir = defaultCacheDir();
  const table = ruleTables[toolchain.family];
  if (cross !== undefined) {
    // The host's .pc files describe host libraries: a cross build looks only in the target's directory, and
    // without one finds no system package (features fall back to source or to missing).
    process.env.PKG_CONFIG_LIBDIR = cross.pkgConfigLibdir !== undefined && fs.existsSync(cross.pkgConfigLibdir) ? cross.pkgConfigLibdir : path.join(stateDir, 'no-pkgconfig');
    process.env.PKG_CONFIG_PATH = '';
  }
  const planToolchain = cross === undefined ? toolchain : { ...toolchain, ar: cross.ar, ltoAr: cross.ltoAr };
  const pinOf = (t: { recipe?: RecipeInput }): { urls: string[]; sha256: string; name: string } => ({ urls: [...t.recipe!.source.urls], sha256: t.recipe!.source.sha256, name: t.recipe!.name });
  // A bar on a terminal only (nothing in logs), cleared when a download completes.
  const bar = process.stderr.isTTY ? progressBar('download', process.stderr) : undefined;
  const progress =
    bar === undefined
      ? undefined
      : (received: number, total?: number): void => {
          bar.update(received, total);
          if (total !== undefined && received >= total) bar.done();
        };
  // The remote cache (POGOGEN_REMOTE_CACHE): its setting checked now, since its URL is recorded for regeneration
  // and must hold no credential; its client made when a dependency first needs it; never used under --offline.
  const remoteConfig = nonEmpty(process.env.POGOGEN_REMOTE_CACHE?.trim()) ? await readRemoteConfig() : undefined;
  let remote: import('../deps/remote.ts').RemoteCache | undefined;
  const remoteCache = async (): Promise<import('../deps/remote.ts').RemoteCache | undefined> => {
    if (args.offline || remoteConfig === undefined) return undefined;
    if (remote === undefined) {
      log(`remote cache: ${remoteConfig.url} (${remoteConfig.token === undefined ? 'read only: no POGOGEN_REMOTE_CACHE_TOKEN' : 'read and write'})`);
      remote = new (await import('../deps/remote.ts')).RemoteCache(remoteConfig, { warn: (m) => io.err(`pogogen: warning: ${m}\n`), log });
    }
    return remote;
  };
  const fetchOpts = { cacheDir, offline: args.offline, log, ...(progress === undefined ? {} : { progress }) };
  // The network and archive code loads only when a dependency's archive is asked for.
  const fetchArchive: typeof import('../deps/fetch.ts').fetchArchive = async (pin, opts) => (await import('../deps/fetch.ts')).fetchArchive(pin, { ...opts, remote: opts.offline === true ? undefined : await remoteCache() });
  if (args.command === 'fetch') {
    let n = 0;
    for (const t of model.targets) {
      if (t.kind !== 'dependency' || t.recipe === undefined) continue;
      const r = await fetchArchive(pinOf(t), fetchOpts);
      io.out(`${t.name}: ${r.fromCache ? 'cached' : `downloaded from ${r.url}`} (${t.recipe.name} ${t.recipe.version})\n`);
      n++;
    }
    io.out(`pogogen: ${n} archive${n === 1 ? '' : 's'} in ${path.join(cacheDir, 'archives')}\n`);
    return 0;
  }
  // Failed downloads of optional dependencies are remembered for the same pin and mirrors; a generation that does
  // not try (offline, found elsewhere) forgets them.
  const failuresFile = path.join(stateDir, 'failed-downloads.json');
  const failedBefore = parseFailures(fs.existsSync(failuresFile) ? fs.readFileSync(failuresFile, 'utf8') : undefined);
  // pogogen.lock pins the sources of the description's recipes and nothing this machine decides (lib/deps/lock.ts):
  // it follows from the description alone, so --frozen can fail before anything is fetched.
  const lockFile = path.join(root, 'pogogen.lock');
  const oldLock = fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : undefined;
  const lock = lockOf(model);
  const lockText = Object.keys(lock.dependencies).length > 0 || oldLock !== undefined ? formatLock(lock) : undefined;
  if (args.frozen && lockText !== undefined && lockText !== oldLock) {
    throw new DiagnosticsError([{ file: 'pogogen.lock', path: '', message: oldLock === undefined ? 'there is no pogogen.lock and --frozen forbids writing one' : 'pogogen.lock would change and --frozen forbids it', help: 'run pogogen without --frozen and commit pogogen.lock' }]);
  }
  const selected = await selectDependencies(model, {
    cacheDir,
    offline: args.offline,
    log,
    failedBefore: (t) => {
      const f = failedBefore.get(t.name);
      return f !== undefined && f.attempt === attemptKey(pinOf(t)) ? f.message : undefined;
    },
    keyOf: (t) => {
      // The same construction as the plan's (dependencyBuild), so the key names exactly the build it stands for.
      const build = dependencyBuild(model.profile, table, t.inherit, planToolchain, cross);
      return dependencyKey({ recipe: t.recipe!, compiler: { family: toolchain.family, version: toolchain.version }, ...build, platform: process.platform, arch: cross?.triple ?? process.arch });
    },
    fetch: async (t) => (await fetchArchive(pinOf(t), fetchOpts)).path,
    fetchBuilt: async (t, key, entry) => (await (await remoteCache())?.fetchBuilt(key, entry, `${t.recipe!.name} ${t.recipe!.version}`)) === true,
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
  const sayDeps = args.command === 'generate' ? io.out : insightCommands.has(args.command) && !args.verbose ? undefined : io.err;
  if (sayDeps !== undefined) for (const line of selected.report) sayDeps(`pogogen: ${line}\n`);
  const failed = new Map([...selected.failedDownloads].map(([name, f]) => [name, { attempt: attemptKey(f), message: f.message }]));

  const graph = resolve(model, { dependencies: selected.resolutions, listings: await listing, ...(cross === undefined ? {} : { variant: cross.triple }) });
  log('resolved');

  // A cached dependency whose install out/ already holds for this key (after a cold build, or a restore) needs no
  // step: a restore edge would be new to ninja and run once to copy nothing. Its files are read like the
  // description's instead, so deleting one regenerates, with a restore.
  const installedFiles: string[] = [];
  const builds = new Map(
    [...selected.builds].map(([name, b]) => {
      const info = graph.targets.find((t) => t.name === name)?.dependency;
      if (!b.cached || info?.stamp === undefined) return [name, b];
      const files = [info.stamp, ...(info.headersStamp === undefined ? [] : [info.headersStamp]), ...info.libFiles];
      if (!holdsInstall(path.resolve(root, info.stamp), b.key, files.map((f) => path.resolve(root, f)))) return [name, b];
      log(`dependency ${name}: ${info.installDir} holds its install already`);
      installedFiles.push(...files);
      return [name, { ...b, installed: true }];
    }),
  );

  const env = { cppflags: splitWords(process.env.CPPFLAGS), cflags: splitWords(process.env.CFLAGS), ldflags: splitWords(process.env.LDFLAGS) };
  // The regeneration command records the environment it was generated with, so `ninja` re-running pogogen
  // after an edit keeps CC and the flags even from a shell where they are not set. The same for where dependencies
  // come from: another cache means re-extracting and rebuilding every dependency, other mirrors other downloads.
  // The cache is recorded as the directory it resolved to (a relative POGOGEN_CACHE, or one chosen by
  // XDG_CACHE_HOME, would mean another directory from ninja's working directory or another shell).
  const recorded = [
    ...(['CC', 'CPPFLAGS', 'CFLAGS', 'LDFLAGS'] as const).filter((k) => process.env[k] !== undefined).map((k) => `${k}=${process.env[k]}`),
    ...(nonEmpty(process.env.POGOGEN_CACHE) || nonEmpty(process.env.XDG_CACHE_HOME) ? [`POGOGEN_CACHE=${path.resolve(cacheDir)}`] : []),
    // The download limits decide whether an archive is taken, like the mirrors where from. The proxy settings are
    // not recorded: they belong to the network the shell is on, and a proxy URL may hold a password.
    ...(['POGOGEN_MIRRORS', 'POGOGEN_MAX_DOWNLOAD', 'POGOGEN_DOWNLOAD_DEADLINE'] as const).filter((k) => process.env[k] !== undefined).map((k) => `${k}=${process.env[k]}`),
    // So is the remote cache's URL (checked to hold no credential), never its token: a credential stays in the
    // environment of whoever runs the build.
    ...(remoteConfig === undefined ? [] : [`POGOGEN_REMOTE_CACHE=${remoteConfig.url}`]),
  ];
  // ccache is used when it is on PATH, unless turned off; an explicit launcher wins.
  // The decision is recorded in the regeneration command, so ninja re-running pogogen keeps it.
  const launcherSpec = args.launcher ?? process.env.POGOGEN_LAUNCHER;
  const launcher = launcherSpec === 'none' ? [] : launcherSpec !== undefined && launcherSpec !== '' ? splitWords(launcherSpec) : which('ccache') !== undefined ? ['ccache'] : [];
  if (launcher.length > 0) log(`compiler launcher: ${launcher.join(' ')}`);
  // Links against big static dependencies built with -g spend seconds in GNU ld; mold or lld link the same in a
  // fraction. Used when on PATH, except for cross builds (a cross gcc looks for <triple>-ld.lld) and gcc's LTO
  // (it needs its own linker plugin, which lld lacks); clang's ThinLTO links with lld, which runs ThinLTO itself.
  // POGOGEN_LINKER=NAME picks one (bfd, gold, lld, mold), POGOGEN_LINKER=default leaves the compiler's.
  const linkerSpec = process.env.POGOGEN_LINKER;
  const fastLinker = (): string | undefined => {
    if (cross !== undefined) return undefined;
    if (model.profile.lto) return toolchain.family === 'clang' && which('ld.lld') !== undefined ? 'lld' : undefined;
    return which('mold') !== undefined ? 'mold' : which('ld.lld') !== undefined ? 'lld' : undefined;
  };
  const linker = linkerSpec === 'default' ? undefined : linkerSpec !== undefined && linkerSpec !== '' ? linkerSpec : fastLinker();
  if (linker !== undefined) log(`linker: ${linker}`);
  // The linker decision is recorded like the launcher's, so a regeneration from another shell keeps it.
  const regenArgv = ['env', ...recorded, `POGOGEN_LINKER=${linker ?? 'default'}`, ...rt.self, ...(args.backend === 'make' ? ['--backend', 'make'] : []), ...(args.buildFile === undefined ? [] : [`--build-file=${buildFile}`]), ...(args.compdb === undefined ? [] : [`--compdb=${compdb}`]), `--launcher=${launcher.length > 0 ? launcher.join(' ') : 'none'}`, ...(args.toolchain === undefined ? [] : [`--toolchain=${args.toolchain}`]), '--profile', model.profile.name, ...Object.entries(args.installDirs).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `--${k}=${v}`), ...Object.entries(args.defines).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `-D${k}=${v}`)];
  const regenFiles = [...loaded.files.map((f) => relTo(root, f)), ...installedFiles].sort();
  const depfile = 'out/.pogogen/build.ninja.d';
  const steps = plan(graph, {
    toolchain: planToolchain,
    ...(cross === undefined ? {} : { cross: { triple: cross.triple, cmakeProcessor: cross.cmakeProcessor, ranlib: cross.ranlib, strip: cross.strip, ...(cross.opensslTarget === undefined ? {} : { opensslTarget: cross.opensslTarget }) } }),
    launcher,
    ...(linker === undefined ? {} : { linker }),
    env,
    regen: { argv: regenArgv, buildFile, depfile, files: regenFiles, dirs: graph.watchedDirs },
    self: rt.self,
    dependencies: builds,
    jobs: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    installDirs: { ...defaultInstallDirs, ...args.installDirs },
    profileArgs: ['--profile', model.profile.name, ...(args.toolchain === undefined ? [] : [`--toolchain=${args.toolchain}`])],
  });
  log(`planned ${steps.edges.length} edge(s)`);

  const files: [string, string | Iterable<string>][] = [...steps.files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, text]) => [path.join(root, f), text]);
  if (lockText !== undefined) files.push([lockFile, lockText]);
  if (args.backend === 'make') {
    const bad = checkMakePaths(steps, (name) => graph.targets.find((t) => t.name === name)?.where() ?? { file: 'build.pogo.ts' });
    if (bad.length > 0) throw new DiagnosticsError(bad);
    const mk = writeMake(steps);
    for (const [f, text] of [...mk.commandFiles].sort(([a], [b]) => (a < b ? -1 : 1))) files.push([path.join(root, f), text]);
    files.push([path.join(root, buildFile), mk.makefile]);
  } else {
    // Absolute paths: a directory such as `app/` must not be mistaken for the phony target `app`.
    files.push([path.join(root, depfile), `${depfilePath(buildFile)}: ${[...regenFiles, ...graph.watchedDirs].map((f) => depfilePath(path.resolve(root, f))).join(' \\\n  ')}\n`]);
    files.push([path.join(root, buildFile), writeNinja(steps)]);
  }
  const compdbText = writeCompdb(steps);
  files.push([path.join(root, compdb), compdbText]);
  // A compile_commands.json neither as recorded nor laid out as pogogen writes it (an empty "[]") is pogogen's to
  // rewrite only if it already holds what pogogen writes now: then nothing changes in it anyway.
  const unsure = owned.unsure.filter((rel) => !holds(path.join(root, rel), compdbText));
  if (unsure.length > 0) throw new DiagnosticsError(refusals(unsure, { buildFile, compdb, backend: args.backend }));
  // What this machine chose for each dependency: reported here, not in the lock.
  files.push([path.join(root, graph.outDir, 'dependencies.json'), `${JSON.stringify(Object.fromEntries([...selected.resolved].sort(([a], [b]) => (a < b ? -1 : 1))), null, 2)}\n`]);
  const lastGeneration = { ...(args.offline ? { offline: true } : {}), ...(args.buildFile === undefined ? {} : { buildFile }), ...(args.compdb === undefined ? {} : { compdb }), ...(args.toolchain === undefined ? {} : { toolchain: args.toolchain }), profile: model.profile.name, outDir: graph.outDir, backend: args.backend, launcher: launcher.length > 0 ? launcher.join(' ') : 'none', linker: linker ?? 'default', defines: args.defines, installDirs: args.installDirs, env: Object.fromEntries(recorded.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) };
  files.push([lastGenerationFile(root), `${JSON.stringify(lastGeneration)}\n`]);
  if (failed.size > 0) files.push([failuresFile, formatFailures(failed)]);
  else fs.rmSync(failuresFile, { force: true });
  // What the description scheduled (a timer's throw, a Promise rejected in its targets function) has happened by
  // now, and nothing can happen between this check and the last file written.
  await guard.settle();
  const written = files.filter(([f, text]) => writeIfChanged(f, text)).map(([f]) => relTo(root, f));
  rememberWritten(root, [compdb]);
  if (args.backend === 'make') {
    // The stamp says "the Makefile reflects its inputs as of now", so make does not re-run pogogen needlessly.
    const stamp = path.join(root, makeStamp);
    if (written.includes(buildFile) || !fs.existsSync(stamp)) writeTouch(stamp);
  }
  log(written.length === 0 ? 'all files up to date' : `wrote ${written.join(', ')}`);

  if (insightCommands.has(args.command)) return (await import('./insight.ts')).insightCommand(args, { root, model, graph, steps, toolchain }, io);
  if (args.command === 'targets' && args.json) {
    io.out(`${JSON.stringify(graph.targets.map((t) => ({ name: t.name, kind: t.kind, output: t.output ?? null, outputs: t.outputs, deps: t.deps, declared: placeText(t.where()) })), null, 2)}\n`);
    return 0;
  }
  if (args.command === 'targets') {
    const width = Math.max(...graph.targets.map((t) => t.name.length), 4);
    for (const t of graph.targets) io.out(`${t.name.padEnd(width)}  ${t.kind.padEnd(14)}  ${t.output ?? '-'}\n`);
    return 0;
  }
  if (args.command === 'generate' && plainGeneration(rawArgv) === root) {
    const cc = which(toolchain.cc[0]!);
    // The dependency cache is read too: a built entry or an archive that disappears means generating again.
    const depFiles = [...selected.builds.values()].map((b) => (b.cached ? path.join(b.cacheEntry, 'manifest.json') : b.archive!));
    // So are the installs in out/ that were planned without a step: one deleted must be restored.
    depFiles.push(...installedFiles.map((f) => path.resolve(root, f)));
    record(root, rawArgv, rt.version, rt.self[rt.self.length - 1]!, { files: [...loaded.files, lockFile, ...(cc === undefined ? [] : [cc]), ...depFiles], dirs: graph.watchedDirs.map((d) => path.resolve(root, d)) }, files.map(([f]) => f));
  }
  if (written.includes(buildFile)) io.out(`pogogen: wrote ${buildFile} (${model.profile.name}, ${graph.targets.length} targets)\n`);
  return 0;
}

/** `pogogen test`: build what the tests need, run them within the job budget, report, write TAP and JUnit. */
async function testCommand(args: CliArgs, rt: Runtime, io: Io, root: string, outDir: string): Promise<number> {
  const file = path.join(root, outDir, 'tests.json');
  if (!fs.existsSync(file)) {
    io.out('pogogen: this project declares no tests\n');
    return 0;
  }
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as TestManifest;
  if (!args.noBuild && manifest.needs.length > 0) {
    // install and test generated just before: build only.
    const code = await build({ ...args, command: 'build', rest: [...manifest.needs] }, io, root, undefined);
    if (code !== 0) return code;
  }
  const jobs = args.jobs ?? os.availableParallelism();
  // Target programs of a cross build run under the toolchain's emulator, where LeakSanitizer cannot work.
  const emulator = crossToolchain(args)?.emulator ?? [];
  const emulated = emulator.length > 0;
  if (emulated) {
    process.env.ASAN_OPTIONS = process.env.ASAN_OPTIONS ?? 'detect_leaks=0';
    // Scripts that run target programs prefix them with it (shell word splitting: $POGOGEN_EMULATOR prog ...).
    process.env.POGOGEN_EMULATOR = emulator.join(' ');
  }
  const { runTests, toJunit, toTap } = await import('./testrun.ts');
  const results = await runTests(manifest, { jobs, suites: args.suites, repeat: args.repeat, wrapper: args.wrapper === undefined ? [] : splitWords(args.wrapper), emulator, say: (l) => io.out(`${l}\n`) });
  const logDir = path.join(root, outDir, 'testlog');
  writeIfChanged(path.join(logDir, 'results.tap'), toTap(results));
  writeIfChanged(path.join(logDir, 'results.xml'), toJunit(path.basename(root), results));
  const failed = results.filter((r) => !r.ok);
  for (const r of failed) io.out(`\n--- ${r.name}: ${r.status} (exit ${r.code ?? r.signal}); log ${relTo(root, r.log)}\n${r.output.split('\n').slice(-20).join('\n')}\n`);
  io.out(`\n${results.length - failed.length} passed, ${failed.length} failed${results.some((r) => r.status === 'xfail-pass') ? ` (${results.filter((r) => r.status === 'xfail-pass').length} expected failures)` : ''}; TAP and JUnit in ${relTo(root, logDir)}/\n`);
  if (failed.length > 0) return 1;
  if (args.coverage) return coverageReport(root, outDir, io);
  return 0;
}

/** `pogogen test --coverage`: gcovr's text summary and HTML pages from the .gcda files the tests wrote. */
function coverageReport(root: string, outDir: string, io: Io): number {
  const gcovr = which('gcovr');
  if (gcovr === undefined) {
    io.err('pogogen: error: --coverage needs gcovr (Debian package gcovr)\n');
    return 1;
  }
  const dir = path.join(root, outDir, 'coverage');
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync(gcovr, ['-r', root, '--object-directory', path.join(root, outDir, 'obj'), '--exclude', `${outDir}/.*`, '--txt', path.join(dir, 'coverage.txt'), '--html-details', path.join(dir, 'index.html'), '--print-summary'], { cwd: root, encoding: 'utf8' });
  io.out(r.stdout);
  if (r.status !== 0) {
    io.err(r.stderr);
    return 1;
  }
  io.out(`pogogen: coverage report in ${relTo(root, dir)}/ (coverage.txt, index.html)\n`);
  return 0;
}

/** `pogogen dep-step PHASE PLAN`: one phase of a dependency build, run by ninja or make. */
async function depStep(args: CliArgs, io: Io): Promise<number> {
  const [phase, planFile] = args.rest;
  if (phase === undefined || planFile === undefined || !['extract', 'configure', 'headers', 'build', 'install', 'restore'].includes(phase)) {
    io.err('pogogen: dep-step needs PHASE (extract|configure|headers|build|install|restore) and a plan file\n');
    return 2;
  }
  const depPlan = JSON.parse(fs.readFileSync(planFile, 'utf8')) as DependencyBuildPlan;
  try {
    await (await import('../deps/steps.ts')).runPhase(phase as Phase, depPlan, process.env, (m) => io.err(`pogogen: warning: ${m}\n`));
    return 0;
  } catch (err) {
    if (!(err instanceof Error && (err.name === 'StepError' || err.name === 'ExtractError'))) throw err;
    io.err(`pogogen: error: ${err.message}\n`);
    return 1;
  }
}

const nonEmpty = (v: string | undefined): boolean => v !== undefined && v !== '';

/** POGOGEN_REMOTE_CACHE and its token, checked; a bad setting is a diagnostic naming the variable. */
async function readRemoteConfig(): Promise<import('../deps/remote.ts').RemoteCacheConfig | undefined> {
  const { remoteCacheConfig } = await import('../deps/remote.ts');
  try {
    return remoteCacheConfig();
  } catch (err) {
    throw new DiagnosticsError([{ file: '<environment>', path: '', message: (err as Error).message }]);
  }
}

function relTo(root: string, f: string): string {
  return f.startsWith(root + '/') ? f.slice(root.length + 1) : f;
}

/** A path in a make-style depfile: spaces and `#` backslash-escaped, `$` doubled. */
function depfilePath(p: string): string {
  return p.replace(/\$/g, '$$$$').replace(/([ #\\])/g, '\\$1');
}

/** The cross toolchain `--toolchain` names, or undefined; a bad name or file is a diagnostic. */
function crossToolchain(args: CliArgs): CrossToolchain | undefined {
  if (args.toolchain === undefined) return undefined;
  const t = loadToolchain(args.toolchain);
  if (typeof t === 'string') throw new DiagnosticsError([{ file: '<command line>', path: '--toolchain', message: t }]);
  return t;
}

