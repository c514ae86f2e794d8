// Recognizing an archive's format (by its first bytes, then by its name) and turning a compressed tar into a stream
// of tar bytes: gzip in-process with zlib, xz/bzip2/zstd by spawning the system tool as a pure decompressor.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { ExtractError } from './errors.ts';

export type Format = 'tar' | 'tar.gz' | 'tar.xz' | 'tar.bz2' | 'tar.zst' | 'zip';

const byName: [RegExp, Format][] = [
  [/\.(tar\.gz|tgz)$/i, 'tar.gz'],
  [/\.(tar\.xz|txz)$/i, 'tar.xz'],
  [/\.(tar\.bz2|tbz2?)$/i, 'tar.bz2'],
  [/\.(tar\.zst|tzst)$/i, 'tar.zst'],
  [/\.tar$/i, 'tar'],
  [/\.zip$/i, 'zip'],
];

/**
 * The format of `file`: magic bytes first (cache entries are named by hash, and names lie), then `name`'s
 * extension (a tar has no magic when it is not ustar).
 */
export function detectFormat(file: string, name: string = file): Format {
  const head = Buffer.alloc(512);
  const fd = fs.openSync(file, 'r');
  let n: number;
  try {
    n = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const at = (bytes: number[], offset = 0) => n >= offset + bytes.length && bytes.every((b, i) => head[offset + i] === b);
  if (at([0x1f, 0x8b])) return 'tar.gz';
  if (at([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'tar.xz';
  if (at([0x42, 0x5a, 0x68])) return 'tar.bz2';
  if (at([0x28, 0xb5, 0x2f, 0xfd])) return 'tar.zst';
  if (at([0x50, 0x4b, 0x03, 0x04]) || at([0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (at([0x75, 0x73, 0x74, 0x61, 0x72], 257)) return 'tar';
  for (const [re, format] of byName) if (re.test(name)) return format;
  throw new ExtractError(file, 'unknown archive format (expected .tar, .tar.gz, .tar.xz, .tar.bz2, .tar.zst or .zip)');
}

const tools: Partial<Record<Format, string>> = { 'tar.xz': 'xz', 'tar.bz2': 'bzip2', 'tar.zst': 'zstd' };

/** The decompressed tar bytes of `file`; breaking off the iteration stops the decompressor. */
export async function* tarStream(file: string, format: Exclude<Format, 'zip'>): AsyncGenerator<Buffer> {
  if (format === 'tar') {
    yield* fs.createReadStream(file) as AsyncIterable<Buffer>;
    return;
  }
  if (format === 'tar.gz') {
    const gunzip = zlib.createGunzip();
    const input = fs.createReadStream(file);
    input.on('error', (err) => gunzip.destroy(err));
    input.pipe(gunzip);
    try {
      yield* gunzip as AsyncIterable<Buffer>;
    } catch (err) {
      throw new ExtractError(file, `gzip: ${(err as Error).message}`);
    } finally {
      input.destroy();
      gunzip.destroy();
    }
    return;
  }
  yield* spawned(file, tools[format]!);
}

/** Runs `<tool> -dc` with the archive on stdin; only bytes come back, the tool never sees a path to write to. */
async function* spawned(file: string, tool: string): AsyncGenerator<Buffer> {
  const fd = fs.openSync(file, 'r');
  const child = spawn(tool, ['-dc'], { stdio: [fd, 'pipe', 'pipe'] });
  fs.closeSync(fd);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let spawnError: Error | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', (err) => {
      spawnError = err;
      resolve(null);
    });
    child.on('close', (code) => resolve(code));
  });
  let finished = false;
  try {
    yield* child.stdout as AsyncIterable<Buffer>;
    const code = await exited;
    finished = true;
    if (spawnError !== undefined) {
      const missing = (spawnError as NodeJS.ErrnoException).code === 'ENOENT';
      throw new ExtractError(file, missing ? `${tool} is needed to decompress this archive but was not found on PATH` : `${tool}: ${spawnError.message}`);
    }
    if (code !== 0) throw new ExtractError(file, `${tool} -dc failed (exit ${code}): ${stderr.trim()}`);
  } finally {
    if (!finished) child.kill();
  }
}
