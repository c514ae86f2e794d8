// Dependency cache keys: a stable hash of everything that decides a dependency's installed result.
import { createHash } from 'node:crypto';
import type { RecipeInput } from '../model/schema.ts';

/** JSON with sorted keys, so equal values hash equally. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Everything that decides a dependency's installed result; its hash is the cache key. */
export interface DependencyKeyParts {
  readonly recipe: RecipeInput;
  readonly compiler: { readonly family: string; readonly version: string; readonly cc: readonly string[] };
  readonly ar: readonly string[];
  readonly cflags: readonly string[];
  readonly ldflags: readonly string[];
  readonly platform: string;
  readonly arch: string;
}

export const dependencyKey = (parts: DependencyKeyParts): string => createHash('sha256').update(stableJson({ v: 1, ...parts })).digest('hex');

