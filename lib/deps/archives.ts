// The content-addressed archive cache on disk: <cacheDir>/archives/sha256/<hex> holds the archive's bytes and
// <hex>.name its original file name; entries appear only by atomic rename, so a reader never sees a partial file.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Where the archive with this (lower-case hex) sha256 lives, and its sibling holding the original file name. */
export function cacheEntry(cacheDir: string, sha256: string): { readonly dir: string; readonly file: string; readonly nameFile: string } {
  const dir = path.join(cacheDir, 'archives', 'sha256');
  const file = path.join(dir, sha256);
  return { dir, file, nameFile: `${file}.name` };
}

/** A temporary name next to `file`, unique across processes (pid) and within one (random), so renames never collide. */
export function tempName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** The sha256 of a file's bytes, streamed; undefined when the file does not exist. */
export async function hashFile(file: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return hash.digest('hex');
}

/** Writes `text` to `file` by temp + rename, so concurrent writers of the same text leave one whole file. */
export function writeAtomic(file: string, text: string): void {
  const tmp = tempName(file);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Removes temp files (or extraction temp dirs) of `file` left by killed processes. Only old ones: a young one may
 * belong to a download or extraction running right now in another process.
 */
export function sweepStaleTemps(file: string, maxAgeMs = 24 * 3600 * 1000): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const p = path.join(dir, name);
    try {
      if (now - fs.statSync(p).mtimeMs > maxAgeMs) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // gone already
    }
  }
}
