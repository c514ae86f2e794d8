// pogogen's own compiled code, kept between runs. The pipeline (dist/pipeline.cjs, about 0.9 MB) is compiled through
// vm.Script with V8's code cache: parsing and compiling it was most of a small generation's start-up on Node 20
// (which has no module.enableCompileCache), and a per-project cache is cold in every new checkout and after each
// `rm -rf out`. The cache is the code's, not a project's: one file per pogogen build and Node version in the user's
// cache directory, written once (after the first generation that compiled without it), atomically, and never trusted
// beyond what V8 checks itself. Only node builtins here: this runs in the command's first module.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type vmModule from 'node:vm';

// crypto, os and vm are loaded when used: an unchanged re-run, answered before the pipeline, needs none of them.
const load = createRequire(import.meta.url);
const vm = (): typeof vmModule => load('node:vm') as typeof vmModule;

/** Entries kept per directory: enough for a few pogogen builds and Node versions side by side. */
const KEEP = 8;

/** The directory of the code cache: `$XDG_CACHE_HOME/pogogen/code-cache` (default `~/.cache`); none when turned off. */
export function codeCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.POGOGEN_CODE_CACHE === 'off' || env.NODE_DISABLE_COMPILE_CACHE !== undefined) return undefined;
  const base = env.XDG_CACHE_HOME !== undefined && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join((load('node:os') as typeof import('node:os')).homedir(), '.cache');
  return path.join(base, 'pogogen', 'code-cache');
}

export interface Loaded<T> {
  readonly exports: T;
  /** Writes the cache when this run compiled without one; call it once the run has compiled what it needed. */
  readonly saveCache: () => void;
}

/** Loads a CommonJS bundle as require() would, compiled with the cached code when the cache holds it. */
export function loadCached<T>(file: string, dir: string | undefined): Loaded<T> {
  const source = fs.readFileSync(file, 'utf8');
  // V8 checks the cache against the source's length, not its text: the key must name the text itself.
  const key = `${process.version}-${process.arch}-${(load('node:crypto') as typeof import('node:crypto')).createHash('sha256').update(source).digest('hex').slice(0, 32)}.bin`;
  const cacheFile = dir === undefined ? undefined : path.join(dir, key);
  let cachedData: Buffer | undefined;
  try {
    if (cacheFile !== undefined) cachedData = fs.readFileSync(cacheFile);
  } catch {
    // not cached yet
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
  const script = new (vm().Script)(wrapper, { filename: file, ...(cachedData === undefined ? {} : { cachedData }) });
  const mod = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
  const stale = cachedData === undefined || script.cachedDataRejected === true;
  return { exports: mod.exports, saveCache: () => (stale && cacheFile !== undefined ? save(script, cacheFile) : undefined) };
}

function save(script: vmModule.Script, cacheFile: string): void {
  const dir = path.dirname(cacheFile);
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, cacheFile);
    prune(dir, path.basename(cacheFile));
  } catch {
    // A cache that cannot be written is no cache: the next run compiles again.
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // (a path that cannot hold the temporary file cannot hold its remains either)
    }
  }
}

/** Keeps the newest KEEP entries (and `keep`): each build of pogogen and each Node version writes one. */
function prune(dir: string, keep: string): void {
  const entries = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.bin') && f !== keep)
    .map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of entries.slice(KEEP - 1)) fs.rmSync(path.join(dir, f), { force: true });
}
