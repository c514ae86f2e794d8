// Running one phase of a dependency build (`pogogen dep-step <phase> <plan.json>`): the commands each build kind
// needs, the job budget handed to nested builds, logs per phase, and a stamp only after success.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DependencyBuildPlan } from '../plan/deps.ts';
import { keepUnchangedTimes, restoreEntry, storeEntry, verifyEntry } from './built.ts';
import { extractArchive } from './extract.ts';

export class StepError extends Error {
  override name = 'StepError';
}

export type Phase = 'extract' | 'configure' | 'headers' | 'build' | 'install' | 'restore';

/** The stamp a phase writes when it succeeded. */
export function stampOf(plan: DependencyBuildPlan, phase: Phase): string {
  if (phase === 'headers') return `${plan.prefix}.headers.stamp`;
  return phase === 'install' || phase === 'restore' ? `${plan.prefix}.stamp` : path.join(plan.logDir, `${phase}.stamp`);
}

/** Where a build kind runs make-style commands: in the source tree (make, configure) or a separate dir. */
function workDir(plan: DependencyBuildPlan): string {
  return plan.build.kind === 'cmake' || plan.build.kind === 'meson' ? plan.buildDir : plan.sourceDir;
}

/**
 * The job-budget arguments and extra fds for a nested make. Under a fifo jobserver (`pogogen build`), the fifo is
 * opened and handed to make 4.3 as the pipe-style descriptors it understands; under a parent make's pipe
 * jobserver, its descriptors pass through; otherwise a fixed -j.
 */
export function jobserver(plan: DependencyBuildPlan, env: NodeJS.ProcessEnv): { args: string[]; env: Record<string, string>; fds: number[] } {
  const flags = env.MAKEFLAGS ?? '';
  const fifo = /--jobserver-auth=fifo:(\S+)/.exec(flags);
  if (fifo !== null) {
    const fd = fs.openSync(fifo[1]!, 'r+');
    // No -j argument: a -jN on make's command line would turn its jobserver off.
    return { args: [], env: { MAKEFLAGS: `-j${plan.jobs} --jobserver-auth=3,4` }, fds: [fd, fd] };
  }
  const pipe = /--jobserver-(?:auth|fds)=(\d+),(\d+)/.exec(flags);
  if (pipe !== null) {
    const r = Number(pipe[1]);
    const w = Number(pipe[2]);
    try {
      fs.fstatSync(r);
      fs.fstatSync(w);
      return { args: [], env: { MAKEFLAGS: flags.replace(/--jobserver-(?:auth|fds)=\d+,\d+/, '--jobserver-auth=3,4') }, fds: [r, w] };
    } catch {
      // descriptors not inherited (recipe without '+'): fall back to a fixed -j
    }
  }
  return { args: [`-j${plan.jobs}`], env: { MAKEFLAGS: '' }, fds: [] };
}

function run(plan: DependencyBuildPlan, phase: Phase, argv: readonly string[], cwd: string, extra: { env?: Record<string, string>; fds?: number[] } = {}): void {
  const log = path.join(plan.logDir, `${phase}.log`);
  fs.appendFileSync(log, `$ (cd ${cwd} && ${argv.join(' ')})\n`);
  const out = fs.openSync(log, 'a');
  try {
    const r = spawnSync(argv[0]!, argv.slice(1), {
      cwd,
      stdio: ['ignore', out, out, ...(extra.fds ?? [])],
      env: { ...process.env, ...plan.env, ...extra.env },
    });
    if (r.error !== undefined) throw new StepError(`${plan.name}: could not run ${argv[0]}: ${r.error.message}`);
    if (r.status !== 0) {
      const tail = fs.readFileSync(log, 'utf8').split('\n').slice(-30).join('\n');
      throw new StepError(`${plan.name}: ${phase} failed (${argv.join(' ')} exited ${r.status ?? r.signal}); last lines of ${log}:\n${tail}`);
    }
  } finally {
    fs.closeSync(out);
  }
}

const cflagsOf = (plan: DependencyBuildPlan): string[] => (plan.env.CFLAGS ?? '').split(' ').filter((x) => x !== '');
const ldflagsOf = (plan: DependencyBuildPlan): string[] => (plan.env.LDFLAGS ?? '').split(' ').filter((x) => x !== '');

/** Recipe arguments may name the install prefix as `{prefix}`; it is only known here. */
const withPrefix = (plan: DependencyBuildPlan, args: readonly string[] | undefined): string[] => (args ?? []).map((a) => a.split('{prefix}').join(plan.prefix));

export async function runPhase(phase: Phase, plan: DependencyBuildPlan, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  fs.mkdirSync(plan.logDir, { recursive: true });
  const stamp = stampOf(plan, phase);
  fs.rmSync(stamp, { force: true });
  fs.writeFileSync(path.join(plan.logDir, `${phase}.log`), '');
  const b = plan.build;
  const make = (targets: readonly string[], args: readonly string[], useJobs: boolean): void => {
    const js = useJobs ? jobserver(plan, env) : { args: [], env: { MAKEFLAGS: '' }, fds: [] };
    run(plan, phase, ['make', ...js.args, ...targets, ...args], workDir(plan), { env: js.env, fds: js.fds });
  };
  switch (phase) {
    case 'restore': {
      const entry = plan.cacheEntry;
      if (!verifyEntry(entry)) throw new StepError(`${plan.name}: the cached build ${entry} is missing or corrupt; run pogogen again to rebuild it`);
      restoreEntry(entry, plan.prefix);
      if (plan.headers !== undefined) fs.writeFileSync(stampOf(plan, 'headers'), `${plan.key}\n`);
      break;
    }
    case 'headers': {
      const h = plan.headers;
      if (h === undefined) throw new StepError(`${plan.name}: the recipe stages no headers`);
      const js = jobserver(plan, env);
      for (const argv of h.run ?? []) {
        // A `make` here shares the job budget like the build phase's; other commands run as written.
        const isMake = argv[0] === 'make';
        run(plan, phase, isMake ? ['make', ...js.args, ...withPrefix(plan, argv.slice(1))] : withPrefix(plan, argv), plan.sourceDir, isMake ? { env: js.env, fds: js.fds } : {});
      }
      const staged = stageHeaders(plan);
      fs.writeFileSync(path.join(plan.logDir, 'headers.list'), `${staged.join('\n')}\n`);
      break;
    }
    case 'extract': {
      if (plan.archive === undefined) throw new StepError(`${plan.name}: no archive to extract`);
      fs.rmSync(plan.sourceDir, { recursive: true, force: true });
      fs.rmSync(plan.buildDir, { recursive: true, force: true });
      const r = await extractArchive(plan.archive, plan.sourceDir, { stripComponents: plan.strip });
      if (plan.treeSha256 !== undefined && r.treeHash !== plan.treeSha256) {
        throw new StepError(`${plan.name}: extracted tree hash ${r.treeHash} does not match the pinned treeSha256 ${plan.treeSha256}`);
      }
      break;
    }
    case 'configure': {
      fs.mkdirSync(plan.buildDir, { recursive: true });
      if (b.kind === 'make') {
        if (b.configure !== undefined) run(plan, phase, withPrefix(plan, b.configure), plan.sourceDir);
      } else if (b.kind === 'configure') {
        const style = b.style ?? 'autotools';
        const script = `./${b.script ?? (style === 'openssl' ? 'Configure' : 'configure')}`;
        const args =
          style === 'openssl'
            ? [script, ...(plan.cross?.opensslTarget === undefined ? [] : [plan.cross.opensslTarget]), `--prefix=${plan.prefix}`, '--libdir=lib', ...withPrefix(plan, b.args), ...cflagsOf(plan), ...ldflagsOf(plan)]
            : [script, ...(plan.cross === undefined ? [] : [`--host=${plan.cross.triple}`]), `--prefix=${plan.prefix}`, '--libdir', path.join(plan.prefix, 'lib'), ...withPrefix(plan, b.args)];
        run(plan, phase, args, plan.sourceDir);
      } else if (b.kind === 'cmake') {
        run(plan, phase, [
          'cmake', '-S', plan.sourceDir, '-B', plan.buildDir, '-G', 'Unix Makefiles',
          `-DCMAKE_INSTALL_PREFIX=${plan.prefix}`, '-DCMAKE_INSTALL_LIBDIR=lib', '-DCMAKE_BUILD_TYPE=None',
          `-DCMAKE_C_COMPILER=${plan.env.CC?.split(' ').pop() ?? 'cc'}`, `-DCMAKE_C_FLAGS=${plan.env.CFLAGS ?? ''}`,
          `-DCMAKE_EXE_LINKER_FLAGS=${plan.env.LDFLAGS ?? ''}`, '-DBUILD_SHARED_LIBS=OFF', '-DCMAKE_POSITION_INDEPENDENT_CODE=ON',
          ...(plan.cross === undefined ? [] : ['-DCMAKE_SYSTEM_NAME=Linux', `-DCMAKE_SYSTEM_PROCESSOR=${plan.cross.cmakeProcessor}`, `-DCMAKE_AR=${plan.env.AR ?? 'ar'}`, '-DCMAKE_FIND_ROOT_PATH_MODE_PROGRAM=NEVER']),
          ...withPrefix(plan, b.args),
        ], plan.buildDir);
      } else {
        const crossFile = plan.cross === undefined ? [] : ['--cross-file', mesonCrossFile(plan)];
        run(plan, phase, ['meson', 'setup', ...crossFile, plan.buildDir, plan.sourceDir, `--prefix=${plan.prefix}`, '--libdir=lib', '--buildtype=plain', '-Ddefault_library=static', ...withPrefix(plan, b.args)], plan.sourceDir);
      }
      break;
    }
    case 'build': {
      if (b.kind === 'make') make(b.buildTargets ?? [], [...withPrefix(plan, b.args), `CC=${plan.env.CC}`], true);
      else if (b.kind === 'configure') make(b.buildTargets ?? [], withPrefix(plan, b.makeArgs), true);
      else if (b.kind === 'cmake') {
        const js = jobserver(plan, env);
        // cmake --build drives make here (Unix Makefiles), which takes part in the same job budget.
        run(plan, phase, ['cmake', '--build', plan.buildDir, ...(b.targets === undefined ? [] : ['--target', ...b.targets]), '--', ...js.args], plan.buildDir, { env: js.env, fds: js.fds });
      } else run(plan, phase, ['meson', 'compile', '-C', plan.buildDir, `-j${plan.jobs}`], plan.buildDir);
      break;
    }
    case 'install': {
      // Files already in the prefix (staged headers, a previous install) keep their mtimes when the install
      // writes them again unchanged: objects compiled against staged headers are not rebuilt next time.
      const keepTimes = keepUnchangedTimes(plan.prefix);
      fs.rmSync(plan.prefix, { recursive: true, force: true });
      if (b.kind === 'make') make(b.installTargets ?? ['install'], [...withPrefix(plan, b.args), `CC=${plan.env.CC}`, `${b.prefixVariable ?? 'PREFIX'}=${plan.prefix}`], false);
      else if (b.kind === 'configure') make(b.installTargets ?? ['install'], withPrefix(plan, b.makeArgs), false);
      else if (b.kind === 'cmake') run(plan, phase, ['cmake', '--install', plan.buildDir], plan.buildDir);
      else run(plan, phase, ['meson', 'install', '-C', plan.buildDir, '--no-rebuild'], plan.buildDir);
      const missing = plan.expect.filter((f) => !fs.existsSync(path.join(plan.prefix, f)));
      if (missing.length > 0) throw new StepError(`${plan.name}: the install did not produce ${missing.join(', ')} (check the recipe's provides)`);
      keepTimes();
      if (plan.headers !== undefined) {
        const list = path.join(plan.logDir, 'headers.list');
        const staged = fs.existsSync(list) ? fs.readFileSync(list, 'utf8').split('\n').filter((l) => l !== '') : [];
        const notInstalled = staged.filter((f) => !fs.existsSync(path.join(plan.prefix, f)));
        if (notInstalled.length > 0) throw new StepError(`${plan.name}: the recipe's headers step staged ${notInstalled.join(', ')}, which the install does not write (the headers must be a subset of the install)`);
      }
      storeEntry(plan.prefix, plan.cacheEntry);
      break;
    }
  }
  fs.writeFileSync(stamp, `${plan.key}\n`);
}

/** Copies the recipe's headers into the prefix, rewriting only files whose content differs; returns them prefix-relative. */
function stageHeaders(plan: DependencyBuildPlan): string[] {
  const staged: string[] = [];
  const place = (src: string, rel: string): void => {
    const dest = path.join(plan.prefix, rel);
    const data = fs.readFileSync(src);
    staged.push(rel);
    if (fs.existsSync(dest) && fs.readFileSync(dest).equals(data)) return;
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, dest);
  };
  for (const { from, to } of plan.headers?.copy ?? []) {
    const src = from.startsWith('{build}/') ? path.join(plan.buildDir, from.slice('{build}/'.length)) : path.join(plan.sourceDir, from);
    if (!fs.existsSync(src)) throw new StepError(`${plan.name}: the recipe's headers step copies ${from}, which does not exist in the ${from.startsWith('{build}/') ? 'build' : 'source'} tree`);
    if (fs.statSync(src).isDirectory()) {
      const walk = (dir: string, rel: string): void => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
          if (e.isDirectory()) walk(path.join(dir, e.name), path.posix.join(rel, e.name));
          else if (e.name.endsWith('.h')) place(path.join(dir, e.name), path.posix.join(rel, e.name));
        }
      };
      walk(src, to);
    } else place(src, to);
  }
  return staged;
}

/** A meson cross file for the plan's toolchain, written beside the build directory. */
function mesonCrossFile(plan: DependencyBuildPlan): string {
  const c = plan.cross!;
  const q = (s: string): string => `'${s.replace(/'/g, "\\'")}'`;
  const list = (v: string | undefined): string => `[${(v ?? '').split(' ').filter((x) => x !== '').map(q).join(', ')}]`;
  const file = path.join(plan.logDir, 'cross.ini');
  const cpu = c.cmakeProcessor;
  fs.writeFileSync(file, `[binaries]\nc = ${list(plan.env.CC)}\nar = ${list(plan.env.AR)}\nstrip = ${list(plan.env.STRIP)}\n\n[host_machine]\nsystem = 'linux'\ncpu_family = ${q(cpu)}\ncpu = ${q(cpu)}\nendian = 'little'\n`);
  return file;
}
