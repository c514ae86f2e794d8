// Seeded generators for the reliability tests: a PRNG whose seed is printed so every failure reproduces, random
// and mutated description values for the in-process fuzz, and build.pogo.ts texts for the CLI fuzz.
import { action, executable, objectSet, option, sharedLibrary, staticLibrary, test as testTarget } from '../../lib/model/api.ts';

/** mulberry32: small, fast, and the same sequence on every platform. */
export interface Rng {
  readonly next: () => number;
  readonly int: (n: number) => number;
  readonly chance: (p: number) => boolean;
  readonly pick: <T>(xs: readonly T[]) => T;
}

export function rng(seed: number): Rng {
  let state = seed | 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, chance: (p) => next() < p, pick: (xs) => xs[int(xs.length)]! };
}

/** The run's seed: FUZZ_SEED when given (to reproduce a failure), else a fresh one. */
export function seedFromEnv(): number {
  const s = process.env.FUZZ_SEED;
  // CI runs a fixed seed, so a red run reproduces and a green one stays green; FUZZ_SEED=random explores.
  if (s === 'random') return Math.floor(Math.random() * 2 ** 31);
  return s !== undefined && s !== '' ? Number(s) : 1520224007;
}

/** Case `i` of a run gets its own seed, so FUZZ_SEED=<seed> FUZZ_CASE=<i> replays exactly that case. */
export function caseSeed(seed: number, i: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(i + 1, 0xc2b2ae35)) | 0;
}

// ---------------------------------------------------------------------------------------------------------------
// In-process values.

/** Strings that have hurt parsers, escapers and terminals somewhere. */
export const oddStrings: readonly string[] = [
  '', ' ', 'a.c', 'main.c', 'src/*.c', 'src/**/*.c', '!main.c', '../up.c', '/abs.c', './main.c', 'a|b.c', 'new\nline.c',
  'cr\r.c', 'nul\0.c', 'tab\t.c', '$x.c', '$(x).c', '${x}', 'sp ace.c', 'co:lon.c', 'hash#.c', "q'uote.c", 'd"q.c',
  'p(1).c', '-lead.c', '--help', 'ünïcödé.c', '💥.c', 'e\u0301.c', '\u202eevil.c', 'zw\u200bj.c', 'ls\u2028.c',
  '\ud800lone.c', '\x1b[31mred', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
  'all', 'install', 'build.ninja', '.hidden', 'a/b', 'executable', 'static_library', 'dependency', 'x'.repeat(300),
  '1.2.3', 'CON', '*', '**', '!', '{out}', '{in}', '{path:app}', '%', '=', ';', '\\', '[a]',
];
const keys = [
  'kind', 'name', 'sources', 'deps', 'publicDeps', 'public', 'cflags', 'defines', 'includeDirs', 'ldflags', 'libs',
  'output', 'version', 'soname', 'command', 'outputs', 'inputs', 'program', 'args', 'recipe', 'source', 'build',
  'provides', 'urls', 'sha256', 'feature', 'prefer', 'install', 'installHeaders', 'pkgConfig', 'pgo', 'training', 'extends',
  'type', 'default', 'values', 'project', 'targets', 'options', 'profiles', 'settings', '__proto__', 'constructor',
  'prototype', 'toString', 'valueOf', 'toJSON', 'then', 'bogus', '', ' ', '0', 'length',
];
const kinds = ['executable', 'static_library', 'shared_library', 'object_set', 'action', 'dependency', 'test', 'nope', '', 'Executable'];

/** What the generator put into a case, so the checker can tell a thrown trap from a pogogen bug. */
export interface Traits {
  /** A getter, proxy trap, toString or similar that throws when pogogen touches it. */
  traps: boolean;
  cyclic: boolean;
}

const thrownValues = (r: Rng): unknown => {
  switch (r.int(9)) {
    case 0:
      return new Error('boom');
    case 1:
      return new TypeError('bad type\nsecond line');
    case 2:
      return 42;
    case 3:
      return null;
    case 4:
      return undefined;
    case 5:
      return Symbol('thrown');
    case 6:
      return Object.create(null);
    case 7: {
      const e = new Error('hidden');
      Object.defineProperty(e, 'message', { get: () => { throw new Error('message getter'); } });
      return e;
    }
    default: {
      const e = new RangeError('no stack');
      Object.defineProperty(e, 'stack', { get: () => { throw e; } });
      return e;
    }
  }
};

/** A value that throws (or misbehaves) when pogogen looks at it. */
function trap(r: Rng, tr: Traits): unknown {
  tr.traps = true;
  const thrown = (): never => {
    throw thrownValues(r);
  };
  switch (r.int(8)) {
    case 0: {
      const o: Record<string, unknown> = { kind: r.pick(kinds) };
      Object.defineProperty(o, r.pick(['name', 'sources', 'kind', 'deps', 'public']), { get: thrown, enumerable: true, configurable: true });
      return o;
    }
    case 1:
      return new Proxy({}, { get: thrown, ownKeys: thrown, has: thrown, getOwnPropertyDescriptor: thrown, getPrototypeOf: thrown });
    case 2: {
      const p = Proxy.revocable({ kind: 'executable', name: 'x', sources: ['main.c'] }, {});
      p.revoke();
      return p.proxy;
    }
    case 3:
      return { toString: thrown, valueOf: thrown, [Symbol.toPrimitive]: thrown, toJSON: thrown };
    case 4: {
      const a: unknown[] = ['main.c'];
      Object.defineProperty(a, 0, { get: thrown, enumerable: true });
      return a;
    }
    case 5:
      return new Proxy(['main.c'], { get: (t, k) => (k === 'length' ? thrown() : Reflect.get(t, k)) });
    case 6:
      // A proxy that lies: ownKeys lists a key that getOwnPropertyDescriptor denies.
      return new Proxy({}, { ownKeys: () => ['name', 'kind'], getOwnPropertyDescriptor: () => undefined });
    default:
      return Object.defineProperty({}, 'then', { get: thrown, enumerable: true });
  }
}

/** Any value: scalars, exotic objects, lists and records, sometimes huge or deep. */
export function value(r: Rng, tr: Traits, depth = 0): unknown {
  const k = r.next();
  if (depth > 3 || k < 0.35) return scalar(r);
  if (k < 0.5) return Array.from({ length: r.int(4) }, () => value(r, tr, depth + 1));
  if (k < 0.58) return exotic(r, tr);
  if (k < 0.63) return trap(r, tr);
  if (k < 0.64) return huge(r);
  if (k < 0.65) return deep(r);
  const o: Record<string, unknown> = {};
  for (let i = r.int(4); i > 0; i--) setKey(o, r.pick(keys), value(r, tr, depth + 1));
  return o;
}

export function scalar(r: Rng): unknown {
  return r.pick<unknown>([r.pick(oddStrings), r.pick(oddStrings), 0, -0, -1, 1.5, 2 ** 53 + 2, 1e308, NaN, Infinity, -Infinity, true, false, null, undefined, 10n, -(2n ** 70n), Symbol('s'), Symbol.iterator, () => 1, function named() {}, class K {}]);
}

function exotic(r: Rng, tr: Traits): unknown {
  switch (r.int(12)) {
    case 0:
      return Object.create(null);
    case 1:
      return new Date(NaN);
    case 2:
      return new Map([['name', 'x']]);
    case 3:
      return new Set(['main.c']);
    case 4:
      return /main\.c/;
    case 5:
      return new Uint8Array(4);
    case 6:
      // eslint-disable-next-line no-new-wrappers
      return new String('main.c');
    case 7:
      // eslint-disable-next-line no-sparse-arrays
      return [, , 'main.c'];
    case 8:
      return Object.freeze({ kind: 'executable', name: 'frozen', sources: Object.freeze(['main.c']) });
    case 9:
      return Object.assign(['main.c'], { extra: 1 });
    case 10: {
      // Inherited fields only: a prototype carries the target.
      return Object.create({ kind: 'executable', name: 'inherited', sources: ['main.c'] });
    }
    default: {
      tr.cyclic = true;
      const o: Record<string, unknown> = { kind: 'static_library', name: 'cyc', sources: ['main.c'] };
      o.deps = [o];
      o.public = { includeDirs: [o] };
      return o;
    }
  }
}

export function huge(r: Rng): unknown {
  const n = r.pick([1_000, 10_000, 50_000]);
  const item = r.pick<unknown>(['main.c', 'x', 1, null, 'missing.c']);
  return r.chance(0.8) ? new Array(n).fill(item) : item === 'x' ? 'x'.repeat(n * 10) : { [`k${n}`]: 'x'.repeat(n) };
}

export function deep(r: Rng): unknown {
  const n = r.pick([100, 2_000, 20_000]);
  let v: unknown = 'main.c';
  const asArray = r.chance(0.5);
  for (let i = 0; i < n; i++) v = asArray ? [v] : { name: v };
  return v;
}

/** Sets an own, enumerable key, including "__proto__" (plain assignment would change the prototype instead). */
function setKey(o: object, key: PropertyKey, v: unknown): void {
  // Frozen objects and proxies refuse: then the mutation is simply skipped.
  Reflect.defineProperty(o, key, { value: v, enumerable: true, configurable: true, writable: true });
}

/** Valid descriptions to start mutating from: every target kind, options, profiles, settings, install, a recipe. */
export function baseDescription(r: Rng): Record<string, unknown> {
  const sha = 'a'.repeat(64);
  const recipe = { name: 'zz', version: '1.0', source: { urls: ['file:///nonexistent/zz-1.0.tar.gz'], sha256: sha, strip: 1 }, build: { kind: 'make', args: ['-C', 'lib'] }, provides: { staticLibs: ['zz'], includeDirs: ['include'] } };
  const helpers = r.chance(0.5);
  const lib: any = helpers ? staticLibrary('lib', { sources: ['src/*.c'], public: { includeDirs: ['include'], defines: { A: 1, B: true, C: false } }, libs: ['m'] }) : { kind: 'static_library', name: 'lib', sources: ['src/*.c'], public: { includeDirs: ['include'] }, libs: ['m'] };
  const so: any = helpers ? sharedLibrary('so', { sources: ['src/a.c'], version: '1.2.3' }) : { kind: 'shared_library', name: 'so', sources: ['src/a.c'], version: '1.2.3' };
  const objs: any = helpers ? objectSet('objs', { sources: ['src/b.c'] }) : { kind: 'object_set', name: 'objs', sources: ['src/b.c'] };
  const gen: any = helpers ? action('gen', { command: ['sh', '-c', 'echo > "$1"', 'x', '{out}'], outputs: ['gen.h'], inputs: ['main.c'] }) : { kind: 'action', name: 'gen', command: ['touch', '{out}'], outputs: ['gen.h'] };
  const app: any = helpers ? executable('app', { sources: ['main.c'], deps: [lib, so, objs, gen], defines: ['X=1'], cflags: ['-O1'] }) : { kind: 'executable', name: 'app', sources: ['main.c'], deps: ['lib', 'so', 'objs', 'gen'] };
  const check = helpers ? testTarget('check', { program: app, args: ['{path:app}'], suites: ['quick'], timeout: 5 }) : { kind: 'test', name: 'check', program: 'app', args: ['x'] };
  const dep = { kind: 'dependency', name: 'zz', recipe, feature: r.pick(['auto', 'enabled', 'disabled']), ifMissing: { defines: ['NOZZ'] } };
  const targets = [lib, so, objs, gen, app, check, ...(r.chance(0.5) ? [dep] : [])];
  const d: Record<string, unknown> = {
    project: { name: 'fuzz', version: '1.0.0' },
    options: { speed: option.enum(['slow', 'fast'], 'slow'), tls: option.feature('auto'), name: option.string('x'), on: option.bool(true) },
    profiles: { development: { sanitize: [] }, bench: { extends: 'production', cflags: ['-O2'], strip: false } },
    settings: { cflags: ['-Wall'], defines: ['GLOBAL'] },
    install: [{ files: ['main.c'], dir: '{datadir}/fuzz' }],
    targets: r.chance(0.3) ? () => targets : targets,
  };
  return d;
}

/** Every (container, key) in `v` up to `depth`, for choosing where to mutate. */
function slots(v: unknown, depth: number, out: [object, PropertyKey][] = [], seen = new Set<unknown>()): [object, PropertyKey][] {
  if (typeof v !== 'object' || v === null || seen.has(v) || depth < 0 || ArrayBuffer.isView(v) || (Array.isArray(v) && v.length > 50)) return out;
  seen.add(v);
  let names: PropertyKey[];
  try {
    names = Reflect.ownKeys(v).filter((k) => k !== 'length');
  } catch {
    return out;
  }
  if (names.length > 50) return out;
  for (const k of names) {
    out.push([v, k]);
    let child: unknown;
    try {
      const desc = Object.getOwnPropertyDescriptor(v, k);
      child = desc !== undefined && 'value' in desc ? desc.value : undefined;
    } catch {
      continue;
    }
    slots(child, depth - 1, out, seen);
  }
  return out;
}

/** One fuzz case: a random value now and then, else a valid description with one to four mutations. */
export function description(r: Rng): { value: unknown; traits: Traits } {
  const tr: Traits = { traps: false, cyclic: false };
  if (r.chance(0.06)) return { value: value(r, tr), traits: tr };
  const d = baseDescription(r);
  // A targets function is called once by validate: resolve it here so mutations reach the targets.
  let targets = d.targets as unknown[] | (() => unknown[]);
  const fn = typeof targets === 'function';
  if (typeof targets === 'function') targets = targets();
  d.targets = targets;
  for (let m = 1 + r.int(4); m > 0; m--) {
    try {
      mutate(r, d, tr);
    } catch {
      // a frozen array refused a push: skip that mutation
    }
  }
  if (fn && typeof d.targets !== 'function') {
    const list = d.targets;
    if (r.chance(0.8)) d.targets = () => list;
    else {
      tr.traps = true;
      const thrown = thrownValues(r);
      d.targets = () => {
        throw thrown;
      };
    }
  }
  return { value: d, traits: tr };
}

function mutate(r: Rng, d: Record<string, unknown>, tr: Traits): void {
  const all = slots(d, 5);
  if (all.length === 0) return;
  const [obj, key] = r.pick(all);
  const o = obj as Record<PropertyKey, unknown>;
  switch (r.int(12)) {
    case 0:
    case 1:
    case 2:
      setKey(o, key, value(r, tr, 2));
      break;
    case 3:
      Reflect.deleteProperty(o, key);
      break;
    case 4:
      setKey(o, r.pick(keys), value(r, tr, 2));
      break;
    case 5:
      setKey(o, key, r.pick(oddStrings));
      break;
    case 6:
      setKey(o, key, [o[key]]);
      break;
    case 7:
      setKey(o, key, huge(r));
      break;
    case 8:
      setKey(o, key, deep(r));
      break;
    case 9:
      setKey(o, key, trap(r, tr));
      break;
    case 10:
      // Prototype games: fields that only exist on the prototype, or a prototype with a throwing getter.
      try {
        Object.setPrototypeOf(o, r.chance(0.5) ? { sources: ['main.c'], name: 'proto' } : Object.defineProperty({}, 'name', { get: () => { tr.traps = true; throw new Error('proto getter'); } }));
      } catch {
        // frozen or a proxy
      }
      break;
    default:
      // A duplicate of the target list's entry, or a cycle back to the root.
      if (r.chance(0.5) && Array.isArray(d.targets) && d.targets.length > 0) (d.targets as unknown[]).push(r.pick(d.targets as unknown[]));
      else {
        tr.cyclic = true;
        setKey(o, key, d);
      }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// build.pogo.ts texts for the CLI.

const exoticExpressions = [
  '10n', "Symbol('s')", '() => 1', 'NaN', '-0', '1e309', 'null', 'undefined', 'new Date()', 'new Map()', '/x/', 'Object.create(null)',
  "'a\\nb.c'", "'nul\\u0000.c'", "'pi|pe.c'", "'\\ud800'", "'\\u202e.c'", "'💥'", "'x'.repeat(100000)",
  "Array(50000).fill('main.c')", "JSON.parse('['.repeat(3000) + ']'.repeat(3000))",
  "JSON.parse('{\"__proto__\": {\"polluted\": true}, \"name\": \"p\"}')",
  "(() => { const o: any = { kind: 'executable', name: 'c', sources: ['main.c'] }; o.deps = [o]; return o; })()",
  "{ get name() { throw new Error('getter threw'); }, kind: 'executable', sources: ['main.c'] }",
  "new Proxy({}, { get() { throw new Error('proxy get'); }, ownKeys() { throw new Error('proxy keys'); } })",
  "(() => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; })()",
  "{ toString() { throw new Error('toString'); }, [Symbol.toPrimitive]() { throw new Error('prim'); } }",
  "{ __proto__: { kind: 'executable', name: 'inh', sources: ['main.c'] } }",
  "{ ['__proto__']: { polluted: true } }",
  "{ constructor: { prototype: { polluted: true } } }",
];

const throwExpressions = [
  "new Error('boom')", "new TypeError('two\\nlines')", '42', 'null', 'undefined', "Symbol('t')", 'Object.create(null)',
  "Object.defineProperty(new Error('x'), 'message', { get() { throw new Error('message getter'); } })",
  "new Proxy({}, { get() { throw new Error('trap'); } })", "'a string'",
];

/** A valid description to mutate: plain objects or helpers, a list or a function of the context. */
function validSource(r: Rng, field: () => string): string {
  const name = r.pick(["'app'", "'a-b'", "'ünï'", "'x y'"]);
  const useHelpers = r.chance(0.5);
  const lib = useHelpers ? `staticLibrary('core', { sources: ${field()}, public: { includeDirs: ['inc'] } })` : `{ kind: 'static_library', name: 'core', sources: ${field()}, public: { includeDirs: ['inc'] } }`;
  const exe = useHelpers ? `executable(${name}, { sources: ['main.c'], deps: ['core'], defines: { N: options.n } })` : `{ kind: 'executable', name: ${name}, sources: ['main.c'], deps: ['core'], defines: { N: options.n } }`;
  const fn = r.chance(0.5);
  return [
    "import { defineBuild, executable, option, staticLibrary } from 'pogogen';",
    `${r.chance(0.5) ? 'export default defineBuild(' : 'export default ('}{`,
    "  project: { name: 'fuzz' },",
    "  options: { n: option.string('1') },",
    fn ? `  targets: ({ options }) => [${lib}, ${exe}],` : `  targets: (() => { const options = { n: '1' }; return [${lib}, ${exe}]; })(),`,
    '});',
    '',
  ].join('\n');
}

export interface CliCase {
  readonly text: string;
  /** Extra files written next to build.pogo.ts (imports). */
  readonly files: Readonly<Record<string, string>>;
  readonly args: readonly string[];
  readonly what: string;
}

/** One CLI case: a valid description, one with an exotic field, a throwing one, a broken one, or bad imports. */
export function cliCase(r: Rng): CliCase {
  const args = [...(r.chance(0.1) ? ['-D', r.pick(['n=2', 'nope=1', 'n'])] : []), ...(r.chance(0.1) ? [`--profile=${r.pick(['production', 'nope', 'testing'])}`] : []), ...(r.chance(0.1) ? ['--backend=make'] : []), ...(r.chance(0.08) ? ['--debug'] : [])];
  const good = (): string => r.pick(["['src/*.c']", "['src/a.c']", "['src/*.c', '!src/b.c']"]);
  const k = r.int(10);
  if (k < 2) return { text: validSource(r, good), files: {}, args, what: 'valid' };
  if (k < 5) return { text: validSource(r, () => (r.chance(0.7) ? r.pick(exoticExpressions) : `[${r.pick(exoticExpressions)}]`)), files: {}, args, what: 'exotic field' };
  if (k < 6) {
    const thrown = r.pick(throwExpressions);
    const where = r.int(3);
    const text =
      where === 0
        ? `throw ${thrown};\nexport default {};\n`
        : where === 1
          ? `export default { project: { name: 'p' }, targets: () => { throw ${thrown}; } };\n`
          : `export default { project: { name: 'p' }, get targets() { throw ${thrown}; } };\n`;
    return { text, files: {}, args, what: `throws ${thrown} (${['at import', 'in targets()', 'in a getter'][where]})` };
  }
  if (k < 8) {
    // Text damage: drop, duplicate or insert characters, or cut the file short.
    let text = validSource(r, good);
    for (let n = 1 + r.int(3); n > 0; n--) {
      const at = r.int(text.length);
      const c = r.int(4);
      if (c === 0) text = text.slice(0, at) + text.slice(at + 1 + r.int(5));
      else if (c === 1) text = text.slice(0, at) + text.slice(at, at + 1 + r.int(8)) + text.slice(at);
      else if (c === 2) text = text.slice(0, at) + r.pick(['{', '}', '(', ')', "'", '"', '`', '/*', '\\', '\u0000', '💥', ',', ';', '=>', 'await ']) + text.slice(at);
      else text = text.slice(0, at);
    }
    return { text, files: {}, args, what: 'damaged text' };
  }
  if (k < 9) {
    const variants: [string, Record<string, string>][] = [
      ["import { x } from './other.ts';\nexport default x;\n", { 'other.ts': 'export const x = {' }],
      ["import x from './missing.ts';\nexport default x;\n", {}],
      ["import { nope } from 'pogogen';\nexport default nope;\n", {}],
      ["import x from 'no-such-package-anywhere';\nexport default x;\n", {}],
      ["import { a } from './a.ts';\nexport default a;\n", { 'a.ts': "import { b } from './b.ts';\nexport const a = { project: { name: 'p' }, targets: [b] };\n", 'b.ts': "import './a.ts';\nexport const b = { kind: 'executable', name: 'b', sources: ['main.c'] };\n" }],
      ["import { t } from './t.ts';\nexport default { project: { name: 'p' }, targets: t };\n", { 't.ts': "export const t = (() => { throw new Error('in an import'); })();\n" }],
    ];
    const [text, files] = r.pick(variants);
    return { text, files, args, what: 'imports' };
  }
  const defaults = ['export default 42;', 'export default null;', "export default 'text';", 'export default () => ({});', 'export default class {};', 'export const notDefault = 1;', 'export default Promise.resolve({});', 'export default [];', ''];
  return { text: `${r.pick(defaults)}\n`, files: {}, args, what: 'odd default export' };
}
