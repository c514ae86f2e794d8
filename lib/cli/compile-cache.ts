// Node ≥ 22.1 can keep V8's compiled code on disk between runs (module.enableCompileCache): pogogen's own bundle
// and the project's bundled description then skip parsing and compiling on the next run. Only node builtins here:
// this runs before the pipeline loads.
import fs from 'node:fs';
import nodeModule from 'node:module';
import path from 'node:path';

interface CompileCacheApi {
  readonly enableCompileCache?: (dir: string) => unknown;
  readonly getCompileCacheDir?: () => string | undefined;
}

/** The directory pogogen keeps the compile cache in, per project (removed with out/). */
export const compileCacheDir = (root: string): string => path.join(root, 'out', '.pogogen', 'compile-cache');

/**
 * Turns the compile cache on for the project at `root`, when this Node has one, the directory holds a
 * build.pogo.ts (no out/ is made anywhere else), and neither NODE_COMPILE_CACHE nor an earlier call turned it on.
 */
export function enableCompileCache(root: string): void {
  const api = nodeModule as unknown as CompileCacheApi;
  if (api.enableCompileCache === undefined || api.getCompileCacheDir?.() !== undefined) return;
  if (process.env.NODE_DISABLE_COMPILE_CACHE !== undefined || !fs.existsSync(path.join(root, 'build.pogo.ts'))) return;
  api.enableCompileCache(compileCacheDir(root));
}

/** The project directory of a command line: the last `-C DIR` (or `-C=DIR`), else the current directory. */
export function projectDir(argv: readonly string[]): string {
  let dir = '.';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '-C' && i + 1 < argv.length) dir = argv[++i]!;
    else if (a.startsWith('-C=')) dir = a.slice(3);
  }
  return path.resolve(dir);
}
