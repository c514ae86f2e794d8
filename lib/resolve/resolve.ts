// Model → Graph: labels to targets, sources expanded, public settings propagated, link order, outputs checked
// for duplicates and for paths ninja cannot express, cycles reported with their path.
import path from 'node:path';
import { closest, DiagnosticsError, type Diagnostic } from '../model/diagnostics.ts';
import { MAX_DIAGNOSTICS, normalizeSettings, quote, type Model, type ModelTarget, type NormalizedSettings, type Place } from '../model/validate.ts';
import { normalize, SourceTree, type Listings } from './files.ts';
import type { DependencyInfo, DependencyResolution, Graph, GraphTarget } from './graph.ts';

interface Exported {
  readonly settings: NormalizedSettings;
  readonly generated: readonly string[];
}

const emptySettings: NormalizedSettings = { cflags: [], defines: [], includeDirs: [], ldflags: [], libs: [] };

/** Names of pogogen's own phony targets. */
const reservedNames = new Set(['all', 'install', 'test', 'coverage', 'clean', 'help', 'build.ninja', 'Makefile']);

/** Characters no backend can put in a path: ninja has no escape for them. */
const unrepresentable = /[|\n\r\0]/;

export interface ResolveOptions {
  /** How each `dependency` target was resolved, by name (the CLI probes pkg-config and the cache first). */
  readonly dependencies?: ReadonlyMap<string, DependencyResolution>;
  /** Appended to the output directory (`out/<profile>.<variant>`): a cross build's target triple. */
  readonly variant?: string;
  /** Source directories already listed (listDirs); the rest are read when needed. */
  readonly listings?: Listings;
}

export function resolve(model: Model, opts: ResolveOptions = {}): Graph {
  const diags: Diagnostic[] = [];
  // A binary for this machine's CPU only lives apart from the portable ones, so nobody ships it by mistake.
  const outDir = `out/${model.profile.name}${model.profile.march === 'native' ? '.native' : ''}${opts.variant === undefined ? '' : `.${opts.variant}`}`;
  const genDir = `${outDir}/gen`;
  const tree = new SourceTree(model.root, opts.listings);
  const byName = new Map(model.targets.map((t) => [t.name, t]));
  // Past MAX_DIAGNOSTICS, problems are counted, not located and listed: 50,000 missing files are one mistake.
  let unreported = 0;
  const stopped = (): DiagnosticsError => new DiagnosticsError(unreported === 0 ? diags : [...diags, { file: 'build.pogo.ts', path: '', message: `${unreported} more problem${unreported === 1 ? '' : 's'} not shown` }]);
  const err = (t: ModelTarget, field: string, message: string, help?: string): void => {
    if (diags.length >= MAX_DIAGNOSTICS) {
      unreported++;
      return;
    }
    // `field` is `name`, `deps[2]`, ...: the line of that field when it can be found, else the target's.
    const segs = field === '' ? [] : field.split(/[.[\]]/).filter((x) => x !== '').map((x) => (/^\d+$/.test(x) ? Number(x) : x));
    const loc: Place = model.locate([...t.segments, ...segs]) ?? t.where();
    diags.push({ file: loc.file, ...(loc.line === undefined ? {} : { line: loc.line }), path: `${t.fieldPath}${field === '' ? '' : `.${field}`}`, message: `target ${quote(t.name)}: ${message}`, ...(help === undefined ? {} : { help }) });
  };
  const checkPath = (t: ModelTarget, field: string, p: string): boolean => {
    if (!unrepresentable.test(p)) return true;
    err(t, field, `path ${quote(p)} contains ${describeChar(p)}, which ninja cannot express in a path`, 'rename the file or directory');
    return false;
  };

  // Names and dependency edges.
  const depsOf = new Map<string, string[]>();
  for (const t of model.targets) {
    if (reservedNames.has(t.name)) err(t, 'name', `the name "${t.name}" is reserved`, `pogogen defines ${[...reservedNames].map((n) => `"${n}"`).join(', ')} itself (ninja ${t.name})`);
    if (t.name.includes('/') || unrepresentable.test(t.name) || t.name.startsWith('.') || /[\x00-\x1f\x7f]/.test(t.name)) {
      err(t, 'name', `the name ${quote(t.name)} cannot be used`, 'names may not contain "/", "|" or control characters, nor start with "."');
    }
    const names: string[] = [];
    const fields = t.kind === 'test' ? (['program', 'deps'] as const) : (['deps', 'publicDeps'] as const);
    for (const field of fields) {
      const raw = (t as { deps?: readonly unknown[]; publicDeps?: readonly unknown[]; program?: unknown })[field];
      // A test's program may be a script path (it contains a "/"), not a target.
      const list = field === 'program' ? (typeof raw === 'string' && raw.includes('/') ? [] : [raw]) : ((raw as readonly unknown[] | undefined) ?? []);
      list.forEach((d, i) => {
        const name = typeof d === 'string' ? d : (d as { name: string }).name;
        const dep = byName.get(name);
        if (dep === undefined) {
          const guess = closest(name, byName.keys());
          err(t, field === 'program' ? 'program' : `${field}[${i}]`, `unknown ${field === 'program' ? 'program' : 'dependency'} ${quote(name)}`, guess === undefined ? `targets: ${listOf([...byName.keys()])}` : `did you mean ${quote(guess)}?`);
          return;
        }
        const at = field === 'program' ? 'program' : `${field}[${i}]`;
        if (dep.name === t.name) return err(t, at, 'a target cannot depend on itself');
        if (field === 'program' && dep.kind !== 'executable') return err(t, at, `${quote(name)} is a ${dep.kind.replace('_', ' ')}, not an executable`, 'a test runs an executable target or a script path');
        if (dep.kind === 'test') return err(t, at, `cannot depend on test ${quote(name)}`);
        if (dep.kind === 'executable' && t.kind !== 'action' && t.kind !== 'test') return err(t, at, `cannot link executable ${quote(name)}`, 'only an action or a test may depend on an executable (e.g. to run a generator it builds)');
        if (!names.includes(name)) names.push(name);
      });
    }
    depsOf.set(t.name, names);
  }
  const cycle = findCycle(model.targets.map((t) => t.name), depsOf);
  if (cycle !== undefined) {
    const t = byName.get(cycle[0]!)!;
    const loc: Place = model.locate([...t.segments, 'deps']) ?? t.where();
    diags.push({ file: loc.file, ...(loc.line === undefined ? {} : { line: loc.line }), path: `${t.fieldPath}.deps`, message: `dependency cycle: ${cycle.map(bare).join(' → ')}`, help: 'break the cycle, e.g. by moving the shared code into a library both depend on' });
  }
  if (diags.length > 0) throw stopped();

  // Outputs, with a check that no two targets write the same file.
  const owners = new Map<string, string>();
  const claim = (t: ModelTarget, field: string, out: string): void => {
    const prev = owners.get(out);
    if (prev !== undefined) err(t, field, `output ${quote(out)} is also written by target ${quote(prev)}`, 'give one of them another name or output');
    else owners.set(out, t.name);
  };
  const outputsOf = new Map<string, { output?: string; outputs: string[]; shared?: { soname: string; links: string[] } }>();
  const depInfo = new Map<string, DependencyInfo>();
  for (const t of model.targets) {
    switch (t.kind) {
      case 'executable': {
        const out = `${outDir}/bin/${t.output ?? t.name}`;
        if (checkPath(t, 'output', out)) claim(t, 'output', out);
        outputsOf.set(t.name, { output: out, outputs: [out] });
        break;
      }
      case 'static_library': {
        const out = `${outDir}/lib/lib${t.output ?? t.name}.a`;
        if (checkPath(t, 'output', out)) claim(t, 'output', out);
        outputsOf.set(t.name, { output: out, outputs: [out] });
        break;
      }
      case 'shared_library': {
        const base = `lib${t.output ?? t.name}.so`;
        const major = t.version?.split('.')[0];
        const real = t.version === undefined ? base : `${base}.${t.version}`;
        const soname = t.soname ?? (major === undefined ? base : `${base}.${major}`);
        const names = [...new Set([real, soname, base])];
        const outs = names.map((n) => `${outDir}/lib/${n}`);
        for (const o of outs) if (checkPath(t, 'output', o)) claim(t, 'output', o);
        // The linker and the loader look for `base` and `soname`; both point at the real file.
        outputsOf.set(t.name, { output: outs[0]!, outputs: outs, shared: { soname, links: names.slice(1) } });
        break;
      }
      case 'object_set':
      case 'test':
        outputsOf.set(t.name, { outputs: [] });
        break;
      case 'dependency': {
        const info = dependencyInfo(t, opts.dependencies?.get(t.name), outDir);
        if (info === undefined) {
          err(t, '', 'was not resolved (internal: no resolution passed to resolve)');
          break;
        }
        depInfo.set(t.name, info);
        const outs = info.stamp === undefined ? [] : [info.stamp, ...(info.headersStamp === undefined ? [] : [info.headersStamp]), ...info.libFiles];
        for (const o of outs) if (checkPath(t, 'name', o)) claim(t, 'name', o);
        outputsOf.set(t.name, { ...(info.stamp === undefined ? {} : { output: info.stamp }), outputs: outs });
        break;
      }
      case 'action': {
        const outs: string[] = [];
        t.outputs.forEach((o, i) => {
          const n = normalize(o);
          if (path.posix.isAbsolute(n) || n === '..' || n.startsWith('../')) return err(t, `outputs[${i}]`, `output ${quote(o)} must stay inside the gen directory`, 'outputs are relative to out/<profile>/gen/');
          const out = `${genDir}/${n}`;
          if (checkPath(t, `outputs[${i}]`, out)) claim(t, `outputs[${i}]`, out);
          outs.push(out);
        });
        outputsOf.set(t.name, { output: outs[0]!, outputs: outs });
        break;
      }
    }
  }

  // Later steps need every target's outputs: stop at the first layer of problems.
  if (diags.length > 0) throw stopped();

  // What each target exports to its dependents (memoized: linear in edges).
  const exportedMemo = new Map<string, Exported>();
  const exported = (name: string): Exported => {
    const hit = exportedMemo.get(name);
    if (hit !== undefined) return hit;
    const t = byName.get(name)!;
    let result: Exported;
    if (t.kind === 'action') {
      result = { settings: { ...emptySettings, includeDirs: [genDir] }, generated: outputsOf.get(name)!.outputs };
    } else if (t.kind === 'test') {
      result = { settings: emptySettings, generated: [] };
    } else if (t.kind === 'dependency') {
      const info = depInfo.get(name);
      result = { settings: info === undefined ? emptySettings : dependencySettings(t, info), generated: info?.stamp === undefined ? [] : [info.headersStamp ?? info.stamp] };
    } else {
      const parts: Exported[] = [{ settings: normalizeSettings(t.public), generated: [] }];
      for (const d of t.publicDeps ?? []) parts.push(exported(typeof d === 'string' ? d : d.name));
      result = mergeExported(parts);
    }
    exportedMemo.set(name, result);
    return result;
  };

  const targets: GraphTarget[] = [];
  for (const t of model.targets) {
    const deps = depsOf.get(t.name)!;
    const o = outputsOf.get(t.name)!;
    const base = { name: t.name, kind: t.kind, where: t.where, deps, outputs: o.outputs, ...(o.output === undefined ? {} : { output: o.output }) };
    if (t.kind === 'action') {
      const inputs: string[] = [];
      if (t.inputs !== undefined) {
        const r = tree.expand(t.inputs);
        for (const m of r.missing) err(t, 'inputs', `input file ${quote(m)} does not exist`);
        for (const g of r.emptyGlobs) err(t, 'inputs', `glob ${quote(g)} matches no file`);
        r.files.forEach((f) => checkPath(t, 'inputs', f) && inputs.push(f));
      }
      const needs = deps.flatMap((d) => outputsOf.get(d)!.outputs);
      targets.push({ ...base, action: { command: t.command, inputs, needs, ...(t.description === undefined ? {} : { description: t.description }) }, isDefault: t.default ?? false });
      continue;
    }
    if (t.kind === 'dependency') {
      const info = depInfo.get(t.name);
      if (info !== undefined) targets.push({ ...base, dependency: info, isDefault: t.default ?? false });
      continue;
    }
    if (t.kind === 'test') {
      const programTarget = typeof t.program === 'string' && t.program.includes('/') ? undefined : typeof t.program === 'string' ? t.program : t.program.name;
      const program = programTarget === undefined ? normalize(t.program as string) : outputsOf.get(programTarget)?.output;
      if (programTarget === undefined && !tree.exists(program!)) err(t, 'program', `script ${quote(String(t.program))} does not exist`);
      const data = t.data === undefined ? [] : tree.expand(t.data);
      if (t.data !== undefined) {
        for (const m of (data as { missing: string[] }).missing) err(t, 'data', `data file ${quote(m)} does not exist`);
        for (const g of (data as { emptyGlobs: string[] }).emptyGlobs) err(t, 'data', `glob ${quote(g)} matches no file`);
      }
      const pathOf = (name: string): string | undefined => outputsOf.get(name)?.output;
      const args = (t.args ?? []).map((a) => a.replace(/\{path:([^}]+)\}/g, (whole, n: string) => pathOf(n) ?? (err(t, 'args', `${quote(whole)} names no target with an output`), whole)).replace(/\{root\}/g, model.root));
      targets.push({
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
          needs: deps.flatMap((d) => outputsOf.get(d)?.outputs ?? []),
          data: Array.isArray(data) ? [] : data.files,
        },
        isDefault: false,
      });
      continue;
    }
    const r = tree.expand(t.sources);
    if (r.missing.length > 0) err(t, 'sources', `missing source file${r.missing.length > 1 ? 's' : ''}: ${listOf(r.missing)}`);
    for (const g of r.emptyGlobs) err(t, 'sources', `glob ${quote(g)} matches no file`);
    if (r.files.length === 0 && r.missing.length === 0 && r.emptyGlobs.length === 0 && t.kind !== 'object_set') err(t, 'sources', 'no sources');
    const sources = r.files.filter((f) => checkPath(t, 'sources', f));
    const own = normalizeSettings(t);
    const pub = normalizeSettings(t.public);
    const fromDeps = mergeExported(deps.map(exported));
    const compile = concatSettings([model.settings, own, pub, fromDeps.settings]);
    compile.includeDirs.forEach((d) => checkPath(t, 'includeDirs', d));
    const compiled = { sources, compile: { ...compile, includeDirs: compile.includeDirs.map(normalize) }, generated: fromDeps.generated, pic: t.kind === 'shared_library' || (t.kind === 'static_library' && (t.pic ?? true)) };
    let install: GraphTarget['install'];
    if (t.install === true || ((t.kind === 'static_library' || t.kind === 'shared_library') && (t.installHeaders !== undefined || t.pkgConfig !== undefined))) {
      const lib = t.kind === 'static_library' || t.kind === 'shared_library' ? t : undefined;
      const headers = lib?.installHeaders === undefined ? { files: [] as string[], missing: [] as string[], emptyGlobs: [] as string[] } : tree.expand(lib.installHeaders);
      for (const m of headers.missing) err(t, 'installHeaders', `header ${quote(m)} does not exist`);
      for (const g of headers.emptyGlobs) err(t, 'installHeaders', `glob ${quote(g)} matches no file`);
      install = {
        self: t.install === true,
        headers: headers.files,
        ...(lib?.headersSubdir === undefined ? {} : { headersSubdir: normalize(lib.headersSubdir) }),
        ...(lib?.pkgConfig === undefined ? {} : { pkgConfig: { name: lib.pkgConfig.name ?? t.name, description: lib.pkgConfig.description ?? `${t.name} library`, requires: lib.pkgConfig.requires ?? [] } }),
      };
    }
    const pgo = t.kind === 'executable' && t.pgo !== undefined ? { training: t.pgo.training.map((r) => ({ args: r.args ?? [], env: r.env ?? {} })) } : undefined;
    const g: GraphTarget = {
      ...base,
      ...(pgo === undefined ? {} : { pgo }),
      ...(install === undefined ? {} : { install }),
      compiled,
      ...(t.kind === 'executable' || t.kind === 'shared_library' ? { link: linkInfo(t.name, byName, depsOf, model.settings, depInfo) } : {}),
      ...(o.shared === undefined ? {} : { shared: o.shared }),
      isDefault: t.default ?? t.kind !== 'object_set',
    };
    targets.push(g);
  }
  if (diags.length > 0) throw stopped();
  const extraInstall = model.install.map((entry, i) => {
    const r = tree.expand(entry.files);
    for (const m of r.missing) diags.push({ file: 'build.pogo.ts', path: `install[${i}].files`, message: `file ${quote(m)} to install does not exist` });
    for (const g of r.emptyGlobs) diags.push({ file: 'build.pogo.ts', path: `install[${i}].files`, message: `glob ${quote(g)} matches no file` });
    return { files: r.files, dir: entry.dir, ...(entry.mode === undefined ? {} : { mode: entry.mode }) };
  });
  if (diags.length > 0) throw stopped();
  return { model, outDir, genDir, targets, watchedDirs: [...tree.watchedDirs].sort(), extraInstall };
}

/**
 * What a link of `name` pulls in: static libraries and object sets transitively (they carry no dependencies of
 * their own, so their private and public libs and ldflags come along), shared libraries as a stop (their own deps
 * are inside them; only their public settings come along). Libraries are ordered dependents first, as `ld` wants.
 */
function linkInfo(
  name: string,
  byName: ReadonlyMap<string, ModelTarget>,
  depsOf: ReadonlyMap<string, readonly string[]>,
  project: NormalizedSettings,
  depInfo: ReadonlyMap<string, DependencyInfo>,
): GraphTarget['link'] {
  const order: string[] = [];
  const visited = new Set<string>();
  const visit = (n: string): void => {
    if (visited.has(n)) return;
    visited.add(n);
    const t = byName.get(n)!;
    if (t.kind !== 'shared_library' || n === name) for (const d of depsOf.get(n) ?? []) visit(d);
    order.push(n);
  };
  visit(name);
  order.reverse();
  const self = byName.get(name)! as Extract<ModelTarget, { sources: unknown }>;
  const parts: NormalizedSettings[] = [project, normalizeSettings(self), normalizeSettings(self.public)];
  const libraries: string[] = [];
  let needsRpath = false;
  for (const n of order) {
    if (n === name) continue;
    const t = byName.get(n)!;
    if (t.kind === 'action' || t.kind === 'executable' || t.kind === 'test') continue;
    if (t.kind === 'dependency') {
      const info = depInfo.get(n);
      if (info === undefined) continue;
      if (info.libFiles.length > 0) libraries.push(n);
      parts.push(dependencySettings(t, info));
      continue;
    }
    libraries.push(n);
    if (t.kind === 'shared_library') {
      needsRpath = true;
      parts.push(normalizeSettings(t.public));
    } else {
      parts.push(normalizeSettings(t), normalizeSettings(t.public));
    }
  }
  const all = concatSettings(parts);
  // A system library is named once, after everything that may need it.
  const libs = [...new Set(all.libs.slice().reverse())].reverse();
  return { libraries, ldflags: dedupe(all.ldflags), libs, needsRpath };
}

export type DependencyTarget = Extract<ModelTarget, { kind: 'dependency' }>;

/** Paths a source-built dependency installs, or the system / missing case with no files. */
function dependencyInfo(t: DependencyTarget, resolution: DependencyResolution | undefined, outDir: string): DependencyInfo | undefined {
  if (resolution === undefined) return undefined;
  if (resolution.source !== 'source') return { resolution, libFiles: [] };
  const inherit = t.inherit === undefined ? {} : { inherit: t.inherit };
  const installDir = `${outDir}/deps/${t.name}`;
  const p = resolution.recipe.provides;
  const libFiles = [...(p.staticLibs ?? []).map((l) => `${installDir}/lib/lib${l}.a`), ...(p.sharedLibs ?? []).map((l) => `${installDir}/lib/lib${l}.so`)];
  // Objects wait only for the headers when the recipe stages them early; links wait for libFiles.
  const headersStamp = resolution.recipe.headers === undefined ? {} : { headersStamp: `${outDir}/deps/${t.name}.headers.stamp` };
  return { resolution, installDir, stamp: `${outDir}/deps/${t.name}.stamp`, ...headersStamp, libFiles, ...inherit };
}

/** What a dependency gives its dependents: compile and link settings from the recipe or pkg-config (plus ifFound), or ifMissing. */
export function dependencySettings(t: DependencyTarget, info: DependencyInfo): NormalizedSettings {
  const r = info.resolution;
  if (r.source === 'missing') return normalizeSettings(t.ifMissing);
  const found = t.ifFound === undefined ? [] : [normalizeSettings(t.ifFound)];
  if (r.source === 'system') return concatSettings([{ ...emptySettings, cflags: r.cflags, ldflags: r.ldflags }, ...found]);
  const p = r.recipe.provides;
  return concatSettings([{ ...emptySettings, includeDirs: (p.includeDirs ?? ['include']).map((d) => normalize(`${info.installDir}/${d}`)), defines: p.defines ?? [], libs: p.libs ?? [] }, ...found]);
}

function mergeExported(parts: readonly Exported[]): Exported {
  return { settings: concatSettings(parts.map((p) => p.settings)), generated: dedupe(parts.flatMap((p) => p.generated)) };
}

function concatSettings(parts: readonly NormalizedSettings[]): NormalizedSettings {
  return {
    cflags: parts.flatMap((p) => p.cflags),
    defines: dedupe(parts.flatMap((p) => p.defines)),
    includeDirs: dedupe(parts.flatMap((p) => p.includeDirs)),
    ldflags: parts.flatMap((p) => p.ldflags),
    libs: dedupe(parts.flatMap((p) => p.libs)),
  };
}

/** A user string in an unquoted list: escaped and clipped like quote(), without the quotes. */
const bare = (s: string): string => quote(s).slice(1, -1);

/** User strings for a message: the first ten of a long list and a count of the rest. */
function listOf(xs: readonly string[]): string {
  return `${xs.slice(0, 10).map(bare).join(', ')}${xs.length > 10 ? ` and ${xs.length - 10} more` : ''}`;
}

function dedupe<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function describeChar(p: string): string {
  if (p.includes('|')) return '"|"';
  if (p.includes('\n')) return 'a newline';
  if (p.includes('\r')) return 'a carriage return';
  return 'a NUL character';
}

/** The first dependency cycle found, as names with the first repeated at the end; names are visited sorted. */
export function findCycle(names: readonly string[], depsOf: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    const s = state.get(n);
    if (s === 2) return undefined;
    if (s === 1) return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 1);
    stack.push(n);
    for (const d of depsOf.get(n) ?? []) {
      const c = visit(d);
      if (c !== undefined) return c;
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of [...names].sort()) {
    const c = visit(n);
    if (c !== undefined) return c;
  }
  return undefined;
}
