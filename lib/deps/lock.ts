// pogogen.lock: the sources the description may build its dependencies from (recipe version, URLs, sha256), pinned
// in a file that depends on the description alone, so it is the same on every machine and for every profile.
import type { Model } from '../model/validate.ts';
import { stableJson } from './key.ts';

/**
 * What the lock pins of a dependency with a recipe. What this machine chose (a system package and its version, a
 * source build and its cache key, or nothing) is not here: that differs between machines and profiles, so a
 * committed lock recording it changed on every other machine and made `--frozen` fail there. Generation prints it
 * and keeps it in out/<profile>/dependencies.json (`Resolved`, lib/deps/select.ts).
 */
export interface LockEntry {
  readonly recipe: string;
  readonly version: string;
  readonly urls: readonly string[];
  readonly sha256: string;
  readonly treeSha256?: string;
}

export interface Lock {
  readonly lockVersion: 2;
  readonly dependencies: Readonly<Record<string, LockEntry>>;
}

/**
 * The lock of `model`: every dependency target with a recipe, whether or not this generation uses it (a feature
 * that is disabled here, or found on this system, is built from this source elsewhere).
 */
export function lockOf(model: Model): Lock {
  const deps: Record<string, LockEntry> = {};
  const pinned = model.targets.flatMap((t) => (t.kind === 'dependency' && t.recipe !== undefined ? [{ name: t.name, r: t.recipe }] : []));
  for (const { name, r } of pinned.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    deps[name] = { recipe: r.name, version: r.version, urls: [...r.source.urls], sha256: r.source.sha256, ...(r.source.treeSha256 === undefined ? {} : { treeSha256: r.source.treeSha256 }) };
  }
  return { lockVersion: 2, dependencies: deps };
}

/** Pretty, sorted JSON so a change shows as a small diff. */
export function formatLock(lock: Lock): string {
  return `${JSON.stringify(JSON.parse(stableJson(lock)), null, 2)}\n`;
}
