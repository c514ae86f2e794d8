// The command's first module, built as CommonJS (dist/cli.cjs): Node's CommonJS loader starts ~15 ms sooner than
// its ESM loader, and an unchanged re-run ends here. Otherwise it hands over to the ESM bundle (dist/cli.js), which
// checks again (a millisecond) because ninja's regeneration and the tests run it directly.
import { fileURLToPath } from 'node:url';
import { plainGeneration, upToDate } from './fastpath.ts';

declare const POGOGEN_VERSION: string;

const cli = new URL('./cli.js', import.meta.url);
const argv = process.argv.slice(2);
const root = plainGeneration(argv);
// The key names dist/cli.js, as the record written by the pipeline does.
if (root !== undefined && upToDate(root, argv, POGOGEN_VERSION, fileURLToPath(cli))) {
  if (argv.includes('--verbose') || argv.includes('-v')) process.stderr.write(`pogogen: nothing changed since the last generation (${performance.now().toFixed(1)} ms)\n`);
  process.exitCode = 0;
} else {
  void import(cli.href);
}
