// The executable entry of the bundled CLI: answers an unchanged re-run from the fast-path record without loading
// the pipeline, otherwise wires the runtime paths into main and exits with its code.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { plainGeneration, upToDate } from './fastpath.ts';

declare const POGOGEN_VERSION: string;

const here = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);
const root = plainGeneration(argv);
if (root !== undefined && upToDate(root, argv, POGOGEN_VERSION, here)) {
  if (argv.includes('--verbose') || argv.includes('-v')) process.stderr.write(`pogogen: nothing changed since the last generation (${performance.now().toFixed(1)} ms)\n`);
  process.exitCode = 0;
} else {
  const apiEntry = fileURLToPath(new URL('./index.js', import.meta.url));
  // A generation bundles build.pogo.ts first: esbuild (another process) starts now and runs while the pipeline
  // (zod, globbing, the writers) loads, which it does only when there is work to do.
  if (root !== undefined) (await import('../load/load.ts')).preload(path.join(root, 'build.pogo.ts'), { cacheDir: path.join(root, 'out', '.pogogen', 'load'), apiEntry });
  const { main } = await import('./main.ts');
  process.exitCode = await main(argv, { version: POGOGEN_VERSION, apiEntry, self: [process.execPath, here] });
}
