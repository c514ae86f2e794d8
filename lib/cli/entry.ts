// The pipeline's entry (dist/pipeline.cjs): everything a run does once the fast path has not answered. The command's
// first module (lib/cli/bin.ts) compiles this bundle with its code cache (lib/cli/code-cache.ts) and calls run();
// the first module ends the process with the code it returns.
import path from 'node:path';
import { enableCompileCache, projectDir } from './compile-cache.ts';
import { parseArgs, type CliArgs } from './args.ts';
import { lendImporter } from '../load/importer.ts';

declare const POGOGEN_VERSION: string;

/** What the command's first module hands over. */
export interface Boot {
  /** dist/cli.js: the command ninja's regeneration and the tests run, and the key of the fast-path record. */
  readonly here: string;
  /** The project directory the fast path found (with a record), if any. */
  readonly root: string | undefined;
  /** dist/index.js, the module build.pogo.ts imports as 'pogogen'. */
  readonly apiEntry: string;
  /** An `import()` the pipeline may call (its own cannot run under vm.Script). */
  readonly importModule: (url: string) => Promise<unknown>;
}

/**
 * Runs the command; resolves to its exit code and whether it was a generation that succeeded, the run whose compiled
 * code is worth caching (a `--help` or a dependency step compiles a small part of the pipeline).
 */
export async function run(argv: readonly string[], boot: Boot): Promise<{ code: number; generated: boolean }> {
  const { here, root, apiEntry } = boot;
  lendImporter(boot.importModule);
  const args = parsed(argv);
  // Run directly (by ninja's regeneration, or the tests): the description's compiled code gets cached.
  // Not for a command line main will refuse: a usage error writes nothing, not even a cache.
  if (args !== undefined) enableCompileCache(root ?? projectDir(argv));
  // A generation bundles build.pogo.ts first: esbuild (another process) starts now and runs while the pipeline
  // sets up, which it does only when there is work to do.
  // Not for a command line main will refuse: a usage error writes nothing, not even the bundle cache.
  if (root !== undefined && args !== undefined) (await import('../load/load.ts')).preload(path.join(root, 'build.pogo.ts'), { cacheDir: path.join(root, 'out', '.pogogen', 'load'), apiEntry });
  const { main } = await import('./main.ts');
  const code = await main(argv, { version: POGOGEN_VERSION, apiEntry, self: [process.execPath, here] });
  return { code, generated: code === 0 && args?.command === 'generate' };
}

function parsed(argv: readonly string[]): CliArgs | undefined {
  try {
    return parseArgs(argv);
  } catch {
    return undefined;
  }
}
