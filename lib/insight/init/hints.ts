// What `pogogen init` reads from the tree's own build files (Makefiles, CMakeLists.txt, meson.build): the -D flags
// they pass, the libraries they build shared, and the Makefile rules that write headers. Read for hints, never run.
import path from 'node:path';
import type { TreeFile } from './context.ts';

const P = path.posix;

export interface BuildHints {
  /** `-DNAME[=value]` the tree's build files pass: unconditional ones, and ones inside an if-block. */
  readonly defines: Map<string, { value?: string; conditional: boolean; file: string }>;
  /** Library names the build files build as shared libraries. */
  readonly shared: Map<string, string>;
  /** Makefile rules whose target is a header: the header's base name → rule. */
  readonly rules: Map<string, MakeRule>;
}

export interface MakeRule {
  readonly file: string;
  readonly target: string;
  readonly prereqs: string[];
  readonly recipe: string[];
}

export const isBuildFile = (p: string): boolean => /(^|\/)(GNUmakefile|makefile|Makefile|CMakeLists\.txt|meson\.build)$|\.(mk|cmake)$/.test(p);
export const isScript = (p: string): boolean => /\.(sh|py|pl|bash)$/.test(p);

export function readBuildFiles(files: readonly TreeFile[]): BuildHints {
  const hints: BuildHints = { defines: new Map(), shared: new Map(), rules: new Map() };
  for (const f of files) if (isBuildFile(f.path)) readBuildFile(f, hints);
  return hints;
}

function readBuildFile(f: TreeFile, hints: BuildHints): void {
  const { defines, shared } = hints;
  const make = !/CMakeLists\.txt$|\.cmake$|meson\.build$/.test(f.path);
  const lines = f.text.split('\n');
  let depth = 0;
  const record = (name: string, value: string | undefined, file: string): void => {
    const prev = defines.get(name);
    const conditional = depth > 0;
    if (prev === undefined || (prev.conditional && !conditional)) defines.set(name, { ...(value === undefined ? {} : { value }), conditional, file });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/#.*$/, make ? '' : '$&');
    if (make) {
      if (/^\s*(ifeq|ifneq|ifdef|ifndef)\b/.test(line)) depth++;
      else if (/^\s*endif\b/.test(line)) depth = Math.max(0, depth - 1);
    } else if (/^\s*if\s*\(/i.test(line) || /^\s*if\s/.test(line)) depth++;
    else if (/^\s*endif\b/i.test(line)) depth = Math.max(0, depth - 1);
    for (const m of line.matchAll(/(?:^|[\s'"(])-D([A-Za-z_]\w*)(?:=([^\s'")]+))?/g)) record(m[1]!, m[2], f.path);
    // CMake names defines without -D in add_compile_definitions and target_compile_definitions.
    for (const m of line.matchAll(/(?:add_compile_definitions\s*\(|target_compile_definitions\s*\(\s*\S+\s+(?:PUBLIC|PRIVATE|INTERFACE)\s+)([^)]*)\)/gi)) {
      for (const d of m[1]!.matchAll(/(?:^|\s)([A-Za-z_]\w*)(?:=(\S+))?/g)) if (!/^(PUBLIC|PRIVATE|INTERFACE)$/.test(d[1]!)) record(d[1]!, d[2], f.path);
    }
    for (const m of line.matchAll(/add_library\s*\(\s*([\w.+-]+)\s+SHARED/gi)) shared.set(m[1]!, `${f.path}: add_library(${m[1]} SHARED …)`);
    for (const m of line.matchAll(/shared_library\s*\(\s*'([\w.+-]+)'/g)) shared.set(m[1]!, `${f.path}: shared_library('${m[1]}', …)`);
    if (make) for (const m of line.matchAll(/\blib([\w+-]+)\.so\b/g)) if (!m[1]!.includes('$')) shared.set(m[1]!, `${f.path}: builds lib${m[1]}.so`);
    if (make) readRule(f.path, lines, i, line, hints);
  }
}

/** A Makefile rule at line `i` whose target is a header: its prerequisites and its recipe (the tab lines after it). */
function readRule(file: string, lines: readonly string[], i: number, line: string, hints: BuildHints): void {
  const rule = /^([^\s:=#][^:=]*?)\s*:(?!=)\s*(.*)$/.exec(line);
  if (rule === null) return;
  const recipe: string[] = [];
  for (let j = i + 1; j < lines.length && lines[j]!.startsWith('\t'); j++) recipe.push(lines[j]!.slice(1).replace(/^[@-]+/, '').trim());
  for (const target of rule[1]!.split(/\s+/)) {
    if (target.endsWith('.h')) hints.rules.set(P.basename(target), { file, target, prereqs: rule[2]!.split(/\s+/).filter((x) => x !== ''), recipe });
  }
}
