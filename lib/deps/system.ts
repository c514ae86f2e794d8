// Looking a dependency up on the system with pkg-config: version, compile flags and link flags.
import { spawnSync } from 'node:child_process';
import { splitWords } from '../backends/shell.ts';

export interface SystemPackage {
  readonly version: string;
  readonly cflags: string[];
  readonly ldflags: string[];
}

/** The package as pkg-config knows it, or undefined when pkg-config is missing or does not know it. */
export function pkgConfig(name: string, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): SystemPackage | undefined {
  const run = (args: string[]): string | undefined => {
    log(`pkg-config ${args.join(' ')}`);
    const r = spawnSync(env.PKG_CONFIG ?? 'pkg-config', args, { encoding: 'utf8', env });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const version = run(['--modversion', name]);
  if (version === undefined) return undefined;
  const cflags = run(['--cflags', name]) ?? '';
  const libs = run(['--libs', name]) ?? '';
  return { version, cflags: splitWords(cflags), ldflags: splitWords(libs) };
}
