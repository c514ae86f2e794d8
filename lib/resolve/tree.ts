// The project's source files as resolve sees them: existence and glob expansion answered from a SourceListing
// made beforehand (files.ts), never from the disk, plus the directories the globs used looked at.
import micromatch from 'micromatch';
import { dirAndBase, globChars, isDynamic, isPlain, isPlainRoot, normalize, SameDirectory } from './paths.ts';

/** Directory listings by absolute path; null for a directory that could not be read. */
export type Listings = Map<string, Set<string> | null>;

/** What one glob pattern matched on disk, and the directories whose listing decides that (root-relative). */
export interface GlobListing {
  /** Files, root-relative as fast-glob gives them, sorted. */
  readonly matches: readonly string[];
  readonly watched: readonly string[];
}

/** Everything resolve needs to know of the disk: directory listings and each glob pattern's matches. */
export interface SourceListing {
  readonly dirs: ReadonlyMap<string, ReadonlySet<string> | null>;
  readonly globs: ReadonlyMap<string, GlobListing>;
}

export class SourceTree {
  /** Directories whose listing decides the build (globbed), root-relative, for the regeneration depfile. */
  readonly watchedDirs = new Set<string>();

  /** True when `${root}/${rel}` is already what path.resolve would make of a plain relative path. */
  private readonly plainRoot: boolean;

  /** The listing of the last plain path's directory: the next source there is looked up without a new path. */
  private readonly same = new SameDirectory();

  constructor(
    readonly root: string,
    private readonly listing: SourceListing,
  ) {
    this.plainRoot = isPlainRoot(root);
  }

  /** True when `rel` (root-relative or absolute) names an existing file or directory. */
  exists(rel: string): boolean {
    const [dir, base] = dirAndBase(this.root, this.plainRoot, rel);
    const names = this.listing.dirs.get(dir);
    // The listing step reads every directory a description names: a miss is a bug there, not a missing file.
    if (names === undefined) throw new Error(`internal: directory ${dir} was not listed before resolving`);
    if (isPlain(rel)) this.same.remember(rel, names);
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
      // The common case: a plain path in the directory of the one before.
      const base = this.same.base(entry);
      if (base !== undefined && !globChars.test(entry)) {
        const names = this.same.data as ReadonlySet<string> | null;
        if (names !== null && names.has(base)) add(entry);
        else missing.push(entry);
        continue;
      }
      const rel = normalize(entry);
      if (!isDynamic(entry)) {
        if (this.exists(rel)) add(rel);
        else missing.push(entry);
        continue;
      }
      const glob = this.listing.globs.get(entry);
      if (glob === undefined) throw new Error(`internal: glob ${entry} was not listed before resolving`);
      const kept = glob.matches.filter((m) => excludes.length === 0 || !micromatch.isMatch(m, excludes));
      if (kept.length === 0) emptyGlobs.push(entry);
      for (const m of kept) add(normalize(m));
      for (const d of glob.watched) this.watchedDirs.add(d);
    }
    return { files, missing, emptyGlobs };
  }
}
