// Turning build.pogo.ts (and the local files it imports) into a value and the list of files it read: bundled by
// esbuild, cached by content so an unchanged description loads without running esbuild, and imported with source
// maps on so that errors point at the original files and lines.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runEsbuild, type EsbuildError, type InputGraph } from './esbuild.ts';

export interface Loaded {
  /** The description's default export. */
  readonly value: unknown;
  /** Absolute paths of build.pogo.ts and every local file it imported, transitively, sorted; not the API module, nothing from node_modules. */
  readonly files: string[];
  /** True when the bundle came from the cache (esbuild was not run). */
  readonly cached: boolean;
}

export class LoadError extends Error {
  constructor(
    message: string,
    public readonly file: string,
    public readonly line?: number,
    public readonly column?: number,
    public readonly lineText?: string,
  ) {
    super(message);
    this.name = 'LoadError';
  }
}

/** Bump when the bundle or the manifest changes shape, so that older cache entries are not reused. */
const LOADER_VERSION = '2';

/** Cache files not written for this long are removed whenever a new entry is written (each edit of build.pogo.ts makes one). */
const KEEP_MS = 24 * 60 * 60 * 1000;

/** `<key>.json` in the cache directory: the bundle it stands for and every file that went into it, with hashes. */
interface Manifest {
  /** File name of the bundle, `<key>.<first 16 hex digits of its sha256>.mjs`: a rebuilt bundle is a new module URL. */
  readonly bundle: string;
  readonly bundleSha256: string;
  /** Loaded.files. */
  readonly files: string[];
  /** Every bundled input (the description's files and the API module's) → sha256; any change means bundling again. */
  readonly inputs: Readonly<Record<string, string>>;
}

interface Options {
  /** Where bundles and manifests are kept (created when needed). */
  readonly cacheDir: string;
  /** Absolute path of the module that `import ... from 'pogogen'` means. */
  readonly apiEntry: string;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export async function loadDescription(file: string, opts: Options): Promise<Loaded> {
  // Real paths throughout, because esbuild resolves symlinks and Node imports a module by its real path: the files
  // listed, esbuild's relative paths and the source map's `sources` (relative to the bundle) then all agree.
  let entry: string;
  let text: string;
  try {
    entry = fs.realpathSync(file);
    text = fs.readFileSync(entry, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LoadError(code === 'ENOENT' ? `no ${path.basename(file)} in ${path.dirname(file)}` : `cannot read ${file}: ${code ?? String(err)}`, file);
  }
  fs.mkdirSync(opts.cacheDir, { recursive: true });
  const cacheDir = fs.realpathSync(opts.cacheDir);
  const key = sha256([LOADER_VERSION, entry, text, opts.apiEntry].join('\0'));
  const hit = readEntry(cacheDir, key);
  const manifest = hit ?? (await bundle(entry, key, cacheDir, opts.apiEntry));

  // Before the import, so that stack traces of anything the description throws, now or when pogogen later calls a
  // function it exported, name the original .ts files and lines instead of the bundle.
  process.setSourceMapsEnabled(true);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path.join(cacheDir, manifest.bundle)).href)) as Record<string, unknown>;
  } catch (err) {
    const at = errorLocation(err, manifest.files);
    const message = `${path.basename(file)} threw while loading: ${err instanceof Error ? err.message : String(err)}`;
    throw at === undefined ? new LoadError(message, entry) : new LoadError(message, at.file, at.line, at.column, lineOf(at.file, at.line));
  }
  if (mod.default === undefined) throw new LoadError(`${path.basename(file)} has no default export: it must \`export default defineBuild({...})\``, entry);
  return { value: mod.default, files: manifest.files, cached: hit !== undefined };
}

/** The manifest of cache entry `key` if its bundle and every input still have their recorded hashes; any doubt is a miss. */
function readEntry(cacheDir: string, key: string): Manifest | undefined {
  try {
    const m: unknown = JSON.parse(fs.readFileSync(path.join(cacheDir, `${key}.json`), 'utf8'));
    if (!isManifest(m)) return undefined;
    if (sha256(fs.readFileSync(path.join(cacheDir, m.bundle))) !== m.bundleSha256) return undefined;
    for (const [input, hash] of Object.entries(m.inputs)) if (sha256(fs.readFileSync(input)) !== hash) return undefined;
    return m;
  } catch {
    return undefined;
  }
}

function isManifest(m: unknown): m is Manifest {
  if (typeof m !== 'object' || m === null) return false;
  const { bundle, bundleSha256, files, inputs } = m as Record<string, unknown>;
  return (
    typeof bundle === 'string' &&
    bundle === path.basename(bundle) &&
    typeof bundleSha256 === 'string' &&
    typeof inputs === 'object' &&
    inputs !== null &&
    Object.values(inputs).every((h) => typeof h === 'string') &&
    Array.isArray(files) &&
    files.every((f) => typeof f === 'string' && Object.hasOwn(inputs, f))
  );
}

/** Runs esbuild and writes a new cache entry: the bundle first, then its manifest, each by rename from a temporary file. */
async function bundle(entry: string, key: string, cacheDir: string, apiEntry: string): Promise<Manifest> {
  // The temporary output sits next to its final name: the source map's relative `sources` stay right after the rename.
  const tmp = path.join(cacheDir, `${key}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const result = await runEsbuild({ entry, apiEntry, outfile: tmp });
    if (!result.ok) throw esbuildLoadError(result.error, entry);
    const { inputs, files } = inputFiles(result.inputs, entry, realpath(apiEntry));
    const code = fs.readFileSync(tmp);
    const bundleSha256 = sha256(code);
    const manifest: Manifest = {
      bundle: `${key}.${bundleSha256.slice(0, 16)}.mjs`,
      bundleSha256,
      files,
      inputs: Object.fromEntries(inputs.map((f) => [f, sha256(fs.readFileSync(f))])),
    };
    fs.renameSync(tmp, path.join(cacheDir, manifest.bundle));
    fs.writeFileSync(tmp, JSON.stringify(manifest));
    fs.renameSync(tmp, path.join(cacheDir, `${key}.json`));
    prune(cacheDir, new Set([manifest.bundle, `${key}.json`]));
    return manifest;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * All bundled inputs as absolute paths, and among them the description's own files: those reachable from the entry
 * without passing through the API module, and not under node_modules.
 */
function inputFiles(graph: InputGraph, entry: string, apiEntry: string): { inputs: string[]; files: string[] } {
  const dir = path.dirname(entry);
  const abs = (rel: string): string => path.resolve(dir, rel);
  // Inputs in esbuild's other namespaces (none are expected with these options) are not files and cannot be hashed.
  const inputs = Object.keys(graph).filter((rel) => fs.statSync(abs(rel), { throwIfNoEntry: false })?.isFile() === true);
  const byPath = new Map(inputs.map((rel) => [abs(rel), rel]));
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const f = stack.pop()!;
    const rel = byPath.get(f);
    if (rel === undefined || seen.has(f) || f === apiEntry || f.split(path.sep).includes('node_modules')) continue;
    seen.add(f);
    for (const imp of graph[rel]?.imports ?? []) if (imp.external !== true) stack.push(abs(imp.path));
  }
  return { inputs: inputs.map(abs).sort(), files: [...seen].sort() };
}

/** Removes cache files that no entry written in the last KEEP_MS can need; an entry whose bundle is gone is a miss. */
function prune(cacheDir: string, keep: ReadonlySet<string>): void {
  const cutoff = Date.now() - KEEP_MS;
  for (const name of fs.readdirSync(cacheDir)) {
    if (keep.has(name)) continue;
    const p = path.join(cacheDir, name);
    if ((fs.statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < cutoff) fs.rmSync(p, { force: true });
  }
}

/** esbuild's error as a LoadError with an absolute file and a 1-based column counted in characters. */
function esbuildLoadError(e: EsbuildError, entry: string): LoadError {
  if (e.file === undefined || e.line === undefined) return new LoadError(e.text, entry);
  const file = path.resolve(path.dirname(entry), e.file);
  const lineText = lineOf(file, e.line) ?? e.lineText;
  const column = e.column === undefined ? undefined : (lineText === undefined ? e.column : Buffer.from(lineText).subarray(0, e.column).toString().length) + 1;
  return new LoadError(e.text, file, e.line, column, lineText);
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** Line `line` (1-based) of `file`, if it can be read. */
function lineOf(file: string, line: number): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').split(/\r?\n/)[line - 1];
  } catch {
    return undefined;
  }
}

/**
 * The first stack frame of `err` inside one of `files` (the description's own sources), as source-mapped by Node:
 * `    at fn (/abs/build.pogo.ts:5:9)` or `    at file:///abs/build.pogo.ts:5:9`.
 */
export function errorLocation(err: unknown, files: readonly string[]): { file: string; line: number; column: number } | undefined {
  const stack = err instanceof Error ? err.stack : undefined;
  if (stack === undefined) return undefined;
  const names = files.flatMap((file) => [
    { file, name: file },
    { file, name: pathToFileURL(file).href },
  ]);
  for (const frame of stack.split('\n')) {
    if (!/^\s+at /.test(frame)) continue;
    for (const { file, name } of names) {
      for (let i = frame.indexOf(`${name}:`); i >= 0; i = frame.indexOf(`${name}:`, i + 1)) {
        if (frame[i - 1] !== ' ' && frame[i - 1] !== '(') continue;
        const m = /^(\d+):(\d+)/.exec(frame.slice(i + name.length + 1));
        if (m !== null) return { file, line: Number(m[1]), column: Number(m[2]) };
      }
    }
  }
  return undefined;
}
