// How a project's overrides and custom profiles are merged onto the built-in profiles (whose flags are data in
// rules/profiles.ts), and the names the command line accepts for them.
import { builtinProfiles as builtinProfileFlags } from '../../rules/profiles.ts';
import type { ProfileInput } from './schema.ts';

/** A profile with every field decided; flags are shared by gcc and clang, the rest is translated by rules/. */
export interface Profile {
  readonly name: string;
  readonly cflags: readonly string[];
  readonly defines: readonly string[];
  readonly ldflags: readonly string[];
  readonly sanitize: readonly string[];
  readonly lto: boolean;
  readonly strip: boolean;
  readonly coverage: boolean;
  /** Keep debug info in `<binary>.debug` beside a stripped binary (objcopy + .gnu_debuglink). */
  readonly splitDebug: boolean;
  /** `-ffile-prefix-map=<root>=.`: no checkout path in the output, so two checkouts build identical binaries. */
  readonly reproducible: boolean;
  /** `-march=`; `native` is marked in the output directory (`out/<profile>.native`) so it is never shipped by mistake. */
  readonly march?: string;
  readonly mtune?: string;
  /** Profile-guided optimisation for executables with trainings. */
  readonly pgo: boolean;
}

export const builtinProfiles: Readonly<Record<string, ProfileInput>> = builtinProfileFlags;

export const profileAliases: Readonly<Record<string, string>> = { dev: 'development', prod: 'production', test: 'testing' };

/** Defines as `NAME` / `NAME=value` strings, in the order given; `false` leaves a define out. */
export function normalizeDefines(d: readonly string[] | Readonly<Record<string, string | number | boolean>> | undefined): string[] {
  if (d === undefined) return [];
  if (Array.isArray(d)) return [...(d as readonly string[])];
  const out: string[] = [];
  for (const [k, v] of Object.entries(d)) {
    if (v === false) continue;
    out.push(v === true ? k : `${k}=${v}`);
  }
  return out;
}

/**
 * Merges: built-in profile ← project's override of the same name; a custom profile starts from the profile it
 * `extends` (or nothing). A field given replaces the inherited field whole, so a project can drop a flag.
 * Returns the profile or the chain of names when `extends` loops (the caller reports it).
 */
export function mergeProfile(
  name: string,
  project: Readonly<Record<string, ProfileInput>>,
): Profile | { cycle: string[] } | { unknown: string; from: string } {
  const chain: string[] = [];
  let fields: ProfileInput = {};
  let current: string | undefined = name;
  const layers: ProfileInput[] = [];
  while (current !== undefined) {
    if (chain.includes(current)) return { cycle: [...chain, current] };
    chain.push(current);
    const own: ProfileInput | undefined = project[current];
    const builtin = builtinProfiles[current];
    if (own === undefined && builtin === undefined) return { unknown: current, from: chain[chain.length - 2] ?? current };
    if (own !== undefined) layers.unshift(own);
    if (builtin !== undefined) layers.unshift(builtin);
    current = own?.extends;
  }
  for (const layer of layers) fields = { ...fields, ...stripUndefined(layer) };
  return {
    name,
    cflags: fields.cflags ?? [],
    defines: normalizeDefines(fields.defines),
    ldflags: fields.ldflags ?? [],
    sanitize: fields.sanitize ?? [],
    lto: fields.lto ?? false,
    strip: fields.strip ?? false,
    coverage: fields.coverage ?? false,
    splitDebug: fields.splitDebug ?? false,
    reproducible: fields.reproducible ?? false,
    pgo: fields.pgo ?? false,
    ...(fields.march === undefined ? {} : { march: fields.march }),
    ...(fields.mtune === undefined ? {} : { mtune: fields.mtune }),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
