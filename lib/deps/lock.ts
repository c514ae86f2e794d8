// pogogen.lock: the resolved version, pins and cache keys of every dependency, deterministic and diff-friendly.
import { stableJson } from './key.ts';

export interface LockEntry {
  readonly source: 'system' | 'source' | 'missing';
  readonly version?: string;
  readonly urls?: readonly string[];
  readonly sha256?: string;
  readonly treeSha256?: string;
  /** Cache key of the built result, per profile. */
  readonly keys?: Readonly<Record<string, string>>;
  readonly pkgConfig?: string;
}

export interface Lock {
  readonly lockVersion: 1;
  readonly dependencies: Readonly<Record<string, LockEntry>>;
}

export function parseLock(text: string | undefined): Lock {
  if (text === undefined) return { lockVersion: 1, dependencies: {} };
  try {
    const v = JSON.parse(text) as Lock;
    if (v.lockVersion === 1 && typeof v.dependencies === 'object' && v.dependencies !== null) return v;
  } catch {
    // unreadable: start over; --frozen will report the difference
  }
  return { lockVersion: 1, dependencies: {} };
}

/** The lock after this generation: entries of this run replace theirs; other profiles' keys are kept. */
export function updateLock(old: Lock, profile: string, entries: ReadonlyMap<string, Omit<LockEntry, 'keys'> & { key?: string }>): Lock {
  const deps: Record<string, LockEntry> = {};
  for (const [name, e] of [...entries].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const { key, ...rest } = e;
    const prev = old.dependencies[name];
    const keepKeys = prev !== undefined && prev.sha256 === rest.sha256 && prev.version === rest.version ? { ...prev.keys } : {};
    if (key !== undefined) keepKeys[profile] = key;
    else delete keepKeys[profile];
    deps[name] = { ...rest, ...(Object.keys(keepKeys).length > 0 ? { keys: keepKeys } : {}) };
  }
  return { lockVersion: 1, dependencies: deps };
}

/** Pretty, sorted JSON so a change shows as a small diff. */
export function formatLock(lock: Lock): string {
  return `${JSON.stringify(JSON.parse(stableJson(lock)), null, 2)}\n`;
}
