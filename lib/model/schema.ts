// zod schemas for build.pogo.ts: unknown keys and wrong types are rejected with the field path and what was expected.
// zod/mini with the English messages: the same checks as zod's classic API, but a quarter of the code to load on
// every generation (the classic namespace drags in every locale: ~750 kB, ~80 ms of start-up).
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { quote } from './diagnostics.ts';
import { normalLocalPath } from './sources.ts';

z.config(en());

// Strings end up in line-based files (build.ninja, the Makefile, .pc files) and in command lines: none of them can
// hold a NUL, and a newline or CR ends a ninja or make line whatever the quoting (ninja has no escape for one). So
// every string is checked here, where the field path is known, rather than written into a build file that ninja
// then cannot read. `text` is for the few strings that reach only JSON manifests and argv arrays (a test's
// arguments and environment, an option's description), where a newline is an ordinary character.
const lineBreak = /[\0\n\r]/;
const breakName = (s: string): string => (s.includes('\0') ? 'a NUL character' : s.includes('\n') ? 'a newline' : 'a carriage return');
const str = z.string().check(z.refine((s) => !lineBreak.test(s), { error: (iss) => `${quote(String(iss.input))} contains ${breakName(String(iss.input))}, which a build file cannot hold` }));
const text = z.string().check(z.refine((s) => !s.includes('\0'), { error: (iss) => `${quote(String(iss.input))} contains a NUL character, which no file or command line can hold` }));
const strList = z.array(str);
const textList = z.array(text);

/**
 * The file name an executable or library is written under (out/<profile>/bin/<output>, lib/lib<output>.a): it
 * must name a file below that directory, not the directory itself or a place outside it.
 */
const outputName = str.check(
  z.refine((s) => s !== '' && !s.endsWith('/') && !s.startsWith('/') && !s.split('/').some((seg) => seg === '.' || seg === '..'), {
    error: 'an output must be a file name such as "app" (not empty, ".", "..", absolute, or ending in "/")',
  }),
);
/** An action's output, relative to out/<profile>/gen/: a file there, not the directory itself. */
const actionOutput = str.check(
  z.refine((s) => s !== '' && !s.endsWith('/') && !s.split('/').every((seg) => seg === '.' || seg === ''), {
    error: 'an output must name a file under out/<profile>/gen/ (not empty, "." or ending in "/")',
  }),
);
const defines = z.union([strList, z.record(str, z.union([str, z.number(), z.boolean()]))]);

const settingsShape = {
  cflags: z.optional(strList),
  defines: z.optional(defines),
  includeDirs: z.optional(strList),
  ldflags: z.optional(strList),
  libs: z.optional(strList),
};
export const settingsSchema = z.strictObject(settingsShape);

// A dependency is a name or a target object; the object itself is validated where it is declared.
// Plain strings: a bad name is reported where that target is declared, or as an unknown dependency.
const depRef = z.union([z.string(), z.looseObject({ name: z.string(), kind: z.string() })], {
  error: 'expected a target name (string) or a target object',
});

const common = {
  ...settingsShape,
  name: str.check(z.minLength(1, 'a target name cannot be empty')),
  deps: z.optional(z.array(depRef)),
  publicDeps: z.optional(z.array(depRef)),
  public: z.optional(settingsSchema),
  default: z.optional(z.boolean()),
};
const compiled = { ...common, sources: strList, install: z.optional(z.boolean()) };
const libraryInstall = {
  installHeaders: z.optional(strList),
  headersSubdir: z.optional(str),
  pkgConfig: z.optional(z.strictObject({ name: z.optional(str), description: z.optional(str), requires: z.optional(strList) })),
};

/**
 * A local recipe source: a directory of the project, named relative to its root and inside it. Whether it exists is
 * a question for the disk, asked where dependencies are selected (lib/deps/local.ts); its shape is checked here.
 */
export function localPathProblem(p: string): string | undefined {
  if (p === '' || p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)) return `${quote(p)} is not a relative path: name the directory relative to the project root, e.g. "deps/libfoo"`;
  const norm = normalLocalPath(p);
  if (norm === '..' || norm.startsWith('../')) return `${quote(p)} leads outside the project: a local source must be a directory inside it`;
  if (norm === '.') return `${quote(p)} is the project itself: name the vendored directory, e.g. "deps/libfoo"`;
  if (norm === 'out' || norm.startsWith('out/')) return `${quote(p)} is under out/, which pogogen writes: name the vendored directory, e.g. "deps/libfoo"`;
  return undefined;
}
const localPath = str.check(z.refine((s) => localPathProblem(s) === undefined, { error: (iss) => localPathProblem(String(iss.input)) ?? 'not a local path' }));
const hex64 = str.check(z.regex(/^[0-9a-f]{64}$/, 'expected a sha256 as 64 lower-case hex digits'));
export const recipeSchema = z.strictObject({
  name: str.check(z.regex(/^[A-Za-z0-9_.+-]+$/, 'recipe names are letters, digits, _ . + -')),
  version: str.check(z.minLength(1)),
  source: z.union(
    [
      z.strictObject({
        urls: z.array(str.check(z.regex(/^(https?|file):\/\//, 'expected an http(s):// or file:// URL'))).check(z.minLength(1, 'a source needs at least one URL')),
        sha256: hex64,
        treeSha256: z.optional(hex64),
        strip: z.optional(z.int().check(z.minimum(0))),
      }),
      z.strictObject({ path: localPath }),
    ],
    { error: 'expected a pinned archive { urls, sha256 } or a directory of the project { path }' },
  ),
  build: z.discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('make'), args: z.optional(strList), buildTargets: z.optional(strList), installTargets: z.optional(strList), prefixVariable: z.optional(str), configure: z.optional(strList) }),
      z.strictObject({ kind: z.literal('configure'), style: z.optional(z.enum(['autotools', 'openssl'])), script: z.optional(str), args: z.optional(strList), makeArgs: z.optional(strList), buildTargets: z.optional(strList), installTargets: z.optional(strList) }),
      z.strictObject({ kind: z.literal('cmake'), args: z.optional(strList), targets: z.optional(strList) }),
      z.strictObject({ kind: z.literal('meson'), args: z.optional(strList) }),
    ],
    { error: 'expected a build with kind make, configure, cmake or meson' },
  ),
  /**
   * Headers staged into the install prefix before the library is built, so the project's objects that include
   * them compile while the dependency still builds: optional commands (run in the source tree) that generate
   * them, then files or directories (their `*.h`, recursively) copied from the source tree (`{build}/...`: the
   * build directory) to a prefix-relative place. Must be a subset of what the install writes.
   */
  headers: z.optional(
    z.strictObject({
      after: z.optional(z.enum(['extract', 'configure'])),
      run: z.optional(z.array(strList)),
      copy: z.array(z.strictObject({ from: str, to: str })).check(z.minLength(1)),
    }),
  ),
  provides: z.strictObject({
    staticLibs: z.optional(strList),
    sharedLibs: z.optional(strList),
    includeDirs: z.optional(strList),
    pkgConfig: z.optional(str),
    libs: z.optional(strList),
    defines: z.optional(strList),
  }),
});
export type RecipeInput = z.infer<typeof recipeSchema>;

export const targetSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      ...compiled,
      kind: z.literal('executable'),
      output: z.optional(outputName),
      pgo: z.optional(z.strictObject({ training: z.array(z.strictObject({ args: z.optional(textList), env: z.optional(z.record(str, text)) })).check(z.minLength(1, 'PGO needs at least one training run')) })),
    }),
    z.strictObject({ ...compiled, ...libraryInstall, kind: z.literal('static_library'), output: z.optional(outputName), pic: z.optional(z.boolean()) }),
    z.strictObject({
      ...compiled,
      ...libraryInstall,
      kind: z.literal('shared_library'),
      output: z.optional(outputName),
      version: z.optional(str.check(z.regex(/^\d+(\.\d+){0,2}$/, 'expected a version like "1", "1.2" or "1.2.3"'))),
      soname: z.optional(str),
    }),
    z.strictObject({ ...compiled, kind: z.literal('object_set') }),
    z.strictObject({
      kind: z.literal('action'),
      name: str.check(z.minLength(1, 'a target name cannot be empty')),
      command: z.array(str).check(z.minLength(1, 'an action needs a command')),
      inputs: z.optional(strList),
      outputs: z.array(actionOutput).check(z.minLength(1, 'an action needs at least one output')),
      deps: z.optional(z.array(depRef)),
      description: z.optional(str),
      default: z.optional(z.boolean()),
    }),
    z.strictObject({
      kind: z.literal('test'),
      name: str.check(z.minLength(1, 'a target name cannot be empty')),
      program: depRef,
      args: z.optional(textList),
      env: z.optional(z.record(str, text)),
      cwd: z.optional(str),
      timeout: z.optional(z.number().check(z.positive())),
      suites: z.optional(strList),
      shouldFail: z.optional(z.boolean()),
      exclusive: z.optional(z.boolean()),
      deps: z.optional(z.array(depRef)),
      data: z.optional(strList),
    }),
    z.strictObject({
      kind: z.literal('dependency'),
      name: str.check(z.minLength(1, 'a target name cannot be empty')),
      recipe: z.optional(recipeSchema),
      pkgConfig: z.optional(str),
      prefer: z.optional(z.enum(['system', 'source'])),
      feature: z.optional(z.enum(['auto', 'enabled', 'disabled'])),
      ifMissing: z.optional(settingsSchema),
      ifFound: z.optional(settingsSchema),
      inherit: z.optional(
        z.strictObject({
          lto: z.optional(z.boolean()),
          sanitize: z.optional(z.boolean()),
          coverage: z.optional(z.boolean()),
          debug: z.optional(z.enum(['full', 'lines', 'none'])),
        }),
      ),
      default: z.optional(z.boolean()),
    }),
  ],
  { error: 'expected a target with kind executable, static_library, shared_library, object_set, action, dependency or test' },
);

const sanitizer = z.enum(['address', 'undefined', 'thread', 'leak', 'memory']);
export const profileSchema = z.strictObject({
  extends: z.optional(str),
  cflags: z.optional(strList),
  defines: z.optional(defines),
  ldflags: z.optional(strList),
  sanitize: z.optional(z.array(sanitizer)),
  lto: z.optional(z.boolean()),
  strip: z.optional(z.boolean()),
  splitDebug: z.optional(z.boolean()),
  reproducible: z.optional(z.boolean()),
  pgo: z.optional(z.boolean()),
  march: z.optional(str.check(z.regex(/^[A-Za-z0-9_.+-]+$/, 'expected a CPU name such as "native" or "x86-64-v3"'))),
  mtune: z.optional(str.check(z.regex(/^[A-Za-z0-9_.+-]+$/, 'expected a CPU name such as "generic"'))),
  coverage: z.optional(z.boolean()),
});

const description = z.optional(text);
export const optionSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('bool'), default: z.boolean(), description }),
    z.strictObject({ type: z.literal('string'), default: text, description }),
    z.strictObject({ type: z.literal('enum'), values: z.array(text).check(z.minLength(1)), default: text, description }),
    z.strictObject({ type: z.literal('feature'), default: z.enum(['auto', 'enabled', 'disabled']), description }),
  ],
  { error: 'expected an option declared with option.bool/string/enum/feature' },
);

const identifier = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
export const buildSchema = z.strictObject({
  project: z.strictObject({ name: str.check(z.minLength(1)), version: z.optional(str) }),
  options: z.optional(z.record(str.check(z.regex(identifier, 'option names are letters, digits, _ . -')), optionSchema)),
  profiles: z.optional(z.record(str.check(z.regex(identifier, 'profile names are letters, digits, _ . -')), profileSchema)),
  settings: z.optional(settingsSchema),
  install: z.optional(z.array(z.strictObject({ files: strList, dir: str, mode: z.optional(z.int().check(z.minimum(0), z.maximum(0o7777))) }))),
  targets: z.union([z.array(z.unknown()), z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function')], {
    error: 'expected a list of targets or a function (ctx) => targets',
  }),
});

export type TargetInput = z.infer<typeof targetSchema>;
export type ProfileInput = z.infer<typeof profileSchema>;
export type OptionInput = z.infer<typeof optionSchema>;
export type SettingsInput = z.infer<typeof settingsSchema>;
export type BuildInput = z.infer<typeof buildSchema>;
