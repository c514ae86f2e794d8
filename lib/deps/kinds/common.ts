// What every dependency build kind's commands are made of: the command and phase shapes, how a nested make takes
// part in the job budget, and the helpers that read a plan's flags and the recipe's `{prefix}`.
import type { DependencyBuildPlan } from '../../plan/deps.ts';

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

/** A make that must not take part in any job budget (installs run serially). */
export const serial: JobArgs = { args: [], env: { MAKEFLAGS: '' }, fds: [] };

/** A build kind: the commands of its configure, build and install phases (the headers phase is the recipe's). */
export interface BuildKind<B> {
  configure(plan: DependencyBuildPlan, b: B): PhaseWork;
  build(plan: DependencyBuildPlan, b: B, jobs: JobArgs): PhaseWork;
  install(plan: DependencyBuildPlan, b: B): PhaseWork;
}

export const cflagsOf = (plan: DependencyBuildPlan): string[] => (plan.env.CFLAGS ?? '').split(' ').filter((x) => x !== '');
export const ldflagsOf = (plan: DependencyBuildPlan): string[] => (plan.env.LDFLAGS ?? '').split(' ').filter((x) => x !== '');

/** Recipe arguments may name the install prefix as `{prefix}`; it is only known here. */
export const withPrefix = (plan: DependencyBuildPlan, args: readonly string[] | undefined): string[] => (args ?? []).map((a) => a.split('{prefix}').join(plan.prefix));

/** A phase of one command. */
export const one = (c: Command): PhaseWork => ({ files: [], commands: [c] });

/** `make` in `cwd` with the job arguments, the targets, then the variables. */
export const make = (cwd: string, targets: readonly string[], args: readonly string[], js: JobArgs): Command => ({ argv: ['make', ...js.args, ...targets, ...args], cwd, env: js.env, fds: js.fds });
