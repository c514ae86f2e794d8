// How a generation fetches dependency archives and built results: the environment's mirrors, download limits,
// proxies and remote cache, made into the options lib/deps/fetch.ts and lib/deps/select.ts take.
import type { RecipeInput } from '../model/schema.ts';
import { archiveSourceOf } from '../model/sources.ts';
import { DiagnosticsError } from '../model/diagnostics.ts';
import { defaultCacheDir } from '../deps/built.ts';
import { progressBar } from '../deps/progress.ts';
import { mirrorBases } from '../deps/mirrors.ts';
import { downloadLimits } from '../deps/limits.ts';
import { proxyEnv } from '../deps/proxy.ts';
import type { FetchOptions } from '../deps/fetch.ts';
import type { CliArgs } from './args.ts';
import type { Cli, Env } from './context.ts';

/** The pinned archive of a dependency whose recipe has one (a local source has none: never asked for). */
export function pinOf(t: { recipe?: RecipeInput }): { urls: string[]; sha256: string; name: string } {
  const pin = archiveSourceOf(t.recipe!);
  if (pin === undefined) throw new Error(`${t.recipe!.name}: a local source has no archive to fetch`);
  return { urls: [...pin.urls], sha256: pin.sha256, name: t.recipe!.name };
}

type RemoteCache = import('../deps/remote.ts').RemoteCache;
export type Fetching = FetchOptions & { cacheDir: string; env: Env; remoteCache: () => Promise<RemoteCache | undefined>; remoteUrl: string | undefined };

/**
 * How archives are fetched in this run: the environment's mirrors, limits, proxies and remote cache; a bar on a
 * terminal only. The remote cache's setting (POGOGEN_REMOTE_CACHE) is checked now, since its URL is recorded for
 * regeneration and must hold no credential; its client is made when a dependency first needs it, and never used
 * under --offline.
 */
export async function fetchOptions(args: CliArgs, cli: Cli, log: (line: string) => void): Promise<Fetching> {
  const env = cli.env;
  const remoteConfig = env.POGOGEN_REMOTE_CACHE?.trim() ? await readRemoteConfig(env) : undefined;
  let remote: RemoteCache | undefined;
  const remoteCache = async (): Promise<RemoteCache | undefined> => {
    if (args.offline || remoteConfig === undefined) return undefined;
    if (remote === undefined) {
      log(`remote cache: ${remoteConfig.url} (${remoteConfig.token === undefined ? 'read only: no POGOGEN_REMOTE_CACHE_TOKEN' : 'read and write'})`);
      const opts = { warn: (m: string) => cli.io.err(`pogogen: warning: ${m}\n`), log, proxy: proxyEnv(env), get limits() { return downloadLimits(env); } };
      remote = new (await import('../deps/remote.ts')).RemoteCache(remoteConfig, opts);
    }
    return remote;
  };
  const bar = process.stderr.isTTY ? progressBar('download', process.stderr) : undefined;
  const progress =
    bar === undefined
      ? undefined
      : (received: number, total?: number): void => {
          bar.update(received, total);
          if (total !== undefined && received >= total) bar.done();
        };
  return { cacheDir: defaultCacheDir(env), offline: args.offline, log, mirrors: mirrorBases(undefined, env.POGOGEN_MIRRORS), proxy: proxyEnv(env), env, remoteCache, remoteUrl: remoteConfig?.url, ...(progress === undefined ? {} : { progress }) };
}

/** POGOGEN_REMOTE_CACHE and its token, checked; a bad setting is a diagnostic naming the variable. */
async function readRemoteConfig(env: Env): Promise<import('../deps/remote.ts').RemoteCacheConfig | undefined> {
  const { remoteCacheConfig } = await import('../deps/remote.ts');
  try {
    return remoteCacheConfig(env);
  } catch (err) {
    throw new DiagnosticsError([{ file: '<environment>', path: '', message: (err as Error).message }]);
  }
}

/**
 * The network and archive code loads only when a dependency's archive is asked for; the download limits are read
 * then too (a bad POGOGEN_MAX_DOWNLOAD is an error for a project that downloads, not for every project).
 */
export async function fetchArchive(pin: Parameters<typeof import('../deps/fetch.ts').fetchArchive>[0], opts: Fetching): ReturnType<typeof import('../deps/fetch.ts').fetchArchive> {
  const { env, remoteCache, remoteUrl: _, ...rest } = opts;
  const remote = opts.offline === true ? undefined : await remoteCache();
  return (await import('../deps/fetch.ts')).fetchArchive(pin, { ...downloadLimits(env), ...rest, remote });
}
