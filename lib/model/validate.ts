// Turning the loaded description into a Model: schema checks, options from -D, the profile, and the targets the
// description's function returns; every problem becomes a Diagnostic, all are reported together.
import type { CompilerFamily, Platform } from './api.ts';
import { closest, DiagnosticsError, fieldPath, isThenable, quote, thrownText } from './diagnostics.ts';
import { Collector, kindOf } from './issues.ts';
import { frameIn, locate, type SourceTexts } from './locate.ts';
import { mergeProfile, normalizeDefines, profileAliases, builtinProfiles, type Profile } from './profiles.ts';
import { buildSchema, targetSchema, type BuildInput, type OptionInput, type SettingsInput, type TargetInput } from './schema.ts';

export { quote };
export { MAX_DIAGNOSTICS } from './issues.ts';

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
  const c: Collector = new Collector(opts.root, src);
  if (typeof value !== 'object' || value === null) {
    throw new DiagnosticsError([{ file: c.rel(src.main), path: '', message: 'the default export must be the description object', help: 'export default defineBuild({ project: { name: "app" }, targets: [...] })' }]);
  }
  const parsed = buildSchema.safeParse(value);
  if (!parsed.success) {
    c.zod(value, [], parsed.error.issues);
    c.stop();
  }
  const build = parsed.data;
  const { optionSpecs, options } = validateOptions(build, value, opts.defines, c);
  const profile = validateProfile(build, value, opts, c);
  if (c.count > 0 || profile === undefined) c.stop();
  const root = { targets: evaluateTargets(build, value, { options, profile: profile.name, opts }, c) };
  const targets = collectTargets(root, c);
  if (c.count > 0) c.stop();
  targets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    root: opts.root,
    file: src.main,
    project: { name: build.project.name, version: build.project.version ?? '0.0.0' },
    optionSpecs,
    options,
    profile,
    profileNames: [...Object.keys(builtinProfiles), ...Object.keys(build.profiles ?? {}).filter((n) => !(n in builtinProfiles)).sort()],
    settings: normalizeSettings(build.settings),
    targets,
    install: build.install ?? [],
    locate: (segments) => {
      const loc = locate(root, segments, src);
      return loc === undefined ? undefined : { file: c.rel(loc.file), line: loc.line };
    },
  };
}

/** Options: declared defaults, then -D values, each checked against its type. */
function validateOptions(build: BuildInput, value: unknown, defines: Readonly<Record<string, string>>, c: Collector): { optionSpecs: Readonly<Record<string, OptionInput>>; options: Record<string, string | boolean> } {
  const optionSpecs = build.options ?? {};
  const options: Record<string, string | boolean> = {};
  for (const [name, spec] of Object.entries(optionSpecs)) {
    if (spec.type === 'enum' && !spec.values.includes(spec.default)) {
      c.add(c.at(value, ['options', name, 'default'], `default ${quote(spec.default)} is not one of ${choices(spec.values)}`));
    }
    options[name] = spec.default;
  }
  for (const [name, raw] of Object.entries(defines)) {
    const spec = optionSpecs[name];
    if (spec === undefined) {
      const guess = closest(name, Object.keys(optionSpecs));
      c.add({ file: '<command line>', path: `-D ${name}`, message: `unknown option "${name}"`, help: guess !== undefined ? `did you mean "${guess}"?` : Object.keys(optionSpecs).length === 0 ? 'this project declares no options' : `options: ${Object.keys(optionSpecs).sort().join(', ')}` });
      continue;
    }
    const v = parseOptionValue(spec, raw);
    if (v === undefined) c.add({ file: '<command line>', path: `-D ${name}=${raw}`, message: `invalid value "${raw}" for ${spec.type} option "${name}"`, help: `expected ${expectedValues(spec)}` });
    else options[name] = v;
  }
  return { optionSpecs, options };
}

/** The profile asked for, merged onto what it extends; undefined when it cannot be (reported). */
function validateProfile(build: BuildInput, value: unknown, opts: ValidateOptions, c: Collector): Profile | undefined {
  const profileName = profileAliases[opts.profile] ?? opts.profile;
  const userProfiles = build.profiles ?? {};
  const merged = mergeProfile(profileName, userProfiles);
  if ('cycle' in merged) {
    c.add(c.at(value, ['profiles', profileName, 'extends'], `profile inheritance loops: ${merged.cycle.join(' → ')}`));
    return undefined;
  }
  if ('unknown' in merged) {
    const names = [...new Set([...Object.keys(builtinProfiles), ...Object.keys(userProfiles)])].sort();
    const guess = closest(merged.unknown, [...names, ...Object.keys(profileAliases)]);
    if (merged.unknown === profileName) c.add({ file: '<command line>', path: '--profile', message: `unknown profile "${opts.profile}"`, help: guess !== undefined ? `did you mean "${guess}"?` : `profiles: ${names.join(', ')}` });
    else c.add(c.at(value, ['profiles', merged.from, 'extends'], `profile "${merged.from}" extends unknown profile "${merged.unknown}"`, guess === undefined ? undefined : `did you mean "${guess}"?`));
    return undefined;
  }
  checkSanitizers(merged, value, opts.toolchain, c);
  return merged;
}

/** Sanitizers the compiler lacks or that cannot be combined. */
function checkSanitizers(profile: Profile, value: unknown, toolchain: Toolchain, c: Collector): void {
  const san = profile.sanitize;
  const at = ['profiles', profile.name, 'sanitize'];
  if (san.includes('memory') && toolchain.family !== 'clang') c.add(c.at(value, at, 'the memory sanitizer needs clang', 'use CC=clang, or drop "memory"'));
  if (san.includes('thread') && (san.includes('address') || san.includes('leak'))) c.add(c.at(value, at, `the thread sanitizer cannot be combined with ${san.includes('address') ? 'address' : 'leak'}`, 'use a separate profile for each'));
  if (san.includes('memory') && san.includes('address')) c.add(c.at(value, at, 'the memory sanitizer cannot be combined with address'));
}

/** The targets list: as given, or what the description's function returns for the build context. */
function evaluateTargets(build: BuildInput, value: unknown, ctxOf: { options: Record<string, string | boolean>; profile: string; opts: ValidateOptions }, c: Collector): unknown {
  const targetsValue: unknown = build.targets;
  if (typeof targetsValue !== 'function') return targetsValue;
  const { opts } = ctxOf;
  const ctx = {
    options: Object.freeze({ ...ctxOf.options }),
    profile: ctxOf.profile,
    platform: opts.platform,
    compiler: Object.freeze({ family: opts.toolchain.family, version: opts.toolchain.version, command: opts.toolchain.cc.join(' ') }),
  };
  let result: unknown;
  try {
    result = (targetsValue as (x: typeof ctx) => unknown)(Object.freeze(ctx));
  } catch (err) {
    const loc = frameIn(err, opts.src);
    const message = `the targets function threw: ${thrownText(err)}`;
    // A thrown value that is no Error has no stack to place it by: the line of `targets` then.
    throw new DiagnosticsError([loc === undefined ? c.at(value, ['targets'], message) : { file: c.rel(loc.file), line: loc.line, ...(loc.column === undefined ? {} : { column: loc.column }), path: 'targets', message }]);
  }
  if (isThenable(result)) {
    // Handled, so that its rejection (an async function that threw) is not also reported as unhandled.
    Promise.resolve(result).catch(() => {});
    throw new DiagnosticsError([c.at(value, ['targets'], 'the targets function returned a Promise: it must return the list of targets itself', 'an async function cannot be used here: await what it needs at the top level of build.pogo.ts, then return the list')]);
  }
  if (!Array.isArray(result)) {
    throw new DiagnosticsError([c.at(value, ['targets'], `the targets function must return a list of targets, got ${kindOf(result)}`)]);
  }
  return result;
}

/** Each listed target checked against the schema, and those referenced by object but not listed (they are part of the build too). */
function collectTargets(root: { readonly targets: unknown }, c: Collector): ModelTarget[] {
  const listed = (Array.prototype.map.call(root.targets, (t: unknown, i: number) => ({ t, i })) as { t: unknown; i: number }[]).filter(({ t }) => t !== false && t !== null && t !== undefined);
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
      c.zod(root, path, r.error.issues);
      return;
    }
    let place: Place | undefined;
    const where = (): Place => (place ??= c.placeAt(root, path));
    const mt: ModelTarget = { ...r.data, fieldPath: fieldPath(path), segments: path, where };
    const prev = byName.get(mt.name);
    if (prev !== undefined) {
      const p = prev.where();
      c.add(c.at(root, [...path, 'name'], `two targets are named "${mt.name}"`, `the other one is ${prev.fieldPath}${p.line === undefined ? '' : ` (${placeText(p)})`}`));
      return;
    }
    byName.set(mt.name, mt);
    targets.push(mt);
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
  return targets;
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
