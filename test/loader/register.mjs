// Runs the TypeScript tests without ts-node: tap starts each test file with `--import` of this module, which
// registers load hooks that compile .ts (test files and the lib/ they import) with esbuild, a few milliseconds a
// file where ts-node took seconds a process. Types are not checked here; `npm run typecheck` does that.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
