// The commands pogogen runs for each build kind and phase (configure, headers, build, install), the files it writes
// for them and the environment they run in: built as data, so that running a phase and the dependency cache key
// read the same construction, and a change to how pogogen builds a kind changes the key without anyone bumping it.
import type { DependencyBuildPlan } from '../plan/deps.ts';
import { withPrefix, type BuildKind, type JobArgs, type PhaseWork } from './kinds/common.ts';
import { cmakeKind } from './kinds/cmake.ts';
import { configureKind } from './kinds/configure.ts';
import { makeKind } from './kinds/make.ts';
import { mesonKind } from './kinds/meson.ts';

export type { Command, JobArgs, PhaseWork } from './kinds/common.ts';
export { serial } from './kinds/common.ts';

export type CommandPhase = 'configure' | 'headers' | 'build' | 'install';

export const commandPhases: readonly CommandPhase[] = ['configure', 'headers', 'build', 'install'];

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

/** What `phase` runs for `plan`, with `jobs` for the commands that share the job budget. */
export function phaseWork(plan: DependencyBuildPlan, phase: CommandPhase, jobs: JobArgs): PhaseWork {
  if (phase === 'headers') {
    // A `make` here shares the job budget like the build phase's; other commands run as written.
    return {
      files: [],
      commands: (plan.headers?.run ?? []).map((argv) =>
        argv[0] === 'make' ? { argv: ['make', ...jobs.args, ...withPrefix(plan, argv.slice(1))], cwd: plan.sourceDir, env: jobs.env, fds: jobs.fds } : { argv: withPrefix(plan, argv), cwd: plan.sourceDir },
      ),
    };
  }
  const run = <B>(kind: BuildKind<B>, b: B): PhaseWork => (phase === 'configure' ? kind.configure(plan, b) : phase === 'build' ? kind.build(plan, b, jobs) : kind.install(plan, b));
  // One module per build kind; a kind without a case here fails to compile.
  const b = plan.build;
  switch (b.kind) {
    case 'make':
      return run(makeKind, b);
    case 'configure':
      return run(configureKind, b);
    case 'cmake':
      return run(cmakeKind, b);
    case 'meson':
      return run(mesonKind, b);
    default: {
      const unknown: never = b;
      throw new Error(`no commands for build kind ${JSON.stringify((unknown as { kind?: unknown }).kind)}`);
    }
  }
}
