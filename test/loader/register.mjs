// Runs the TypeScript tests without ts-node: tap starts each test file with `--import` of this module, which
// registers load hooks that compile .ts (test files and the lib/ they import) with esbuild, a few milliseconds a
// file where ts-node took seconds a process. Types are not checked here; `npm run typecheck` does that.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);

// tap also injects `--import=@tapjs/processinfo` into every node process a test starts (through process-on-spawn,
// which rewrites each spawn's environment): each pogogen the tests run, and each one ninja runs under them
// (regeneration, dependency steps), loaded tap's process-info hooks and wrote a record under .tap/ in its working
// directory, tripling its CPU time (0.23 s to 0.6 s for `pogogen --help`, measured). Coverage is off, so nobody
// reads those records: the spawn listener is dropped and the children start as a user's would.
const onSpawn = globalThis[Symbol.for('process-on-spawn@*:singletonId')];
if (onSpawn !== undefined) onSpawn.listeners.length = 0;
if (process.env.NODE_OPTIONS?.includes('@tapjs/processinfo')) {
  const kept = process.env.NODE_OPTIONS.split(/\s+/).filter((o) => o !== '' && !o.includes('@tapjs/processinfo'));
  if (kept.length > 0) process.env.NODE_OPTIONS = kept.join(' ');
  else delete process.env.NODE_OPTIONS;
}
