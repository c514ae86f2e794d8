// The commands ninja and make run inside a build (never typed by a user): one dependency build phase, a PGO
// training or collection, the copy of an install manifest's files.
import path from 'node:path';
import type { Phase } from '../../deps/steps.ts';
import type { CliArgs } from '../args.ts';
import type { Cli } from '../context.ts';
import { readManifest } from '../manifests.ts';

const phases: readonly Phase[] = ['extract', 'configure', 'headers', 'build', 'install', 'restore'];

/** `pogogen dep-step PHASE PLAN`: one phase of a dependency build. */
export async function depStep(args: CliArgs, cli: Cli): Promise<number> {
  const [phase, planFile] = args.rest;
  if (phase === undefined || planFile === undefined || !(phases as readonly string[]).includes(phase)) {
    cli.io.err(`pogogen: dep-step needs PHASE (${phases.join('|')}) and a plan file\n`);
    return 2;
  }
  const depPlan = readManifest('dependency', planFile);
  try {
    await (await import('../../deps/steps.ts')).runPhase(phase as Phase, depPlan, cli.env, (m) => cli.io.err(`pogogen: warning: ${m}\n`));
    return 0;
  } catch (err) {
    if (!(err instanceof Error && (err.name === 'StepError' || err.name === 'ExtractError'))) throw err;
    cli.io.err(`pogogen: error: ${err.message}\n`);
    return 1;
  }
}

/** `pogogen pgo train|collect PLAN`: runs the trainings of an instrumented program, or merges their profiles. */
export async function pgoStep(args: CliArgs, cli: Cli): Promise<number> {
  const [what, file] = args.rest;
  if ((what !== 'train' && what !== 'collect') || file === undefined) {
    cli.io.err('pogogen: pgo needs train|collect and a plan file (run by ninja)\n');
    return 2;
  }
  const pgo = await import('../pgo.ts');
  const problem = what === 'train' ? pgo.train(file, cli.env) : pgo.collect(file);
  if (problem !== undefined) cli.io.err(`pogogen: error: PGO ${problem}\n`);
  return problem === undefined ? 0 : 1;
}

/** `pogogen install-files MANIFEST`: copies what the manifest lists under DESTDIR (make install / ninja install). */
export async function installFiles(args: CliArgs, cli: Cli): Promise<number> {
  const root = path.resolve(args.dir);
  const manifest = readManifest('install', path.resolve(root, args.rest[0] ?? ''));
  (await import('../install.ts')).install(manifest, root, cli.env.DESTDIR ?? '', (line) => cli.io.out(`${line}\n`));
  return 0;
}
