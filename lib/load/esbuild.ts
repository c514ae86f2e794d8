// Running esbuild on a description, through its native binary when installed (a spawn costs ~15 ms, loading the JS
// API ~70 ms) or else its JS API, both with the same options and both reporting the input graph or the first error.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** What to bundle: the description, the module that `pogogen` names, and where the one output file goes. */
export interface EsbuildJob {
  readonly entry: string;
  readonly apiEntry: string;
  readonly outfile: string;
  /** Also write `<outfile>.map` (the code itself is the same byte for byte, with no sourceMappingURL comment). */
  readonly sourcemap?: boolean;
}

/** esbuild's metafile inputs: path relative to the entry's directory → what that file imports. */
export type InputGraph = Readonly<Record<string, { readonly imports?: readonly { readonly path: string; readonly external?: boolean }[] }>>;

/** esbuild's first error: `file` relative to the entry's directory, `line` 1-based, `column` 0-based in UTF-8 bytes. */
export interface EsbuildError {
  readonly text: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly lineText?: string;
}

export type EsbuildResult = { readonly ok: true; readonly inputs: InputGraph } | { readonly ok: false; readonly error: EsbuildError };

// One option set for both ways of running esbuild. Node packages stay imports (resolved from the output file's
// directory at run time); everything local is bundled. No source map by default: one is made only when a
// diagnostic needs an original line (its `sources` are relative to the output file's directory).
const options = { bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external' } as const;

/** The native esbuild binary that the installed esbuild package would itself use, if present. */
export function nativeBinary(): string | undefined {
  try {
    const esbuildPackage = createRequire(import.meta.url).resolve('esbuild/package.json');
    return createRequire(esbuildPackage).resolve(`@esbuild/${process.platform}-${process.arch}/bin/esbuild`);
  } catch {
    return undefined;
  }
}

/** Bundles `job.entry` into `job.outfile`; `via` is for tests, which compare the two ways. */
export async function runEsbuild(job: EsbuildJob, via: 'binary' | 'api' = 'binary'): Promise<EsbuildResult> {
  const binary = via === 'binary' ? nativeBinary() : undefined;
  const result = binary === undefined ? undefined : await viaBinary(binary, job);
  return result ?? viaApi(job);
}

/** The same, blocking: for the source map a diagnostic asks for in the middle of validation. */
export function runEsbuildSync(job: EsbuildJob): EsbuildResult {
  const binary = nativeBinary();
  if (binary !== undefined) {
    const r = spawnSync(binary, binaryArgs(job), { cwd: path.dirname(job.entry), encoding: 'utf8' });
    if (r.error === undefined) return binaryResult(job, r.status, r.signal, r.stderr);
  }
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  try {
    return { ok: true, inputs: esbuild.buildSync(apiOptions(job)).metafile.inputs };
  } catch (err) {
    return apiError(err);
  }
}

function binaryArgs(job: EsbuildJob): string[] {
  return [
    job.entry,
    ...Object.entries(options).map(([k, v]) => (v === true ? `--${k}` : `--${k}=${v}`)),
    ...(job.sourcemap === true ? ['--sourcemap=external'] : []),
    `--alias:pogogen=${job.apiEntry}`,
    `--outfile=${job.outfile}`,
    `--metafile=${job.outfile}.meta.json`,
    '--log-level=error',
    '--color=false',
  ];
}

function binaryResult(job: EsbuildJob, status: number | null, signal: NodeJS.Signals | null, stderr: string): EsbuildResult {
  const metafile = `${job.outfile}.meta.json`;
  try {
    if (status !== 0) return { ok: false, error: parseStderr(stderr) ?? { text: stderr.trim() || `esbuild failed (${signal ?? `exit ${status}`})` } };
    return { ok: true, inputs: (JSON.parse(fs.readFileSync(metafile, 'utf8')) as { inputs: InputGraph }).inputs };
  } finally {
    fs.rmSync(metafile, { force: true });
  }
}

/**
 * undefined when the binary could not be run at all (then the JS API is tried). Not blocking: the caller probes
 * the compiler meanwhile, on the other core.
 */
function viaBinary(binary: string, job: EsbuildJob): Promise<EsbuildResult | undefined> {
  return new Promise((done) => {
    const child = spawn(binary, binaryArgs(job), { cwd: path.dirname(job.entry), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', () => done(undefined));
    child.on('close', (status, signal) => done(binaryResult(job, status, signal, stderr)));
  });
}

function apiOptions(job: EsbuildJob) {
  return {
    ...options,
    ...(job.sourcemap === true ? { sourcemap: 'external' as const } : {}),
    entryPoints: [job.entry],
    absWorkingDir: path.dirname(job.entry),
    alias: { pogogen: job.apiEntry },
    outfile: job.outfile,
    metafile: true as const,
    logLevel: 'silent' as const,
  };
}

function apiError(err: unknown): EsbuildResult {
  const first = (err as { errors?: { text: string; location: { file: string; line: number; column: number; lineText: string } | null }[] }).errors?.[0];
  if (first === undefined) throw err;
  const at = first.location;
  return { ok: false, error: at === null ? { text: first.text } : { text: first.text, file: at.file, line: at.line, column: at.column, lineText: at.lineText } };
}

async function viaApi(job: EsbuildJob): Promise<EsbuildResult> {
  const esbuild = await import('esbuild');
  try {
    return { ok: true, inputs: (await esbuild.build(apiOptions(job))).metafile.inputs };
  } catch (err) {
    return apiError(err);
  }
}

/**
 * The first error of esbuild's text log (`--color=false`):
 *   ✘ [ERROR] Expected "}" but found "targets"
 *
 *       build.pogo.ts:5:2:
 *         5 │   targets: [
 */
function parseStderr(stderr: string): EsbuildError | undefined {
  const lines = stderr.split('\n');
  const head = lines.findIndex((l) => l.includes('[ERROR] '));
  if (head < 0) return undefined;
  const text = lines[head]!.slice(lines[head]!.indexOf('[ERROR] ') + 8).trim();
  for (const l of lines.slice(head + 1)) {
    if (/\[(ERROR|WARNING)\] /.test(l)) break;
    const m = /^ {4}(\S.*):(\d+):(\d+):$/.exec(l);
    if (m !== null) return { text, file: m[1]!, line: Number(m[2]), column: Number(m[3]) };
  }
  return { text };
}
