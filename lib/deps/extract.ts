// extractArchive: an archive into a directory, refusing every member that could write outside it (absolute paths,
// "..", escaping links, devices) or blow past a size limit, and appearing at dest only whole (temp dir + rename).
import fs from 'node:fs';
import path from 'node:path';
import { sweepStaleTemps, tempName } from './archives.ts';
import { detectFormat, tarStream } from './decompress.ts';
import { ArchiveFormatError, type ArchiveEntry } from './entry.ts';
import { ExtractError, messageOf } from './errors.ts';
import { tarEntries } from './tar.ts';
import { hashTree, walkTree, type TreeDigest } from './treehash.ts';
import { zipEntries } from './zip.ts';

export interface ExtractOptions {
  /** Leading path components to drop, like `tar --strip-components` (members with no more are skipped). */
  readonly stripComponents?: number | undefined;
  /** Limit on the extracted content in bytes; default 2 GiB. */
  readonly maxBytes?: number | undefined;
  /** Replace an existing dest (swapped out after a successful extraction); otherwise an existing dest is an error. */
  readonly replace?: boolean | undefined;
  /** The archive's original file name, for formats its bytes do not reveal (a plain non-ustar tar). */
  readonly name?: string | undefined;
}

export type Extracted = TreeDigest;

const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

/** Extracts `archive` (.tar, .tar.gz/.tgz, .tar.xz, .tar.bz2, .tar.zst, .zip) into the new directory `dest`. */
export async function extractArchive(archive: string, dest: string, opts: ExtractOptions = {}): Promise<Extracted> {
  const target = path.resolve(dest);
  if (fs.existsSync(target) && opts.replace !== true) throw new ExtractError(archive, `destination ${target} already exists`);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  sweepStaleTemps(target);
  const tmp = tempName(target);
  fs.mkdirSync(tmp);
  try {
    const format = detectFormat(archive, opts.name ?? archive);
    const writer = new SafeWriter(archive, tmp, opts.stripComponents ?? 0, maxBytes);
    // Tar headers and padding cost bytes too; bound the decompressed stream so a stream of empty members or zero
    // blocks cannot run forever.
    const entries = format === 'zip' ? zipEntries(archive) : tarEntries(capped(tarStream(archive, format), 2 * maxBytes + 16 * 1024 * 1024, archive));
    for await (const entry of entries) await writer.add(entry);
    checkSymlinks(archive, tmp);
    const digest = await hashTree(tmp);
    place(archive, tmp, target, opts.replace === true);
    return digest;
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (err instanceof ExtractError) throw err;
    if (err instanceof ArchiveFormatError) throw new ExtractError(archive, err.message);
    throw new ExtractError(archive, `cannot extract into ${target}: ${messageOf(err)}`);
  }
}

/** Writes entries under `root`, deciding for each whether it is safe; every check names the member. */
class SafeWriter {
  private bytes = 0;

  constructor(
    private readonly archive: string,
    private readonly root: string,
    private readonly strip: number,
    private readonly maxBytes: number,
  ) {}

  private fail(entry: string, message: string): never {
    throw new ExtractError(this.archive, message, entry);
  }

  async add(e: ArchiveEntry): Promise<void> {
    if (e.kind === 'device' || e.kind === 'fifo') this.fail(e.name, `${e.detail ?? e.kind} entries are not allowed`);
    if (e.kind === 'unsupported') this.fail(e.name, `unsupported ${e.detail ?? 'entry type'}`);
    const parts = this.partsOf(e.name, e.name, 'path');
    if (parts.length <= this.strip) return; // above the stripped level (e.g. the top directory itself)
    const rel = parts.slice(this.strip);
    const abs = path.join(this.root, ...rel);
    switch (e.kind) {
      case 'dir':
        this.ensureDirs(e.name, rel, true);
        return;
      case 'file': {
        this.ensureDirs(e.name, rel.slice(0, -1), false);
        this.reserve(e.name, e.size);
        removeExisting(abs);
        await this.writeBody(e, abs);
        if (e.mtime !== undefined) fs.utimesSync(abs, e.mtime, e.mtime);
        return;
      }
      case 'symlink': {
        if (e.linkname === '') this.fail(e.name, 'symlink with an empty target');
        // First check, by the link's own path; checkSymlinks repeats it over the finished tree, through other links.
        if (path.posix.isAbsolute(e.linkname) || escapes(rel.slice(0, -1), e.linkname)) {
          this.fail(e.name, `symlink target "${e.linkname}" points outside the destination`);
        }
        this.ensureDirs(e.name, rel.slice(0, -1), false);
        removeExisting(abs);
        fs.symlinkSync(e.linkname, abs);
        return;
      }
      case 'hardlink': {
        // Copied, not linked: the tree stays independent of the cache and of itself, and hashes the same.
        const targetParts = this.partsOf(e.name, e.linkname, 'hardlink target');
        if (targetParts.length <= this.strip) this.fail(e.name, `hardlink target "${e.linkname}" is outside the extracted tree`);
        const targetRel = targetParts.slice(this.strip);
        const targetAbs = path.join(this.root, ...targetRel);
        this.ensureDirs(e.name, targetRel.slice(0, -1), false, true);
        const st = lstatOrUndefined(targetAbs);
        if (st === undefined || !st.isFile()) this.fail(e.name, `hardlink target "${e.linkname}" is not a regular file extracted earlier`);
        if (targetAbs === abs) return;
        this.ensureDirs(e.name, rel.slice(0, -1), false);
        this.reserve(e.name, st.size);
        removeExisting(abs);
        fs.copyFileSync(targetAbs, abs);
        this.bytes += st.size;
        return;
      }
    }
  }

  /** The member path's components, refusing absolute paths and ".." wherever they appear. */
  private partsOf(entry: string, name: string, what: string): string[] {
    if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) this.fail(entry, `absolute ${what} "${name}" is not allowed`);
    // Backslash counts as a separator for this check: an archive made on Windows may mean it as one.
    if (name.split(/[\\/]/).includes('..')) this.fail(entry, `${what} "${name}" contains a ".." component`);
    return name.split('/').filter((p) => p !== '' && p !== '.');
  }

  /** Creates the directories `rel` (only its parents when !last), refusing to pass through a symlink. */
  private ensureDirs(entry: string, rel: readonly string[], last: boolean, mustExist = false): void {
    for (let i = 1; i <= rel.length; i++) {
      const p = path.join(this.root, ...rel.slice(0, i));
      const st = lstatOrUndefined(p);
      if (st?.isDirectory() === true) continue;
      if (st?.isSymbolicLink() === true) this.fail(entry, `path goes through the symlink "${rel.slice(0, i).join('/')}"`);
      if (mustExist) this.fail(entry, `"${rel.slice(0, i).join('/')}" is not a directory extracted earlier`);
      if (st !== undefined) {
        // A directory member replacing an earlier file of the same name, as tar does; a file in the middle of a path is an error.
        if (i < rel.length || !last) this.fail(entry, `"${rel.slice(0, i).join('/')}" is a file, not a directory`);
        fs.rmSync(p, { force: true });
      }
      fs.mkdirSync(p, { mode: 0o755 });
    }
  }

  private reserve(entry: string, size: number): void {
    if (this.bytes + size > this.maxBytes) this.fail(entry, `archive expands beyond the limit of ${this.maxBytes} bytes`);
  }

  private async writeBody(e: ArchiveEntry, abs: string): Promise<void> {
    // "wx": never open through whatever might already be at this name (removeExisting ran, but be certain).
    const fh = await fs.promises.open(abs, 'wx', (e.mode & 0o111) !== 0 ? 0o755 : 0o644);
    try {
      for await (const chunk of e.body) {
        // Counted as it arrives too: a zip member may inflate beyond what its directory declares.
        if (this.bytes + chunk.length > this.maxBytes) this.fail(e.name, `archive expands beyond the limit of ${this.maxBytes} bytes`);
        this.bytes += chunk.length;
        await fh.write(chunk);
      }
    } finally {
      await fh.close();
    }
  }
}

/** Whether `target`, read from the directory `dir` (components under the root), leaves the root, by path alone. */
function escapes(dir: readonly string[], target: string): boolean {
  let depth = dir.length;
  for (const c of target.split('/')) {
    if (c === '..') {
      if (--depth < 0) return true;
    } else if (c !== '' && c !== '.') depth++;
  }
  return false;
}

/**
 * Resolves every symlink in the finished tree the way the kernel would, following the other links it meets, and
 * refuses any that leaves the root: a chain like `a -> .` plus `a/a/x -> ../..` passes the check by path alone.
 */
function checkSymlinks(archive: string, root: string): void {
  for (const node of walkTree(root)) {
    if (node.kind !== 'symlink') continue;
    const parts = node.rel.split('/');
    const stack = parts.slice(0, -1);
    const queue = fs.readlinkSync(path.join(root, node.rel)).split('/');
    let hops = 0;
    const fail = (why: string): never => {
      throw new ExtractError(archive, `symlink to "${fs.readlinkSync(path.join(root, node.rel))}" ${why}`, node.rel);
    };
    while (queue.length > 0) {
      const c = queue.shift()!;
      if (c === '' || c === '.') continue;
      if (c === '..') {
        if (stack.pop() === undefined) fail('resolves outside the destination');
        continue;
      }
      stack.push(c);
      const p = path.join(root, ...stack);
      const st = lstatOrUndefined(p);
      if (st?.isSymbolicLink() !== true) continue;
      if (++hops > 40) fail('is part of a symlink loop');
      const next = fs.readlinkSync(p);
      if (path.posix.isAbsolute(next)) fail('resolves outside the destination');
      stack.pop();
      queue.unshift(...next.split('/'));
    }
  }
}

/** Moves the finished tree to dest; with `replace`, swaps an existing dest out first and deletes it after. */
function place(archive: string, tmp: string, dest: string, replace: boolean): void {
  if (!fs.existsSync(dest)) {
    try {
      fs.renameSync(tmp, dest);
      return;
    } catch (err) {
      // Someone else created dest meanwhile (a concurrent extraction); fall through to the exists case.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOTDIR') throw err;
    }
  }
  if (!replace) throw new ExtractError(archive, `destination ${dest} already exists`);
  const old = `${tempName(dest)}.old.tmp`;
  fs.renameSync(dest, old);
  fs.renameSync(tmp, dest);
  fs.rmSync(old, { recursive: true, force: true });
}

function removeExisting(abs: string): void {
  const st = lstatOrUndefined(abs);
  if (st === undefined) return;
  if (st.isDirectory()) fs.rmSync(abs, { recursive: true, force: true });
  else fs.unlinkSync(abs);
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

async function* capped(source: AsyncIterable<Buffer>, limit: number, archive: string): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const chunk of source) {
    n += chunk.length;
    if (n > limit) throw new ExtractError(archive, `decompressed data exceeds ${limit} bytes`);
    yield chunk;
  }
}
