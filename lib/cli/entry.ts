// The executable entry of the bundled CLI: wires the runtime paths and exits with main's code.
import { fileURLToPath } from 'node:url';
import { main } from './main.ts';

declare const POGOGEN_VERSION: string;

const here = fileURLToPath(import.meta.url);
const code = await main(process.argv.slice(2), {
  version: POGOGEN_VERSION,
  apiEntry: fileURLToPath(new URL('./index.js', import.meta.url)),
  self: [process.execPath, here],
});
process.exitCode = code;
