// Running esbuild on a description, through its native binary when installed (a spawn costs ~15 ms, loading the JS
// API ~70 ms) or else its JS API, both with the same options and both reporting the input graph or the first error.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** What to bundle: the description, the module that `pogogen` names, and where the one output file goes. */
export interface EsbuildJob {
  readonly entry: string;
  readonly apiEntry: string;
  readonly outfile: string;
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
// directory at run time); everything local is bundled, and the inline source map lets stack traces name the
// original files: its `sources` are relative to the output file, which therefore must not move to another directory.
const options = { bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', sourcemap: 'inline' } as const;

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
  const result = binary === undefined ? undefined : viaBinary(binary, job);
  return result ?? viaApi(job);
}

/** undefined when the binary could not be run at all (then the JS API is tried). */
function viaBinary(binary: string, job: EsbuildJob): EsbuildResult | undefined {
  const metafile = `${job.outfile}.meta.json`;
  const args = [
    job.entry,
    ...Object.entries(options).map(([k, v]) => (v === true ? `--${k}` : `--${k}=${v}`)),
    `--alias:pogogen=${job.apiEntry}`,
    `--outfile=${job.outfile}`,
    `--metafile=${metafile}`,
    '--log-level=error',
    '--color=false',
  ];
  try {
    const r = spawnSync(binary, args, { cwd: path.dirname(job.entry), encoding: 'utf8' });
    if (r.error !== undefined) return undefined;
    if (r.status !== 0) return { ok: false, error: parseStderr(r.stderr) ?? { text: r.stderr.trim() || `esbuild failed (${r.signal ?? `exit ${r.status}`})` } };
    return { ok: true, inputs: (JSON.parse(fs.readFileSync(metafile, 'utf8')) as { inputs: InputGraph }).inputs };
  } finally {
    fs.rmSync(metafile, { force: true });
  }
}

async function viaApi(job: EsbuildJob): Promise<EsbuildResult> {
  const esbuild = await import('esbuild');
  try {
    const r = await esbuild.build({
      ...options,
      entryPoints: [job.entry],
      absWorkingDir: path.dirname(job.entry),
      alias: { pogogen: job.apiEntry },
      outfile: job.outfile,
      metafile: true,
      logLevel: 'silent',
    });
    return { ok: true, inputs: r.metafile.inputs };
  } catch (err) {
    const first = (err as { errors?: { text: string; location: { file: string; line: number; column: number; lineText: string } | null }[] }).errors?.[0];
    if (first === undefined) throw err;
    const at = first.location;
    return { ok: false, error: at === null ? { text: first.text } : { text: first.text, file: at.file, line: at.line, column: at.column, lineText: at.lineText } };
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
