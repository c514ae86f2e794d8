// Deciding where each dependency comes from at generation time — the system (pkg-config) or a source build
// (cached or to be built) or absent — and saying why; fetching archives that a build will need.
import type { Diagnostic } from '../model/diagnostics.ts';
import type { Model, ModelTarget } from '../model/validate.ts';
import type { DependencyResolution } from '../resolve/graph.ts';
import { archiveSourceOf } from '../model/sources.ts';
import { builtEntry, verifyEntry } from './built.ts';
import type { LocalTree } from './local.ts';
import { pkgConfig, type SystemPackage } from './system.ts';

type DependencyTarget = Extract<ModelTarget, { kind: 'dependency' }>;

export interface SelectOptions {
  readonly cacheDir: string;
  readonly offline: boolean;
  /** The cache key of a recipe's build under the current profile and toolchain. */
  readonly keyOf: (t: DependencyTarget) => string;
  /** Fetches (or finds in the download cache) a recipe's archive; throws a FetchError with a clear message. */
  readonly fetch: (t: DependencyTarget) => Promise<string>;
  /**
   * Fills the local cache entry for `key` from a remote cache, verified; true when it did. Never throws: a remote
   * that is down or holds a bad entry is a warning, and the dependency is built here.
   */
  readonly fetchBuilt?: ((t: DependencyTarget, key: string, entry: string) => Promise<boolean>) | undefined;
  /** True when the archive is already in the download cache (for `--offline`). */
  readonly hasArchive: (t: DependencyTarget) => Promise<boolean>;
  /** The message of an earlier generation's failed download of the same archive from the same places, if any. */
  readonly failedBefore?: (t: DependencyTarget) => string | undefined;
  /** The vendored directories local recipe sources name, checked and hashed (lib/deps/local.ts), by target name. */
  readonly local?: ReadonlyMap<string, LocalTree>;
  readonly log: (line: string) => void;
  readonly probe?: (name: string) => SystemPackage | undefined;
}

/**
 * Where this generation took a dependency from. It depends on the machine (what pkg-config finds, what is cached,
 * the compiler), so it is printed and kept in out/<profile>/dependencies.json, never in pogogen.lock.
 */
export interface Resolved {
  readonly source: 'system' | 'source' | 'missing';
  readonly version?: string;
  readonly pkgConfig?: string;
  /** Cache key of the built result (source builds). */
  readonly key?: string;
  readonly why: string;
}

export interface Selected {
  readonly resolutions: Map<string, DependencyResolution>;
  /** Source builds: the archive to extract, or the vendored directory to copy (`local`), when not cached. */
  readonly builds: Map<string, { key: string; cached: boolean; archive?: string; local?: LocalTree; cacheEntry: string }>;
  readonly resolved: Map<string, Resolved>;
  /** One line per dependency: where it came from and why. */
  readonly report: string[];
  /** `auto` dependencies whose download failed, now or in the earlier generation remembered: the pin and why. */
  readonly failedDownloads: Map<string, { readonly urls: readonly string[]; readonly sha256: string; readonly message: string }>;
  readonly diagnostics: Diagnostic[];
}

/** One dependency being chosen: what each way tried said, and what was chosen. */
interface Choosing {
  readonly t: DependencyTarget;
  readonly feature: 'auto' | 'enabled' | 'disabled';
  readonly reasons: string[];
  chosen?: DependencyResolution;
}

export async function selectDependencies(model: Model, opts: SelectOptions): Promise<Selected> {
  const out: Selected = { resolutions: new Map(), builds: new Map(), resolved: new Map(), report: [], diagnostics: [], failedDownloads: new Map() };
  const probe = opts.probe ?? ((n: string) => pkgConfig(n, opts.log));
  for (const t of model.targets) {
    if (t.kind !== 'dependency') continue;
    const c: Choosing = { t, feature: t.feature ?? 'enabled', reasons: [] };
    const pkgName = t.pkgConfig ?? t.recipe?.provides.pkgConfig;
    const prefer = t.prefer ?? (pkgName !== undefined ? 'system' : 'source');
    if (c.feature !== 'disabled') {
      if (prefer === 'system') {
        if (!trySystem(c, pkgName, probe)) await trySource(c, opts, out);
      } else if (!(await trySource(c, opts, out))) trySystem(c, pkgName, probe);
    } else c.reasons.push('disabled');
    if (c.chosen === undefined) {
      if (c.feature === 'enabled') {
        out.diagnostics.push({ ...t.where(), path: t.fieldPath, message: `dependency "${t.name}" is required but not available: ${c.reasons.join('; ')}`, help: 'install it (e.g. the -dev package), give it a recipe, or make it optional with feature: \'auto\'' });
        continue;
      }
      c.chosen = { source: 'missing', why: c.reasons.join('; ') };
    }
    record(out, t, c.chosen);
  }
  return out;
}

/** From the system, through pkg-config. */
function trySystem(c: Choosing, pkgName: string | undefined, probe: (name: string) => SystemPackage | undefined): boolean {
  if (pkgName === undefined) {
    c.reasons.push('no pkg-config name');
    return false;
  }
  const found = probe(pkgName);
  if (found === undefined) {
    c.reasons.push(`pkg-config does not find ${pkgName}`);
    return false;
  }
  c.chosen = { source: 'system', why: `pkg-config ${pkgName} ${found.version}`, pkgConfig: pkgName, version: found.version, cflags: found.cflags, ldflags: found.ldflags };
  return true;
}

/** From source: the built result cached (locally, else remotely), else the archive fetched to build it. */
async function trySource(c: Choosing, opts: SelectOptions, out: Selected): Promise<boolean> {
  const { t } = c;
  if (t.recipe === undefined) {
    c.reasons.push('no recipe to build it from source');
    return false;
  }
  const key = opts.keyOf(t);
  const entry = builtEntry(opts.cacheDir, key);
  const local = opts.local?.get(t.name);
  const from = local === undefined ? 'from source' : `from ${local.rel}`;
  const cached = (where: string): boolean => {
    c.chosen = { source: 'source', why: `${t.recipe!.name} ${t.recipe!.version} ${from}, built result ${where}`, recipe: t.recipe! };
    out.builds.set(t.name, { key, cached: true, cacheEntry: entry });
    return true;
  };
  if (verifyEntry(entry)) return cached('cached');
  if (!opts.offline && opts.fetchBuilt !== undefined && (await opts.fetchBuilt(t, key, entry)) && verifyEntry(entry)) return cached('from the remote cache');
  const pin = archiveSourceOf(t.recipe);
  if (pin === undefined) {
    // A vendored directory of the project: nothing to download, offline or not (its tree was hashed for the key).
    if (local === undefined) throw new Error(`${t.name}: its local source was not read`);
    c.chosen = { source: 'source', why: `${t.recipe.name} ${t.recipe.version} ${from}`, recipe: t.recipe };
    out.builds.set(t.name, { key, cached: false, local, cacheEntry: entry });
    return true;
  }
  if (opts.offline && !(await opts.hasArchive(t))) {
    c.reasons.push(`--offline and ${t.recipe.name} ${t.recipe.version} is not in the cache`);
    return false;
  }
  const failed = (message: string): void => void out.failedDownloads.set(t.name, { urls: pin.urls, sha256: pin.sha256, message });
  // An optional dependency does without a download that failed before: trying again on every generation
  // would only wait on the network again. A required one is an error anyway, and is tried each time.
  const before = c.feature === 'auto' ? opts.failedBefore?.(t) : undefined;
  if (before !== undefined && !(await opts.hasArchive(t))) {
    failed(before);
    c.reasons.push(`its download failed before and is not tried again; \`pogogen fetch\` does`);
    return false;
  }
  try {
    const archive = await opts.fetch(t);
    c.chosen = { source: 'source', why: `${t.recipe.name} ${t.recipe.version} from source`, recipe: t.recipe };
    out.builds.set(t.name, { key, cached: false, archive, cacheEntry: entry });
    return true;
  } catch (err) {
    const message = (err as Error).message;
    if (c.feature !== 'auto') c.reasons.push(message);
    else {
      failed(message);
      c.reasons.push(`${message}; not tried again until its pin, POGOGEN_MIRRORS or --offline change (\`pogogen fetch\` tries now)`);
    }
    return false;
  }
}

/** The choice made for `t`, in the three places it is reported: the resolution, dependencies.json, the printed line. */
function record(out: Selected, t: DependencyTarget, chosen: DependencyResolution): void {
  out.resolutions.set(t.name, chosen);
  const r = t.recipe;
  const build = out.builds.get(t.name);
  out.resolved.set(t.name, {
    source: chosen.source,
    ...(chosen.source === 'system' ? { version: chosen.version, pkgConfig: chosen.pkgConfig } : {}),
    ...(chosen.source === 'source' && r !== undefined ? { version: r.version } : {}),
    ...(build === undefined ? {} : { key: build.key }),
    why: chosen.why,
  });
  const defines = t.ifMissing?.defines;
  const extra = chosen.source === 'missing' && t.ifMissing !== undefined ? ` → ${[...(defines === undefined ? [] : Array.isArray(defines) ? defines.map((d) => `-D${d}`) : Object.keys(defines).map((d) => `-D${d}`))].join(' ')}` : '';
  out.report.push(`dependency ${t.name}: ${chosen.source === 'missing' ? 'absent' : chosen.source} (${chosen.why})${extra}`);
}
