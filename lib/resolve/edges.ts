// Target names and dependency edges: reserved and unusable names, unknown or forbidden dependencies, and cycles,
// reported with their path.
import { closest } from '../model/diagnostics.ts';
import { quote, type Model, type ModelTarget, type Place } from '../model/validate.ts';
import { bare, listOf, unrepresentable, type Problems } from './problems.ts';

/** Names of pogogen's own phony targets. */
const reservedNames = new Set(['all', 'install', 'test', 'coverage', 'clean', 'help', 'build.ninja', 'Makefile']);

/** Each target's direct dependencies by name (deps then publicDeps; a test's program first), checked. */
export function resolveEdges(model: Model, byName: ReadonlyMap<string, ModelTarget>, problems: Problems): Map<string, string[]> {
  const depsOf = new Map<string, string[]>();
  for (const t of model.targets) {
    checkName(t, problems);
    depsOf.set(t.name, depsOfTarget(t, byName, problems));
  }
  const cycle = findCycle(model.targets.map((t) => t.name), depsOf);
  if (cycle !== undefined) {
    const t = byName.get(cycle[0]!)!;
    const loc: Place = model.locate([...t.segments, 'deps']) ?? t.where();
    problems.add({ file: loc.file, ...(loc.line === undefined ? {} : { line: loc.line }), path: `${t.fieldPath}.deps`, message: `dependency cycle: ${cycle.map(bare).join(' → ')}`, help: 'break the cycle, e.g. by moving the shared code into a library both depend on' });
  }
  return depsOf;
}

function checkName(t: ModelTarget, problems: Problems): void {
  if (reservedNames.has(t.name)) problems.target(t, 'name', `the name "${t.name}" is reserved`, `pogogen defines ${[...reservedNames].map((n) => `"${n}"`).join(', ')} itself (ninja ${t.name})`);
  if (t.name.includes('/') || unrepresentable.test(t.name) || t.name.startsWith('.') || /[\x00-\x1f\x7f]/.test(t.name)) {
    problems.target(t, 'name', `the name ${quote(t.name)} cannot be used`, 'names may not contain "/", "|" or control characters, nor start with "."');
  }
}

/** The names `t` depends on, each once; a reference that cannot be a dependency is reported and left out. */
function depsOfTarget(t: ModelTarget, byName: ReadonlyMap<string, ModelTarget>, problems: Problems): string[] {
  const names: string[] = [];
  const fields = t.kind === 'test' ? (['program', 'deps'] as const) : (['deps', 'publicDeps'] as const);
  for (const field of fields) {
    const raw = (t as { deps?: readonly unknown[]; publicDeps?: readonly unknown[]; program?: unknown })[field];
    // A test's program may be a script path (it contains a "/"), not a target.
    const list = field === 'program' ? (typeof raw === 'string' && raw.includes('/') ? [] : [raw]) : ((raw as readonly unknown[] | undefined) ?? []);
    list.forEach((d, i) => {
      const name = typeof d === 'string' ? d : (d as { name: string }).name;
      const at = field === 'program' ? 'program' : `${field}[${i}]`;
      if (checkDep(t, at, name, byName, problems) && !names.includes(name)) names.push(name);
    });
  }
  return names;
}

/** True when `t` may depend on target `name` (named at field `at`); otherwise reports why not. */
function checkDep(t: ModelTarget, at: string, name: string, byName: ReadonlyMap<string, ModelTarget>, problems: Problems): boolean {
  const dep = byName.get(name);
  const err = (message: string, help?: string): false => (problems.target(t, at, message, help), false);
  if (dep === undefined) {
    const guess = closest(name, byName.keys());
    return err(`unknown ${at === 'program' ? 'program' : 'dependency'} ${quote(name)}`, guess === undefined ? `targets: ${listOf([...byName.keys()])}` : `did you mean ${quote(guess)}?`);
  }
  if (dep.name === t.name) return err('a target cannot depend on itself');
  if (at === 'program' && dep.kind !== 'executable') return err(`${quote(name)} is a ${dep.kind.replace('_', ' ')}, not an executable`, 'a test runs an executable target or a script path');
  if (dep.kind === 'test') return err(`cannot depend on test ${quote(name)}`);
  if (dep.kind === 'executable' && t.kind !== 'action' && t.kind !== 'test') return err(`cannot link executable ${quote(name)}`, 'only an action or a test may depend on an executable (e.g. to run a generator it builds)');
  return true;
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
