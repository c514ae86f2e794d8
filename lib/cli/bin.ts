// The command's first module, built as CommonJS (dist/cli.cjs; dist/cli.js, which ninja's regeneration and the
// tests run, loads it too): Node's CommonJS loader starts ~15 ms sooner than its ESM loader, and an unchanged re-run
// ends here. Otherwise it runs the pipeline (dist/pipeline.cjs), compiled with its code cache.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeCacheDir, loadCached } from './code-cache.ts';
import { fastPath } from './fastpath.ts';
import type { Boot } from './entry.ts';

declare const POGOGEN_VERSION: string;

// The key names dist/cli.js, as the record written by the pipeline does.
const here = fileURLToPath(new URL('./cli.js', import.meta.url));
const argv = process.argv.slice(2);
const { root, answered } = fastPath(argv, POGOGEN_VERSION, here);
if (answered) process.exitCode = 0;
else {
  const dist = path.dirname(here);
  const load = createRequire(here);
  // `pogogen build` with nothing to generate runs ninja from a small module of its own (dist/build.cjs), without
  // the pipeline.
  const builder = root === undefined && argv.includes('build') ? (load('./build.cjs') as typeof import('./build.ts')) : undefined;
  const buildNow = builder?.buildOnly(argv);
  if (builder !== undefined && buildNow !== undefined) {
    void builder.build(buildNow.args, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }, buildNow.root, undefined).then(exitWith);
  } else {
    // Before the pipeline is compiled: V8's code cache records the flags it was made under, and is refused under others.
    keepYoungGenerationSmall();
    const pipeline = loadCached<{ run: (argv: readonly string[], boot: Boot) => Promise<{ code: number; generated: boolean }> }>(path.join(dist, 'pipeline.cjs'), codeCacheDir(process.env));
    // This module's own import(): code compiled through vm.Script has none.
    const importModule = (url: string): Promise<unknown> => import(url);
    // The cache is written after a generation, the run that compiles most of the pipeline.
    void pipeline.exports.run(argv, { here, root, apiEntry: path.join(dist, 'index.js'), importModule }).then(({ code, generated }) => {
      if (generated) pipeline.saveCache();
      exitWith(code);
    });
  }
}

/**
 * Ends the process with `code`. The description may have left a timer or a socket open (a setInterval, a Promise
 * that never settles): it must not keep a finished pogogen running. A process with nothing left open ends by itself
 * before this unref'd timer fires; only one kept alive is ended by it. (Calling process.exit from a write callback
 * every time hung Node 24 at exit now and then under tap's process-info hook, in make's regeneration of the Makefile.)
 */
function exitWith(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 200).unref();
}

/**
 * A generation allocates mostly what it keeps (model, graph, steps): V8 doubles its young generation up to 2 × 16 MiB
 * for survivors that are copied out anyway. Holding it at its first size took the peak of a 50,000-source
 * generation from ~158 to ~137 MiB at the same speed on Node 20, and from 203 to 139 MiB on Node 24
 * (docs/PERFORMANCE.md). V8 reads this flag each time it would grow the space, so setting it now works; only on the
 * V8 versions it was checked on (Node 20, 22 and 24), because V8 prints an error for a flag it does not know.
 */
function keepYoungGenerationSmall(): void {
  const major = Number(process.versions.v8.split('.')[0]);
  if (major >= 11 && major <= 13) (createRequire(here)('node:v8') as typeof import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1');
}
