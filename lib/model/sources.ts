// A recipe's source, read without loading zod (the dependency planner and `pogogen dep-step` need it): a pinned
// archive or a directory of the project, and the small facts that follow from which one it is.
import path from 'node:path';
import type { RecipeInput } from './schema.ts';

/** A recipe's pinned archive. */
export type ArchiveSourceInput = Extract<RecipeInput['source'], { urls: unknown }>;
/** A recipe's directory of the project (a vendored tree). */
export type LocalSourceInput = Extract<RecipeInput['source'], { path: unknown }>;
/** The vendored directory a recipe builds from, or undefined for a pinned archive. */
export const localSourceOf = (r: RecipeInput): LocalSourceInput | undefined => ('path' in r.source ? r.source : undefined);
/** The pinned archive a recipe builds from, or undefined for a local directory. */
export const archiveSourceOf = (r: RecipeInput): ArchiveSourceInput | undefined => ('urls' in r.source ? r.source : undefined);
/** Leading components stripped when the source is extracted: 1 by default for an archive, none for a directory copied as it is. */
export const stripOf = (r: RecipeInput): number => archiveSourceOf(r)?.strip ?? ('urls' in r.source ? 1 : 0);

/** A local source's directory as written to the lock and used as a path: normalised, no trailing `/`. */
export const normalLocalPath = (p: string): string => path.posix.normalize(p).replace(/\/+$/, '');
