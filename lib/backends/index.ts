// The backends, by name: ninja and make write the build file, compdb writes compile_commands.json beside either.
import path from 'node:path';
import { buildFileDefaults, type Backend, type BuildBackendName } from './backend.ts';
import { writeCompdb } from './compdb/write.ts';
import { checkMakePaths, makeStamp, writeMake } from './make/write.ts';
import { ninja as ninjaSyntax } from './ninja/syntax.ts';
import { writeNinja } from './ninja/write.ts';

const byPath = <T>(xs: Iterable<readonly [string, T]>): (readonly [string, T])[] => [...xs].sort(([a], [b]) => (a < b ? -1 : 1));

export const ninjaBackend: Backend = {
  name: 'ninja',
  defaultFile: buildFileDefaults.ninja,
  refuses: () => [],
  files(steps, at) {
    // The regeneration edge's depfile names what build.ninja was generated from. Absolute paths: a directory such
    // as `app/` must not be mistaken for the phony target `app`.
    const inputs = [...steps.regen.files, ...steps.regen.dirs].map((f) => ninjaSyntax.depfilePath(path.resolve(steps.root, f)));
    return [
      [steps.regen.depfile, `${ninjaSyntax.depfilePath(at.file)}: ${inputs.join(' \\\n  ')}\n`],
      [at.file, writeNinja(steps)],
    ];
  },
};

export const makeBackend: Backend = {
  name: 'make',
  defaultFile: buildFileDefaults.make,
  refuses: (steps, at) => checkMakePaths(steps, at.where),
  files(steps, at) {
    const mk = writeMake(steps);
    return [...byPath(mk.commandFiles), [at.file, mk.makefile]];
  },
  stamp: makeStamp,
};

export const compdbBackend: Backend = {
  name: 'compdb',
  defaultFile: 'compile_commands.json',
  refuses: () => [],
  files: (steps, at) => [[at.file, writeCompdb(steps)]],
};

export const buildBackends: Readonly<Record<BuildBackendName, Backend>> = { ninja: ninjaBackend, make: makeBackend };
