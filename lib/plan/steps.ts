// Steps: the concrete commands of a build, shared by every backend so ninja, make and compile_commands.json
// cannot disagree about a command line.
import type { TemplateElement } from '../../rules/types.ts';

/** An argv element: a literal argument, or `{ raw }` shell syntax such as `&&`. */
export type Arg = TemplateElement;

/**
 * A command shared by edges that differ only in their files. `command` holds concrete arguments plus the
 * placeholders `{in}`, `{out}` and `{depfile}` as whole elements; backends substitute them (ninja: $in/$out).
 */
export interface Rule {
  /** Unique, a ninja rule name: letters, digits, `_`, `.`, `-`. */
  readonly name: string;
  readonly command: readonly Arg[];
  /** Progress text with `{out}` for the first output, e.g. `CC {out}`. */
  readonly description: string;
  /** The depfile the command writes, `{out}.d` style; read with gcc syntax. */
  readonly depfile?: string;
  /** How many leading arguments are a compiler launcher (ccache): compile_commands.json leaves them out. */
  readonly launcher?: number;
  readonly pool?: string;
  readonly restat?: boolean;
  readonly generator?: boolean;
  /** Runs a nested build that should share the job budget: make's `+` prefix, jobserver passed through. */
  readonly jobserver?: boolean;
}

export type EdgeKind = 'compile' | 'archive' | 'link' | 'link_shared' | 'symlink' | 'action' | 'dependency';

export interface Edge {
  readonly kind: EdgeKind;
  readonly rule: string;
  /** The target this edge belongs to. */
  readonly target: string;
  readonly outs: readonly string[];
  readonly ins: readonly string[];
  /** Inputs that are not passed on the command line but must be up to date first. */
  readonly implicitIns: readonly string[];
  /** Inputs that must exist first but whose changes do not rebuild this edge (generated headers). */
  readonly orderOnly: readonly string[];
  /** For compiles: the source file, root-relative. */
  readonly source?: string;
  /** A command run on request whose output is a name, not a file (install, test): always runs, never in `all`. */
  readonly always?: boolean;
}

export interface Steps {
  /** Absolute project directory; every path in Steps is relative to it. */
  readonly root: string;
  /** `out/<profile>`. */
  readonly outDir: string;
  readonly rules: readonly Rule[];
  readonly edges: readonly Edge[];
  /** Target names → the files that building the name means. Sorted by name. */
  readonly aliases: readonly { readonly name: string; readonly outputs: readonly string[] }[];
  /** What a plain `ninja`/`make` builds. */
  readonly defaults: readonly string[];
  /** Pools with their depths (ninja pools; make ignores them). */
  readonly pools: readonly { readonly name: string; readonly depth: number }[];
  /** Files the build reads that pogogen writes at generation time (dependency plans): root-relative → content. */
  readonly files: ReadonlyMap<string, string>;
  /** How the build file regenerates itself. */
  readonly regen: {
    /** The pogogen command line that wrote this build file. */
    readonly argv: readonly string[];
    /** The build file's own path relative to root (build.ninja, Makefile, or what --build-file named). */
    readonly buildFile: string;
    /** The depfile listing what the build file was generated from (ninja's regeneration edge reads it). */
    readonly depfile: string;
    /** Files the description read: a change means re-running pogogen. Sorted, root-relative where inside. */
    readonly files: readonly string[];
    /** Directories a glob listed: a file added or removed there means re-running pogogen. Sorted. */
    readonly dirs: readonly string[];
  };
}

/** A rule's command with the edge's files filled in: the exact argv the compiler or tool sees. */
export function expand(rule: Rule, edge: Edge): Arg[] {
  const out: Arg[] = [];
  for (const a of rule.command) {
    if (a === '{in}') out.push(...edge.ins);
    else if (a === '{out}') out.push(...edge.outs);
    else if (a === '{depfile}') out.push(depfileOf(rule, edge)!);
    else out.push(a);
  }
  return out;
}

/** The depfile path for an edge of a rule that writes one. */
export function depfileOf(rule: Rule, edge: Edge): string | undefined {
  return rule.depfile?.replace('{out}', edge.outs[0]!);
}
