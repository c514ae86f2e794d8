// Dependency cache keys: a stable hash of everything that decides a dependency's installed result — the recipe, the
// compiler, and every command, file and environment variable pogogen would run its build with, constructed by the
// same code that runs them (commands.ts), so no version constant has to be bumped when that code changes.
import { createHash } from 'node:crypto';
import type { DependencyBuildPlan } from '../plan/deps.ts';
import type { RecipeInput } from '../model/schema.ts';
import { stripOf } from '../model/sources.ts';
import { buildEnv, commandPhases, phaseWork, scrubbedVariables, type JobArgs } from './commands.ts';

/** JSON with sorted keys, so equal values hash equally. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Everything that decides a dependency's installed result; its hash is the cache key. */
export interface DependencyKeyParts {
  readonly recipe: RecipeInput;
  /** The compiler's family and version: the same `cc` may be another compiler after an upgrade. */
  readonly compiler: { readonly family: string; readonly version: string };
  /** The build's environment and cross target, as the plan has them (lib/plan/deps.ts dependencyBuild). */
  readonly env: DependencyBuildPlan['env'];
  readonly cross?: DependencyBuildPlan['cross'] | undefined;
  readonly platform: string;
  readonly arch: string;
  /** A local source's tree hash (lib/deps/local.ts): its contents decide the result, its place does not. */
  readonly sourceTree?: string | undefined;
}

/**
 * Places that differ between checkouts sharing one cache, and the job budget, which changes how fast a build runs
 * but not what it installs: they stand in the commands as names.
 */
const placeholders = { sourceDir: '{source}', buildDir: '{build}', prefix: '{prefix}', logDir: '{logs}', jobs: 0 } as const;
const budget: JobArgs = { args: ['{jobs}'], env: { MAKEFLAGS: '{jobserver}' }, fds: [] };

/**
 * What pogogen would build `parts` from: the plan dep-step reads (paths as placeholders), every phase's files and
 * commands as `work` constructs them (commands.ts phaseWork, which runs them too), and the environment they get.
 */
export function buildDescription(parts: DependencyKeyParts, work: typeof phaseWork = phaseWork): unknown {
  const r = parts.recipe;
  const plan: DependencyBuildPlan = {
    ...placeholders,
    name: r.name,
    version: r.version,
    key: '',
    build: r.build,
    strip: stripOf(r),
    cacheEntry: '',
    env: parts.env,
    ...(r.headers === undefined ? {} : { headers: r.headers }),
    expect: [],
    ...(parts.cross === undefined ? {} : { cross: parts.cross }),
  };
  return {
    plan,
    phases: Object.fromEntries(commandPhases.map((p) => [p, work(plan, p, budget)])),
    env: buildEnv(plan, {}),
    unset: scrubbedVariables,
  };
}

export const dependencyKey = (parts: DependencyKeyParts, work: typeof phaseWork = phaseWork): string =>
  createHash('sha256')
    .update(stableJson({ recipe: parts.recipe, compiler: parts.compiler, platform: parts.platform, arch: parts.arch, build: buildDescription(parts, work), sourceTree: parts.sourceTree }))
    .digest('hex');
