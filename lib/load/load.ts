// Turning build.pogo.ts (and the local files it imports) into a value and the list of files it read: bundled by
// esbuild, cached by content so an unchanged description loads without running esbuild, and imported without a
// source map: positions in the bundle are mapped back to the original files only when an error needs a line.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runEsbuild, runEsbuildSync, type EsbuildError, type InputGraph } from './esbuild.ts';
import { decodeMappings, originalPosition } from './sourcemap.ts';
import { isThenable, thrownText } from '../model/diagnostics.ts';
import { importModule } from './importer.ts';

export interface Loaded {
  /** The description's default export. */
  readonly value: unknown;
  /** Absolute paths of build.pogo.ts and every local file it imported, transitively, sorted; not the API module, nothing from node_modules. */
  readonly files: string[];
  /** True when the bundle came from the cache (esbuild was not run). */
  readonly cached: boolean;
  /** Where something the description threw, or a helper recorded, came from in its original files. */
  readonly frameOf: FrameOf;
}

/** 1-based line and column in one of the description's files. */
export interface Frame {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** The first stack frame of an Error (thrown, or recorded by a helper) inside the description's own files. */
export type FrameOf = (err: unknown) => Frame | undefined;

export class LoadError extends Error {
  constructor(
    message: string,
    public readonly file: string,
    public readonly line?: number,
    public readonly column?: number,
    public readonly lineText?: string,
    public readonly help?: string,
  ) {
    super(message);
    this.name = 'LoadError';
  }
}

/** Bump when the bundle or the manifest changes shape, so that older cache entries are not reused. */
const LOADER_VERSION = '3';

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
  /** How long the description may take to evaluate (its import, and its top-level awaits); 60 s by default. */
  readonly timeoutMs?: number;
  /**
   * Called with the frame mapper just before the description runs, so that whoever catches what it raises
   * outside any call (a timer's throw, a rejected Promise nobody handles) can place it in the original files.
   */
  readonly onRun?: (frameOf: FrameOf) => void;
}

export const DEFAULT_LOAD_TIMEOUT_MS = 60_000;

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** Bundles started ahead of loadDescription, by `file\0cacheDir\0apiEntry`. */
const started = new Map<string, Promise<Bundled>>();

interface Bundled {
  readonly entry: string;
  readonly cacheDir: string;
  readonly manifest: Manifest;
  readonly hit: boolean;
}

/**
 * Starts finding or making the bundle of `file` now, so that esbuild runs while the caller loads the rest of the
 * pipeline; loadDescription with the same arguments then takes it over. Errors surface there.
 */
export function preload(file: string, opts: Options): void {
  const p = bundleOf(file, opts);
  p.catch(() => {});
  started.set([file, opts.cacheDir, opts.apiEntry].join('\0'), p);
}

/** The cached bundle of `file` when its inputs are unchanged, else a new one from esbuild. */
async function bundleOf(file: string, opts: Options): Promise<Bundled> {
  // Real paths throughout, because esbuild resolves symlinks and Node imports a module by its real path: the files
  // listed, esbuild's relative paths and the source map's `sources` (relative to the bundle) then all agree.
  let entry: string;
  let bytes: Buffer;
  try {
    entry = fs.realpathSync(file);
    // Bytes, not text: decoding 1.4 MB to a string and encoding it again to hash it cost ~30 ms before esbuild
    // could start.
    bytes = fs.readFileSync(entry);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LoadError(code === 'ENOENT' ? `no ${path.basename(file)} in ${path.dirname(file)}` : `cannot read ${file}: ${code ?? String(err)}`, file);
  }
  fs.mkdirSync(opts.cacheDir, { recursive: true });
  const cacheDir = fs.realpathSync(opts.cacheDir);
  const key = createHash('sha256').update(`${LOADER_VERSION}\0${entry}\0`).update(bytes).update(`\0${opts.apiEntry}`).digest('hex');
  const hit = readEntry(cacheDir, key);
  const manifest = hit ?? (await bundle(entry, key, cacheDir, opts.apiEntry));
  return { entry, cacheDir, manifest, hit: hit !== undefined };
}

export async function loadDescription(file: string, opts: Options): Promise<Loaded> {
  const id = [file, opts.cacheDir, opts.apiEntry].join('\0');
  const pending = started.get(id);
  started.delete(id);
  const { entry, cacheDir, manifest, hit } = await (pending ?? bundleOf(file, opts));
  const bundlePath = path.join(cacheDir, manifest.bundle);
  const frameOf = framesIn(manifest.files, bundlePath, () => sourceMap(entry, opts.apiEntry, bundlePath, manifest.bundleSha256));
  opts.onRun?.(frameOf);
  const { value } = await within(evaluate(bundlePath, entry, frameOf), opts.timeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS, entry);
  return { value, files: manifest.files, cached: hit, frameOf };
}

/**
 * Imports the bundle and returns its default export, which must be the description itself, not a Promise of it.
 * Wrapped in an object: a Promise resolved with the value itself would read its `then`, which a Proxy may trap.
 */
async function evaluate(bundlePath: string, entry: string, frameOf: FrameOf): Promise<{ value: unknown }> {
  const name = path.basename(entry);
  let mod: Record<string, unknown>;
  try {
    mod = (await importModule(pathToFileURL(bundlePath).href)) as Record<string, unknown>;
  } catch (err) {
    throw thrownError(`${name} threw while loading`, err, entry, frameOf);
  }
  const value = mod.default;
  if (value === undefined) throw new LoadError(`${name} has no default export: it must \`export default defineBuild({...})\``, entry);
  // A Proxy's `then` trap may throw: that value is validation's to report, as a description that cannot be read.
  let thenable: boolean;
  try {
    thenable = isThenable(value);
  } catch {
    thenable = false;
  }
  if (!thenable) return { value };
  // Awaited only to report what it rejected with, and where: a description is a value, and top-level await is
  // where its asynchronous work belongs.
  try {
    await value;
  } catch (err) {
    throw thrownError(`the default export of ${name} is a Promise, which rejected`, err, entry, frameOf);
  }
  throw new LoadError(`the default export of ${name} is a Promise: it must be the description itself`, entry, undefined, undefined, undefined, `await what it needs at the top level of ${name}, then \`export default defineBuild({...})\``);
}

/** What user code threw, as a LoadError at the first of its frames in the description's files. */
function thrownError(what: string, err: unknown, entry: string, frameOf: FrameOf): LoadError {
  const at = frameOf(err);
  const message = `${what}: ${thrownText(err)}`;
  return at === undefined ? new LoadError(message, entry) : new LoadError(message, at.file, at.line, at.column, lineOf(at.file, at.line));
}

/**
 * `evaluation`, or a LoadError once `ms` have passed: a description that awaits something that never settles
 * (a Promise nothing resolves, kept alive by a timer) must not hang the generation. The timer is cleared after,
 * so it keeps no finished process alive.
 */
async function within<T>(evaluation: Promise<T>, ms: number, entry: string): Promise<T> {
  // Still running when the deadline passes: its later failure is no one's to report.
  evaluation.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const name = path.basename(entry);
      reject(new LoadError(`${name} did not finish loading within ${ms / 1000} s`, entry, undefined, undefined, undefined, `something it awaits never settles; POGOGEN_LOAD_TIMEOUT=<seconds> sets the limit`));
    }, ms);
  });
  try {
    return await Promise.race([evaluation, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A bundle's source map, decoded: original file of each source index, and the segments of each bundle line. */
export interface DecodedMap {
  readonly sources: readonly string[];
  readonly lines: readonly Int32Array[];
}

/**
 * The source map of `bundlePath`, made on first need by running esbuild again with a map (its code is the same
 * byte for byte, which is checked) and kept beside the bundle; undefined when that is not possible, e.g. because
 * an imported file changed since.
 */
function sourceMap(entry: string, apiEntry: string, bundlePath: string, bundleSha256: string): DecodedMap | undefined {
  const mapFile = `${bundlePath}.map`;
  const dir = path.dirname(bundlePath);
  try {
    if (!fs.existsSync(mapFile)) {
      const tmp = `${bundlePath}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
      try {
        const r = runEsbuildSync({ entry, apiEntry, outfile: tmp, sourcemap: true });
        if (!r.ok || sha256(fs.readFileSync(tmp)) !== bundleSha256) return undefined;
        fs.renameSync(`${tmp}.map`, mapFile);
      } finally {
        fs.rmSync(tmp, { force: true });
        fs.rmSync(`${tmp}.map`, { force: true });
      }
    }
    const raw = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as { sources?: unknown; mappings?: unknown };
    if (!Array.isArray(raw.sources) || typeof raw.mappings !== 'string') return undefined;
    return { sources: raw.sources.map((s) => path.resolve(dir, String(s))), lines: decodeMappings(raw.mappings) };
  } catch {
    return undefined;
  }
}

/**
 * Finds the first frame of an Error's stack that lies in one of `files`: frames in the bundle (named by path or by
 * file URL, as Node prints them) through the source map, which `getMap` makes once, on first need; frames naming
 * one of the files directly as they are.
 */
export function framesIn(files: readonly string[], bundlePath: string, getMap: () => DecodedMap | undefined): FrameOf {
  let map: DecodedMap | undefined | null;
  const bundleNames = [bundlePath, pathToFileURL(bundlePath).href];
  const wanted = new Set(files);
  const direct = files.flatMap((f) => [
    { file: f, name: f },
    { file: f, name: pathToFileURL(f).href },
  ]);
  return (err) => {
    let stack: unknown;
    try {
      // User code threw it, or can reach the Error a helper recorded: `stack` may be a throwing getter or a number.
      stack = err instanceof Error ? err.stack : undefined;
    } catch {
      return undefined;
    }
    if (typeof stack !== 'string') return undefined;
    for (const frame of stack.split('\n')) {
      if (!/^\s+at /.test(frame)) continue;
      for (const name of bundleNames) {
        const at = positionAfter(frame, name);
        if (at === undefined) continue;
        map ??= getMap() ?? null;
        const o = map === null ? undefined : originalPosition(map.lines, at.line - 1, at.column - 1);
        const file = o === undefined ? undefined : map?.sources[o.source];
        if (o !== undefined && file !== undefined && wanted.has(file)) return { file, line: o.line + 1, column: o.column + 1 };
      }
      for (const { file, name } of direct) {
        const at = positionAfter(frame, name);
        if (at !== undefined) return { file, ...at };
      }
    }
    return undefined;
  };
}

/** `line:column` right after `name:` in a stack frame, where `name` starts the location (after a space or `(`). */
function positionAfter(frame: string, name: string): { line: number; column: number } | undefined {
  for (let i = frame.indexOf(`${name}:`); i >= 0; i = frame.indexOf(`${name}:`, i + 1)) {
    if (frame[i - 1] !== ' ' && frame[i - 1] !== '(') continue;
    const m = /^(\d+):(\d+)/.exec(frame.slice(i + name.length + 1));
    if (m !== null) return { line: Number(m[1]), column: Number(m[2]) };
  }
  return undefined;
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
    prune(cacheDir, new Set([manifest.bundle, `${manifest.bundle}.map`, `${key}.json`]));
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
