// Builds dist/: the CLI bundled into one file (fast start-up: one module to load), the API module that
// build.pogo.ts imports as 'pogogen', and its .d.ts types for editors.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const esbuild = await import('esbuild');

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', absWorkingDir: root };
// The CommonJS files of the command: `import.meta.url` from their own file, and no import() of their own (see below).
const cjs = {
  ...common,
  format: 'cjs',
  supported: { 'dynamic-import': false },
  define: { POGOGEN_VERSION: JSON.stringify(pkg.version), 'import.meta.url': '__pogoUrl' },
  banner: { js: "const __pogoUrl = require('node:url').pathToFileURL(__filename).href;" },
};
// The layout of earlier builds (the pipeline as ES module chunks) goes.
fs.rmSync(path.join(root, 'dist', 'chunks'), { recursive: true, force: true });
// The pipeline: one CommonJS file, which the command's first module compiles through vm.Script with V8's code cache
// (lib/cli/code-cache.ts). Its import()s of its own modules are inlined; the one of esbuild becomes a require(),
// since code run by vm.Script has no import() of its own (the description's bundle is imported through the first
// module's, lib/load/importer.ts).
await esbuild.build({
  ...cjs,
  entryPoints: ['lib/cli/entry.ts'],
  outfile: 'dist/pipeline.cjs',
  // esbuild stays a package: it finds its own native binary relative to itself.
  external: ['esbuild'],
});
await esbuild.build({ ...common, entryPoints: ['lib/index.ts'], outfile: 'dist/index.js' });
// `pogogen build` with nothing to generate: ninja run by a module of its own (about 50 KB), without the pipeline.
await esbuild.build({ ...cjs, entryPoints: ['lib/cli/build.ts'], outfile: 'dist/build.cjs' });
// The command's first module as CommonJS, which Node loads faster: an unchanged re-run ends there.
// (Its own import() stays: it lends it to the pipeline.)
await esbuild.build({ ...cjs, supported: {}, entryPoints: ['lib/cli/bin.ts'], outfile: 'dist/cli.cjs' });
// dist/cli.js, the command ninja's regeneration and the tests run (and the fast path's key): the first module again.
writeIfChanged(
  path.join(root, 'dist', 'cli.js'),
  "// The command as build.ninja's regeneration runs it: the CommonJS first module (dist/cli.cjs) does everything.\nimport { createRequire } from 'node:module';\n\ncreateRequire(import.meta.url)('./cli.cjs');\n",
);

function writeIfChanged(file, text) {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return;
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}

// Types for editors: declarations of the public API only.
const tsc = require.resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '--declaration', '--emitDeclarationOnly', '--skipLibCheck', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--rewriteRelativeImportExtensions', '--allowImportingTsExtensions', '--strict', '--rootDir', '.', '--outDir', 'dist/types', 'lib/index.ts'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
