// `pogogen docker [EXECUTABLE]`: writes Dockerfile, .dockerignore and the deps-only description from the
// generated build (atomically, only when changed); --check fails instead when any of them is out of date.
import fs from 'node:fs';
import path from 'node:path';
import { depsDescription, dockerfile, dockerignore, depsOnlyDescription, type DockerInput } from '../insight/docker.ts';
import type { RecipeInput } from '../model/schema.ts';
import type { CliArgs } from './args.ts';
import type { Generated, Io } from './insight.ts';
import { writeIfChanged } from './write.ts';

/**
 * Whether pogogen may overwrite `file`: it does not exist, or its first line is the "Written by `pogogen docker`"
 * comment of each file it writes (after the `# syntax=` line the Dockerfiles of pogogen 0.1 began with).
 */
function ownFile(file: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
  return /^(#|\/\/) Written by `pogogen docker`/.test(text.replace(/^# syntax=.*\n/, ''));
}

/**
 * The files package.json installs from inside the project (`file:` specs naming a file, e.g. a packed pogogen): the
 * base stage copies them before npm runs. A directory or a path outside the project cannot reach the image.
 */
function npmFiles(root: string): string[] {
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return [];
  }
  const specs = ['dependencies', 'devDependencies', 'optionalDependencies'].flatMap((k) => Object.values((pkg[k] ?? {}) as Record<string, unknown>));
  const files = specs.flatMap((v) => {
    if (typeof v !== 'string' || !v.startsWith('file:')) return [];
    const rel = path.relative(root, path.resolve(root, v.slice('file:'.length)));
    return !rel.startsWith('..') && !path.isAbsolute(rel) && fs.statSync(path.join(root, rel), { throwIfNoEntry: false })?.isFile() === true ? [rel.split(path.sep).join('/')] : [];
  });
  return [...new Set(files)].sort();
}

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
    npmFiles: npmFiles(root),
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
  const foreign = files.filter(([f]) => !ownFile(path.join(root, f))).map(([f]) => f);
  if (foreign.length > 0) {
    io.err(`pogogen: error: ${foreign.join(', ')} ${foreign.length === 1 ? 'was' : 'were'} not written by pogogen (no "Written by \`pogogen docker\`" first line): pogogen will not overwrite ${foreign.length === 1 ? 'it' : 'them'}\n  help: move ${foreign.length === 1 ? 'it' : 'them'} away and run pogogen docker again; build with docker build -f FILE if you keep your own Dockerfile\n`);
    return 1;
  }
  const written = files.filter(([f, text]) => writeIfChanged(path.join(root, f), text)).map(([f]) => f);
  io.out(`pogogen: ${written.length === 0 ? 'Docker files already up to date' : `wrote ${written.join(', ')}`} (runtime image runs ${exe.name}; ${dependencies.length} dependenc${dependencies.length === 1 ? 'y' : 'ies'} in the deps stage)\n`);
  return 0;
}
