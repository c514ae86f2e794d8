// Turning build.pogo.ts (and the local .ts files it imports) into a value with esbuild's native binary, cached by
// content hash so an unchanged description loads without spawning anything; returns every file it read.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Loaded {
  /** The description's default export. */
  readonly value: unknown;
  /** Absolute paths of build.pogo.ts and every local file it imported, sorted. */
  readonly files: string[];
  /** True when the bundle came from the cache (esbuild was not run). */
  readonly cached: boolean;
}

export class LoadError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
    readonly lineText?: string,
  ) {
    super(message);
  }
}

/** Bump when the bundle format changes so old cache entries are not reused. */
const LOADER_VERSION = '1';

interface Manifest {
  readonly files: { readonly path: string; readonly sha256: string }[];
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export async function loadDescription(file: string, opts: { cacheDir: string; apiEntry: string }): Promise<Loaded> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new LoadError(`no build.pogo.ts in ${path.dirname(file)}`, file);
  }
  const key = sha256([LOADER_VERSION, file, opts.apiEntry, text].join('\0'));
  const bundle = path.join(opts.cacheDir, `${key}.mjs`);
  const manifestFile = path.join(opts.cacheDir, `${key}.json`);
  const hit = cached(manifestFile, bundle);
  const files = hit ?? build(file, opts, bundle, manifestFile);

  // Stack traces of errors thrown by the description point at build.pogo.ts, through the inline source map.
  process.setSourceMapsEnabled(true);
  let mod: Record<string, unknown>;
  try {
    // The query makes a rebuilt bundle a new module even in a process that imported the old one.
    const st = fs.statSync(bundle);
    mod = (await import(`${pathToFileURL(bundle).href}?${st.mtimeMs}-${st.size}`)) as Record<string, unknown>;
  } catch (err) {
    const loc = errorLocation(err, files);
    throw new LoadError(`build.pogo.ts threw while loading: ${err instanceof Error ? err.message : String(err)}`, loc?.file ?? file, loc?.line, loc?.column);
  }
  if (!('default' in mod) || mod.default === undefined) {
    throw new LoadError('build.pogo.ts has no default export', file, undefined, undefined, undefined);
  }
  return { value: mod.default, files, cached: hit !== undefined };
}

/** The input files of a cache entry whose every input still has the recorded hash; undefined on any miss. */
function cached(manifestFile: string, bundle: string): string[] | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
    if (!Array.isArray(m.files) || !fs.existsSync(bundle)) return undefined;
    for (const f of m.files) if (sha256(fs.readFileSync(f.path)) !== f.sha256) return undefined;
    return m.files.map((f) => f.path);
  } catch {
    return undefined;
  }
}

function esbuildBinary(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const esbuildDir = path.dirname(require.resolve('esbuild/package.json'));
    return createRequire(path.join(esbuildDir, 'package.json')).resolve(`@esbuild/${process.platform}-${process.arch}/bin/esbuild`);
  } catch {
    return undefined;
  }
}

/** Bundles with esbuild into the cache; returns the local input files. */
function build(file: string, opts: { cacheDir: string; apiEntry: string }, bundle: string, manifestFile: string): string[] {
  fs.mkdirSync(opts.cacheDir, { recursive: true });
  const tmp = `${bundle}.${process.pid}.tmp`;
  const meta = `${manifestFile}.${process.pid}.meta`;
  const cwd = path.dirname(file);
  const bin = esbuildBinary();
  if (bin === undefined) throw new LoadError('esbuild is not installed (npm package esbuild)', file);
  const r = spawnSync(
    bin,
    [
      path.basename(file),
      '--bundle',
      '--format=esm',
      '--platform=node',
      '--target=node20',
      '--packages=external',
      `--alias:pogogen=${opts.apiEntry}`,
      '--sourcemap=inline',
      '--log-level=error',
      '--color=false',
      `--metafile=${meta}`,
      `--outfile=${tmp}`,
    ],
    { cwd, encoding: 'utf8' },
  );
  try {
    if (r.error !== undefined) throw new LoadError(`could not run esbuild: ${r.error.message}`, file);
    if (r.status !== 0) throw syntaxError(r.stderr, cwd, file);
    // The description's own files: everything reachable from it without going through the pogogen API.
    const graph = (JSON.parse(fs.readFileSync(meta, 'utf8')) as { inputs: Record<string, { imports?: { path: string }[] }> }).inputs;
    const seen = new Set<string>();
    const stack = [path.basename(file)];
    while (stack.length > 0) {
      const rel = stack.pop()!;
      const abs = path.resolve(cwd, rel);
      if (seen.has(abs) || abs === opts.apiEntry || graph[rel] === undefined || abs.split(path.sep).includes('node_modules')) continue;
      seen.add(abs);
      for (const imp of graph[rel].imports ?? []) stack.push(imp.path);
    }
    const inputs = [...seen].sort();
    const manifest: Manifest = { files: inputs.map((p) => ({ path: p, sha256: sha256(fs.readFileSync(p)) })) };
    fs.renameSync(tmp, bundle);
    fs.writeFileSync(`${manifestFile}.${process.pid}.tmp`, JSON.stringify(manifest));
    fs.renameSync(`${manifestFile}.${process.pid}.tmp`, manifestFile);
    return inputs;
  } finally {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(meta, { force: true });
  }
}

/** esbuild's first error as a LoadError: `✘ [ERROR] message` then `    file:line:col:` (column 0-based) and the line. */
function syntaxError(stderr: string, cwd: string, fallback: string): LoadError {
  const lines = stderr.split('\n');
  const head = lines.findIndex((l) => l.includes('[ERROR]'));
  const message = head >= 0 ? lines[head]!.replace(/^.*\[ERROR\]\s*/, '') : stderr.trim() || 'esbuild failed';
  for (let i = head + 1; i > 0 && i < lines.length; i++) {
    const m = /^\s+(.+?):(\d+):(\d+):\s*$/.exec(lines[i]!);
    if (m === null) continue;
    const abs = path.resolve(cwd, m[1]!);
    const line = Number(m[2]);
    let lineText: string | undefined;
    try {
      lineText = fs.readFileSync(abs, 'utf8').split('\n')[line - 1];
    } catch {
      lineText = undefined;
    }
    return new LoadError(message, abs, line, Number(m[3]) + 1, lineText);
  }
  return new LoadError(message, fallback);
}

/** The first stack frame of `err` inside one of `files` (the description's own sources). */
export function errorLocation(err: unknown, files: readonly string[]): { file: string; line: number; column: number } | undefined {
  const stack = err instanceof Error ? err.stack : undefined;
  if (stack === undefined) return undefined;
  const known = new Set(files);
  for (const l of stack.split('\n')) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(l);
    if (m === null) continue;
    const f = m[1]!.startsWith('file://') ? decodeURIComponent(m[1]!.slice(7)) : m[1]!;
    if (known.has(f)) return { file: f, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}
