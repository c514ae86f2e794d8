// Turning the loaded description into a Model: schema checks, options from -D, the profile, and the targets the
// description's function returns; every problem becomes a Diagnostic, all are reported together.
import type { $ZodIssue } from 'zod/v4/core';
import type { CompilerFamily, Platform } from './api.ts';
import { closest, DiagnosticsError, fieldPath, isThenable, quote, repr, thrownText, type Diagnostic } from './diagnostics.ts';

export { quote };
import { frameIn, locate, type SourceTexts } from './locate.ts';
import { mergeProfile, normalizeDefines, profileAliases, builtinProfiles, type Profile } from './profiles.ts';
import { buildSchema, targetSchema, type OptionInput, type SettingsInput, type TargetInput } from './schema.ts';

export interface NormalizedSettings {
  readonly cflags: readonly string[];
  readonly defines: readonly string[];
  readonly includeDirs: readonly string[];
  readonly ldflags: readonly string[];
  readonly libs: readonly string[];
}

/** Where a target was declared: a file relative to the project where possible, and its line when found. */
export interface Place {
  readonly file: string;
  readonly line?: number;
}

/** `file:line`, or the file alone when the line was not found. */
export function placeText(p: Place): string {
  return p.line === undefined ? p.file : `${p.file}:${p.line}`;
}

/** A validated target with where it came from, for diagnostics in later layers. */
export type ModelTarget = TargetInput & {
  readonly fieldPath: string;
  /** The same path as segments, for Model.locate. */
  readonly segments: readonly PropertyKey[];
  /**
   * Where it was declared, found on first call: reading a helper's call site formats a stack through the source
   * map, which only a diagnostic (or `desc`, `targets --json`) needs, and costs for every one of 1,000 targets.
   */
  readonly where: () => Place;
};

export interface Toolchain {
  readonly family: CompilerFamily;
  readonly version: string;
  /** The compiler command as argv, e.g. `['gcc']` or `['ccache', 'gcc']`. */
  readonly cc: readonly string[];
}

export interface Model {
  readonly root: string;
  /** build.pogo.ts, absolute. */
  readonly file: string;
  readonly project: { readonly name: string; readonly version: string };
  readonly optionSpecs: Readonly<Record<string, OptionInput>>;
  readonly options: Readonly<Record<string, string | boolean>>;
  readonly profile: Profile;
  /** Every profile the project can build: the built-in ones, then those build.pogo.ts adds, sorted. */
  readonly profileNames: readonly string[];
  readonly settings: NormalizedSettings;
  /** Targets sorted by name. */
  readonly targets: readonly ModelTarget[];
  /** Extra files to install. */
  readonly install: readonly { readonly files: readonly string[]; readonly dir: string; readonly mode?: number }[];
  /** File (relative to root) and line of a field under the targets list, for later layers' diagnostics. */
  readonly locate: (segments: readonly PropertyKey[]) => { readonly file: string; readonly line: number } | undefined;
}

export interface ValidateOptions {
  readonly root: string;
  readonly src: SourceTexts;
  readonly profile: string;
  /** `-D name=value` pairs from the command line. */
  readonly defines: Readonly<Record<string, string>>;
  readonly toolchain: Toolchain;
  readonly platform: Platform;
}

/** An option's allowed values in a message: quoted, the first ten, then a count. */
function choices(values: readonly string[]): string {
  return `${values.slice(0, 10).map(quote).join(', ')}${values.length > 10 ? ` and ${values.length - 10} more` : ''}`;
}

/** Diagnostics from the schema beyond this many are counted, not listed. */
export const MAX_DIAGNOSTICS = 50;

export function normalizeSettings(s: SettingsInput | undefined): NormalizedSettings {
  return {
    cflags: s?.cflags ?? [],
    defines: normalizeDefines(s?.defines),
    includeDirs: s?.includeDirs ?? [],
    ldflags: s?.ldflags ?? [],
    libs: s?.libs ?? [],
  };
}

export function validate(value: unknown, opts: ValidateOptions): Model {
  try {
    return validateValue(value, opts);
  } catch (err) {
    // The description is user code: a getter that throws, a cyclic or exotic value must end as a diagnostic.
    if (err instanceof DiagnosticsError) throw err;
    // At the getter or trap that threw, when its stack leads into the description.
    const loc = frameIn(err, opts.src);
    const file = loc?.file ?? opts.src.main;
    const at = loc === undefined ? {} : { line: loc.line, ...(loc.column === undefined ? {} : { column: loc.column }) };
    throw new DiagnosticsError([{ file: file.startsWith(opts.root + '/') ? file.slice(opts.root.length + 1) : file, ...at, path: '', message: `the description could not be read: ${thrownText(err)}` }]);
  }
}

function validateValue(value: unknown, opts: ValidateOptions): Model {
  const { src } = opts;
  const rel = (file: string): string => (file.startsWith(opts.root + '/') ? file.slice(opts.root.length + 1) : file);
  const diags: Diagnostic[] = [];
  // The line of a field path where it can be found, else the file the description starts in.
  const placeAt = (root: unknown, path: readonly PropertyKey[]): Place => {
    const loc = locate(root, path, src);
    return { file: rel(loc?.file ?? src.main), ...(loc === undefined ? {} : { line: loc.line }) };
  };
  const at = (root: unknown, path: readonly PropertyKey[], message: string, help?: string): Diagnostic => ({
    ...placeAt(root, path),
    path: fieldPath(path),
    message,
    ...(help === undefined ? {} : { help }),
  });
  // A list of 50,000 wrong entries is one mistake: report the first ones, count the rest (locating each costs too).
  let unreported = 0;
  const zodDiags = (root: unknown, prefix: readonly PropertyKey[], issues: readonly $ZodIssue[]): void => {
    for (const issue of issues) {
      if (diags.length >= MAX_DIAGNOSTICS) {
        unreported++;
        continue;
      }
      const path = [...prefix, ...issue.path];
      // A value of the right type with a bad character fails a union as a whole (a define's key, say): report the
      // member it fits and what is wrong inside it, not "expected a list or an object".
      const fitting = issue.code === 'invalid_union' ? issue.errors.find((e) => e.length > 0 && e.every((i) => i.code === 'custom' || i.code === 'invalid_key')) : undefined;
      if (fitting !== undefined) zodDiags(root, path, fitting);
      else if (issue.code === 'invalid_key') {
        for (const inner of issue.issues) diags.push(at(root, path, `the key ${inner.message}`));
      } else if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const known = knownKeys(root, path);
          const guess = closest(key, known);
          diags.push(at(root, [...path, key], `unknown field ${quote(key)}`, guess === undefined ? `known fields: ${known.join(', ')}` : `did you mean "${guess}"?`));
        }
      } else {
        diags.push(at(root, path, describeIssue(issue, root, path)));
      }
    }
  };

  if (typeof value !== 'object' || value === null) {
    throw new DiagnosticsError([{ file: rel(src.main), path: '', message: 'the default export must be the description object', help: 'export default defineBuild({ project: { name: "app" }, targets: [...] })' }]);
  }
  const parsed = buildSchema.safeParse(value);
  const stop: () => never = () => {
    throw new DiagnosticsError(unreported === 0 ? diags : [...diags, { file: rel(src.main), path: '', message: `${unreported} more problem${unreported === 1 ? '' : 's'} not shown` }]);
  };
  if (!parsed.success) {
    zodDiags(value, [], parsed.error.issues);
    stop();
  }
  const build = parsed.data;

  // Options: declared defaults, then -D values, each checked against its type.
  const optionSpecs = build.options ?? {};
  const options: Record<string, string | boolean> = {};
  for (const [name, spec] of Object.entries(optionSpecs)) {
    if (spec.type === 'enum' && !spec.values.includes(spec.default)) {
      diags.push(at(value, ['options', name, 'default'], `default ${quote(spec.default)} is not one of ${choices(spec.values)}`));
    }
    options[name] = spec.default;
  }
  for (const [name, raw] of Object.entries(opts.defines)) {
    const spec = optionSpecs[name];
    if (spec === undefined) {
      const guess = closest(name, Object.keys(optionSpecs));
      diags.push({ file: '<command line>', path: `-D ${name}`, message: `unknown option "${name}"`, help: guess !== undefined ? `did you mean "${guess}"?` : Object.keys(optionSpecs).length === 0 ? 'this project declares no options' : `options: ${Object.keys(optionSpecs).sort().join(', ')}` });
      continue;
    }
    const v = parseOptionValue(spec, raw);
    if (v === undefined) diags.push({ file: '<command line>', path: `-D ${name}=${raw}`, message: `invalid value "${raw}" for ${spec.type} option "${name}"`, help: `expected ${expectedValues(spec)}` });
    else options[name] = v;
  }

  // Profile.
  const profileName = profileAliases[opts.profile] ?? opts.profile;
  const userProfiles = build.profiles ?? {};
  const merged = mergeProfile(profileName, userProfiles);
  let profile: Profile | undefined;
  if ('cycle' in merged) diags.push(at(value, ['profiles', profileName, 'extends'], `profile inheritance loops: ${merged.cycle.join(' → ')}`));
  else if ('unknown' in merged) {
    const names = [...new Set([...Object.keys(builtinProfiles), ...Object.keys(userProfiles)])].sort();
    const guess = closest(merged.unknown, [...names, ...Object.keys(profileAliases)]);
    if (merged.unknown === profileName) diags.push({ file: '<command line>', path: '--profile', message: `unknown profile "${opts.profile}"`, help: guess !== undefined ? `did you mean "${guess}"?` : `profiles: ${names.join(', ')}` });
    else diags.push(at(value, ['profiles', merged.from, 'extends'], `profile "${merged.from}" extends unknown profile "${merged.unknown}"`, guess === undefined ? undefined : `did you mean "${guess}"?`));
  } else profile = merged;
  if (profile !== undefined) {
    const san = profile.sanitize;
    if (san.includes('memory') && opts.toolchain.family !== 'clang') diags.push(at(value, ['profiles', profile.name, 'sanitize'], 'the memory sanitizer needs clang', 'use CC=clang, or drop "memory"'));
    if (san.includes('thread') && (san.includes('address') || san.includes('leak'))) diags.push(at(value, ['profiles', profile.name, 'sanitize'], `the thread sanitizer cannot be combined with ${san.includes('address') ? 'address' : 'leak'}`, 'use a separate profile for each'));
    if (san.includes('memory') && san.includes('address')) diags.push(at(value, ['profiles', profile.name, 'sanitize'], 'the memory sanitizer cannot be combined with address'));
  }
  if (diags.length > 0 || profile === undefined) throw new DiagnosticsError(diags);

  // Targets: a list, or a function of the build context.
  let targetsValue: unknown = build.targets;
  if (typeof targetsValue === 'function') {
    const ctx = {
      options: Object.freeze({ ...options }),
      profile: profile.name,
      platform: opts.platform,
      compiler: Object.freeze({ family: opts.toolchain.family, version: opts.toolchain.version, command: opts.toolchain.cc.join(' ') }),
    };
    try {
      targetsValue = (targetsValue as (c: typeof ctx) => unknown)(Object.freeze(ctx));
    } catch (err) {
      const loc = frameIn(err, src);
      const message = `the targets function threw: ${thrownText(err)}`;
      // A thrown value that is no Error has no stack to place it by: the line of `targets` then.
      throw new DiagnosticsError([loc === undefined ? at(value, ['targets'], message) : { file: rel(loc.file), line: loc.line, ...(loc.column === undefined ? {} : { column: loc.column }), path: 'targets', message }]);
    }
    if (isThenable(targetsValue)) {
      // Handled, so that its rejection (an async function that threw) is not also reported as unhandled.
      Promise.resolve(targetsValue).catch(() => {});
      throw new DiagnosticsError([at(value, ['targets'], 'the targets function returned a Promise: it must return the list of targets itself', 'an async function cannot be used here: await what it needs at the top level of build.pogo.ts, then return the list')]);
    }
    if (!Array.isArray(targetsValue)) {
      throw new DiagnosticsError([at(value, ['targets'], `the targets function must return a list of targets, got ${kindOf(targetsValue)}`)]);
    }
  }
  const root = { targets: targetsValue };
  const listed = (Array.prototype.map.call(targetsValue, (t: unknown, i: number) => ({ t, i })) as { t: unknown; i: number }[]).filter(({ t }) => t !== false && t !== null && t !== undefined);
  // Membership by identity in a Set: a list scan per dependency was quadratic in the number of targets.
  const listedSet = new Set(listed.map((l) => l.t));
  const targets: ModelTarget[] = [];
  const byName = new Map<string, ModelTarget>();
  const seenObjects = new Set<unknown>();
  const addTarget = (t: unknown, path: readonly PropertyKey[]): void => {
    if (seenObjects.has(t)) return;
    seenObjects.add(t);
    const r = targetSchema.safeParse(t);
    if (!r.success) {
      zodDiags(root, path, r.error.issues);
      return;
    }
    let place: Place | undefined;
    const where = (): Place => (place ??= placeAt(root, path));
    const mt: ModelTarget = { ...r.data, fieldPath: fieldPath(path), segments: path, where };
    const prev = byName.get(mt.name);
    if (prev !== undefined) {
      const p = prev.where();
      diags.push(at(root, [...path, 'name'], `two targets are named "${mt.name}"`, `the other one is ${prev.fieldPath}${p.line === undefined ? '' : ` (${placeText(p)})`}`));
      return;
    }
    byName.set(mt.name, mt);
    targets.push(mt);
    // Targets referenced by object but not listed are part of the build too.
    const prog = (t as Record<string, unknown>).program;
    if (typeof prog === 'object' && prog !== null && !listedSet.has(prog)) addTarget(prog, [...path, 'program']);
    for (const field of ['deps', 'publicDeps'] as const) {
      const list = (t as Record<string, unknown>)[field];
      if (!Array.isArray(list)) continue;
      // The array's own methods may be user-replaced: use Array.prototype's.
      Array.prototype.forEach.call(list, (d: unknown, j: number) => {
        if (typeof d === 'object' && d !== null && !listedSet.has(d)) addTarget(d, [...path, field, j]);
      });
    }
  };
  for (const { t, i } of listed) addTarget(t, ['targets', i]);
  if (diags.length > 0) stop();

  targets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    root: opts.root,
    file: src.main,
    project: { name: build.project.name, version: build.project.version ?? '0.0.0' },
    optionSpecs,
    options,
    profile,
    profileNames: [...Object.keys(builtinProfiles), ...Object.keys(userProfiles).filter((n) => !(n in builtinProfiles)).sort()],
    settings: normalizeSettings(build.settings),
    targets,
    install: build.install ?? [],
    locate: (segments) => {
      const loc = locate(root, segments, src);
      return loc === undefined ? undefined : { file: rel(loc.file), line: loc.line };
    },
  };
}

export function parseOptionValue(spec: OptionInput, raw: string): string | boolean | undefined {
  switch (spec.type) {
    case 'bool':
      if (['true', '1', 'yes', 'on'].includes(raw)) return true;
      if (['false', '0', 'no', 'off'].includes(raw)) return false;
      return undefined;
    case 'string':
      return raw;
    case 'enum':
      return spec.values.includes(raw) ? raw : undefined;
    case 'feature':
      return raw === 'auto' || raw === 'enabled' || raw === 'disabled' ? raw : undefined;
  }
}

function expectedValues(spec: OptionInput): string {
  switch (spec.type) {
    case 'bool':
      return 'true or false';
    case 'string':
      return 'a string';
    case 'enum':
      return choices(spec.values);
    case 'feature':
      return 'auto, enabled or disabled';
  }
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${repr(v)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

// Field names for "did you mean", read from the schemas themselves so they cannot drift apart: the schema at an
// issue's path is found by walking buildSchema along it, choosing a union's member by the value's `kind`.
interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, { readonly def: SchemaDef }>;
  readonly innerType?: { readonly def: SchemaDef };
  readonly element?: { readonly def: SchemaDef };
  readonly valueType?: { readonly def: SchemaDef };
  readonly options?: readonly { readonly def: SchemaDef }[];
}

function memberFor(def: SchemaDef, value: unknown): SchemaDef | undefined {
  for (;;) {
    if (def.innerType !== undefined && (def.type === 'optional' || def.type === 'nullable' || def.type === 'default')) def = def.innerType.def;
    else if (def.type === 'union') {
      const objects = (def.options ?? []).map((o) => o.def).filter((o) => o.type === 'object');
      const kind = (value as { kind?: unknown } | null | undefined)?.kind;
      const byKind = objects.find((o) => (o.shape?.kind?.def as { values?: unknown[] } | undefined)?.values?.includes(kind));
      const next = byKind ?? (objects.length === 1 ? objects[0] : undefined);
      if (next === undefined) return undefined;
      def = next;
    } else return def;
  }
}

/** The fields allowed where an unknown key was found, for the "did you mean" help. */
function knownKeys(root: unknown, path: readonly PropertyKey[]): string[] {
  // Targets are checked one by one against targetSchema (the description's list holds unknown values).
  const inTarget = path[0] === 'targets' && path.length >= 2;
  let def: SchemaDef | undefined = ((inTarget ? targetSchema : buildSchema) as unknown as { def: SchemaDef }).def;
  let value = inTarget ? valueAt(root, path.slice(0, 2)) : root;
  for (const k of inTarget ? path.slice(2) : path) {
    def = def === undefined ? undefined : memberFor(def, value);
    if (def === undefined) return [];
    const next: { def: SchemaDef } | undefined = def.type === 'object' ? def.shape?.[String(k)] : def.type === 'array' ? def.element : def.type === 'record' ? def.valueType : undefined;
    if (next === undefined) return [];
    def = next.def;
    value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[k] : undefined;
  }
  def = def === undefined ? undefined : memberFor(def, value);
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

function describeIssue(issue: $ZodIssue, root: unknown, path: readonly PropertyKey[]): string {
  const actual = valueAt(root, path);
  switch (issue.code) {
    case 'invalid_type':
      if (actual === undefined) return `missing required field (expected ${issue.expected})`;
      return `expected ${issue.expected}, got ${kindOf(actual)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => repr(v)).join(', ')}, got ${repr(actual)}`;
    case 'invalid_union':
      if ('discriminator' in issue && actual !== null && typeof actual === 'object') {
        const d = (actual as Record<string, unknown>)[String(issue.discriminator)];
        return d === undefined ? `${issue.message} (missing "${String(issue.discriminator)}")` : `${issue.message}, got ${repr(d)}`;
      }
      return `${issue.message}, got ${kindOf(actual)}`;
    default:
      return issue.message;
  }
}
