// The tree hash of an extracted directory: a sha256 over its files and symlinks that depends only on paths, contents,
// executable bits and link targets, so the same tree hashes the same from .tar, .tar.gz or .zip.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { hashFile } from './archives.ts';

export interface TreeDigest {
  /** sha256 (hex) over the sorted records "<file|exec|link> <path>\0<content sha256 | link target>\n". */
  readonly treeHash: string;
  /** Regular files and symlinks in the tree. */
  readonly files: number;
  /** Total size of the regular files. */
  readonly bytes: number;
}

export interface TreeNode {
  /** Path relative to the root, '/'-separated. */
  readonly rel: string;
  readonly kind: 'file' | 'dir' | 'symlink' | 'other';
}

/** Every node under `root`, depth first, never following symlinks. */
export function walkTree(root: string, rel = ''): TreeNode[] {
  const out: TreeNode[] = [];
  for (const d of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel === '' ? d.name : `${rel}/${d.name}`;
    const kind = d.isSymbolicLink() ? 'symlink' : d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'other';
    out.push({ rel: child, kind });
    if (kind === 'dir') out.push(...walkTree(root, child));
  }
  return out;
}

/**
 * Hashes the tree at `root`. Directories count only through what they hold (an empty directory adds nothing, as in
 * git), and of the mode only the owner's executable bit, the one bit a build can notice.
 */
export async function hashTree(root: string): Promise<TreeDigest> {
  return hashNodes(root, walkTree(root));
}

/** Hashes the nodes `walkTree(root)` listed (for a caller that needs the listing too). */
export async function hashNodes(root: string, nodes: readonly TreeNode[]): Promise<TreeDigest> {
  const records: Buffer[] = [];
  let files = 0;
  let bytes = 0;
  for (const node of nodes) {
    const abs = path.join(root, node.rel);
    if (node.kind === 'dir') continue;
    if (node.kind === 'other') throw new Error(`${abs}: not a regular file, directory or symlink`);
    files++;
    if (node.kind === 'symlink') {
      records.push(Buffer.from(`link ${node.rel}\0${fs.readlinkSync(abs)}\n`));
      continue;
    }
    const st = fs.statSync(abs);
    bytes += st.size;
    const kind = (st.mode & 0o100) !== 0 ? 'exec' : 'file';
    records.push(Buffer.from(`${kind} ${node.rel}\0${await hashFile(abs)}\n`));
  }
  // Byte order of the UTF-8 records (paths cannot contain NUL, so the path decides), independent of locale.
  records.sort(Buffer.compare);
  const hash = createHash('sha256');
  for (const r of records) hash.update(r);
  return { treeHash: hash.digest('hex'), files, bytes };
}
