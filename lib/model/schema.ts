// zod schemas for build.pogo.ts: unknown keys and wrong types are rejected with the field path and what was expected.
import { z } from 'zod';

const str = z.string();
const strList = z.array(str);
const defines = z.union([strList, z.record(str, z.union([str, z.number(), z.boolean()]))]);

const settingsShape = {
  cflags: strList.optional(),
  defines: defines.optional(),
  includeDirs: strList.optional(),
  ldflags: strList.optional(),
  libs: strList.optional(),
};
export const settingsSchema = z.strictObject(settingsShape);

// A dependency is a name or a target object; the object itself is validated where it is declared.
const depRef = z.union([str, z.looseObject({ name: str, kind: str })], {
  error: 'expected a target name (string) or a target object',
});

const common = {
  ...settingsShape,
  name: z.string().min(1, 'a target name cannot be empty'),
  deps: z.array(depRef).optional(),
  publicDeps: z.array(depRef).optional(),
  public: settingsSchema.optional(),
  default: z.boolean().optional(),
};
const compiled = { ...common, sources: strList, install: z.boolean().optional() };
const libraryInstall = {
  installHeaders: strList.optional(),
  headersSubdir: str.optional(),
  pkgConfig: z.strictObject({ name: str.optional(), description: str.optional(), requires: strList.optional() }).optional(),
};

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 as 64 lower-case hex digits');
export const recipeSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.+-]+$/, 'recipe names are letters, digits, _ . + -'),
  version: z.string().min(1),
  source: z.strictObject({
    urls: z.array(z.string().regex(/^(https?|file):\/\//, 'expected an http(s):// or file:// URL')).min(1, 'a source needs at least one URL'),
    sha256: hex64,
    treeSha256: hex64.optional(),
    strip: z.number().int().min(0).optional(),
  }),
  build: z.discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('make'), args: strList.optional(), buildTargets: strList.optional(), installTargets: strList.optional(), prefixVariable: str.optional(), configure: strList.optional() }),
      z.strictObject({ kind: z.literal('configure'), style: z.enum(['autotools', 'openssl']).optional(), script: str.optional(), args: strList.optional(), buildTargets: strList.optional(), installTargets: strList.optional() }),
      z.strictObject({ kind: z.literal('cmake'), args: strList.optional(), targets: strList.optional() }),
      z.strictObject({ kind: z.literal('meson'), args: strList.optional() }),
    ],
    { error: 'expected a build with kind make, configure, cmake or meson' },
  ),
  /**
   * Headers staged into the install prefix before the library is built, so the project's objects that include
   * them compile while the dependency still builds: optional commands (run in the source tree) that generate
   * them, then files or directories (their `*.h`, recursively) copied from the source tree (`{build}/...`: the
   * build directory) to a prefix-relative place. Must be a subset of what the install writes.
   */
  headers: z
    .strictObject({
      after: z.enum(['extract', 'configure']).optional(),
      run: z.array(strList).optional(),
      copy: z.array(z.strictObject({ from: str, to: str })).min(1),
    })
    .optional(),
  provides: z.strictObject({
    staticLibs: strList.optional(),
    sharedLibs: strList.optional(),
    includeDirs: strList.optional(),
    pkgConfig: str.optional(),
    libs: strList.optional(),
    defines: strList.optional(),
  }),
});
export type RecipeInput = z.infer<typeof recipeSchema>;

export const targetSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      ...compiled,
      kind: z.literal('executable'),
      output: str.optional(),
      pgo: z.strictObject({ training: z.array(z.strictObject({ args: strList.optional(), env: z.record(str, str).optional() })).min(1, 'PGO needs at least one training run') }).optional(),
    }),
    z.strictObject({ ...compiled, ...libraryInstall, kind: z.literal('static_library'), output: str.optional(), pic: z.boolean().optional() }),
    z.strictObject({
      ...compiled,
      ...libraryInstall,
      kind: z.literal('shared_library'),
      output: str.optional(),
      version: z.string().regex(/^\d+(\.\d+){0,2}$/, 'expected a version like "1", "1.2" or "1.2.3"').optional(),
      soname: str.optional(),
    }),
    z.strictObject({ ...compiled, kind: z.literal('object_set') }),
    z.strictObject({
      kind: z.literal('action'),
      name: z.string().min(1, 'a target name cannot be empty'),
      command: z.array(str).min(1, 'an action needs a command'),
      inputs: strList.optional(),
      outputs: z.array(str).min(1, 'an action needs at least one output'),
      deps: z.array(depRef).optional(),
      description: str.optional(),
      default: z.boolean().optional(),
    }),
    z.strictObject({
      kind: z.literal('test'),
      name: z.string().min(1, 'a target name cannot be empty'),
      program: depRef,
      args: strList.optional(),
      env: z.record(str, str).optional(),
      cwd: str.optional(),
      timeout: z.number().positive().optional(),
      suites: strList.optional(),
      shouldFail: z.boolean().optional(),
      exclusive: z.boolean().optional(),
      deps: z.array(depRef).optional(),
      data: strList.optional(),
    }),
    z.strictObject({
      kind: z.literal('dependency'),
      name: z.string().min(1, 'a target name cannot be empty'),
      recipe: recipeSchema.optional(),
      pkgConfig: str.optional(),
      prefer: z.enum(['system', 'source']).optional(),
      feature: z.enum(['auto', 'enabled', 'disabled']).optional(),
      ifMissing: settingsSchema.optional(),
      default: z.boolean().optional(),
    }),
  ],
  { error: 'expected a target with kind executable, static_library, shared_library, object_set, action, dependency or test' },
);

const sanitizer = z.enum(['address', 'undefined', 'thread', 'leak', 'memory']);
export const profileSchema = z.strictObject({
  extends: str.optional(),
  cflags: strList.optional(),
  defines: defines.optional(),
  ldflags: strList.optional(),
  sanitize: z.array(sanitizer).optional(),
  lto: z.boolean().optional(),
  strip: z.boolean().optional(),
  splitDebug: z.boolean().optional(),
  reproducible: z.boolean().optional(),
  pgo: z.boolean().optional(),
  march: z.string().regex(/^[A-Za-z0-9_.+-]+$/, 'expected a CPU name such as "native" or "x86-64-v3"').optional(),
  mtune: z.string().regex(/^[A-Za-z0-9_.+-]+$/, 'expected a CPU name such as "generic"').optional(),
  coverage: z.boolean().optional(),
});

const description = str.optional();
export const optionSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('bool'), default: z.boolean(), description }),
    z.strictObject({ type: z.literal('string'), default: str, description }),
    z.strictObject({ type: z.literal('enum'), values: z.array(str).min(1), default: str, description }),
    z.strictObject({ type: z.literal('feature'), default: z.enum(['auto', 'enabled', 'disabled']), description }),
  ],
  { error: 'expected an option declared with option.bool/string/enum/feature' },
);

const identifier = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
export const buildSchema = z.strictObject({
  project: z.strictObject({ name: z.string().min(1), version: str.optional() }),
  options: z.record(z.string().regex(identifier, 'option names are letters, digits, _ . -'), optionSchema).optional(),
  profiles: z.record(z.string().regex(identifier, 'profile names are letters, digits, _ . -'), profileSchema).optional(),
  settings: settingsSchema.optional(),
  install: z.array(z.strictObject({ files: strList, dir: str, mode: z.number().int().min(0).max(0o7777).optional() })).optional(),
  targets: z.union([z.array(z.unknown()), z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function')], {
    error: 'expected a list of targets or a function (ctx) => targets',
  }),
});

export type TargetInput = z.infer<typeof targetSchema>;
export type ProfileInput = z.infer<typeof profileSchema>;
export type OptionInput = z.infer<typeof optionSchema>;
export type SettingsInput = z.infer<typeof settingsSchema>;
export type BuildInput = z.infer<typeof buildSchema>;
