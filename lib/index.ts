// The public API of pogogen for build.pogo.ts: types and helpers, re-exported only.
export { action, defineBuild, executable, objectSet, option, sharedLibrary, staticLibrary } from './model/api.ts';
export type * from './model/api.ts';
