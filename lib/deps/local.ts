// Local recipe sources (`source: { path: 'deps/libfoo' }`, a vendored tree of the project): checked on disk, hashed
// so the cache key follows the tree's contents, listed so the fast path and the regeneration rule notice an edit
// under them, and copied into the dependency's work directory so its build never writes into the project's tree.
import fs from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../model/diagnostics.ts';
import { localSourceOf, normalLocalPath } from '../model/sources.ts';
import type { Model } from '../model/validate.ts';
import { hashNodes, hashTree, walkTree } from './treehash.ts';

/** A dependency's vendored directory as this generation found it. */
export interface LocalTree {
  /** The directory as the recipe names it, normalised, root-relative. */
  readonly rel: string;
  /** Absolute. */
  readonly abs: string;
  /** The tree hash of its contents (lib/deps/treehash.ts): the same tree hashes the same wherever it is. */
  readonly treeHash: string;
  /** Its files and symlinks, then its directories (itself included), root-relative and sorted. */
  readonly files: readonly string[];
  readonly dirs: readonly string[];
}

export interface LocalTrees {
  /** By dependency target name. */
  readonly trees: ReadonlyMap<string, LocalTree>;
  readonly diagnostics: readonly Diagnostic[];
}

const inside = (parent: string, child: string): boolean => child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);

/**
 * Every dependency whose recipe builds from a directory of the project: the directory checked (it exists, is a
 * directory, and is inside the project even after symlinks are followed) and hashed. A problem is a diagnostic
 * naming the target's line and the field; the schema has already refused absolute and escaping paths.
 */
export async function localTrees(model: Model): Promise<LocalTrees> {
  const trees = new Map<string, LocalTree>();
  const diagnostics: Diagnostic[] = [];
  const realRoot = fs.realpathSync(model.root);
  for (const t of model.targets) {
    if (t.kind !== 'dependency' || t.recipe === undefined) continue;
    const local = localSourceOf(t.recipe);
    if (local === undefined) continue;
    const rel = normalLocalPath(local.path);
    const abs = path.join(model.root, rel);
    const problem = (message: string, help: string): void => void diagnostics.push({ ...t.where(), path: `${t.fieldPath}.recipe.source.path`, message, help });
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(abs);
    } catch {
      st = undefined;
    }
    if (st === undefined || !st.isDirectory()) {
      problem(`dependency "${t.name}" builds from ${JSON.stringify(local.path)}, which ${st === undefined ? 'does not exist' : 'is not a directory'} in the project (${abs})`, 'name the vendored directory relative to the project root, e.g. "deps/libfoo"');
      continue;
    }
    if (!inside(realRoot, fs.realpathSync(abs))) {
      problem(`dependency "${t.name}" builds from ${JSON.stringify(local.path)}, which is a symlink to ${fs.realpathSync(abs)}, outside the project`, 'a local source must be a directory of the project; copy the tree in, or give the recipe a pinned archive');
      continue;
    }
    try {
      const nodes = walkTree(abs);
      const digest = await hashNodes(abs, nodes);
      const under = (n: { rel: string }): string => `${rel}/${n.rel}`;
      const files = nodes.filter((n) => n.kind !== 'dir').map(under).sort();
      const dirs = [rel, ...nodes.filter((n) => n.kind === 'dir').map(under)].sort();
      trees.set(t.name, { rel, abs, treeHash: digest.treeHash, files, dirs });
    } catch (err) {
      problem(`dependency "${t.name}": its directory ${rel} cannot be read as a source tree: ${(err as Error).message}`, 'a local source holds regular files, directories and symlinks only');
    }
  }
  return { trees, diagnostics };
}

/**
 * Copies a vendored tree into a dependency's source directory (replacing what was there), keeping modes, symlinks
 * and modification times: an autotools tree whose generated files are older than their inputs would otherwise try
 * to regenerate them. Returns the copy's tree hash, so the caller can check it is the tree the generation hashed.
 */
export async function copyLocalTree(from: string, to: string): Promise<string> {
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  return (await hashTree(to)).treeHash;
}
