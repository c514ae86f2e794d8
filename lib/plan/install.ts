// What `ninja install` puts where, and what `pogogen test` runs: manifests derived from the graph, written at
// generation time and read by the install and test commands.
import path from 'node:path';
import type { Graph, GraphTarget, TestInfo } from '../resolve/graph.ts';
import type { Planning } from './context.ts';

/** GNU installation directories; relative ones are below prefix. */
export interface InstallDirs {
  readonly prefix: string;
  readonly bindir: string;
  readonly libdir: string;
  readonly includedir: string;
  readonly datadir: string;
  readonly mandir: string;
  readonly sysconfdir: string;
}

export const defaultInstallDirs: InstallDirs = { prefix: '/usr/local', bindir: 'bin', libdir: 'lib', includedir: 'include', datadir: 'share', mandir: 'share/man', sysconfdir: 'etc' };

export type InstallEntry =
  | { readonly kind: 'file'; readonly src: string; readonly dest: string; readonly mode: number }
  | { readonly kind: 'symlink'; readonly dest: string; readonly target: string }
  | { readonly kind: 'write'; readonly dest: string; readonly content: string; readonly mode: number };

export interface InstallManifest {
  readonly prefix: string;
  readonly entries: readonly InstallEntry[];
  /** Files the install needs built first (root-relative). */
  readonly needs: readonly string[];
}

const abs = (dirs: InstallDirs, d: string): string => (path.posix.isAbsolute(d) ? d : path.posix.join(dirs.prefix, d));

/** Expands `{bindir}`-style names in an install dir. */
export function installDir(dirs: InstallDirs, dir: string): string {
  const named = dir.replace(/\{(prefix|bindir|libdir|includedir|datadir|mandir|sysconfdir)\}/g, (_, k: keyof InstallDirs) => (k === 'prefix' ? dirs.prefix : abs(dirs, dirs[k])));
  return abs(dirs, named);
}

export function installManifest(graph: Graph, dirs: InstallDirs): InstallManifest {
  const entries: InstallEntry[] = [];
  const needs: string[] = [];
  const byName = new Map(graph.targets.map((t) => [t.name, t]));
  const bindir = installDir(dirs, '{bindir}');
  const libdir = installDir(dirs, '{libdir}');
  const includedir = installDir(dirs, '{includedir}');
  for (const t of graph.targets) {
    const inst = t.install;
    if (inst === undefined) continue;
    if (inst.self && t.output !== undefined) {
      needs.push(...t.outputs);
      if (t.kind === 'executable') entries.push({ kind: 'file', src: t.output, dest: `${bindir}/${path.posix.basename(t.output)}`, mode: 0o755 });
      else if (t.kind === 'static_library') entries.push({ kind: 'file', src: t.output, dest: `${libdir}/${path.posix.basename(t.output)}`, mode: 0o644 });
      else if (t.kind === 'shared_library') {
        const real = path.posix.basename(t.output);
        entries.push({ kind: 'file', src: t.output, dest: `${libdir}/${real}`, mode: 0o755 });
        for (const link of t.shared?.links ?? []) entries.push({ kind: 'symlink', dest: `${libdir}/${link}`, target: real });
      }
    }
    const hdrDir = inst.headersSubdir === undefined ? includedir : `${includedir}/${inst.headersSubdir}`;
    for (const h of inst.headers) entries.push({ kind: 'file', src: h, dest: `${hdrDir}/${path.posix.basename(h)}`, mode: 0o644 });
    if (inst.pkgConfig !== undefined && (t.kind === 'static_library' || t.kind === 'shared_library')) {
      entries.push({ kind: 'write', dest: `${libdir}/pkgconfig/${inst.pkgConfig.name}.pc`, content: pcFile(graph, t, byName, dirs), mode: 0o644 });
    }
  }
  for (const extra of graph.extraInstall) {
    const dir = installDir(dirs, extra.dir);
    for (const f of extra.files) entries.push({ kind: 'file', src: f, dest: `${dir}/${path.posix.basename(f)}`, mode: extra.mode ?? 0o644 });
  }
  entries.sort((a, b) => (a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0));
  return { prefix: dirs.prefix, entries, needs: [...new Set(needs)].sort() };
}

/** A pkg-config file for an installed library: its flags relative to ${prefix}, never pointing into out/. */
function pcFile(graph: Graph, t: GraphTarget, byName: ReadonlyMap<string, GraphTarget>, dirs: InstallDirs): string {
  const pc = t.install!.pkgConfig!;
  const base = (name: string): string => path.posix.basename(name).replace(/^lib/, '').replace(/\.(a|so)(\..*)?$/, '');
  const libNames = [base(t.output!)];
  const privateLibs: string[] = [];
  // A static library carries no dependencies: the libraries it needs (installed ones of this project and system
  // libraries) are listed for whoever links it.
  const link = t.link;
  if (t.kind === 'static_library') {
    for (const d of t.deps) {
      const dep = byName.get(d);
      if (dep?.kind === 'static_library' && dep.install?.self === true) libNames.push(base(dep.output!));
    }
    privateLibs.push(...t.compiled!.compile.libs.map((l) => `-l${l}`));
  } else if (link !== undefined) privateLibs.push(...link.libs.map((l) => `-l${l}`));
  const rel = (d: string): string => (path.posix.isAbsolute(d) ? d : `\${prefix}/${d}`);
  const inc = t.install!.headersSubdir === undefined ? '${includedir}' : `\${includedir}/${t.install!.headersSubdir}`;
  return [
    `prefix=${dirs.prefix}`,
    `libdir=${rel(dirs.libdir)}`,
    `includedir=${rel(dirs.includedir)}`,
    '',
    `Name: ${pc.name}`,
    `Description: ${pc.description}`,
    `Version: ${graph.model.project.version}`,
    ...(pc.requires.length > 0 ? [`Requires: ${pc.requires.join(', ')}`] : []),
    `Libs: -L\${libdir} ${libNames.map((l) => `-l${l}`).join(' ')}`,
    ...(privateLibs.length > 0 ? [`Libs.private: ${[...new Set(privateLibs)].join(' ')}`] : []),
    `Cflags: -I${inc}`,
    '',
  ].join('\n');
}

/** A test as `pogogen test` runs it: the graph's view without what only the build needs. */
export type TestManifestEntry = { readonly name: string } & Omit<TestInfo, 'needs' | 'data'>;

export interface TestManifest {
  readonly root: string;
  readonly outDir: string;
  readonly tests: readonly TestManifestEntry[];
  readonly needs: readonly string[];
}

export function testManifest(graph: Graph): TestManifest {
  const tests: TestManifestEntry[] = [];
  const needs = new Set<string>();
  for (const t of graph.targets) {
    const x = t.test;
    if (x === undefined) continue;
    for (const n of x.needs) needs.add(n);
    tests.push({ name: t.name, program: x.program, args: x.args, env: x.env, cwd: x.cwd, timeout: x.timeout, suites: x.suites, shouldFail: x.shouldFail, exclusive: x.exclusive });
  }
  return { root: graph.model.root, outDir: graph.outDir, tests, needs: [...needs].sort() };
}

/**
 * `ninja install`, `ninja test` and `ninja coverage`: always-run edges (their outputs never exist) in the console
 * pool, after what they need; the manifests they read are written at generation time.
 */
export function planManifests(p: Planning): void {
  const { graph, opts, rules, edges, files } = p;
  const install = installManifest(graph, opts.installDirs ?? defaultInstallDirs);
  const installFile = `${graph.outDir}/install.json`;
  files.set(installFile, `${JSON.stringify(install, null, 2)}\n`);
  rules.push({ name: 'pogogen_install', command: [...opts.self, 'install-files', installFile], description: 'INSTALL', pool: 'console' });
  edges.push({ kind: 'action', rule: 'pogogen_install', target: 'install', outs: ['install'], ins: [], implicitIns: [installFile, ...install.needs], orderOnly: [], always: true });
  const tests = testManifest(graph);
  if (tests.tests.length === 0) return;
  const testFile = `${graph.outDir}/tests.json`;
  files.set(testFile, `${JSON.stringify(tests, null, 2)}\n`);
  rules.push({ name: 'pogogen_test', command: [...opts.self, 'test', '--no-build', ...(opts.profileArgs ?? [])], description: 'TEST', pool: 'console' });
  edges.push({ kind: 'action', rule: 'pogogen_test', target: 'test', outs: ['test'], ins: [], implicitIns: [testFile, ...tests.needs], orderOnly: [], always: true });
  if (p.profile.coverage) {
    // `ninja coverage`: the tests, then gcovr's text and HTML summary.
    rules.push({ name: 'pogogen_coverage', command: [...opts.self, 'test', '--no-build', '--coverage', ...(opts.profileArgs ?? [])], description: 'COVERAGE', pool: 'console' });
    edges.push({ kind: 'action', rule: 'pogogen_coverage', target: 'coverage', outs: ['coverage'], ins: [], implicitIns: [testFile, ...tests.needs], orderOnly: [], always: true });
  }
}
