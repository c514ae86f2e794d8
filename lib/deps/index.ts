// The public API of lib/deps' fetching half: fetch a pinned archive into the cache, extract it safely, and the errors.
export { fetchArchive } from './fetch.ts';
export type { Fetched, FetchOptions, Pin } from './fetch.ts';
export { extractArchive } from './extract.ts';
export type { Extracted, ExtractOptions } from './extract.ts';
export { hashTree } from './treehash.ts';
export type { TreeDigest } from './treehash.ts';
export { mirrorUrl } from './mirrors.ts';
export { progressBar, renderBar } from './progress.ts';
export type { ProgressBar } from './progress.ts';
export { ExtractError, FetchError } from './errors.ts';
