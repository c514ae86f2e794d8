// The resolved target graph: every path decided (root-relative), every setting propagated, deps checked.
import type { Model, NormalizedSettings, Place } from '../model/validate.ts';

import type { DependencyInherit } from '../model/api.ts';
import type { RecipeInput } from '../model/schema.ts';

export type GraphTargetKind = 'executable' | 'static_library' | 'shared_library' | 'object_set' | 'action' | 'dependency' | 'test';

/** How a dependency was resolved before the graph is built (pkg-config probe, recipe, or absent). */
export type DependencyResolution =
  | { readonly source: 'system'; readonly why: string; readonly pkgConfig: string; readonly version: string; readonly cflags: readonly string[]; readonly ldflags: readonly string[] }
  | { readonly source: 'source'; readonly why: string; readonly recipe: RecipeInput }
  | { readonly source: 'missing'; readonly why: string };

export interface DependencyInfo {
  readonly resolution: DependencyResolution;
  /** For source builds: `out/<profile>/deps/<name>`, the install prefix. */
  readonly installDir?: string;
  /** For source builds: written after the install (or restore from the cache) succeeded. */
  readonly stamp?: string;
  /** For source builds whose recipe stages headers early: written once they are in installDir/include. */
  readonly headersStamp?: string;
  /** Library files links take, inside installDir. */
  readonly libFiles: readonly string[];
  /** The dependency's opt-ins to the profile's LTO, sanitizers, coverage and full debug info. */
  readonly inherit?: DependencyInherit;
}

export interface CompiledInfo {
  /** Sources, root-relative, in order. */
  readonly sources: readonly string[];
  /** Settings for this target's own compiles: project + private + public + what deps export. */
  readonly compile: NormalizedSettings;
  /** Generated files the compiles must wait for (order-only; the depfile records real header use later). */
  readonly generated: readonly string[];
  /** Position-independent code. */
  readonly pic: boolean;
}

export interface LinkInfo {
  /** Library and object-set targets linked in, dependents before dependencies. */
  readonly libraries: readonly string[];
  readonly ldflags: readonly string[];
  readonly libs: readonly string[];
  /** True when a shared library of this project is linked: the output needs an rpath to find it. */
  readonly needsRpath: boolean;
}

export interface GraphTarget {
  readonly name: string;
  readonly kind: GraphTargetKind;
  /** Where it was declared, for diagnostics (found on first call). */
  readonly where: () => Place;
  /** Direct dependencies (deps then publicDeps), by name. */
  readonly deps: readonly string[];
  /** Primary output (bin/app, lib/libcore.a, the first generated file; an object set has none). */
  readonly output?: string;
  /** Every file this target writes except objects. */
  readonly outputs: readonly string[];
  readonly compiled?: CompiledInfo;
  readonly link?: LinkInfo;
  readonly shared?: { readonly soname: string; readonly links: readonly string[] };
  readonly action?: {
    readonly command: readonly string[];
    readonly inputs: readonly string[];
    readonly description?: string;
    /** Outputs of targets the command needs first. */
    readonly needs: readonly string[];
  };
  readonly dependency?: DependencyInfo;
  readonly test?: TestInfo;
  /** PGO trainings of an executable (used when the profile has `pgo`). */
  readonly pgo?: { readonly training: readonly { readonly args: readonly string[]; readonly env: Readonly<Record<string, string>> }[] };
  /** What `ninja install` puts in place for this target. */
  readonly install?: {
    /** The target's own output (executable or library). */
    readonly self: boolean;
    /** Public headers, root-relative. */
    readonly headers: readonly string[];
    readonly headersSubdir?: string;
    readonly pkgConfig?: { readonly name: string; readonly description: string; readonly requires: readonly string[] };
  };
  readonly isDefault: boolean;
}

export interface TestInfo {
  /** The program: an executable's output or a script, root-relative. */
  readonly program: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly timeout: number;
  readonly suites: readonly string[];
  readonly shouldFail: boolean;
  readonly exclusive: boolean;
  /** Files that must be built before the test runs. */
  readonly needs: readonly string[];
  readonly data: readonly string[];
}

export interface Graph {
  readonly model: Model;
  /** `out/<profile>`: everything the build writes lives below it. */
  readonly outDir: string;
  /** `out/<profile>/gen`: action outputs. */
  readonly genDir: string;
  /** Sorted by name. */
  readonly targets: readonly GraphTarget[];
  /** Directories whose contents decide the build (globbed), root-relative. */
  readonly watchedDirs: readonly string[];
  /** Extra files to install, expanded. */
  readonly extraInstall: readonly { readonly files: readonly string[]; readonly dir: string; readonly mode?: number }[];
}
