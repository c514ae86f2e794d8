// `pogogen docker [EXECUTABLE]`: writes Dockerfile, .dockerignore and the deps-only description from the
// generated build (atomically, only when changed); --check fails instead when any of them is out of date.
import fs from 'node:fs';
import path from 'node:path';
import { depsDescription, dockerfile, dockerignore, depsOnlyDescription, type DockerInput } from '../insight/docker.ts';
import type { RecipeInput } from '../model/schema.ts';
import type { CliArgs } from './args.ts';
import type { Generated, Io } from './insight.ts';
import { writeIfChanged } from './write.ts';

export async function dockerCommand(args: CliArgs, gen: Generated, io: Io): Promise<number> {
  const { root, graph, model } = gen;
  const exes = graph.targets.filter((t) => t.kind === 'executable');
  const wanted = args.rest[0];
  const exe = wanted === undefined ? (exes.length === 1 ? exes[0] : undefined) : exes.find((t) => t.name === wanted);
  if (exe === undefined) {
    io.err(`pogogen: error: ${wanted === undefined ? 'which executable should the runtime image run?' : `"${wanted}" is not an executable of this project;`} executables: ${exes.map((t) => t.name).join(', ') || '(none)'}\n  help: pogogen docker NAME\n`);
    return 1;
  }
  const dependencies = model.targets
    .flatMap((t) => (t.kind === 'dependency' && t.recipe !== undefined ? [{ name: t.name, recipe: t.recipe as RecipeInput }] : []))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const depFiles = ['pogogen.lock', 'third_party'].filter((f) => fs.existsSync(path.join(root, f)));
  const input: DockerInput = {
    project: model.project.name,
    exe: { name: exe.name, production: exe.output!.replace(/^out\/[^/]+\//, 'out/production/') },
    dependencies,
    depFiles,
    lockfile: fs.existsSync(path.join(root, 'package-lock.json')),
  };
  const files: [string, string][] = [
    ['Dockerfile', dockerfile(input)],
    ['.dockerignore', dockerignore()],
    [depsDescription, depsOnlyDescription(input)],
  ];
  if (args.check) {
    const stale = files.filter(([f, text]) => !fs.existsSync(path.join(root, f)) || fs.readFileSync(path.join(root, f), 'utf8') !== text).map(([f]) => f);
    if (stale.length > 0) {
      io.err(`pogogen: error: out of date: ${stale.join(', ')}; run pogogen docker${wanted === undefined ? '' : ` ${wanted}`}\n`);
      return 1;
    }
    io.out('pogogen: Docker files are up to date\n');
    return 0;
  }
  const written = files.filter(([f, text]) => writeIfChanged(path.join(root, f), text)).map(([f]) => f);
  io.out(`pogogen: ${written.length === 0 ? 'Docker files already up to date' : `wrote ${written.join(', ')}`} (runtime image runs ${exe.name}; ${dependencies.length} dependenc${dependencies.length === 1 ? 'y' : 'ies'} in the deps stage)\n`);
  return 0;
}
