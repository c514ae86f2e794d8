// Path helpers shared by the listing step (files.ts) and the pure source tree (tree.ts): normalising user paths
// and the key a directory listing is stored under. None of them touches the disk.
import path from 'node:path';
import fg from 'fast-glob';

/** The characters any of fast-glob's dynamic-pattern checks look for. */
export const globChars = /[\\*?!\[({]/;

/** True when `${root}/${rel}` is already what path.resolve would make of a plain relative path. */
export function isPlainRoot(root: string): boolean {
  return path.sep === '/' && path.isAbsolute(root) && path.resolve(root) === root && root !== '/';
}

/** The absolute directory of `rel` and its last segment: the key SourceTree lists a directory under. */
export function dirAndBase(root: string, plainRoot: boolean, rel: string): [string, string] {
  if (plainRoot && isPlain(rel)) {
    // The common case, 50,000 times over: no path.resolve/dirname/basename needed.
    const slash = rel.lastIndexOf('/');
    return slash === -1 ? [root, rel] : [`${root}/${rel.slice(0, slash)}`, rel.slice(slash + 1)];
  }
  const abs = path.resolve(root, rel);
  return [path.dirname(abs), path.basename(abs)];
}

/**
 * The directory of the last plain path seen, so that the next path in the same directory (sources are listed a
 * directory at a time) is recognised by a prefix comparison: no regular expression, no new directory string.
 */
export class SameDirectory {
  /** `src/util/` (a plain path's directory, with its slash), `` for the root; undefined before the first. */
  private prefix: string | undefined;
  private value: unknown;

  /** The last segment of `rel` when it is the remembered directory plus one plain segment; else undefined. */
  base(rel: string): string | undefined {
    const prefix = this.prefix;
    if (prefix === undefined || rel.length <= prefix.length || !rel.startsWith(prefix) || rel.indexOf('/', prefix.length) !== -1) return undefined;
    const base = prefix === '' ? rel : rel.slice(prefix.length);
    return base === '.' || base === '..' || base.includes('\\') ? undefined : base;
  }

  /** What was remembered with the directory. */
  get data(): unknown {
    return this.value;
  }

  /** Remembers the directory of `rel`, which must be plain (see normalize), with `data`. */
  remember(rel: string, data: unknown): void {
    this.prefix = rel.slice(0, rel.lastIndexOf('/') + 1);
    this.value = data;
  }
}

/** `./src//a.c` → `src/a.c`; keeps `..` and absolute paths. */
export function normalize(p: string): string {
  if (isPlain(p)) return p;
  const n = path.posix.normalize(p);
  return n.startsWith('./') ? n.slice(2) : n;
}

/**
 * A relative path that normalizing leaves alone: not empty, no `.` or `..` segment, no empty segment, no leading or
 * trailing slash, no backslash.
 */
export function isPlain(p: string): boolean {
  return p !== '' && !/(?:^|\/)\.{1,2}(?:\/|$)|\/\/|^\/|\/$|\\/.test(p);
}

/**
 * fast-glob's isDynamicPattern, skipped for entries without any character its checks look for (`\`, `*`, `?`, `!`,
 * `[`, `(`, `{`): it builds a settings object per call, which shows at 50,000 literal sources.
 */
export function isDynamic(entry: string): boolean {
  return globChars.test(entry) && fg.isDynamicPattern(entry);
}
