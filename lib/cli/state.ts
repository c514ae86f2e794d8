// out/.pogogen/last-generation.json: the settings of the last generation, which `report`, `targets`, `build` and
// the other commands reuse, and whose recorded environment they put back. Checked field by field on read: a file
// that is not as pogogen writes it (edited, truncated, from another version) is ignored with a warning, never
// trusted into a run's environment. A hand-written check, not zod: `pogogen build` reads it before loading anything
// else.
import fs from 'node:fs';
import path from 'node:path';

export interface LastGeneration {
  readonly offline?: boolean;
  readonly toolchain?: string;
  readonly profile?: string;
  readonly outDir?: string;
  readonly backend?: 'ninja' | 'make';
  readonly buildFile?: string;
  readonly compdb?: string;
  readonly launcher?: string;
  readonly linker?: string;
  readonly defines?: Readonly<Record<string, string>>;
  readonly installDirs?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
}

export const lastGenerationFile = (root: string): string => path.join(root, 'out', '.pogogen', 'last-generation.json');

const strings = ['toolchain', 'profile', 'outDir', 'buildFile', 'compdb', 'launcher', 'linker'] as const;
const maps = ['defines', 'installDirs', 'env'] as const;
const isStringMap = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/** What is wrong with `v` as a last-generation record, or undefined. */
export function lastGenerationProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not an object';
  const o = v as Record<string, unknown>;
  for (const k of strings) if (o[k] !== undefined && typeof o[k] !== 'string') return `"${k}" is not a string`;
  for (const k of maps) if (o[k] !== undefined && !isStringMap(o[k])) return `"${k}" is not an object of strings`;
  if (o.offline !== undefined && typeof o.offline !== 'boolean') return '"offline" is not a boolean';
  if (o.backend !== undefined && o.backend !== 'ninja' && o.backend !== 'make') return '"backend" is neither ninja nor make';
  return undefined;
}

/**
 * The last generation's settings; undefined when there is none, or when the file is not as pogogen writes it
 * (then `warn` hears why, once).
 */
export function readLastGeneration(root: string, warn?: (message: string) => void): LastGeneration | undefined {
  const file = lastGenerationFile(root);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    warn?.(`${path.relative(root, file)} is not JSON; ignored (the next generation rewrites it)`);
    return undefined;
  }
  const problem = lastGenerationProblem(v);
  if (problem !== undefined) {
    warn?.(`${path.relative(root, file)}: ${problem}; ignored (the next generation rewrites it)`);
    return undefined;
  }
  return v as LastGeneration;
}
