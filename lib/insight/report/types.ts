// The report's types: what it is computed from (the log, the build's shape, dependency logs) and what it holds.
import type { Edge, EdgeKind } from '../../plan/steps.ts';

/** A step kind: an edge kind, or `other` for log outputs no edge of this build produces (e.g. build.ninja). */
export type StepKind = EdgeKind | 'other';

export interface ReportStep {
  /** Every output of the edge, the first one names the step. */
  readonly outputs: readonly string[];
  readonly target: string;
  readonly kind: StepKind;
  readonly start: number;
  readonly end: number;
  readonly ms: number;
  /** The concurrent lane (0-based) the step ran in: lanes are reused as soon as a step ends. */
  readonly lane: number;
  /** For dependency steps: extract, configure, headers, build, install or restore. */
  readonly phase?: string;
  /**
   * What the step did, as the build's progress line says it (CC, AR, LINK, SPLIT, ...): two steps of one kind can
   * differ (a split-debug step is a link edge). Missing in reports written before it existed.
   */
  readonly label?: string;
}

export interface ReportTarget {
  readonly name: string;
  /** Sum of its steps' durations. */
  readonly ms: number;
  readonly steps: number;
  /** From its first step's start to its last step's end. */
  readonly start: number;
  readonly end: number;
}

export interface ReportDependency {
  readonly name: string;
  readonly ms: number;
  readonly phases: readonly { readonly phase: string; readonly start: number; readonly end: number; readonly ms: number }[];
  /** The phase logs pogogen's dep-step wrote, root-relative. */
  readonly logs: readonly string[];
  /** The dependency's own ninja log (meson builds), when there is one. */
  readonly inner?: { readonly log: string; readonly steps: number; readonly wallMs: number; readonly busyMs: number; readonly slowest: readonly { readonly output: string; readonly ms: number }[] };
}

export interface CcacheStats {
  readonly hits: number;
  readonly misses: number;
  /** Hits / (hits + misses), 0..1; undefined when ccache has seen no cacheable compile. */
  readonly rate?: number;
  /** ccache keeps no per-build counters: the numbers are the cache's totals since its last reset. */
  readonly scope: 'cumulative';
}

export interface Report {
  readonly version: 1;
  /** The log read, root-relative. */
  readonly log: string;
  /** Entries of earlier runs (or older entries of the same outputs) left out. */
  readonly earlier: number;
  readonly wallMs: number;
  /** Sum of all step durations. */
  readonly busyMs: number;
  readonly parallelism: { readonly average: number; readonly peak: number; readonly budget: number; readonly utilisation: number };
  /** Every step of the last build, by start time. */
  readonly steps: readonly ReportStep[];
  /** By time, slowest first. */
  readonly targets: readonly ReportTarget[];
  readonly dependencies: readonly ReportDependency[];
  /** Indices into `steps`, slowest first (at most 20). */
  readonly slowest: readonly number[];
  /** Indices into `steps`, first to last: each step's outputs include an input of the next one. */
  readonly criticalPath: { readonly ms: number; readonly steps: readonly number[] };
  readonly ccache?: CcacheStats;
}

/** What the report needs of the build: its edges and alias names (inputs may name an alias). */
export interface BuildShape {
  readonly edges: readonly Edge[];
  readonly aliases?: readonly { readonly name: string; readonly outputs: readonly string[] }[];
  /** The build file's path (its regeneration appears in the log without an edge). */
  readonly buildFile?: string;
  /** The rules' progress descriptions (`LINK {out}`), for the steps' labels. */
  readonly rules?: readonly { readonly name: string; readonly description: string }[];
}

export interface DependencyLogs {
  /** Phase log files, root-relative. */
  readonly logs: readonly string[];
  /** The dependency's own .ninja_log: root-relative path and text. */
  readonly inner?: { readonly path: string; readonly text: string };
}

export interface ReportInput {
  readonly log: string;
  readonly logText: string;
  readonly build: BuildShape;
  readonly budget: number;
  readonly dependencies?: ReadonlyMap<string, DependencyLogs>;
  readonly ccache?: CcacheStats;
}

/** The short verb a step kind shows in text (what the build's progress line would say). */
export const kindLabel: Record<StepKind, string> = { compile: 'CC', archive: 'AR', link: 'LINK', link_shared: 'SOLINK', symlink: 'LN', action: 'GEN', dependency: 'DEP', other: '' };
