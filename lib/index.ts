// The public API of pogogen for build.pogo.ts: types and helpers, re-exported only.
export { action, defineBuild, dependency, executable, objectSet, option, recipe, sharedLibrary, staticLibrary, test } from './model/api.ts';
export type * from './model/api.ts';
export * as recipes from '../third_party/index.ts';
