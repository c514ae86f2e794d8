// The user-facing description API, continued: dependencies and the recipes that build them from source (their
// pinned sources, build kinds and what they provide). Re-exported by api.ts; types only.
import type { Settings, FeatureState } from './api.ts';

/** Where a dependency's source comes from: one or more URLs of the same archive, pinned by hash. */
export interface SourcePin {
  /** Download URLs, tried in order (after any mirrors). */
  readonly urls: readonly string[];
  /** sha256 of the archive file, lower-case hex. */
  readonly sha256: string;
  /** Optional sha256 of the extracted tree (survives re-compression of the same tree). */
  readonly treeSha256?: string;
  /** Leading path components to strip when extracting (default 1: `name-1.2/` goes). */
  readonly strip?: number;
}

/**
 * A dependency's source that is a directory of the project itself: a vendored tree (`deps/libfoo`,
 * `third_party/zlib`) built by its own build. Nothing is downloaded; the tree is copied into the dependency's work
 * directory under out/ and built there, so the vendored directory is never written to. The cache key comes from a
 * hash of the tree's contents: editing a file under it rebuilds the dependency, an unchanged tree is a cache hit.
 */
export interface LocalSource {
  /** The directory, relative to the project root (the directory of build.pogo.ts), inside it, e.g. `'deps/libfoo'`. */
  readonly path: string;
}

/** Built with the project's own Makefile: `make` then `make install PREFIX=...`. */
export interface MakeBuild {
  /** Built with `make` then `make install`. */
  readonly kind: 'make';
  /** Extra arguments for every make invocation, e.g. `['NO_SHARED=1']`. */
  readonly args?: readonly string[];
  /** What to build (default: make's default goal). */
  readonly buildTargets?: readonly string[];
  /** What installs (default `['install']`). */
  readonly installTargets?: readonly string[];
  /** Variable naming the install prefix (default `PREFIX`); also passed as `DESTDIR`-free absolute prefix. */
  readonly prefixVariable?: string;
  /** Run configure-like preparation first (e.g. liburing's `./configure`), without autotools flags. */
  readonly configure?: readonly string[];
}

/** `./configure --prefix=... && make && make install`: autotools, or OpenSSL's `./Configure`. */
export interface ConfigureBuild {
  /** Built with a configure script, then make. */
  readonly kind: 'configure';
  /** `autotools` (default) or `openssl` (Configure with `--prefix`, `--libdir=lib`, flags as arguments). */
  readonly style?: 'autotools' | 'openssl';
  /** The script, relative to the source (default `configure`, or `Configure` for openssl). */
  readonly script?: string;
  /** Arguments for the configure script. */
  readonly args?: readonly string[];
  /** Extra arguments for every make run after configuring (build and install), e.g. a variable override. */
  readonly makeArgs?: readonly string[];
  /** What to build (default: make's default goal). */
  readonly buildTargets?: readonly string[];
  /** What installs (default `['install']`). */
  readonly installTargets?: readonly string[];
}

/** CMake: configure with Ninja or Makefiles, build, install. */
export interface CmakeBuild {
  /** Built with CMake. */
  readonly kind: 'cmake';
  /** Extra `-D` arguments. */
  readonly args?: readonly string[];
  /** Build only these targets (default: all). */
  readonly targets?: readonly string[];
}

/** Meson: setup, compile, install. */
export interface MesonBuild {
  /** Built with Meson. */
  readonly kind: 'meson';
  /** Extra arguments for `meson setup`, e.g. `['-Dtests=false']`. */
  readonly args?: readonly string[];
}

/** What an installed dependency gives its dependents. Paths are relative to its install prefix. */
export interface Provides {
  /** Static libraries by name: `['uring']` → `lib/liburing.a`. */
  readonly staticLibs?: readonly string[];
  /** Shared libraries by name: `['ssl']` → `lib/libssl.so`. */
  readonly sharedLibs?: readonly string[];
  /** Include directories (default `['include']`). */
  readonly includeDirs?: readonly string[];
  /** The pkg-config name of the same library on the system, for `prefer: 'system'`. */
  readonly pkgConfig?: string;
  /** System libraries the library needs: `['pthread', 'dl']`. */
  readonly libs?: readonly string[];
  /** Defines for code that uses it. */
  readonly defines?: readonly string[];
}

/** A third-party library: pinned source, how to build it, what it provides (third_party/<name>.ts). */
export interface RecipeSpec {
  /** The library's name: its directories under `out/<profile>/deps/` and its cache entries carry it. */
  readonly name: string;
  /**
   * The upstream version the pin is of, e.g. `'3.5.2'` (recorded in pogogen.lock and shown in reports); for a
   * local source, whatever names the vendored copy (`'vendored'`, `'2.1-patched'`).
   */
  readonly version: string;
  /** The pinned archive, or a directory of the project (`{ path: 'deps/libfoo' }`, a vendored tree). */
  readonly source: SourcePin | LocalSource;
  /** How the library is built and installed. */
  readonly build: MakeBuild | ConfigureBuild | CmakeBuild | MesonBuild;
  /**
   * Headers staged into the install prefix before the library builds, so objects that include them compile
   * meanwhile (links still wait for the libraries): optional commands run in the source tree (`make` ones share
   * the job budget), then files or directories (their `*.h`) copied from the source tree (`{build}/...`: the
   * build directory) to prefix-relative places. Must be a subset of what the install writes; checked.
   */
  readonly headers?: {
    /** After which phase the headers are complete (default `configure`). */
    readonly after?: 'extract' | 'configure';
    /** Commands (argv arrays) run in the source tree first, e.g. one that generates a header. */
    readonly run?: readonly (readonly string[])[];
    /** What to copy. */
    readonly copy: readonly {
      /** A file or directory in the source tree (`{build}/…`: in the build directory). */
      readonly from: string;
      /** Where it goes, relative to the install prefix, e.g. `include/liburing`. */
      readonly to: string;
    }[];
  };
  /** What the installed library gives its dependents. */
  readonly provides: Provides;
}

/**
 * A dependency of the project: found on the system with pkg-config, or built from a recipe, by preference with
 * fallback. As a `feature` it may be absent; then `ifMissing` settings (e.g. `{ defines: ['NOURING'] }`) apply
 * to its dependents instead.
 */
export interface DependencySpec {
  /** Set by the `dependency()` helper. */
  readonly kind: 'dependency';
  /** The target name that other targets list in `deps`. */
  readonly name: string;
  /** How to build it from source (a shipped one: `recipes.openssl`); without one it can only come from the system. */
  readonly recipe?: RecipeSpec;
  /** pkg-config name to look for on the system (default: the recipe's `provides.pkgConfig`). */
  readonly pkgConfig?: string;
  /** Try the system or the source first (default `system` when a pkg-config name is known). */
  readonly prefer?: 'system' | 'source';
  /** `enabled` (default): it must be found or built; `auto`: absent is fine; `disabled`: never used. */
  readonly feature?: FeatureState;
  /** Settings given to dependents when the dependency is absent. */
  readonly ifMissing?: Settings;
  /**
   * Settings given to dependents when the dependency is found (from the system or built), e.g.
   * `{ defines: ['USE_JEMALLOC'] }` for code that checks `#ifdef USE_JEMALLOC`: the counterpart of `ifMissing`.
   */
  readonly ifFound?: Settings;
  /**
   * What a source build takes from the profile beyond its optimisation level, `-march`/`-mtune`, `NDEBUG` and
   * frame pointers (always inherited). By default a dependency is built without LTO, sanitizers or coverage and
   * with line tables only, so it is built once, links fast and every relink optimises only the project's code.
   */
  readonly inherit?: DependencyInherit;
  /** Build it on a plain `ninja` even when nothing needs it (default false). */
  readonly default?: boolean;
}

/** Per-dependency opt-ins to the profile's heavier flags (see `DependencySpec.inherit`). */
export interface DependencyInherit {
  /** Compile it with the profile's LTO flags, so the final link optimises across it too (default false). */
  readonly lto?: boolean;
  /** Instrument it with the profile's sanitizers (default false). */
  readonly sanitize?: boolean;
  /** Instrument it for the profile's coverage (default false). */
  readonly coverage?: boolean;
  /** Debug info: `lines` (default; `-g1`, file:line in backtraces), `full` (the profile's own `-g` flags), `none`. */
  readonly debug?: 'full' | 'lines' | 'none';
}
