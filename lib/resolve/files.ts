// Source files on disk: globs expanded once per pattern, existence checked through cached directory listings
// (no stat per source), and the directories a glob looked at (their mtimes tell ninja to regenerate).
import fs from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import micromatch from 'micromatch';

/** The characters any of fast-glob's dynamic-pattern checks look for. */
const globChars = /[\\*?!\[({]/;

/** Directory listings by absolute path; null for a directory that could not be read. */
export type Listings = Map<string, Set<string> | null>;

export class SourceTree {
  private readonly listings: Listings;
  /** Directories whose listing decides the build (globbed), root-relative, for the regeneration depfile. */
  readonly watchedDirs = new Set<string>();

  /** True when `${root}/${rel}` is already what path.resolve would make of a plain relative path. */
  private readonly plainRoot: boolean;

  /** `listings`: directories already read (listDirs), taken over as they are. */
  constructor(
    readonly root: string,
    listings: Listings = new Map(),
  ) {
    this.plainRoot = isPlainRoot(root);
    this.listings = listings;
  }

  /** True when `rel` (root-relative or absolute) names an existing file or directory. */
  exists(rel: string): boolean {
    const [dir, base] = dirAndBase(this.root, this.plainRoot, rel);
    let names = this.listings.get(dir);
    if (names === undefined) {
      try {
        names = new Set(fs.readdirSync(dir));
      } catch {
        names = null;
      }
      this.listings.set(dir, names);
    }
    return names !== null && names.has(base);
  }

  /**
   * Expands a sources list: literal paths kept in order, globs sorted, `!pattern` entries excluding from
   * everything before and after. Returns the files and the patterns that matched nothing.
   */
  expand(entries: readonly string[]): { files: string[]; missing: string[]; emptyGlobs: string[] } {
    const excludes = entries.filter((e) => e.startsWith('!')).map((e) => e.slice(1));
    const seen = new Set<string>();
    const files: string[] = [];
    const missing: string[] = [];
    const emptyGlobs: string[] = [];
    const add = (f: string): void => {
      if (seen.has(f) || (excludes.length > 0 && micromatch.isMatch(f, excludes))) return;
      seen.add(f);
      files.push(f);
    };
    for (const entry of entries) {
      if (entry.startsWith('!')) continue;
      const rel = normalize(entry);
      if (!isDynamic(entry)) {
        if (this.exists(rel)) add(rel);
        else missing.push(entry);
        continue;
      }
      const matches = fg.sync(entry, { cwd: this.root, onlyFiles: true, unique: true }).sort();
      const kept = matches.filter((m) => excludes.length === 0 || !micromatch.isMatch(m, excludes));
      if (kept.length === 0) emptyGlobs.push(entry);
      for (const m of kept) add(normalize(m));
      this.watchGlob(entry);
    }
    return { files, missing, emptyGlobs };
  }

  private watchGlob(pattern: string): void {
    for (const task of fg.generateTasks([pattern])) {
      const base = task.base === '' ? '.' : task.base;
      this.watchedDirs.add(base);
      const recursive = pattern.includes('**');
      const depth = recursive ? Infinity : pattern.split('/').length - base.split('/').length - 1;
      if (depth <= 0) continue;
      for (const d of fg.sync(`${fg.escapePath(base)}/**`, { cwd: this.root, onlyDirectories: true, deep: depth })) this.watchedDirs.add(normalize(d));
    }
  }
}

/**
 * Reads the directories of the literal source paths in a description not yet validated (anything odd is skipped:
 * this only warms the listings SourceTree.exists would read one by one), all at once on libuv's thread pool, so
 * that the reads overlap validation on the main thread instead of following it.
 */
export function listDirs(root: string, description: unknown): Promise<Listings> {
  const plainRoot = isPlainRoot(root);
  const dirs = new Set<string>();
  try {
    const targets = (description as { targets?: unknown } | null)?.targets;
    if (Array.isArray(targets)) {
      // Indexes, not iterators: an array's iterator is user code and could be anything.
      for (let i = 0; i < targets.length; i++) {
        const sources = (targets[i] as { sources?: unknown } | null)?.sources;
        if (!Array.isArray(sources)) continue;
        for (let j = 0; j < sources.length; j++) {
          const src: unknown = sources[j];
          if (typeof src === 'string' && !globChars.test(src)) dirs.add(dirAndBase(root, plainRoot, src)[0]);
        }
      }
    }
  } catch {
    // A getter that throws: validation will say so.
  }
  const listings: Listings = new Map();
  return Promise.all(
    [...dirs].map((d) =>
      fs.promises.readdir(d).then(
        (names) => void listings.set(d, new Set(names)),
        () => void listings.set(d, null),
      ),
    ),
  ).then(() => listings);
}

/** True when `${root}/${rel}` is already what path.resolve would make of a plain relative path. */
function isPlainRoot(root: string): boolean {
  return path.sep === '/' && path.isAbsolute(root) && path.resolve(root) === root && root !== '/';
}

/** The absolute directory of `rel` and its last segment: the key SourceTree lists a directory under. */
function dirAndBase(root: string, plainRoot: boolean, rel: string): [string, string] {
  if (plainRoot && isPlain(rel)) {
    // The common case, 50,000 times over: no path.resolve/dirname/basename needed.
    const slash = rel.lastIndexOf('/');
    return slash === -1 ? [root, rel] : [`${root}/${rel.slice(0, slash)}`, rel.slice(slash + 1)];
  }
  const abs = path.resolve(root, rel);
  return [path.dirname(abs), path.basename(abs)];
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
function isPlain(p: string): boolean {
  return p !== '' && !/(?:^|\/)\.{1,2}(?:\/|$)|\/\/|^\/|\/$|\\/.test(p);
}

/**
 * fast-glob's isDynamicPattern, skipped for entries without any character its checks look for (`\`, `*`, `?`, `!`,
 * `[`, `(`, `{`): it builds a settings object per call, which shows at 50,000 literal sources.
 */
function isDynamic(entry: string): boolean {
  return globChars.test(entry) && fg.isDynamicPattern(entry);
}
