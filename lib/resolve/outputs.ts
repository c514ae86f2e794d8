// Where each target's files go under out/<profile>/, with a check that no two targets write the same file and that
// every output can be written in a build file; a dependency's files follow from how it was resolved.
import path from 'node:path';
import { quote, type Model, type ModelTarget } from '../model/validate.ts';
import type { DependencyInfo, DependencyResolution } from './graph.ts';
import { normalize } from './paths.ts';
import type { Problems } from './problems.ts';

export type DependencyTarget = Extract<ModelTarget, { kind: 'dependency' }>;

/** A target's files: the primary output (none for an object set or a test), all of them, a shared library's links. */
export interface Outputs {
  readonly output?: string;
  readonly outputs: readonly string[];
  readonly shared?: { readonly soname: string; readonly links: readonly string[] };
}

export interface OutputDirs {
  /** `out/<profile>[.native][.<variant>]`. */
  readonly outDir: string;
  /** `<outDir>/gen`: action outputs. */
  readonly genDir: string;
}

/** The output directories: a binary for this machine's CPU only lives apart from the portable ones, so nobody ships it by mistake. */
export function outputDirs(model: Model, variant: string | undefined): OutputDirs {
  const outDir = `out/${model.profile.name}${model.profile.march === 'native' ? '.native' : ''}${variant === undefined ? '' : `.${variant}`}`;
  return { outDir, genDir: `${outDir}/gen` };
}

/** Every target's outputs, and each resolved dependency's files; duplicates and unwritable paths are reported. */
export function planOutputs(
  model: Model,
  dirs: OutputDirs,
  resolutions: ReadonlyMap<string, DependencyResolution> | undefined,
  problems: Problems,
): { outputsOf: Map<string, Outputs>; depInfo: Map<string, DependencyInfo> } {
  const owners = new Map<string, string>();
  const claim = (t: ModelTarget, field: string, out: string): void => {
    if (!problems.checkPath(t, field, out)) return;
    const prev = owners.get(out);
    if (prev !== undefined) problems.target(t, field, `output ${quote(out)} is also written by target ${quote(prev)}`, 'give one of them another name or output');
    else owners.set(out, t.name);
  };
  const outputsOf = new Map<string, Outputs>();
  const depInfo = new Map<string, DependencyInfo>();
  for (const t of model.targets) {
    if (t.kind === 'dependency') {
      const info = dependencyInfo(t, resolutions?.get(t.name), dirs.outDir);
      if (info === undefined) {
        problems.target(t, '', 'was not resolved (internal: no resolution passed to resolve)');
        continue;
      }
      depInfo.set(t.name, info);
      const o = dependencyOutputs(info);
      for (const f of o.outputs) claim(t, 'name', f);
      outputsOf.set(t.name, o);
    } else if (t.kind === 'action') {
      outputsOf.set(t.name, actionOutputs(t, dirs.genDir, claim, problems));
    } else {
      const o = builtOutputs(t, dirs.outDir);
      for (const f of o.outputs) claim(t, 'output', f);
      outputsOf.set(t.name, o);
    }
  }
  return { outputsOf, depInfo };
}

/** The files of an executable, a library (a shared one's real file and its links), or none (object set, test). */
function builtOutputs(t: Exclude<ModelTarget, { kind: 'dependency' | 'action' }>, outDir: string): Outputs {
  switch (t.kind) {
    case 'executable': {
      const out = `${outDir}/bin/${t.output ?? t.name}`;
      return { output: out, outputs: [out] };
    }
    case 'static_library': {
      const out = `${outDir}/lib/lib${t.output ?? t.name}.a`;
      return { output: out, outputs: [out] };
    }
    case 'shared_library': {
      const base = `lib${t.output ?? t.name}.so`;
      const major = t.version?.split('.')[0];
      const real = t.version === undefined ? base : `${base}.${t.version}`;
      const soname = t.soname ?? (major === undefined ? base : `${base}.${major}`);
      const names = [...new Set([real, soname, base])];
      const outs = names.map((n) => `${outDir}/lib/${n}`);
      // The linker and the loader look for `base` and `soname`; both point at the real file.
      return { output: outs[0]!, outputs: outs, shared: { soname, links: names.slice(1) } };
    }
    case 'object_set':
    case 'test':
      return { outputs: [] };
  }
}

/** An action's outputs, in the gen directory (one that would leave it is reported and left out). */
function actionOutputs(t: Extract<ModelTarget, { kind: 'action' }>, genDir: string, claim: (t: ModelTarget, field: string, out: string) => void, problems: Problems): Outputs {
  const outs: string[] = [];
  t.outputs.forEach((o, i) => {
    const n = normalize(o);
    if (path.posix.isAbsolute(n) || n === '..' || n.startsWith('../')) return problems.target(t, `outputs[${i}]`, `output ${quote(o)} must stay inside the gen directory`, 'outputs are relative to out/<profile>/gen/');
    const out = `${genDir}/${n}`;
    claim(t, `outputs[${i}]`, out);
    outs.push(out);
  });
  return { output: outs[0]!, outputs: outs };
}

/** A source-built dependency's stamps and library files (its stamp is the primary output); none otherwise. */
function dependencyOutputs(info: DependencyInfo): Outputs {
  const outs = info.stamp === undefined ? [] : [info.stamp, ...(info.headersStamp === undefined ? [] : [info.headersStamp]), ...info.libFiles];
  return { ...(info.stamp === undefined ? {} : { output: info.stamp }), outputs: outs };
}

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
