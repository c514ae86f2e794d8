// pogogen.lock: the sources the description may build its dependencies from (recipe version, URLs, sha256; or a
// vendored directory and its tree hash), pinned in a file that depends on the description and the project's own
// files alone, so it is the same on every machine and for every profile.
import { normalLocalPath } from '../model/sources.ts';
import type { Model } from '../model/validate.ts';
import { stableJson } from './key.ts';

/**
 * What the lock pins of a dependency with a recipe. What this machine chose (a system package and its version, a
 * source build and its cache key, or nothing) is not here: that differs between machines and profiles, so a
 * committed lock recording it changed on every other machine and made `--frozen` fail there. Generation prints it
 * and keeps it in out/<profile>/dependencies.json (`Resolved`, lib/deps/select.ts).
 */
export type LockEntry = ArchiveLockEntry | LocalLockEntry;

/** A pinned archive: where it is downloaded from and its hash. */
export interface ArchiveLockEntry {
  readonly recipe: string;
  readonly version: string;
  readonly urls: readonly string[];
  readonly sha256: string;
  readonly treeSha256?: string;
}

/**
 * A directory of the project (a vendored tree): its path and the hash of its contents when the lock was written,
 * so a committed lock says which state of the tree it was built from and `--frozen` fails on a tree edited since.
 */
export interface LocalLockEntry {
  readonly recipe: string;
  readonly version: string;
  readonly path: string;
  readonly treeSha256: string;
}

export interface Lock {
  readonly lockVersion: 2;
  readonly dependencies: Readonly<Record<string, LockEntry>>;
}

/**
 * The lock of `model`: every dependency target with a recipe, whether or not this generation uses it (a feature
 * that is disabled here, or found on this system, is built from this source elsewhere). `localHashes`: the tree
 * hash of each local source, by target name (lib/deps/local.ts).
 */
export function lockOf(model: Model, localHashes: ReadonlyMap<string, string> = new Map()): Lock {
  const deps: Record<string, LockEntry> = {};
  const pinned = model.targets.flatMap((t) => (t.kind === 'dependency' && t.recipe !== undefined ? [{ name: t.name, r: t.recipe }] : []));
  for (const { name, r } of pinned.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const s = r.source;
    deps[name] =
      'path' in s
        ? { recipe: r.name, version: r.version, path: normalLocalPath(s.path), treeSha256: localHashes.get(name) ?? '' }
        : { recipe: r.name, version: r.version, urls: [...s.urls], sha256: s.sha256, ...(s.treeSha256 === undefined ? {} : { treeSha256: s.treeSha256 }) };
  }
  return { lockVersion: 2, dependencies: deps };
}

/** Pretty, sorted JSON so a change shows as a small diff. */
export function formatLock(lock: Lock): string {
  return `${JSON.stringify(JSON.parse(stableJson(lock)), null, 2)}\n`;
}
