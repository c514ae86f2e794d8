// Steps → compile_commands.json: one entry per compiled source with the exact argv of the compile edge.
import path from 'node:path';
import { depfileOf, expand, type Arg, type Edge, type Rule, type Steps } from '../../plan/steps.ts';

/**
 * compile_commands.json as pieces of text, in order (joined, they are the file). The text is exactly
 * `JSON.stringify(entries, null, 2)` plus a newline, but built per entry from per-rule pre-quoted argument blocks.
 * The entries are collected, sorted and their rules' argument templates made now; the text itself is rendered in
 * pieces of about 64 KiB each time the result is iterated, so a 40 MB file never exists as one string or as 50,000
 * entry objects. Every piece ends in ASCII.
 */
export function writeCompdb(steps: Steps): Iterable<string> {
  const rules = new Map(steps.rules.map((r) => [r.name, r]));
  const templates = new Map<string, { rule: Rule; template: Template }>();
  const compiled: Edge[] = [];
  for (const e of steps.edges) {
    if (e.kind !== 'compile' || e.source === undefined) continue;
    if (!templates.has(e.rule)) {
      const rule = rules.get(e.rule)!;
      templates.set(e.rule, { rule, template: templateOf(rule) });
    }
    compiled.push(e);
  }
  // Sorted by absolute file, then absolute output. Plain relative paths (nearly all) resolve to `${root}/${p}`, so two
  // of them compare as the relative paths do: no absolute path is made, and no entry object, until rendering.
  const root = steps.root;
  const paths = resolver(root);
  const plainSource = compiled.map((e) => paths.plain(e.source!));
  const plainOutput = compiled.map((e) => paths.plain(e.outs[0]!));
  const compare = (a: string, aPlain: boolean, b: string, bPlain: boolean): number => {
    if (!(aPlain && bPlain)) {
      a = paths.resolve(a);
      b = paths.resolve(b);
    }
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const order = compiled.map((_, i) => i);
  order.sort((i, j) => compare(compiled[i]!.source!, plainSource[i]!, compiled[j]!.source!, plainSource[j]!) || compare(compiled[i]!.outs[0]!, plainOutput[i]!, compiled[j]!.outs[0]!, plainOutput[j]!));
  // Whether each path is plain is known from the sort: rendering does not test it again (200,000 tests at 50,000).
  const absolute = (p: string, plain: boolean): string => (plain ? `${root}/${p}` : paths.resolve(p));
  const entries: Entries = { edges: compiled, order, plainSource, plainOutput };
  return { [Symbol.iterator]: () => render(root, entries, templates, absolute) };
}

/** The compile edges, the order to write them in, and whether each one's source and output are plain paths. */
interface Entries {
  readonly edges: readonly Edge[];
  readonly order: readonly number[];
  readonly plainSource: readonly boolean[];
  readonly plainOutput: readonly boolean[];
}

function* render(root: string, entries: Entries, templates: ReadonlyMap<string, { rule: Rule; template: Template }>, absolute: (p: string, plain: boolean) => string): Generator<string, void, undefined> {
  const { edges, order, plainSource, plainOutput } = entries;
  if (order.length === 0) {
    yield '[]\n';
    return;
  }
  const directory = `  {\n    "directory": ${JSON.stringify(root)},\n    "file": `;
  // Entries are joined into flat pieces: the per-entry strings die young.
  let pending: string[] = ['[\n'];
  let pendingLength = 0;
  for (let i = 0; i < order.length; i++) {
    const k = order[i]!;
    const edge = edges[k]!;
    const { rule, template } = templates.get(edge.rule)!;
    const args = argumentsText(template, rule, edge);
    const entry = `${i === 0 ? '' : ',\n'}${directory}${JSON.stringify(absolute(edge.source!, plainSource[k]!))},\n    "arguments": ${args === '' ? '[]' : `[\n${args}\n    ]`},\n    "output": ${JSON.stringify(absolute(edge.outs[0]!, plainOutput[k]!))}\n  }`;
    pending.push(entry);
    pendingLength += entry.length;
    if (pendingLength >= 1 << 16) {
      yield pending.join('');
      pending = [];
      pendingLength = 0;
    }
  }
  pending.push('\n]\n');
  yield pending.join('');
}

/** `path.resolve(root, p)`, and whether `p` is plain: a relative path that resolves to `${root}/${p}` exactly. */
function resolver(root: string): { plain: (p: string) => boolean; resolve: (p: string) => string } {
  const plainRoot = path.sep === '/' && path.isAbsolute(root) && path.resolve(root) === root && root !== '/';
  // Anything with `.`/`..` segments, empty segments, a leading or trailing slash or a backslash takes the slow way.
  const unusual = /(?:^|\/)\.{1,2}(?:\/|$)|\/\/|^\/|\/$|\\/;
  const plain = (p: string): boolean => plainRoot && p !== '' && !unusual.test(p);
  return { plain, resolve: (p) => (plain(p) ? `${root}/${p}` : path.resolve(root, p)) };
}

/** A rule's compile_commands.json arguments: runs of literal arguments pre-quoted, placeholders left to each edge. */
interface Template {
  /** Pre-rendered blocks (indented, quoted, joined with `,\n`) and placeholders, launcher already left out. */
  readonly parts: readonly (string | { readonly placeholder: '{in}' | '{out}' | '{depfile}' })[];
  /** False when a launcher argument is itself a placeholder: then the generic expand() path is taken. */
  readonly simple: boolean;
}

const quoted = (a: Arg): string => `      ${JSON.stringify(typeof a === 'string' ? a : a.raw)}`;

function templateOf(rule: Rule): Template {
  const launcher = rule.launcher ?? 0;
  const head = rule.command.slice(0, launcher);
  if (head.some((a) => a === '{in}' || a === '{out}' || a === '{depfile}')) return { parts: [], simple: false };
  const parts: (string | { placeholder: '{in}' | '{out}' | '{depfile}' })[] = [];
  let run: string[] = [];
  for (const a of rule.command.slice(launcher)) {
    if (a === '{in}' || a === '{out}' || a === '{depfile}') {
      if (run.length > 0) parts.push(run.join(',\n'));
      run = [];
      parts.push({ placeholder: a });
    } else run.push(quoted(a));
  }
  if (run.length > 0) parts.push(run.join(',\n'));
  return { parts, simple: true };
}

/** The lines inside `"arguments": [ … ]` for one edge, joined with `,\n`; empty when there are none. */
function argumentsText(template: Template, rule: Rule, edge: Edge): string {
  // Tools want the compiler itself as argv[0], not a launcher such as ccache.
  if (!template.simple) return expand(rule, edge).slice(rule.launcher ?? 0).map(quoted).join(',\n');
  let text = '';
  for (const part of template.parts) {
    let piece: string;
    if (typeof part === 'string') piece = part;
    else if (part.placeholder === '{in}') piece = edge.ins.map(quoted).join(',\n');
    else if (part.placeholder === '{out}') piece = edge.outs.map(quoted).join(',\n');
    else piece = quoted(depfileOf(rule, edge)!);
    if (piece === '') continue;
    text = text === '' ? piece : `${text},\n${piece}`;
  }
  return text;
}
