// `pogogen explain`: ninja's `-d explain -n` lines (or make's `-n --debug=b` lines) translated into the
// description's terms — which source or header changed, whose command (flags, defines, profile) changed, what was
// never built, what the description change regenerates, which log entries another ninja wrote — grouped by target.
import type { Steps } from '../plan/steps.ts';

export interface Reason {
  /** The output ninja would rebuild first-hand (not just because an input of it is rebuilt). */
  readonly output: string;
  /** The target the output belongs to, or `pogogen` for build.ninja itself. */
  readonly target: string;
  readonly why: 'input-changed' | 'command-changed' | 'missing' | 'never-built' | 'description-changed' | 'log-format';
  /** For input-changed: the newer input (root-relative when inside the project). */
  readonly input?: string;
  /** For input-changed: what kind of file the input is. */
  readonly inputKind?: 'source' | 'header' | 'generated' | 'library' | 'file';
  readonly text: string;
}

export interface Explanation {
  /** Edges ninja would run (the `[k/N]` count of the dry run). */
  readonly steps: number;
  readonly reasons: readonly Reason[];
  /** Outputs rebuilt only because something they read is rebuilt, by target. */
  readonly consequences: Readonly<Record<string, number>>;
  /** Set when every step reruns because the ninja asked cannot use the tree's .ninja_log at all: why. */
  readonly log?: string;
  /** What other ways of starting the build would do differently (another ninja and the log). */
  readonly notes?: readonly string[];
}

/** Parses ninja's stderr/stdout of `-d explain -n` for the given build. */
export function explain(text: string, steps: Steps, root: string): Explanation {
  const ownerOf = new Map<string, string>();
  for (const e of steps.edges) for (const o of e.outs) ownerOf.set(o, e.target);
  const rel = (p: string): string => (p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p);
  const owner = (o: string): string => (o === steps.regen.depfile || o === steps.regen.buildFile ? 'pogogen' : ownerOf.get(o) ?? '?');
  const generated = new Set(steps.edges.flatMap((e) => e.outs));
  const kindOf = (f: string): Reason['inputKind'] =>
    generated.has(f) ? (/\.(a|so(\.\d+)*)$/.test(f) ? 'library' : 'generated') : /\.(c|cc|cpp|cxx|m|s|S)$/.test(f) ? 'source' : /\.(h|hh|hpp|inc)$/.test(f) ? 'header' : 'file';
  const reasons: Reason[] = [];
  const dirty = new Map<string, number>();
  const firstHand = new Set<string>();
  let total = 0;
  for (const line of text.split('\n')) {
    const count = /^\[\d+\/(\d+)\]/.exec(line);
    if (count !== null) total = Math.max(total, Number(count[1]));
    const m = /^ninja explain: (.*)$/.exec(line);
    if (m === null) continue;
    const s = m[1]!;
    let r: Reason | undefined;
    let x: RegExpExecArray | null;
    if ((x = /^(?:recorded mtime of |restat of output |output )(.+?) older than most recent input (.+?) \(/.exec(s)) !== null) {
      const out = rel(x[1]!);
      const input = rel(x[2]!);
      if (owner(out) === 'pogogen') r = { output: out, target: 'pogogen', why: 'description-changed', input, text: `${input} changed: pogogen regenerates build.ninja first, then whatever the new description changes` };
      else {
        const kind = kindOf(input);
        const what = kind === 'header' ? `header ${input} (included, per the depfile)` : kind === 'source' ? `source ${input}` : kind === 'library' ? `library ${input}` : kind === 'generated' ? `generated file ${input}` : input;
        r = { output: out, target: owner(out), why: 'input-changed', input, inputKind: kind, text: `${what} is newer than ${out}` };
      }
    } else if ((x = /^command line changed for (.+)$/.exec(s)) !== null) {
      const out = rel(x[1]!);
      r = { output: out, target: owner(out), why: 'command-changed', text: `the command for ${out} changed: flags, defines, include dirs, the profile, the compiler or the environment it was generated with` };
    } else if ((x = /^output (.+?) doesn't exist$/.exec(s)) !== null) {
      const out = rel(x[1]!);
      r = { output: out, target: owner(out), why: 'missing', text: `${out} does not exist (never built, or deleted)` };
    } else if ((x = /^(.+?) has no log entry$|^command line not found in log for (.+)$/.exec(s)) !== null) {
      const out = rel(x[1] ?? x[2]!);
      r = { output: out, target: owner(out), why: 'never-built', text: `${out} has no record in .ninja_log: built by another tool or never by this ninja` };
    } else if ((x = /^(.+?) is dirty$/.exec(s)) !== null) {
      const out = rel(x[1]!);
      if (!firstHand.has(out)) dirty.set(owner(out), (dirty.get(owner(out)) ?? 0) + 1);
    }
    if (r !== undefined && !firstHand.has(r.output)) {
      firstHand.add(r.output);
      reasons.push(r);
    }
  }
  const consequences: Record<string, number> = {};
  for (const [t, n] of [...dirty].sort(([a], [b]) => (a < b ? -1 : 1))) consequences[t] = n;
  return { steps: total, reasons, consequences };
}

/**
 * The command-changed reasons whose output's log entry is another ninja's hash of the very same command (`foreign`
 * says which), restated as what they are: the command did not change, the ninja reading the log hashes differently.
 */
export function blameLog(e: Explanation, foreign: (output: string) => boolean, logFile: string, why: string): Explanation {
  return { ...e, reasons: e.reasons.map((r) => (r.why === 'command-changed' && foreign(r.output) ? { output: r.output, target: r.target, why: 'log-format', input: logFile, inputKind: 'file', text: why } : r)) };
}

/** What make's `-n --debug=b` says it would remake, in the terms of explain(); a cmd/ file newer is a changed command. */
export function explainMake(text: string, steps: Steps, root: string): Explanation {
  const edgeOf = new Map<string, number>();
  steps.edges.forEach((e, i) => {
    for (const o of e.outs) edgeOf.set(o, i);
  });
  const rel = (p: string): string => (p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p);
  const cmdDir = `${steps.outDir}/cmd/`;
  const reasons: Reason[] = [];
  const firstHand = new Set<string>();
  const remade = new Set<number>();
  const dirty = new Map<string, number>();
  const generated = new Set(edgeOf.keys());
  const kindOf = (f: string): Reason['inputKind'] => (generated.has(f) ? 'generated' : /\.(c|cc|cpp|cxx|m|s|S)$/.test(f) ? 'source' : /\.(h|hh|hpp|inc)$/.test(f) ? 'header' : 'file');
  const add = (r: Reason): void => {
    if (firstHand.has(r.output)) return;
    firstHand.add(r.output);
    reasons.push(r);
  };
  for (const line of text.split('\n')) {
    let x: RegExpExecArray | null;
    if ((x = /^\s*Prerequisite '(.+)' is newer than target '(.+)'\.$/.exec(line)) !== null) {
      const input = rel(x[1]!);
      const out = rel(x[2]!);
      if (out.endsWith('Makefile.stamp')) add({ output: 'Makefile', target: 'pogogen', why: 'description-changed', input, text: `${input} changed: make has pogogen regenerate the Makefile first, then whatever the new description changes` });
      else if (!edgeOf.has(out)) continue;
      else if (input.startsWith(cmdDir)) add({ output: out, target: steps.edges[edgeOf.get(out)!]!.target, why: 'command-changed', text: `the command for ${out} changed: flags, defines, include dirs, the profile, the compiler or the environment it was generated with` });
      else if (!generated.has(input)) {
        const kind = kindOf(input);
        const what = kind === 'header' ? `header ${input} (included, per the depfile)` : kind === 'source' ? `source ${input}` : input;
        add({ output: out, target: steps.edges[edgeOf.get(out)!]!.target, why: 'input-changed', input, inputKind: kind, text: `${what} is newer than ${out}` });
      }
    } else if ((x = /^\s*File '(.+)' does not exist\.$/.exec(line)) !== null) {
      const out = rel(x[1]!);
      if (edgeOf.has(out)) add({ output: out, target: steps.edges[edgeOf.get(out)!]!.target, why: 'missing', text: `${out} does not exist (never built, or deleted)` });
    } else if ((x = /^\s*Must remake target '(.+)'\.$/.exec(line)) !== null) {
      const out = rel(x[1]!);
      const i = edgeOf.get(out);
      if (i === undefined || remade.has(i)) continue;
      remade.add(i);
      const t = steps.edges[i]!.target;
      if (!steps.edges[i]!.outs.some((o) => firstHand.has(o))) dirty.set(t, (dirty.get(t) ?? 0) + 1);
    }
  }
  const consequences: Record<string, number> = {};
  for (const [t, n] of [...dirty].sort(([a], [b]) => (a < b ? -1 : 1))) consequences[t] = n;
  return { steps: remade.size, reasons, consequences };
}

export function formatExplanation(e: Explanation, subject: string, tool = 'ninja'): string {
  const notes = (e.notes ?? []).map((n) => `note: ${n}\n`).join('');
  if (e.steps === 0 && e.reasons.length === 0 && e.log === undefined) return `${subject} is up to date: ${tool} would run nothing\n${notes}`;
  const out = [`${subject}: ${tool} would run ${e.steps} step${e.steps === 1 ? '' : 's'}`];
  if (e.log !== undefined) out.push(`  every step: ${e.log}`);
  const byTarget = new Map<string, Reason[]>();
  for (const r of e.reasons) byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), r]);
  for (const [t, rs] of byTarget) {
    out.push(t === 'pogogen' ? 'the description:' : `target ${t}:`);
    // One input touching many objects is one cause: say it once with the objects it rebuilds.
    const byInput = new Map<string, Reason[]>();
    for (const r of rs) byInput.set(r.input ?? `${r.why}:${r.output}`, [...(byInput.get(r.input ?? `${r.why}:${r.output}`) ?? []), r]);
    for (const group of byInput.values()) {
      const first = group[0]!;
      if (first.why === 'log-format') out.push(`  ${group.map((r) => r.output).join(', ')}: ${first.text}`);
      else if (group.length === 1 || first.input === undefined) for (const r of group) out.push(`  ${r.text}`);
      else out.push(`  ${first.inputKind === 'header' ? 'header' : first.inputKind ?? 'file'} ${first.input} changed: ${group.length} outputs rebuild (${group.map((r) => r.output).join(', ')})`);
    }
  }
  const follow = Object.entries(e.consequences).filter(([, n]) => n > 0);
  if (follow.length > 0) out.push(`then, because their inputs are rebuilt: ${follow.map(([t, n]) => `${t} (${n})`).join(', ')}`);
  return `${out.join('\n')}\n${notes}`;
}
