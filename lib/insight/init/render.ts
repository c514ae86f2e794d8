// The text of the build.pogo.ts `pogogen init` writes: options, dependencies, actions, the forwarding headers,
// libraries in dependency order, programs and optional test programs (whose guesses are written here, as they are
// named here), then the project-wide settings around them. Pure: the context in, the text out.
import path from 'node:path';
import type { InitContext, Lib } from './context.ts';
import { byPath, defineText, shq } from './context.ts';
import { jsReserved, recipeHeaders } from './knowledge.ts';
import { nameFor } from './libraries.ts';
import { needsOf } from './settings.ts';
import { pkgOf } from './tree.ts';

const P = path.posix;

/** The text being written: the targets function's body, the variables it returns, the imports it needs. */
interface Writer {
  readonly varNames: Set<string>;
  /** Variables of dependencies (by name), actions (`gen:HEADER`) and the forwarding headers (`fwd`). */
  readonly depVar: Map<string, string>;
  readonly libVar: Map<Lib, string>;
  readonly body: string[];
  readonly returned: string[];
  readonly imports: Set<string>;
  readonly optionLines: string[];
  /** The forwarding headers' directories under out/<profile>/gen/. */
  readonly fwdDirs: Set<string>;
}

const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const list = (xs: readonly string[]): string => `[${xs.map(q).join(', ')}]`;
// fast-glob's special characters; `+` and `@` only matter before `(`, which is escaped.
const globEscape = (s: string): string => s.replace(/[\\*?!\[\](){}]/g, '\\$&');

/** A JavaScript variable for a target: an identifier, not reserved, unique. */
function varFor(w: Writer, name: string): string {
  let v = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (/^[0-9]/.test(v) || jsReserved.has(v) || v === '') v = `_${v}`;
  let cand = v;
  for (let i = 2; w.varNames.has(cand); i++) cand = `${v}${i}`;
  w.varNames.add(cand);
  return cand;
}

export function renderDescription(ctx: InitContext): string {
  const w: Writer = { varNames: new Set(), depVar: new Map(), libVar: new Map(), body: [], returned: [], imports: new Set(['defineBuild']), optionLines: [], fwdDirs: new Set() };
  optionLines(ctx, w);
  emitDependencies(ctx, w);
  emitLocalDependencies(ctx, w);
  emitGenerators(ctx, w);
  emitForwards(ctx, w);
  emitLibraries(ctx, w);
  emitPrograms(ctx, w);
  emitTests(ctx, w);
  const { programs, libs, todo } = ctx;
  if (programs.length === 0 && libs.length === 0) todo.push(`nothing is left to build by default: every C file is ${ctx.testPrograms.length > 0 ? 'a test program (built only for the tests), ' : ''}a test, an example or part of a vendored tree left out (see above); add targets by hand`);
  else if (programs.length === 0) ctx.guesses.push('no file defines main() outside tests: the sources become libraries only');
  const lines = fileLines(ctx, w);
  if (ctx.forwards.size > 0) todo.push('the forwarding headers are found through out/<profile>/gen/fwd: a profile with march (out/<profile>.<march>/) needs the path adjusted');
  return `${lines.join('\n')}\n`;
}

/** The whole file around the targets function's body. */
function fileLines(ctx: InitContext, w: Writer): string[] {
  const settings: string[] = [];
  if (ctx.projectDirs.size > 0) settings.push(`includeDirs: ${list([...ctx.projectDirs].sort())}`);
  if (ctx.projectDefines.size > 0) settings.push(`defines: ${list([...ctx.projectDefines.values()].sort())}`);
  const lines: string[] = [];
  lines.push('// Written by `pogogen init` from the sources it found; edit freely. Its guesses, with their reasons, were');
  lines.push('// printed when it ran; lines marked TODO are for you to check.');
  lines.push(`import { ${[...w.imports].sort().join(', ')} } from 'pogogen';`, '');
  lines.push('export default defineBuild({');
  lines.push(`  project: { name: ${q(ctx.projectName)} },`);
  if (w.optionLines.length > 0) lines.push('  options: {', ...w.optionLines, '  },');
  if (settings.length > 0) lines.push(`  settings: { ${settings.join(', ')} },`);
  const usesProfile = ctx.forwards.size > 0;
  const params = [...(w.optionLines.length > 0 ? ['options'] : []), ...(usesProfile ? ['profile'] : [])];
  lines.push(`  targets: (${params.length > 0 ? `{ ${params.join(', ')} }` : ''}) => {`);
  lines.push(...w.body);
  lines.push(`    return [${w.returned.join(', ')}];`);
  lines.push('  },');
  lines.push('});');
  return lines;
}

function optionLines(ctx: InitContext, w: Writer): void {
  for (const d of ctx.deps) w.optionLines.push(`    ${d.option}: option.feature('${d.ifMissing !== undefined || d.ifFound !== undefined ? 'auto' : 'enabled'}', ${q(recipeHeaders.find((r) => r.recipe === d.recipe)!.why)}),`);
  for (const o of ctx.opts) w.optionLines.push(`    ${o.key}: option.bool(false, ${q(`-D${defineText(o.macro, o.value)}, as the tree's build files set it on request`)}),`);
  if (w.optionLines.length > 0) w.imports.add('option');
}

function emitDependencies(ctx: InitContext, w: Writer): void {
  for (const d of ctx.deps) {
    w.imports.add('dependency');
    w.imports.add('recipes');
    const v = varFor(w, d.name);
    w.depVar.set(d.name, v);
    const extra = [d.ifMissing !== undefined ? `ifMissing: { defines: [${q(d.ifMissing)}] }` : '', d.ifFound !== undefined ? `ifFound: { defines: [${q(d.ifFound)}] }` : ''].filter((x) => x !== '');
    w.body.push(`    const ${v} = dependency(${q(d.name)}, { recipe: recipes.${d.recipe}, feature: options.${d.option}${extra.length > 0 ? `, ${extra.join(', ')}` : ''} });`);
    w.returned.push(v);
  }
}

/** Vendored trees with their own build: a dependency each, its recipe's source the directory (init/local.ts). */
function emitLocalDependencies(ctx: InitContext, w: Writer): void {
  for (const g of ctx.locals) {
    w.imports.add('dependency');
    const v = varFor(w, g.name);
    w.depVar.set(`local:${g.dir}`, v);
    for (const x of g.weak) w.body.push(`    // TODO(pogogen init): ${x}`);
    w.body.push(`    const ${v} = dependency(${q(g.name)}, {`);
    w.body.push(`      recipe: {`);
    w.body.push(`        name: ${q(g.recipeName)},`);
    w.body.push(`        version: 'vendored',`);
    w.body.push(`        source: { path: ${q(g.dir)} },`);
    w.body.push(`        build: { kind: '${g.kind}' },`);
    w.body.push(`        provides: { staticLibs: [${q(g.lib)}] },`);
    w.body.push('      },');
    w.body.push('    });');
    w.returned.push(v);
  }
}

function emitGenerators(ctx: InitContext, w: Writer): void {
  const { body } = w;
  for (const [h, g] of [...ctx.generators].sort((a, b) => byPath(a[0], b[0]))) {
    w.imports.add('action');
    const name = ctx.genName.get(h)!;
    const v = varFor(w, name);
    w.depVar.set(`gen:${h}`, v);
    body.push(`    // TODO(pogogen init): ${h} is generated: ${g.why}.${g.runnable ? ' Check the command does what the tree intends.' : ' The command uses make variables: make it a plain command.'}`);
    body.push(`    const ${v} = action(${q(name)}, {`);
    body.push(`      command: ${list(g.command)},`);
    if (g.inputs.length > 0) body.push(`      inputs: ${list(g.inputs.map(globEscape))},`);
    body.push(`      outputs: [${q(h)}],`);
    body.push('    });');
    w.returned.push(v);
  }
}

/** One action writing every forwarding header (and a `.keep` per anchor directory). */
function emitForwards(ctx: InitContext, w: Writer): void {
  if (ctx.forwards.size === 0) return;
  const { body } = w;
  w.imports.add('action');
  const v = varFor(w, ctx.fwdName);
  w.depVar.set('fwd', v);
  const outs: string[] = [];
  const script: string[] = [];
  for (const [key, f] of [...ctx.forwards].sort((a, b) => byPath(a[0], b[0]))) {
    const inc = key.split('\0')[1]!;
    const anchor = `fwd/${'_/'.repeat(f.depth)}`;
    w.fwdDirs.add(anchor.slice(0, -1));
    const target = P.normalize(P.join(anchor, inc));
    if (!outs.includes(target)) {
      outs.push(target);
      script.push(`printf '#include <%s>\\n' ${shq(f.portable)} > "$${outs.length}"`);
    }
    const keep = `${anchor}.keep`;
    if (!outs.includes(keep)) {
      outs.push(keep);
      script.push(`: > "$${outs.length}"`);
    }
  }
  body.push(`    // TODO(pogogen init): includes of "../deps/…" paths are answered by forwarding headers; write the portable`);
  body.push(`    // #include <…> in the sources instead and this action can go.`);
  body.push(`    const ${v} = action(${q(ctx.fwdName)}, {`);
  body.push(`      command: ['sh', '-c', ${q(script.join('; '))}, 'sh', ${outs.map((_, i) => q(`{out:${i}}`)).join(', ')}],`);
  body.push(`      outputs: ${list(outs)},`);
  body.push('    });');
  w.returned.push(v);
}

type Helper = 'executable' | 'staticLibrary' | 'sharedLibrary';
interface Extra {
  readonly defines?: readonly string[];
  readonly optional?: boolean;
}

/** One compiled target; returns its variable. */
function emitCompiled(ctx: InitContext, w: Writer, helper: Helper, name: string, srcs: readonly string[], self: Lib | undefined, extraDeps: readonly Lib[], extra: Extra = {}): string {
  const { body } = w;
  w.imports.add(helper);
  const n = needsOf(ctx, srcs, self);
  const v = varFor(w, name);
  if (self !== undefined) w.libVar.set(self, v);
  const ds: string[] = [];
  for (const d of [...new Set([...(self === undefined ? [] : [...self.deps]), ...n.deps, ...extraDeps])].sort((a, b) => byPath(a.name, b.name))) if (d !== self) ds.push(w.libVar.get(d)!);
  for (const r of [...n.recipes].sort()) ds.push(w.depVar.get(ctx.depName.get(r)!)!);
  for (const l of [...n.locals].sort()) ds.push(w.depVar.get(`local:${l}`)!);
  for (const g of [...n.generated].sort()) ds.push(w.depVar.get(`gen:${g}`)!);
  if (n.forwards.size > 0) ds.push(w.depVar.get('fwd')!);
  body.push(`    const ${v} = ${helper}(${q(name)}, {`);
  body.push(`      sources: ${list(srcs.map(globEscape))},`);
  const priv = [...(self === undefined ? [] : [...(ctx.privateDirs.get(self) ?? [])])].sort();
  const fwdInc = n.forwards.size > 0 ? [...w.fwdDirs].sort().map((d) => `\`out/\${profile}/gen/${d}\``) : [];
  if (priv.length > 0 || fwdInc.length > 0) body.push(`      includeDirs: [${[...priv.map(q), ...fwdInc].join(', ')}],`);
  const vd = self === undefined ? [] : (ctx.vendoredDefines.get(self) ?? []);
  const optDefs = ctx.opts.filter((o) => n.macros.has(o.macro)).map((o) => `...(options.${o.key} ? [${q(defineText(o.macro, o.value))}] : [])`);
  const own = [...vd, ...(extra.defines ?? [])];
  if (own.length > 0 || optDefs.length > 0) body.push(`      defines: [${[...own.map(q), ...optDefs].join(', ')}],`);
  const libsHere = [...n.libs].sort();
  if (helper === 'executable' || helper === 'sharedLibrary') {
    if (libsHere.length > 0) body.push(`      libs: ${list(libsHere)},`);
  }
  const pub = publicPart(ctx, helper, self, libsHere);
  if (pub.length > 0) body.push(`      public: { ${pub.join(', ')} },`);
  if (ds.length > 0) body.push(`      deps: [${ds.join(', ')}],`);
  if (extra.optional === true) body.push('      default: false,');
  body.push('    });');
  w.returned.push(v);
  return v;
}

/** What a target gives its users: its public include dirs and defines; a static library's system libraries. */
function publicPart(ctx: InitContext, helper: Helper, self: Lib | undefined, libsHere: readonly string[]): string[] {
  const pubDirs = self === undefined ? [] : [...(ctx.publicDirs.get(self) ?? [])].sort();
  const pubDefs = self === undefined ? [] : [...(ctx.publicDefines.get(self)?.values() ?? [])].sort();
  const pub: string[] = [];
  if (pubDirs.length > 0) pub.push(`includeDirs: ${list(pubDirs)}`);
  if (pubDefs.length > 0) pub.push(`defines: ${list(pubDefs)}`);
  if (helper === 'staticLibrary' && libsHere.length > 0) pub.push(`libs: ${list(libsHere)}`);
  return pub;
}

/** Libraries in dependency order (the graph is acyclic: cycles were merged). */
function emitLibraries(ctx: InitContext, w: Writer): void {
  const emitted = new Set<Lib>();
  const visit = (l: Lib): void => {
    if (emitted.has(l)) return;
    emitted.add(l);
    for (const d of [...l.deps].sort((a, b) => byPath(a.name, b.name))) visit(d);
    emitCompiled(ctx, w, l.shared !== undefined ? 'sharedLibrary' : 'staticLibrary', l.name, l.sources, l, []);
  };
  for (const l of [...ctx.libs].sort((a, b) => byPath(a.name, b.name))) visit(l);
}

function emitPrograms(ctx: InitContext, w: Writer): void {
  for (const p of ctx.programs) {
    const own = ctx.libs.find((l) => l.vendored === undefined && l.dirs.includes(P.dirname(p)));
    const srcs = ctx.single ? [p, ...ctx.libSources.filter((s) => pkgOf(ctx, s) === undefined)] : [p];
    emitCompiled(ctx, w, 'executable', ctx.exeName.get(p)!, srcs, undefined, own === undefined ? [] : [own]);
  }
}

/** Test programs: built only when asked for (`ninja NAME`, `pogogen test`), so one that needs more than init saw
 *  costs nothing in a plain build. */
function emitTests(ctx: InitContext, w: Writer): void {
  const projectLibSources = ctx.libSources.filter((x) => pkgOf(ctx, x) === undefined);
  const emitTest = (file: string, want: string, why: string, extra: { defines?: readonly string[] }): void => {
    w.imports.add('test');
    const name = nameFor(ctx, want, 'test');
    const own = ctx.libOfFile.get(file);
    const srcs = ctx.single ? [file, ...projectLibSources.filter((x) => x !== file)] : [file];
    const v = emitCompiled(ctx, w, 'executable', name, srcs, undefined, own === undefined ? [] : [own], { ...extra, optional: true });
    const run = nameFor(ctx, `run-${name}`, 'test');
    const tv = varFor(w, run);
    w.body.push(`    const ${tv} = test(${q(run)}, { program: ${v} });`);
    w.returned.push(tv);
    ctx.guesses.push(`test program ${name} (not built by default; ${q(run).slice(1, -1)} runs it): ${why}`);
  };
  for (const tm of ctx.testMains) emitTest(tm.path, `${P.basename(tm.path, '.c')}-test`, `${tm.path} has a main() behind #ifdef ${tm.macro}, so it is compiled with -D${tm.macro}`, { defines: [tm.macro] });
  for (const tp of ctx.testPrograms) emitTest(tp, P.basename(tp, '.c'), `${tp} defines main() in a test directory`, {});
}
