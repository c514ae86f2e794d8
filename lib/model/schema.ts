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
const compiled = { ...common, sources: strList };

export const targetSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ ...compiled, kind: z.literal('executable'), output: str.optional() }),
    z.strictObject({ ...compiled, kind: z.literal('static_library'), output: str.optional(), pic: z.boolean().optional() }),
    z.strictObject({
      ...compiled,
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
  ],
  { error: 'expected a target with kind executable, static_library, shared_library, object_set or action' },
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
  targets: z.union([z.array(z.unknown()), z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function')], {
    error: 'expected a list of targets or a function (ctx) => targets',
  }),
});

export type TargetInput = z.infer<typeof targetSchema>;
export type ProfileInput = z.infer<typeof profileSchema>;
export type OptionInput = z.infer<typeof optionSchema>;
export type SettingsInput = z.infer<typeof settingsSchema>;
export type BuildInput = z.infer<typeof buildSchema>;
