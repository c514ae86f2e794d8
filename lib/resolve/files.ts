// The listing step, the one part of resolving that reads the disk: directory listings (no stat per source) and
// glob matches, gathered before resolve() so that it works from what it is given. listDirs starts early, on the
// raw description; listSources completes it from the validated model.
import fs from 'node:fs';
import fg from 'fast-glob';
import type { Model } from '../model/validate.ts';
import { dirAndBase, globChars, isDynamic, isPlain, isPlainRoot, normalize, SameDirectory } from './paths.ts';
import type { GlobListing, Listings, SourceListing } from './tree.ts';

export type { Listings, SourceListing } from './tree.ts';

/**
 * Reads the directories of the literal source paths in a description not yet validated (anything odd is skipped:
 * this only warms the listings listSources would read one by one), all at once on libuv's thread pool, so
 * that the reads overlap validation on the main thread instead of following it.
 */
export function listDirs(root: string, description: unknown): Promise<Listings> {
  const plainRoot = isPlainRoot(root);
  const dirs = new Set<string>();
  const same = new SameDirectory();
  try {
    const targets = (description as { targets?: unknown } | null)?.targets;
    if (Array.isArray(targets)) {
      // Indexes, not iterators: an array's iterator is user code and could be anything.
      for (let i = 0; i < targets.length; i++) {
        const sources = (targets[i] as { sources?: unknown } | null)?.sources;
        if (!Array.isArray(sources)) continue;
        for (let j = 0; j < sources.length; j++) {
          const src: unknown = sources[j];
          if (typeof src !== 'string' || globChars.test(src) || same.base(src) !== undefined) continue;
          dirs.add(dirAndBase(root, plainRoot, src)[0]);
          if (isPlain(src)) same.remember(src, undefined);
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

/**
 * Everything resolve(model) will ask of the disk: the directory of every literal path and the matches of every
 * glob in the model's path lists. `listings` (from listDirs) are taken over as they are; the rest is read here.
 */
export function listSources(model: Model, listings: Listings = new Map()): SourceListing {
  const plainRoot = isPlainRoot(model.root);
  const dirs: Listings = new Map(listings);
  const globs = new Map<string, GlobListing>();
  // Sources come a directory at a time: one already listed is recognised by its prefix.
  const same = new SameDirectory();
  const listDir = (rel: string): void => {
    const [dir] = dirAndBase(model.root, plainRoot, rel);
    if (isPlain(rel)) same.remember(rel, undefined);
    if (dirs.has(dir)) return;
    let names: Set<string> | null;
    try {
      names = new Set(fs.readdirSync(dir));
    } catch {
      names = null;
    }
    dirs.set(dir, names);
  };
  const { lists, scripts } = pathLists(model);
  for (const entries of lists) {
    for (const entry of entries) {
      if (entry.startsWith('!')) continue;
      if (same.base(entry) !== undefined && !globChars.test(entry)) continue;
      if (!isDynamic(entry)) listDir(normalize(entry));
      else if (!globs.has(entry)) globs.set(entry, listGlob(model.root, entry));
    }
  }
  for (const s of scripts) listDir(s);
  return { dirs, globs };
}

/** The path lists of a model that resolve expands, and the test scripts whose existence it checks. */
function pathLists(model: Model): { lists: (readonly string[])[]; scripts: string[] } {
  const lists: (readonly string[])[] = [];
  const scripts: string[] = [];
  for (const t of model.targets) {
    switch (t.kind) {
      case 'executable':
      case 'object_set':
        lists.push(t.sources);
        break;
      case 'static_library':
      case 'shared_library':
        lists.push(t.sources, t.installHeaders ?? []);
        break;
      case 'action':
        lists.push(t.inputs ?? []);
        break;
      case 'test':
        lists.push(t.data ?? []);
        // A program with a "/" is a script path, not a target.
        if (typeof t.program === 'string' && t.program.includes('/')) scripts.push(normalize(t.program));
        break;
      case 'dependency':
        break;
    }
  }
  for (const entry of model.install) lists.push(entry.files);
  return { lists, scripts };
}

/** A glob's matches (sorted) and the directories they depend on: its base and, to the glob's depth, those below. */
function listGlob(root: string, pattern: string): GlobListing {
  const matches = fg.sync(pattern, { cwd: root, onlyFiles: true, unique: true }).sort();
  const watched: string[] = [];
  for (const task of fg.generateTasks([pattern])) {
    const base = task.base === '' ? '.' : task.base;
    watched.push(base);
    const recursive = pattern.includes('**');
    const depth = recursive ? Infinity : pattern.split('/').length - base.split('/').length - 1;
    if (depth <= 0) continue;
    for (const d of fg.sync(`${fg.escapePath(base)}/**`, { cwd: root, onlyDirectories: true, deep: depth })) watched.push(normalize(d));
  }
  return { matches, watched };
}
