// The command's first module, built as CommonJS (dist/cli.cjs): Node's CommonJS loader starts ~15 ms sooner than
// its ESM loader, and an unchanged re-run ends here. Otherwise it hands over to the ESM bundle (dist/cli.js), which
// checks again (a millisecond) because ninja's regeneration and the tests run it directly.
import { fileURLToPath } from 'node:url';
import { fastPath } from './fastpath.ts';

declare const POGOGEN_VERSION: string;

const cli = new URL('./cli.js', import.meta.url);
// The key names dist/cli.js, as the record written by the pipeline does.
// The compile cache is turned on by the bundle's entry (lib/cli/entry.ts), once the command line parses.
if (fastPath(process.argv.slice(2), POGOGEN_VERSION, fileURLToPath(cli)).answered) process.exitCode = 0;
else void import(cli.href);
