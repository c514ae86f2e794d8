// One planner per target kind, turning a checked ModelTarget into its GraphTarget: an action's inputs, a test's
// program, arguments and data, a compiled target's sources, settings, link, install and PGO trainings.
import { normalizeSettings, quote, type Model, type ModelTarget } from '../model/validate.ts';
import type { DependencyInfo, Graph, GraphTarget } from './graph.ts';
import type { Outputs } from './outputs.ts';
import { normalize } from './paths.ts';
import { listOf, type Problems } from './problems.ts';
import { concatSettings, linkInfo, mergeExported, type Exported } from './settings.ts';
import type { SourceTree } from './tree.ts';

/** What the planners share: the model, the stages before them, the source tree and the problems found. */
export interface Resolving {
  readonly model: Model;
  readonly byName: ReadonlyMap<string, ModelTarget>;
  readonly depsOf: ReadonlyMap<string, readonly string[]>;
  readonly outputsOf: ReadonlyMap<string, Outputs>;
  readonly depInfo: ReadonlyMap<string, DependencyInfo>;
  readonly exported: (name: string) => Exported;
  readonly tree: SourceTree;
  readonly problems: Problems;
}

type Base = Pick<GraphTarget, 'name' | 'kind' | 'where' | 'deps' | 'outputs' | 'output'>;
type Compiled = Extract<ModelTarget, { sources: unknown }>;
type Library = Extract<ModelTarget, { kind: 'static_library' | 'shared_library' }>;

/** The GraphTarget of `t`, or none (a dependency that was not resolved, already reported). */
export function graphTarget(r: Resolving, t: ModelTarget): GraphTarget[] {
  const o = r.outputsOf.get(t.name)!;
  const base: Base = { name: t.name, kind: t.kind, where: t.where, deps: r.depsOf.get(t.name)!, outputs: o.outputs, ...(o.output === undefined ? {} : { output: o.output }) };
  switch (t.kind) {
    case 'action':
      return [actionTarget(r, t, base)];
    case 'dependency': {
      const info = r.depInfo.get(t.name);
      return info === undefined ? [] : [{ ...base, dependency: info, isDefault: t.default ?? false }];
    }
    case 'test':
      return [testTarget(r, t, base)];
    default:
      return [compiledTarget(r, t, base, o)];
  }
}

/** Files expanded from `entries`, missing ones and empty globs reported at `field` as `what`. */
function expandReported(r: Resolving, t: ModelTarget, field: string, what: string, entries: readonly string[]): string[] {
  const x = r.tree.expand(entries);
  for (const m of x.missing) r.problems.target(t, field, `${what} ${quote(m)} does not exist`);
  for (const g of x.emptyGlobs) r.problems.target(t, field, `glob ${quote(g)} matches no file`);
  return x.files;
}

function actionTarget(r: Resolving, t: Extract<ModelTarget, { kind: 'action' }>, base: Base): GraphTarget {
  const inputs: string[] = [];
  if (t.inputs !== undefined) expandReported(r, t, 'inputs', 'input file', t.inputs).forEach((f) => r.problems.checkPath(t, 'inputs', f) && inputs.push(f));
  const needs = base.deps.flatMap((d) => r.outputsOf.get(d)!.outputs);
  return { ...base, action: { command: t.command, inputs, needs, ...(t.description === undefined ? {} : { description: t.description }) }, isDefault: t.default ?? false };
}

function testTarget(r: Resolving, t: Extract<ModelTarget, { kind: 'test' }>, base: Base): GraphTarget {
  // A program with a "/" is a script path, not a target.
  const programTarget = typeof t.program === 'string' && t.program.includes('/') ? undefined : typeof t.program === 'string' ? t.program : t.program.name;
  const program = programTarget === undefined ? normalize(t.program as string) : r.outputsOf.get(programTarget)?.output;
  if (programTarget === undefined && !r.tree.exists(program!)) r.problems.target(t, 'program', `script ${quote(String(t.program))} does not exist`);
  const data = t.data === undefined ? [] : expandReported(r, t, 'data', 'data file', t.data);
  const pathOf = (name: string): string | undefined => r.outputsOf.get(name)?.output;
  const args = (t.args ?? []).map((a) => a.replace(/\{path:([^}]+)\}/g, (whole, n: string) => pathOf(n) ?? (r.problems.target(t, 'args', `${quote(whole)} names no target with an output`), whole)).replace(/\{root\}/g, r.model.root));
  return {
    ...base,
    test: {
      program: program ?? '',
      args,
      env: t.env ?? {},
      cwd: t.cwd === undefined ? '.' : normalize(t.cwd),
      timeout: t.timeout ?? 30,
      suites: t.suites ?? [],
      shouldFail: t.shouldFail ?? false,
      exclusive: t.exclusive ?? false,
      needs: base.deps.flatMap((d) => r.outputsOf.get(d)?.outputs ?? []),
      data,
    },
    isDefault: false,
  };
}

function compiledTarget(r: Resolving, t: Compiled, base: Base, o: Outputs): GraphTarget {
  // In this order, so that problems are listed as the fields are: sources, include dirs, then installed headers.
  const compiled = compiledInfo(r, t, base.deps);
  const install = installInfo(r, t);
  const pgo = t.kind === 'executable' && t.pgo !== undefined ? { training: t.pgo.training.map((x) => ({ args: x.args ?? [], env: x.env ?? {} })) } : undefined;
  return {
    ...base,
    ...(pgo === undefined ? {} : { pgo }),
    ...(install === undefined ? {} : { install }),
    compiled,
    ...(t.kind === 'executable' || t.kind === 'shared_library' ? { link: linkInfo(t.name, r.byName, r.depsOf, r.model.settings, r.depInfo) } : {}),
    ...(o.shared === undefined ? {} : { shared: o.shared }),
    isDefault: t.default ?? t.kind !== 'object_set',
  };
}

/** Sources and the settings of the target's own compiles: project + private + public + what its deps export. */
function compiledInfo(r: Resolving, t: Compiled, deps: readonly string[]): NonNullable<GraphTarget['compiled']> {
  const x = r.tree.expand(t.sources);
  if (x.missing.length > 0) r.problems.target(t, 'sources', `missing source file${x.missing.length > 1 ? 's' : ''}: ${listOf(x.missing)}`);
  for (const g of x.emptyGlobs) r.problems.target(t, 'sources', `glob ${quote(g)} matches no file`);
  if (x.files.length === 0 && x.missing.length === 0 && x.emptyGlobs.length === 0 && t.kind !== 'object_set') r.problems.target(t, 'sources', 'no sources');
  const sources = x.files.filter((f) => r.problems.checkPath(t, 'sources', f) && r.problems.checkSource(t, f));
  const fromDeps = mergeExported(deps.map(r.exported));
  const compile = concatSettings([r.model.settings, normalizeSettings(t), normalizeSettings(t.public), fromDeps.settings]);
  compile.includeDirs.forEach((d) => r.problems.checkPath(t, 'includeDirs', d));
  return { sources, compile: { ...compile, includeDirs: compile.includeDirs.map(normalize) }, generated: fromDeps.generated, pic: t.kind === 'shared_library' || (t.kind === 'static_library' && (t.pic ?? true)) };
}

/** What `ninja install` puts in place for `t`: itself, a library's public headers and pkg-config file. */
function installInfo(r: Resolving, t: Compiled): GraphTarget['install'] {
  const lib: Library | undefined = t.kind === 'static_library' || t.kind === 'shared_library' ? t : undefined;
  if (t.install !== true && (lib === undefined || (lib.installHeaders === undefined && lib.pkgConfig === undefined))) return undefined;
  const headers = lib?.installHeaders === undefined ? [] : expandReported(r, t, 'installHeaders', 'header', lib.installHeaders);
  return {
    self: t.install === true,
    headers,
    ...(lib?.headersSubdir === undefined ? {} : { headersSubdir: normalize(lib.headersSubdir) }),
    ...(lib?.pkgConfig === undefined ? {} : { pkgConfig: { name: lib.pkgConfig.name ?? t.name, description: lib.pkgConfig.description ?? `${t.name} library`, requires: lib.pkgConfig.requires ?? [] } }),
  };
}

/** The project's extra install entries, expanded (their problems are not a target's). */
export function extraInstall(model: Model, tree: SourceTree, problems: Problems): Graph['extraInstall'] {
  return model.install.map((entry, i) => {
    const x = tree.expand(entry.files);
    for (const m of x.missing) problems.add({ file: 'build.pogo.ts', path: `install[${i}].files`, message: `file ${quote(m)} to install does not exist` });
    for (const g of x.emptyGlobs) problems.add({ file: 'build.pogo.ts', path: `install[${i}].files`, message: `glob ${quote(g)} matches no file` });
    return { files: x.files, dir: entry.dir, ...(entry.mode === undefined ? {} : { mode: entry.mode }) };
  });
}
