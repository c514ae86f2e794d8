// Validation's diagnostics: a Collector that places each problem at its field (file and line where found), lists
// the first MAX_DIAGNOSTICS and counts the rest; and zod's issues put in the description's terms ("unknown field",
// "did you mean", "expected a list, got an object").
import type { $ZodIssue } from 'zod/v4/core';
import { closest, DiagnosticsError, fieldPath, quote, repr, type Diagnostic } from './diagnostics.ts';
import { locate, type SourceTexts } from './locate.ts';
import { buildSchema, targetSchema } from './schema.ts';
import type { Place } from './validate.ts';

/** Diagnostics from the schema beyond this many are counted, not listed. */
export const MAX_DIAGNOSTICS = 50;

export class Collector {
  private readonly diags: Diagnostic[] = [];
  // A list of 50,000 wrong entries is one mistake: report the first ones, count the rest (locating each costs too).
  private unreported = 0;

  constructor(
    private readonly root: string,
    private readonly src: SourceTexts,
  ) {}

  /** How many problems were listed so far. */
  get count(): number {
    return this.diags.length;
  }

  /** `file` relative to the project directory when it is inside it. */
  rel(file: string): string {
    return file.startsWith(this.root + '/') ? file.slice(this.root.length + 1) : file;
  }

  /** The line of a field path where it can be found, else the file the description starts in. */
  placeAt(root: unknown, path: readonly PropertyKey[]): Place {
    const loc = locate(root, path, this.src);
    return { file: this.rel(loc?.file ?? this.src.main), ...(loc === undefined ? {} : { line: loc.line }) };
  }

  /** A diagnostic at the field `path` inside `root`. */
  at(root: unknown, path: readonly PropertyKey[], message: string, help?: string): Diagnostic {
    return { ...this.placeAt(root, path), path: fieldPath(path), message, ...(help === undefined ? {} : { help }) };
  }

  add(d: Diagnostic): void {
    this.diags.push(d);
  }

  /** Throws what was found, with a count of what was not listed. */
  stop(): never {
    throw new DiagnosticsError(this.unreported === 0 ? this.diags : [...this.diags, { file: this.rel(this.src.main), path: '', message: `${this.unreported} more problem${this.unreported === 1 ? '' : 's'} not shown` }]);
  }

  /** zod's issues for the value `root` (checked at `prefix`), as diagnostics. */
  zod(root: unknown, prefix: readonly PropertyKey[], issues: readonly $ZodIssue[]): void {
    for (const issue of issues) {
      if (this.diags.length >= MAX_DIAGNOSTICS) {
        this.unreported++;
        continue;
      }
      const path = [...prefix, ...issue.path];
      // A value of the right type with a bad character fails a union as a whole (a define's key, say): report the
      // member it fits and what is wrong inside it, not "expected a list or an object".
      const fitting = issue.code === 'invalid_union' ? issue.errors.find((e) => e.length > 0 && e.every((i) => i.code === 'custom' || i.code === 'invalid_key')) : undefined;
      if (fitting !== undefined) this.zod(root, path, fitting);
      else if (issue.code === 'invalid_key') {
        for (const inner of issue.issues) this.diags.push(this.at(root, path, `the key ${inner.message}`));
      } else if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const known = knownKeys(root, path, key);
          const guess = closest(key, known);
          this.diags.push(this.at(root, [...path, key], `unknown field ${quote(key)}`, guess === undefined ? `known fields: ${known.join(', ')}` : `did you mean "${guess}"?`));
        }
      } else {
        this.diags.push(this.at(root, path, describeIssue(issue, root, path)));
      }
    }
  }
}

export function kindOf(v: unknown): string {
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

function memberFor(def: SchemaDef, value: unknown, unknownKey?: string): SchemaDef | undefined {
  for (;;) {
    if (def.innerType !== undefined && (def.type === 'optional' || def.type === 'nullable' || def.type === 'default')) def = def.innerType.def;
    else if (def.type === 'union') {
      const objects = (def.options ?? []).map((o) => o.def).filter((o) => o.type === 'object');
      const kind = (value as { kind?: unknown } | null | undefined)?.kind;
      const byKind = objects.find((o) => (o.shape?.kind?.def as { values?: unknown[] } | undefined)?.values?.includes(kind));
      const next = byKind ?? (objects.length === 1 ? objects[0] : byFields(objects, value, unknownKey));
      if (next === undefined) return undefined;
      def = next;
    } else return def;
  }
}

/**
 * A union's object member without a `kind` (a recipe's source: an archive or a directory): the one that rejected
 * the unknown key and shares the most fields with the value.
 */
function byFields(objects: readonly SchemaDef[], value: unknown, unknownKey: string | undefined): SchemaDef | undefined {
  if (unknownKey === undefined || value === null || typeof value !== 'object') return undefined;
  const shared = (o: SchemaDef): number => Object.keys(value).filter((k) => k in (o.shape ?? {})).length;
  return objects.filter((o) => !(unknownKey in (o.shape ?? {}))).sort((a, b) => shared(b) - shared(a))[0];
}

/** The fields allowed where an unknown key was found, for the "did you mean" help. */
function knownKeys(root: unknown, path: readonly PropertyKey[], unknownKey?: string): string[] {
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
  def = def === undefined ? undefined : memberFor(def, value, unknownKey);
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
