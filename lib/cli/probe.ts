// Finding out which C compiler `CC` names (family and version) once, cached by the compiler binary's identity,
// and locating the tools that go with it (LTO archiver, npm's ninja; which ninja runs a tree is lib/cli/ninja.ts).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Toolchain } from '../model/validate.ts';
import { which } from './which.ts';

export interface ProbedToolchain extends Toolchain {
  readonly ltoAr?: readonly string[];
  readonly profdata?: readonly string[];
}

export { npmNinja, which } from './which.ts';

export class ProbeError extends Error {}

/** Bump when the probed facts change shape, so older cache files are not read. */
const PROBE_VERSION = 1;

/**
 * Family and version of the compiler `cc` (argv, e.g. ['gcc'] or ['ccache', 'clang']). The answer is cached in
 * `cacheDir` (the user's pogogen cache: a compiler is the same for every project and build directory) under the
 * hash of the command, the binary's real path, size and mtime and PATH, as ccache checks a compiler: a generation
 * from a clean tree spawns nothing, and an upgraded compiler is probed again.
 */
export function probeCompiler(cc: readonly string[], cacheDir: string, log: (line: string) => void, envPath: string = process.env.PATH ?? ''): ProbedToolchain {
  const exe = which(cc[0]!, envPath);
  if (exe === undefined) throw new ProbeError(`C compiler "${cc.join(' ')}" not found on PATH`);
  const compilerExe = cc.length > 1 ? (which(cc[cc.length - 1]!, envPath) ?? exe) : exe;
  const real = fs.realpathSync(compilerExe);
  const st = fs.statSync(real);
  const key = JSON.stringify([PROBE_VERSION, cc, compilerExe, real, st.size, st.mtimeMs, envPath]);
  const cacheFile = path.join(cacheDir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { key: string; toolchain: ProbedToolchain };
    if (cached.key === key) return cached.toolchain;
  } catch {
    // no cache yet
  }
  const args = [...cc.slice(1), '-E', '-dM', '-x', 'c', '/dev/null'];
  log(`probe: ${[exe, ...args].join(' ')}`);
  let out: string;
  try {
    out = execFileSync(exe, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new ProbeError(`C compiler "${cc.join(' ')}" failed to run: ${(err as Error).message.split('\n')[0]}`);
  }
  const macro = (name: string): string | undefined => new RegExp(`^#define ${name} (.*)$`, 'm').exec(out)?.[1];
  let toolchain: ProbedToolchain;
  if (macro('__clang__') !== undefined) {
    const major = macro('__clang_major__') ?? '0';
    const version = `${major}.${macro('__clang_minor__') ?? 0}.${macro('__clang_patchlevel__') ?? 0}`;
    const ar = which('llvm-ar', envPath) ?? which(`llvm-ar-${major}`, envPath);
    const profdata = which('llvm-profdata', envPath) ?? which(`llvm-profdata-${major}`, envPath);
    toolchain = { family: 'clang', version, cc: [...cc], ...(ar === undefined ? {} : { ltoAr: [path.basename(ar)] }), ...(profdata === undefined ? {} : { profdata: [path.basename(profdata)] }) };
  } else if (macro('__GNUC__') !== undefined) {
    const version = `${macro('__GNUC__')}.${macro('__GNUC_MINOR__') ?? 0}.${macro('__GNUC_PATCHLEVEL__') ?? 0}`;
    toolchain = { family: 'gcc', version, cc: [...cc] };
  } else {
    throw new ProbeError(`C compiler "${cc.join(' ')}" is neither gcc nor clang; pogogen has rules for those two`);
  }
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ key, toolchain }));
    fs.renameSync(tmp, cacheFile);
  } catch {
    // A read-only cache only costs the next run a probe.
  }
  return toolchain;
}

