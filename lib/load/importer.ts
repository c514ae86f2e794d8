// How the description's bundle is imported. The pipeline runs as CommonJS compiled through vm.Script (so that its
// compiled code can be cached, lib/cli/code-cache.ts), where a bare `import()` has no loader to call without an
// experimental flag: the command's first module, an ordinary CommonJS module, lends its own `import()` instead.
// Run from source (the tests), the default below is a plain dynamic import.

const key = Symbol.for('pogogen.importModule');

type Importer = (url: string) => Promise<unknown>;

/** Imports an ES module by URL: the importer the command's first module lent, or this module's own. */
export function importModule(url: string): Promise<unknown> {
  const lent = (globalThis as Record<symbol, Importer | undefined>)[key];
  return lent === undefined ? import(url) : lent(url);
}

/** Lends `importer` to the pipeline (called by the command's first module before it runs the pipeline). */
export function lendImporter(importer: Importer): void {
  (globalThis as Record<symbol, Importer | undefined>)[key] = importer;
}
