// `pogogen init`: a build.pogo.ts guessed from an existing C tree (pure: the files in, the description text and
// the guesses with their reasons out). The include graph decides the structure: a library per source directory,
// public include directories, programs where main() is not behind a test macro; headers nothing in the tree
// provides become shipped recipes (pkg-config first), generated headers become actions, `#error` guards and the
// tree's own -D flags become defines and options; vendored trees and test programs are recognised and kept apart
// (a vendored tree with its own build that the project includes becomes a dependency built from its directory).
// This module is the public entry and the order of the stages; the stages live in init/, sharing an InitContext
// (init/context.ts).
import { newContext, type InitResult, type TreeFile } from './init/context.ts';
import { findGenerators } from './init/generated.ts';
import { structureGuesses } from './init/guesses.ts';
import { followIncludes } from './init/includes.ts';
import { groupLibraries, linkLibraries, markShared, nameTargets } from './init/libraries.ts';
import { localDependencies } from './init/local.ts';
import { renderDescription } from './init/render.ts';
import { buildFileDefines, guardDefines, includeDirs, recipeDependencies } from './init/settings.ts';
import { classifyFiles, findIncludedC, findPackages, markSkippedPackages } from './init/tree.ts';

export type { InitResult, TreeFile } from './init/context.ts';

export function guessDescription(projectName: string, files: readonly TreeFile[]): InitResult {
  // The tree: C files scanned, build files read for hints (init/scan.ts, init/hints.ts).
  const ctx = newContext(projectName, files);
  // Vendored packages and which files are compiled, and how (init/tree.ts).
  findPackages(ctx);
  findIncludedC(ctx);
  markSkippedPackages(ctx);
  classifyFiles(ctx);
  // The include graph: what every compiled file reaches and needs beyond the tree; generated headers.
  followIncludes(ctx);
  findGenerators(ctx);
  // Libraries, the edges between them (cycles merged), shared ones, and every target's name.
  groupLibraries(ctx);
  linkLibraries(ctx);
  markShared(ctx);
  nameTargets(ctx);
  // Vendored trees with their own build that the project includes: dependencies built from the directory.
  localDependencies(ctx);
  // Settings: include dirs, defines, dependencies on shipped recipes, options.
  includeDirs(ctx);
  guardDefines(ctx);
  recipeDependencies(ctx);
  buildFileDefines(ctx);
  // The guesses about the structure, then the text (which names and guesses the test programs).
  structureGuesses(ctx);
  const description = renderDescription(ctx);
  return { description, guesses: ctx.guesses, todo: ctx.todo };
}
