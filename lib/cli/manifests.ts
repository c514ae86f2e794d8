// The files a generation writes for later commands to act on — install.json, tests.json, a dependency's plan.json,
// a PGO plan — checked on read against their shape (zod). One damaged or left by another pogogen version is a
// clear error naming the file and the field, with the way out (generate again), never a TypeError mid-install.
import fs from 'node:fs';
import * as z from 'zod/mini';
import { recipeSchema } from '../model/schema.ts';
import type { InstallManifest, TestManifest } from '../plan/install.ts';
import type { DependencyBuildPlan } from '../plan/deps.ts';

const strings = z.array(z.string());
const record = z.record(z.string(), z.string());

const installSchema = z.object({
  prefix: z.string(),
  entries: z.array(
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('file'), src: z.string(), dest: z.string(), mode: z.number() }),
      z.object({ kind: z.literal('symlink'), dest: z.string(), target: z.string() }),
      z.object({ kind: z.literal('write'), dest: z.string(), content: z.string(), mode: z.number() }),
    ]),
  ),
  needs: strings,
});

const testsSchema = z.object({
  root: z.string(),
  outDir: z.string(),
  tests: z.array(z.object({ name: z.string(), program: z.string(), args: strings, env: record, cwd: z.string(), timeout: z.number(), suites: strings, shouldFail: z.boolean(), exclusive: z.boolean() })),
  needs: strings,
});

const dependencySchema = z.object({
  name: z.string(),
  version: z.string(),
  key: z.string(),
  build: recipeSchema.shape.build,
  archive: z.optional(z.string()),
  localSource: z.optional(z.string()),
  strip: z.number(),
  treeSha256: z.optional(z.string()),
  sourceDir: z.string(),
  buildDir: z.string(),
  prefix: z.string(),
  cacheEntry: z.string(),
  env: record,
  headers: recipeSchema.shape.headers,
  expect: strings,
  cross: z.optional(z.object({ triple: z.string(), opensslTarget: z.optional(z.string()), cmakeProcessor: z.string() })),
  jobs: z.number(),
  logDir: z.string(),
});

export const pgoPlanSchema = z.object({
  root: z.string(),
  binary: z.string(),
  training: z.array(z.object({ args: strings, env: record })),
  format: z.enum(['gcda', 'profdata']),
  objDir: z.string(),
  rawDir: z.string(),
  profdata: z.string(),
  llvmProfdata: strings,
  pairs: z.array(z.tuple([z.string(), z.string()])),
  trained: z.string(),
  collected: z.string(),
});

const schemas = { install: installSchema, tests: testsSchema, dependency: dependencySchema, pgo: pgoPlanSchema };
const names = { install: 'an install manifest', tests: 'a test manifest', dependency: 'a dependency build plan', pgo: 'a PGO plan' };
interface Manifests {
  install: InstallManifest;
  tests: TestManifest;
  dependency: DependencyBuildPlan;
  pgo: z.infer<typeof pgoPlanSchema>;
}

/** A manifest that cannot be used: its message names the file, the field and the way out. */
export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** Reads and checks one of the files a generation wrote; throws a ManifestError when it is missing or damaged. */
export function readManifest<K extends keyof Manifests>(kind: K, file: string): Manifests[K] {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : err instanceof SyntaxError ? `is not JSON (${err.message})` : `cannot be read (${(err as Error).message})`;
    throw new ManifestError(`${file} ${why}; it is written by generating: run pogogen again`);
  }
  const r = schemas[kind].safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const at = issue.path.length === 0 ? 'its top level' : issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new ManifestError(`${file} is not ${names[kind]} this pogogen wrote: at ${at}, ${issue.message.replace(/^Invalid input: /, '')}; run pogogen again to rewrite it`);
  }
  return r.data as Manifests[K];
}
