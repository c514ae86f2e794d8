// The command's first module, built as CommonJS (dist/cli.cjs): Node's CommonJS loader starts ~15 ms sooner than
// its ESM loader, and an unchanged re-run ends here. Otherwise it hands over to the ESM bundle (dist/cli.js), which
// checks again (a millisecond) because ninja's regeneration and the tests run it directly.
import { fileURLToPath } from 'node:url';
import { enableCompileCache, projectDir } from './compile-cache.ts';
import { fastPath } from './fastpath.ts';

declare const POGOGEN_VERSION: string;

const cli = new URL('./cli.js', import.meta.url);
// The key names dist/cli.js, as the record written by the pipeline does.
const argv = process.argv.slice(2);
const { root, answered } = fastPath(argv, POGOGEN_VERSION, fileURLToPath(cli));
if (answered) process.exitCode = 0;
else {
  // Before the ESM bundle loads, so its code is cached too.
  enableCompileCache(root ?? projectDir(argv));
  void import(cli.href);
}
