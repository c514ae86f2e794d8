// The executable entry of the bundled CLI: answers an unchanged re-run from the fast-path record without loading
// the pipeline, otherwise wires the runtime paths into main and exits with its code.
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { enableCompileCache, projectDir } from './compile-cache.ts';
import { fastPath } from './fastpath.ts';
import { parseArgs } from './args.ts';

declare const POGOGEN_VERSION: string;

const here = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);
const { root, answered } = fastPath(argv, POGOGEN_VERSION, here);
if (answered) {
  process.exitCode = 0;
} else {
  keepYoungGenerationSmall();
  // Run directly (by ninja's regeneration, or the tests): the pipeline's chunks and the description get cached.
  // Not for a command line main will refuse: a usage error writes nothing, not even a cache.
  if (parses(argv)) enableCompileCache(root ?? projectDir(argv));
  const apiEntry = fileURLToPath(new URL('./index.js', import.meta.url));
  // A generation bundles build.pogo.ts first: esbuild (another process) starts now and runs while the pipeline
  // (zod, globbing, the writers) loads, which it does only when there is work to do.
  // Not for a command line main will refuse: a usage error writes nothing, not even the bundle cache.
  if (root !== undefined && parses(argv)) (await import('../load/load.ts')).preload(path.join(root, 'build.pogo.ts'), { cacheDir: path.join(root, 'out', '.pogogen', 'load'), apiEntry });
  // `pogogen build` with nothing to generate runs ninja without loading the pipeline (lib/cli/build.ts).
  const buildNow = root === undefined && argv.includes('build') ? (await import('./build.ts')).buildOnly(argv) : undefined;
  let code: number;
  if (buildNow !== undefined) {
    const { build } = await import('./build.ts');
    code = await build(buildNow.args, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }, buildNow.root, undefined);
  } else {
    const { main } = await import('./main.ts');
    code = await main(argv, { version: POGOGEN_VERSION, apiEntry, self: [process.execPath, here] });
  }
  process.exitCode = code;
  // The description may have left a timer or a socket open (a setInterval, a Promise that never settles): it must
  // not keep a finished pogogen running. A process with nothing left open ends by itself before this unref'd timer
  // fires; only one kept alive is ended by it. (Calling process.exit from a write callback every time hung Node 24
  // at exit now and then under tap's process-info hook, in make's regeneration of the Makefile.)
  setTimeout(() => process.exit(code), 200).unref();
}

/**
 * A generation allocates mostly what it keeps (model, graph, steps): V8 doubles its young generation up to 2 × 16 MiB
 * for survivors that are copied out anyway. Holding it at its first size took the peak of a 50,000-source
 * generation from ~158 to ~137 MiB at the same speed (docs/PERFORMANCE.md). V8 reads this flag each time it would
 * grow the space, so setting it now works; only on the V8 versions it was checked on (Node 20 and 22), because V8
 * prints an error for a flag it does not know.
 */
function keepYoungGenerationSmall(): void {
  const major = Number(process.versions.v8.split('.')[0]);
  if (major >= 11 && major <= 13) v8.setFlagsFromString('--semi-space-growth-factor=1');
}

function parses(argv: readonly string[]): boolean {
  try {
    parseArgs(argv);
    return true;
  } catch {
    return false;
  }
}
