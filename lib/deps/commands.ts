// The commands pogogen runs for each build kind and phase (configure, headers, build, install), the files it writes
// for them and the environment they run in: built as data, so that running a phase and the dependency cache key
// read the same construction, and a change to how pogogen builds a kind changes the key without anyone bumping it.
import path from 'node:path';
import type { DependencyBuildPlan } from '../plan/deps.ts';

/** One process a phase runs. */
export interface Command {
  readonly argv: readonly string[];
  readonly cwd: string;
  /** Set over the build environment (MAKEFLAGS for the job budget). */
  readonly env?: Readonly<Record<string, string>>;
  /** Descriptors handed to the process as fd 3, 4, ... (a jobserver's). */
  readonly fds?: readonly number[];
}

/** A phase's work: files written first (a meson cross file), then the commands in order. */
export interface PhaseWork {
  readonly files: readonly (readonly [string, string])[];
  readonly commands: readonly Command[];
}

/** How a nested build takes part in the job budget (see steps.ts jobserver). */
export interface JobArgs {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly fds: readonly number[];
}

export type CommandPhase = 'configure' | 'headers' | 'build' | 'install';

export const commandPhases: readonly CommandPhase[] = ['configure', 'headers', 'build', 'install'];

/** A make that must not take part in any job budget (installs run serially). */
export const serial: JobArgs = { args: [], env: { MAKEFLAGS: '' }, fds: [] };

/**
 * Variables of the caller's shell that compilers, linkers and configure scripts read, and that pogogen does not
 * set: removed from a dependency build's environment, so what it builds is decided by the plan (and so by the
 * cache key) and not by whichever shell ninja was started from.
 */
export const scrubbedVariables: readonly string[] = ['CPPFLAGS', 'CXXFLAGS', 'LIBS', 'LDLIBS', 'CPATH', 'C_INCLUDE_PATH', 'LIBRARY_PATH', 'GCC_EXEC_PREFIX', 'COMPILER_PATH'];

/** The environment a dependency build runs in: the caller's without the scrubbed variables, then the plan's, then the command's. */
export function buildEnv(plan: DependencyBuildPlan, ambient: NodeJS.ProcessEnv, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...ambient };
  for (const k of scrubbedVariables) delete env[k];
  return { ...env, ...plan.env, ...extra };
}

const cflagsOf = (plan: DependencyBuildPlan): string[] => (plan.env.CFLAGS ?? '').split(' ').filter((x) => x !== '');
const ldflagsOf = (plan: DependencyBuildPlan): string[] => (plan.env.LDFLAGS ?? '').split(' ').filter((x) => x !== '');

/** Recipe arguments may name the install prefix as `{prefix}`; it is only known here. */
export const withPrefix = (plan: DependencyBuildPlan, args: readonly string[] | undefined): string[] => (args ?? []).map((a) => a.split('{prefix}').join(plan.prefix));

/** Where a build kind runs make-style commands: in the source tree (make, configure) or a separate dir. */
function workDir(plan: DependencyBuildPlan): string {
  return plan.build.kind === 'cmake' || plan.build.kind === 'meson' ? plan.buildDir : plan.sourceDir;
}

/** What `phase` runs for `plan`, with `jobs` for the commands that share the job budget. */
export function phaseWork(plan: DependencyBuildPlan, phase: CommandPhase, jobs: JobArgs): PhaseWork {
  const b = plan.build;
  const make = (targets: readonly string[], args: readonly string[], js: JobArgs): Command => ({ argv: ['make', ...js.args, ...targets, ...args], cwd: workDir(plan), env: js.env, fds: js.fds });
  const one = (c: Command): PhaseWork => ({ files: [], commands: [c] });
  switch (phase) {
    case 'headers':
      // A `make` here shares the job budget like the build phase's; other commands run as written.
      return {
        files: [],
        commands: (plan.headers?.run ?? []).map((argv) =>
          argv[0] === 'make' ? { argv: ['make', ...jobs.args, ...withPrefix(plan, argv.slice(1))], cwd: plan.sourceDir, env: jobs.env, fds: jobs.fds } : { argv: withPrefix(plan, argv), cwd: plan.sourceDir },
        ),
      };
    case 'configure': {
      if (b.kind === 'make') return { files: [], commands: b.configure === undefined ? [] : [{ argv: withPrefix(plan, b.configure), cwd: plan.sourceDir }] };
      if (b.kind === 'configure') {
        const style = b.style ?? 'autotools';
        const script = `./${b.script ?? (style === 'openssl' ? 'Configure' : 'configure')}`;
        const argv =
          style === 'openssl'
            ? [script, ...(plan.cross?.opensslTarget === undefined ? [] : [plan.cross.opensslTarget]), `--prefix=${plan.prefix}`, '--libdir=lib', ...withPrefix(plan, b.args), ...cflagsOf(plan), ...ldflagsOf(plan)]
            : [script, ...(plan.cross === undefined ? [] : [`--host=${plan.cross.triple}`]), `--prefix=${plan.prefix}`, '--libdir', path.join(plan.prefix, 'lib'), ...withPrefix(plan, b.args)];
        return one({ argv, cwd: plan.sourceDir });
      }
      if (b.kind === 'cmake') {
        return one({
          argv: [
            'cmake', '-S', plan.sourceDir, '-B', plan.buildDir, '-G', 'Unix Makefiles',
            `-DCMAKE_INSTALL_PREFIX=${plan.prefix}`, '-DCMAKE_INSTALL_LIBDIR=lib', '-DCMAKE_BUILD_TYPE=None',
            `-DCMAKE_C_COMPILER=${plan.env.CC?.split(' ').pop() ?? 'cc'}`, `-DCMAKE_C_FLAGS=${plan.env.CFLAGS ?? ''}`,
            `-DCMAKE_EXE_LINKER_FLAGS=${plan.env.LDFLAGS ?? ''}`, '-DBUILD_SHARED_LIBS=OFF', '-DCMAKE_POSITION_INDEPENDENT_CODE=ON',
            ...(plan.cross === undefined ? [] : ['-DCMAKE_SYSTEM_NAME=Linux', `-DCMAKE_SYSTEM_PROCESSOR=${plan.cross.cmakeProcessor}`, `-DCMAKE_AR=${plan.env.AR ?? 'ar'}`, '-DCMAKE_FIND_ROOT_PATH_MODE_PROGRAM=NEVER']),
            ...withPrefix(plan, b.args),
          ],
          cwd: plan.buildDir,
        });
      }
      const cross = plan.cross === undefined ? undefined : mesonCrossFile(plan);
      return {
        files: cross === undefined ? [] : [cross],
        commands: [{ argv: ['meson', 'setup', ...(cross === undefined ? [] : ['--cross-file', cross[0]]), plan.buildDir, plan.sourceDir, `--prefix=${plan.prefix}`, '--libdir=lib', '--buildtype=plain', '-Ddefault_library=static', ...withPrefix(plan, b.args)], cwd: plan.sourceDir }],
      };
    }
    case 'build':
      if (b.kind === 'make') return one(make(b.buildTargets ?? [], [...withPrefix(plan, b.args), `CC=${plan.env.CC}`], jobs));
      if (b.kind === 'configure') return one(make(b.buildTargets ?? [], withPrefix(plan, b.makeArgs), jobs));
      // cmake --build drives make here (Unix Makefiles), which takes part in the same job budget.
      if (b.kind === 'cmake') return one({ argv: ['cmake', '--build', plan.buildDir, ...(b.targets === undefined ? [] : ['--target', ...b.targets]), '--', ...jobs.args], cwd: plan.buildDir, env: jobs.env, fds: jobs.fds });
      return one({ argv: ['meson', 'compile', '-C', plan.buildDir, `-j${plan.jobs}`], cwd: plan.buildDir });
    case 'install':
      if (b.kind === 'make') return one(make(b.installTargets ?? ['install'], [...withPrefix(plan, b.args), `CC=${plan.env.CC}`, `${b.prefixVariable ?? 'PREFIX'}=${plan.prefix}`], serial));
      if (b.kind === 'configure') return one(make(b.installTargets ?? ['install'], withPrefix(plan, b.makeArgs), serial));
      if (b.kind === 'cmake') return one({ argv: ['cmake', '--install', plan.buildDir], cwd: plan.buildDir });
      return one({ argv: ['meson', 'install', '-C', plan.buildDir, '--no-rebuild'], cwd: plan.buildDir });
  }
}

/** A meson cross file for the plan's toolchain, beside the phase logs: its path and text. */
function mesonCrossFile(plan: DependencyBuildPlan): readonly [string, string] {
  const c = plan.cross!;
  const q = (s: string): string => `'${s.replace(/'/g, "\\'")}'`;
  const list = (v: string | undefined): string => `[${(v ?? '').split(' ').filter((x) => x !== '').map(q).join(', ')}]`;
  const cpu = c.cmakeProcessor;
  return [path.join(plan.logDir, 'cross.ini'), `[binaries]\nc = ${list(plan.env.CC)}\nar = ${list(plan.env.AR)}\nstrip = ${list(plan.env.STRIP)}\n\n[host_machine]\nsystem = 'linux'\ncpu_family = ${q(cpu)}\ncpu = ${q(cpu)}\nendian = 'little'\n`];
}
