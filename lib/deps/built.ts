// The built-dependency cache: an installed tree stored under its key with a manifest of hashes, verified on
// every use, filled atomically (one good entry when two processes race), restored by syncing only what differs.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** One line of an entry's manifest: a regular file with its content hash, or a symlink with its target. */
export interface Entry {
  readonly path: string;
  readonly mode: number;
  readonly sha256?: string;
  readonly link?: string;
}

export const MANIFEST = 'manifest.json';

/** The files an entry's manifest lists; throws when it is missing or not JSON. */
export function readManifest(entry: string): Entry[] {
  return (JSON.parse(fs.readFileSync(path.join(entry, MANIFEST), 'utf8')) as { files: Entry[] }).files;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.POGOGEN_CACHE !== undefined && env.POGOGEN_CACHE !== '') return path.resolve(env.POGOGEN_CACHE);
  const base = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : path.join(env.HOME ?? '/tmp', '.cache');
  return path.join(base, 'pogogen');
}

/** Where the built result for `key` lives in the cache. */
export function builtEntry(cacheDir: string, key: string): string {
  return path.join(cacheDir, 'built', key);
}

const hashFile = (p: string): string => createHash('sha256').update(fs.readFileSync(p)).digest('hex');

function walk(root: string, rel = ''): Entry[] {
  const out: Entry[] = [];
  for (const d of fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel === '' ? d.name : `${rel}/${d.name}`;
    const abs = path.join(root, r);
    if (d.isSymbolicLink()) out.push({ path: r, mode: 0o777, link: fs.readlinkSync(abs) });
    else if (d.isDirectory()) out.push(...walk(root, r));
    else if (d.isFile()) out.push({ path: r, mode: fs.statSync(abs).mode & 0o777, sha256: hashFile(abs) });
  }
  return out;
}

/**
 * Remembers the files under `prefix` (hash and times); the function it returns, called after `prefix` was
 * rewritten (an install), gives every file whose content came back unchanged its old times again, so staged
 * headers and identical libraries look untouched to ninja.
 */
export function keepUnchangedTimes(prefix: string): () => void {
  const before = fs.existsSync(prefix) ? walk(prefix).filter((f) => f.sha256 !== undefined) : [];
  const times = new Map(before.map((f) => [f.path, fs.statSync(path.join(prefix, f.path))]));
  return () => {
    for (const f of before) {
      const p = path.join(prefix, f.path);
      try {
        const old = times.get(f.path)!;
        if (fs.lstatSync(p).isFile() && hashFile(p) === f.sha256) fs.utimesSync(p, old.atime, old.mtime);
      } catch {
        // gone after the install: nothing to keep
      }
    }
  };
}

/**
 * True when out/ already holds the install for `key`: its stamp, written last by an install or a restore, records
 * that key, and the files the install must leave are all there.
 */
export function holdsInstall(stamp: string, key: string, files: readonly string[]): boolean {
  try {
    if (fs.readFileSync(stamp, 'utf8') !== `${key}\n`) return false;
  } catch {
    return false;
  }
  return files.every((f) => fs.existsSync(f));
}

/** True when the entry exists and every file still has its recorded hash. */
export function verifyEntry(entry: string): boolean {
  try {
    for (const f of readManifest(entry)) {
      const abs = path.join(entry, 'tree', f.path);
      if (f.link !== undefined) {
        if (fs.readlinkSync(abs) !== f.link) return false;
      } else if (hashFile(abs) !== f.sha256) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** Copies the installed tree `prefix` into the cache as `entry`; a racing writer's good entry is kept. */
export function storeEntry(prefix: string, entry: string): void {
  const files = walk(prefix);
  const tmp = entryTemp(entry);
  try {
    fs.cpSync(prefix, path.join(tmp, 'tree'), { recursive: true, verbatimSymlinks: true });
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  commitEntry(tmp, entry, files);
}

/** A new temporary directory beside `entry`, unique across processes, for an entry being filled (a tree/ inside). */
export function entryTemp(entry: string): string {
  const parent = path.dirname(entry);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = path.join(parent, `.tmp-${path.basename(entry)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(tmp);
  return tmp;
}

/**
 * Turns the filled temporary directory `tmp` into `entry`: the manifest is written last and the directory renamed
 * into place whole, so no process ever sees a half-filled entry; a racing writer's good entry is kept. `tmp` is
 * gone afterwards, whatever happened.
 */
export function commitEntry(tmp: string, entry: string, files: readonly Entry[]): void {
  try {
    // The manifest goes in last: an entry without one is incomplete and never used.
    fs.writeFileSync(path.join(tmp, MANIFEST), `${JSON.stringify({ files }, null, 1)}\n`);
    if (fs.existsSync(entry)) {
      if (verifyEntry(entry)) return;
      discardEntry(entry);
    }
    try {
      fs.renameSync(tmp, entry);
    } catch (err) {
      // Another process renamed its copy into place first: theirs is as good as ours.
      if (!fs.existsSync(entry)) throw err;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Takes a corrupt entry out of the cache: renamed aside first, so that it disappears at once for every other
 * process (none sees it half-deleted), then removed. Harmless when another process discarded or replaced it first.
 */
export function discardEntry(entry: string): void {
  const aside = path.join(path.dirname(entry), `.discard-${path.basename(entry)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    fs.renameSync(entry, aside);
  } catch {
    return;
  }
  fs.rmSync(aside, { recursive: true, force: true });
}

/**
 * Makes `prefix` hold exactly the cached tree, touching only files whose content differs, so their mtimes (and
 * ninja's restat) see no change when nothing changed. Returns the number of files written.
 */
export function restoreEntry(entry: string, prefix: string): number {
  const files = readManifest(entry);
  const wanted = new Set(files.map((f) => f.path));
  let written = 0;
  if (fs.existsSync(prefix)) {
    for (const f of walk(prefix)) if (!wanted.has(f.path)) fs.rmSync(path.join(prefix, f.path), { force: true });
  }
  for (const f of files) {
    const src = path.join(entry, 'tree', f.path);
    const dst = path.join(prefix, f.path);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    if (f.link !== undefined) {
      let current: string | undefined;
      try {
        current = fs.readlinkSync(dst);
      } catch {
        current = undefined;
      }
      if (current === f.link) continue;
      fs.rmSync(dst, { force: true });
      fs.symlinkSync(f.link, dst);
      written++;
      continue;
    }
    try {
      const st = fs.lstatSync(dst);
      if (st.isFile() && hashFile(dst) === f.sha256) {
        if ((st.mode & 0o777) !== f.mode) fs.chmodSync(dst, f.mode);
        continue;
      }
      fs.rmSync(dst, { force: true, recursive: true });
    } catch {
      // missing: copy it
    }
    const tmp = `${dst}.${process.pid}.tmp`;
    fs.copyFileSync(src, tmp);
    fs.chmodSync(tmp, f.mode);
    fs.renameSync(tmp, dst);
    written++;
  }
  return written;
}
