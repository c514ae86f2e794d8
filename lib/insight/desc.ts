// `pogogen desc`: one target described from the generated build — kind, where it is declared, sources, the exact
// compile and link commands, flags, include dirs, defines, deps (direct and in link order), outputs — as data for
// --json and as text for people.
import { expand, type Steps } from '../plan/steps.ts';
import type { Graph, GraphTarget } from '../resolve/graph.ts';
import { placeText } from '../model/validate.ts';
import { shell } from '../backends/shell.ts';

export interface Description {
  readonly name: string;
  readonly kind: string;
  readonly declared: string;
  readonly deps: readonly string[];
  readonly outputs: readonly string[];
  readonly sources?: readonly string[];
  readonly cflags?: readonly string[];
  readonly defines?: readonly string[];
  readonly includeDirs?: readonly string[];
  /** The compile command of the first source, as the compiler sees it. */
  readonly compile?: readonly string[];
  /** Libraries and object sets linked in, dependents before dependencies. */
  readonly linkOrder?: readonly string[];
  readonly link?: readonly string[];
  readonly action?: { readonly command: readonly string[]; readonly inputs: readonly string[] };
  readonly dependency?: { readonly source: string; readonly why: string; readonly installDir?: string; readonly libraries: readonly string[]; readonly version?: string };
  readonly test?: { readonly program: string; readonly args: readonly string[]; readonly suites: readonly string[]; readonly timeout: number };
  /** Targets that depend on this one directly. */
  readonly dependents: readonly string[];
}

export function describe(graph: Graph, steps: Steps, t: GraphTarget): Description {
  const rules = new Map(steps.rules.map((r) => [r.name, r]));
  const command = (kind: string): string[] | undefined => {
    const e = steps.edges.find((x) => x.target === t.name && x.kind === kind && !x.outs.some((o) => o.includes('/pgo/')));
    return e === undefined ? undefined : expand(rules.get(e.rule)!, e).map((a) => (typeof a === 'string' ? a : a.raw));
  };
  const c = t.compiled;
  const compile = c === undefined ? undefined : command('compile');
  const link = t.link === undefined ? undefined : command(t.kind === 'shared_library' ? 'link_shared' : 'link');
  const d = t.dependency;
  const r = d?.resolution;
  return {
    name: t.name,
    kind: t.kind,
    declared: placeText(t.where()),
    deps: t.deps,
    outputs: t.outputs.length > 0 ? t.outputs : steps.aliases.find((a) => a.name === t.name)?.outputs ?? [],
    ...(c === undefined
      ? {}
      : {
          sources: c.sources,
          cflags: c.compile.cflags,
          defines: c.compile.defines,
          includeDirs: c.compile.includeDirs,
          ...(compile === undefined ? {} : { compile }),
        }),
    ...(t.link === undefined ? {} : { linkOrder: t.link.libraries, ...(link === undefined ? {} : { link }) }),
    ...(t.action === undefined ? {} : { action: { command: t.action.command, inputs: t.action.inputs } }),
    ...(r === undefined
      ? {}
      : {
          dependency: {
            source: r.source,
            why: r.why,
            ...(d?.installDir === undefined ? {} : { installDir: d.installDir }),
            libraries: d?.libFiles ?? [],
            ...(r.source === 'system' ? { version: r.version } : r.source === 'source' ? { version: r.recipe.version } : {}),
          },
        }),
    ...(t.test === undefined ? {} : { test: { program: t.test.program, args: t.test.args, suites: t.test.suites, timeout: t.test.timeout } }),
    dependents: graph.targets.filter((x) => x.deps.includes(t.name)).map((x) => x.name),
  };
}

export function formatDescription(d: Description): string {
  const out: string[] = [];
  const list = (title: string, xs: readonly string[] | undefined): void => {
    if (xs === undefined) return;
    out.push(`${title}${xs.length === 0 ? ' (none)' : ''}`);
    for (const x of xs) out.push(`  ${x}`);
  };
  out.push(`${d.name}: ${d.kind.replace('_', ' ')}, declared at ${d.declared}`);
  if (d.dependency !== undefined) {
    out.push(`source        ${d.dependency.source}${d.dependency.version === undefined ? '' : ` ${d.dependency.version}`}: ${d.dependency.why}`);
    if (d.dependency.installDir !== undefined) out.push(`installed in  ${d.dependency.installDir}`);
  }
  list('sources', d.sources);
  list('cflags', d.cflags);
  list('defines', d.defines);
  list('include dirs', d.includeDirs);
  list('deps', d.deps);
  list('link order', d.linkOrder);
  list('dependents', d.dependents);
  list('outputs', d.outputs);
  if (d.dependency !== undefined) list('libraries', d.dependency.libraries);
  if (d.compile !== undefined) out.push('compile (first source)', `  ${d.compile.map(shell.arg).join(' ')}`);
  if (d.link !== undefined) out.push('link', `  ${d.link.map(shell.arg).join(' ')}`);
  if (d.action !== undefined) out.push('command', `  ${d.action.command.map(shell.arg).join(' ')}`);
  if (d.test !== undefined) out.push(`test          ${[d.test.program, ...d.test.args].map(shell.arg).join(' ')} (timeout ${d.test.timeout} s${d.test.suites.length > 0 ? `, suites ${d.test.suites.join(', ')}` : ''})`);
  return `${out.join('\n')}\n`;
}
