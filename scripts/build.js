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
// Code splitting keeps the pipeline in a chunk that the fast path never loads.
fs.rmSync(path.join(root, 'dist', 'chunks'), { recursive: true, force: true });
await esbuild.build({
  ...common,
  entryPoints: { cli: 'lib/cli/entry.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // esbuild stays a package: it finds its own native binary relative to itself.
  external: ['esbuild'],
  define: { POGOGEN_VERSION: JSON.stringify(pkg.version) },
  banner: { js: "import { createRequire as __pogoCreateRequire } from 'node:module'; const require = __pogoCreateRequire(import.meta.url);" },
});
await esbuild.build({ ...common, entryPoints: ['lib/index.ts'], outfile: 'dist/index.js' });
// The command's first module as CommonJS, which Node loads faster: an unchanged re-run ends there.
await esbuild.build({
  ...common,
  format: 'cjs',
  entryPoints: ['lib/cli/bin.ts'],
  outfile: 'dist/cli.cjs',
  external: ['./cli.js'],
  define: { POGOGEN_VERSION: JSON.stringify(pkg.version), 'import.meta.url': '__pogoUrl' },
  banner: { js: "const __pogoUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// Types for editors: declarations of the public API only.
const tsc = require.resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '--declaration', '--emitDeclarationOnly', '--skipLibCheck', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--rewriteRelativeImportExtensions', '--allowImportingTsExtensions', '--strict', '--rootDir', '.', '--outDir', 'dist/types', 'lib/index.ts'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
