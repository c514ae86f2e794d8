// Module load hooks (see register.mjs): .ts files become ES modules compiled by esbuild, with inline source maps
// so failures point at the TypeScript lines. Each compiled file is kept under node_modules/.cache/, keyed by its
// path and text: tap runs every test file in a process of its own, and all of them import much the same lib/ files,
// so the suite compiles each file once, and a process whose files are all cached never starts esbuild (about half a
// second of CPU per process, measured).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const options = { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline' };
const cacheDir = path.join(fileURLToPath(new URL('../../node_modules/.cache/pogogen-test-loader/', import.meta.url)));
let esbuild;

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !/\.[cm]?ts$/.test(new URL(url).pathname)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const text = fs.readFileSync(file, 'utf8');
  esbuild ??= { version: JSON.parse(fs.readFileSync(new URL('../../node_modules/esbuild/package.json', import.meta.url), 'utf8')).version };
  const key = createHash('sha256').update(JSON.stringify([esbuild.version, options, file])).update('\0').update(text).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return { format: 'module', source: fs.readFileSync(cached, 'utf8'), shortCircuit: true };
  } catch {
    // not compiled yet
  }
  esbuild.transform ??= (await import('esbuild')).transform;
  const { code } = await esbuild.transform(text, { ...options, sourcefile: file });
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${cached}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, code);
  fs.renameSync(tmp, cached);
  return { format: 'module', source: code, shortCircuit: true };
}
