// Archives, executables and shared libraries: the archive or link rule and edge, a shared library's soname
// links, a trained executable's training, and split debug info.
import path from 'node:path';
import type { TemplateElement } from '../../rules/index.ts';
import type { GraphTarget } from '../resolve/graph.ts';
import { fill, type Planning } from './context.ts';
import { planTraining, type Pgo } from './pgo.ts';
import type { Arg } from './steps.ts';

export function planArchive(p: Planning, t: GraphTarget): void {
  const name = p.ruleName('ar', t.name);
  p.rules.push({ name, command: fill(p.table.archive, { ar: p.ar }), description: 'AR {out}' });
  p.edges.push({ kind: 'archive', rule: name, target: t.name, outs: [t.output!], ins: p.objectsOf.get(t.name) ?? [], implicitIns: [], orderOnly: [] });
  p.aliases.push({ name: t.name, outputs: [t.output!] });
}

export function planLink(p: Planning, pgo: Pgo, t: GraphTarget): void {
  const { table, profile, opts, byName } = p;
  const link = t.link!;
  const ins = [...(p.objectsOf.get(t.name) ?? [])];
  const implicitIns: string[] = [];
  for (const lib of link.libraries) {
    const dep = byName.get(lib)!;
    if (dep.kind === 'object_set') ins.push(...(p.objectsOf.get(lib) ?? []));
    else if (dep.kind === 'dependency') ins.push(...dep.dependency!.libFiles);
    else ins.push(dep.output!);
    // The linker opens libfoo.so through its soname link too; make sure those exist.
    if (dep.shared !== undefined) implicitIns.push(...dep.outputs.slice(1));
  }
  // $ORIGIN keeps the binary runnable from out/ and after installing bin/ and lib/ side by side.
  const rpath = link.needsRpath ? [table.flags.rpath(t.kind === 'executable' ? '$ORIGIN/../lib' : '$ORIGIN')] : [];
  // With split debug info the link keeps it; the split step strips.
  const split = profile.splitDebug;
  const ldflags = [...p.profileLink, ...(profile.strip && !split ? table.flags.strip : []), ...rpath, ...link.ldflags, ...opts.env.ldflags];
  const linkOut = split ? `${path.posix.dirname(t.output!)}/.unstripped/${path.posix.basename(t.output!)}` : t.output!;
  // LTO links run the optimiser: a pool sized by memory keeps parallel links from exhausting RAM.
  const pool = profile.lto ? { pool: 'lto_link' } : {};
  const libs = link.libs.map(table.flags.lib);
  const name = p.ruleName('link', t.name);
  if (t.kind === 'executable') {
    p.rules.push({ name, command: fill(table.link, { cc: opts.toolchain.cc, ldflags, libs }), description: 'LINK {out}', ...pool });
    p.edges.push({ kind: 'link', rule: name, target: t.name, outs: [linkOut], ins, implicitIns, orderOnly: [] });
  } else {
    const shared = t.shared!;
    p.rules.push({ name, command: fill(table.linkShared, { cc: opts.toolchain.cc, ldflags, libs, soname: [table.flags.soname(shared.soname)] }), description: 'SOLINK {out}', ...pool });
    p.edges.push({ kind: 'link_shared', rule: name, target: t.name, outs: [linkOut], ins, implicitIns, orderOnly: [] });
    if (shared.links.length > 0) {
      const ln = p.ruleName('ln', t.name);
      p.rules.push({ name: ln, command: ['ln', '-sf', path.posix.basename(t.output!), '{out}'], description: 'LN {out}' });
      for (const l of t.outputs.slice(1)) p.edges.push({ kind: 'symlink', rule: ln, target: t.name, outs: [l], ins: [], implicitIns: [t.output!], orderOnly: [] });
    }
  }
  if (t.kind === 'executable' && pgo.owner.get(t.name) === t.name) planTraining(p, pgo, t, { ins, implicitIns, ldflags, libs });
  if (split) planSplitDebug(p, t, linkOut);
  p.aliases.push({ name: t.name, outputs: [...t.outputs] });
}

/** Moves the linked binary's debug info into `<output>.debug` and leaves `<output>` stripped, linked to it. */
function planSplitDebug(p: Planning, t: GraphTarget, linkOut: string): void {
  const debug = `${t.output!}.debug`;
  const sub = (el: TemplateElement): Arg => (typeof el === 'string' ? el.replace('{in}', linkOut).replace('{out}', t.output!).replace('{debug}', debug) : el);
  const name = p.ruleName('split', t.name);
  p.rules.push({ name, command: p.table.splitDebug.map(sub), description: 'SPLIT {out}' });
  p.edges.push({ kind: 'link', rule: name, target: t.name, outs: [t.output!, debug], ins: [linkOut], implicitIns: [], orderOnly: [] });
}
