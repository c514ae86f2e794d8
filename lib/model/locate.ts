// Finding the line in build.pogo.ts (or a file it imported) that a field path points at, from helper call sites
// and the description's source text; pure string work on texts the loader already read.
import { callSite } from './api.ts';

export interface SourceTexts {
  /** Absolute path of build.pogo.ts. */
  readonly main: string;
  /** Every file the description read, absolute path → text. */
  readonly texts: ReadonlyMap<string, string>;
  /** The loader's mapping of an Error's stack to the description's files (through the bundle's source map). */
  readonly frameOf?: (err: unknown) => Location | undefined;
}

export interface Location {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

/** The first stack frame of `err` that lies in one of the description's files. */
export function frameIn(err: unknown, src: SourceTexts): Location | undefined {
  const at = src.frameOf?.(err);
  return at !== undefined && src.texts.has(at.file) ? at : undefined;
}

/**
 * Best line for a field path inside `root` (the description's value): the call site of the innermost helper-made
 * object on the path, then the first line at or after it that names the next keys of the path.
 */
export function locate(root: unknown, path: readonly PropertyKey[], src: SourceTexts): Location | undefined {
  let anchor: Location | undefined;
  let rest: readonly PropertyKey[] = path;
  let value: unknown = root;
  for (let i = 0; i < path.length; i++) {
    if (typeof value !== 'object' || value === null) break;
    value = (value as Record<PropertyKey, unknown>)[path[i] as PropertyKey];
    const site = frameIn(callSite(value), src);
    if (site !== undefined) {
      anchor = site;
      rest = path.slice(i + 1);
    }
  }
  const file = anchor?.file ?? src.main;
  const text = src.texts.get(file);
  if (text === undefined) return anchor;
  let line = anchor?.line ?? 1;
  let found = anchor !== undefined;
  // Lines are needed only when keys remain to be searched (a target's own call site needs none), and then
  // split once per text: validate locates every target, resolve every missing file.
  let lines: readonly string[] | undefined;
  for (const key of rest) {
    if (typeof key !== 'string') continue;
    lines ??= linesOf(src, file, text);
    const re = new RegExp(`(^|[\\s{,(])['"]?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]?\\s*:`);
    for (let l = line; l <= lines.length; l++) {
      if (re.test(lines[l - 1]!)) {
        line = l;
        found = true;
        break;
      }
    }
  }
  return found ? { file, line } : undefined;
}

const splitCache = new WeakMap<SourceTexts, Map<string, { readonly text: string; readonly lines: readonly string[] }>>();

/** `text.split('\n')`, remembered per description and file for as long as the SourceTexts object lives. */
function linesOf(src: SourceTexts, file: string, text: string): readonly string[] {
  let byFile = splitCache.get(src);
  if (byFile === undefined) {
    byFile = new Map();
    splitCache.set(src, byFile);
  }
  const hit = byFile.get(file);
  if (hit !== undefined && hit.text === text) return hit.lines;
  const lines = text.split('\n');
  byFile.set(file, { text, lines });
  return lines;
}
