// The user-facing description API: the types a build.pogo.ts is written against and the identity helpers that give
// editors full completion. Nothing here touches disk; helpers only build plain data and remember where they were called.

/** A compiler family pogogen knows flags for. */
export type CompilerFamily = 'gcc' | 'clang';

/** Host/target operating system, as Node's `process.platform` names it. */
export type Platform = 'linux' | 'darwin' | 'freebsd' | 'openbsd' | 'netbsd' | 'sunos' | 'aix' | 'win32';

/** Sanitizers a profile may switch on; compile and link flags are kept consistent by pogogen. */
export type Sanitizer = 'address' | 'undefined' | 'thread' | 'leak' | 'memory';

/** Preprocessor defines: `['FOO', 'BAR=1']` or `{ FOO: true, BAR: 1, NAME: 'x' }` (`false` leaves it out). */
export type Defines = readonly string[] | Readonly<Record<string, string | number | boolean>>;

/**
 * Settings that describe how code is compiled and linked. On a target the top-level fields are private to it;
 * the same fields under `public` also apply to every target that depends on it (GN public_configs,
 * CMake PUBLIC).
 */
export interface Settings {
  /** Extra compiler flags, e.g. `['-Wshadow']`. */
  readonly cflags?: readonly string[];
  /** Preprocessor defines. */
  readonly defines?: Defines;
  /** Include directories, relative to the directory of build.pogo.ts. */
  readonly includeDirs?: readonly string[];
  /** Extra linker flags, e.g. `['-Wl,--as-needed']`. */
  readonly ldflags?: readonly string[];
  /** System libraries to link, without `-l`: `['m', 'pthread']`. */
  readonly libs?: readonly string[];
}

/** Sources: paths and globs relative to build.pogo.ts; a leading `!` excludes (micromatch syntax). */
export type Sources = readonly string[];

/** Something a target may depend on: another target object, or its name. */
export type DepRef = string | TargetSpec;

interface TargetCommon extends Settings {
  /** Target name: unique, used for `ninja <name>` and in other targets' `deps`. */
  readonly name: string;
  /** Dependencies: their public settings apply to this target, and their libraries are linked into it. */
  readonly deps?: readonly DepRef[];
  /**
   * Dependencies whose public settings are re-exported to this target's dependents as well
   * (GN `public_deps`, CMake `target_link_libraries(... PUBLIC ...)`).
   */
  readonly publicDeps?: readonly DepRef[];
  /** Settings applied to this target and to every target depending on it. */
  readonly public?: Settings;
  /** Build this target by a plain `ninja` (default true for executables and libraries). */
  readonly default?: boolean;
}

interface CompiledTarget extends TargetCommon {
  /** C sources: paths and globs relative to build.pogo.ts; a leading `!` excludes. */
  readonly sources: Sources;
  /** Install it with `ninja install` (executables to bindir, libraries to libdir). */
  readonly install?: boolean;
}

/** What a library installs besides itself: public headers and a generated pkg-config file. */
interface LibraryInstall {
  /** Public headers copied to includedir (paths relative to build.pogo.ts; globs allowed). */
  readonly installHeaders?: readonly string[];
  /** Subdirectory of includedir for the headers, e.g. `'mylib'` for `#include <mylib/x.h>`. */
  readonly headersSubdir?: string;
  /** Write `<libdir>/pkgconfig/<name>.pc` on install. */
  readonly pkgConfig?: {
    /** The `.pc` file's name and its `Name:` (default: the library's name). */
    readonly name?: string;
    /** Its `Description:` line. */
    readonly description?: string;
    /** Packages its users also need (`Requires:`), e.g. `['openssl >= 3']`. */
    readonly requires?: readonly string[];
  };
}

/** An executable, written to `out/<profile>/bin/<name>`. */
export interface ExecutableSpec extends CompiledTarget {
  /** Set by the `executable()` helper. */
  readonly kind: 'executable';
  /**
   * Profile-guided optimisation: in a profile with `pgo: true`, an instrumented build of this program (and the
   * static libraries it links) runs these trainings, and the final build uses the profile they recorded.
   */
  readonly pgo?: {
    /** The training runs, one after another; each must exit 0. */
    readonly training: readonly {
      /** Arguments of this run (`{root}` is the project directory). */
      readonly args?: readonly string[];
      /** Environment variables added for this run. */
      readonly env?: Readonly<Record<string, string>>;
    }[];
  };
  /** Output file name if not the target name. */
  readonly output?: string;
}

/** A static library, written to `out/<profile>/lib/lib<name>.a`. */
export interface StaticLibrarySpec extends CompiledTarget, LibraryInstall {
  /** Set by the `staticLibrary()` helper. */
  readonly kind: 'static_library';
  /** Output base name if not the target name (`lib<output>.a`). */
  readonly output?: string;
  /** Compile position-independent code so the library can go into shared libraries (default true). */
  readonly pic?: boolean;
}

/** A shared library, written to `out/<profile>/lib/lib<name>.so` (plus versioned names when `version` is set). */
export interface SharedLibrarySpec extends CompiledTarget, LibraryInstall {
  /** Set by the `sharedLibrary()` helper. */
  readonly kind: 'shared_library';
  /** Output base name if not the target name (`lib<output>.so`). */
  readonly output?: string;
  /** Library version `MAJOR.MINOR.PATCH`: the file is `lib<name>.so.<version>` with symlinks. */
  readonly version?: string;
  /** The soname; default `lib<name>.so.<MAJOR>` when `version` is set, else `lib<name>.so`. */
  readonly soname?: string;
}

/** Objects compiled once and linked directly into every dependent (GN `source_set`). */
export interface ObjectSetSpec extends CompiledTarget {
  /** Set by the `objectSet()` helper. */
  readonly kind: 'object_set';
}

/**
 * A command that produces files, e.g. a generated header. Outputs live in `out/<profile>/gen/`; targets that depend
 * on the action get that directory on their include path and compile only after the action ran.
 */
export interface ActionSpec {
  /** Set by the `action()` helper. */
  readonly kind: 'action';
  /** The target name, unique in the project; `ninja <name>` runs the action. */
  readonly name: string;
  /**
   * The command as an argv array (no shell). Placeholders: `{in}` (the inputs), `{out}` (the outputs),
   * `{out:N}` (the Nth output), `{gen}` (the gen directory), `{root}` (the project directory).
   */
  readonly command: readonly string[];
  /** Files the command reads, relative to build.pogo.ts (globs allowed); a change re-runs the action. */
  readonly inputs?: readonly string[];
  /** Files the command writes, relative to `out/<profile>/gen/`. */
  readonly outputs: readonly string[];
  /** Targets that must be built before the command runs (e.g. a generator tool). */
  readonly deps?: readonly DepRef[];
  /** Text shown by ninja while the command runs. */
  readonly description?: string;
  /** Run on a plain `ninja` even when nothing needs it (default false). */
  readonly default?: boolean;
}

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
  /** The upstream version the pin is of, e.g. `'3.5.2'` (recorded in pogogen.lock and shown in reports). */
  readonly version: string;
  /** The pinned archive. */
  readonly source: SourcePin;
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

/**
 * A test: a program run by `pogogen test` / `ninja test`, passing when it exits 0 (or non-zero with
 * `shouldFail`). `program` is an executable target (object or name) or a script path containing a `/`.
 */
export interface TestSpec {
  /** Set by the `test()` helper. */
  readonly kind: 'test';
  /** The test's name, unique in the project: how `pogogen test` reports it (TAP, JUnit). */
  readonly name: string;
  /** What runs: an executable target (the object or its name), or a script path containing a `/`. */
  readonly program: DepRef;
  /** Arguments; `{path:NAME}` is the output of target NAME, `{root}` the project directory. */
  readonly args?: readonly string[];
  /** Environment variables added for the run (`{path:NAME}` and `{root}` are expanded as in `args`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory relative to build.pogo.ts (default: the project directory). */
  readonly cwd?: string;
  /** Seconds before the test is killed and counted as failed (default 30). */
  readonly timeout?: number;
  /** Suites for `pogogen test --suite NAME`. */
  readonly suites?: readonly string[];
  /** The test passes when the program fails. */
  readonly shouldFail?: boolean;
  /** Run alone, never beside other tests (default false). */
  readonly exclusive?: boolean;
  /** Targets that must be built first (the program's own target is implied). */
  readonly deps?: readonly DepRef[];
  /** Data files the test reads (relative to build.pogo.ts); a change re-runs nothing by itself but must exist. */
  readonly data?: readonly string[];
}

export type TargetSpec = ExecutableSpec | StaticLibrarySpec | SharedLibrarySpec | ObjectSetSpec | ActionSpec | DependencySpec | TestSpec;
export type TargetKind = TargetSpec['kind'];

/** A build profile: how everything is compiled in `out/<name>/`. */
export interface ProfileSpec {
  /** Start from another profile and override fields. */
  readonly extends?: string;
  /** Compiler flags, e.g. `['-O2', '-g']`. */
  readonly cflags?: readonly string[];
  /** Preprocessor defines. */
  readonly defines?: Defines;
  /** Linker flags. */
  readonly ldflags?: readonly string[];
  /** Sanitizers, compiled and linked in. */
  readonly sanitize?: readonly Sanitizer[];
  /** Link-time optimisation (`-flto=auto` with gcc, `-flto=thin` with clang; gcc-ar/llvm-ar). */
  readonly lto?: boolean;
  /** Strip executables and shared libraries at link time. */
  readonly strip?: boolean;
  /** Coverage instrumentation (`--coverage`). */
  readonly coverage?: boolean;
  /** Keep debug info in `<binary>.debug` beside the stripped binary. */
  readonly splitDebug?: boolean;
  /** No checkout path in the output (`-ffile-prefix-map`); on in production. */
  readonly reproducible?: boolean;
  /** `-march=` (e.g. `native`: built into `out/<profile>.native/`) and `-mtune=`. */
  readonly march?: string;
  /** `-mtune=`: the CPU to schedule for without requiring it (e.g. `generic`, `native`). */
  readonly mtune?: string;
  /** Profile-guided optimisation of executables that declare `pgo` trainings. */
  readonly pgo?: boolean;
}

/** Declares a boolean option: `-D name=true|false`. */
export interface BoolOption {
  /** Set by `option.bool()`. */
  readonly type: 'bool';
  /** The value without `-D`. */
  readonly default: boolean;
  /** What the option does, for readers of build.pogo.ts. */
  readonly description?: string;
}
/** Declares a free-form string option. */
export interface StringOption {
  /** Set by `option.string()`. */
  readonly type: 'string';
  /** The value without `-D`. */
  readonly default: string;
  /** What the option does, for readers of build.pogo.ts. */
  readonly description?: string;
}
/** Declares an option with a fixed set of values. */
export interface EnumOption<V extends string = string> {
  /** Set by `option.enum()`. */
  readonly type: 'enum';
  /** The allowed values; `-D` with another is an error that lists them. */
  readonly values: readonly V[];
  /** The value without `-D`; one of `values`. */
  readonly default: V;
  /** What the option does, for readers of build.pogo.ts. */
  readonly description?: string;
}
/** Declares a feature: `auto` lets the description decide, `enabled` requires it, `disabled` turns it off. */
export interface FeatureOption {
  /** Set by `option.feature()`. */
  readonly type: 'feature';
  /** The state without `-D`. */
  readonly default: FeatureState;
  /** What the option does, for readers of build.pogo.ts. */
  readonly description?: string;
}
export type FeatureState = 'auto' | 'enabled' | 'disabled';
export type OptionSpec = BoolOption | StringOption | EnumOption | FeatureOption;

/** The value type an option declaration yields. */
export type OptionValue<O> = O extends BoolOption
  ? boolean
  : O extends EnumOption<infer V>
    ? V
    : O extends FeatureOption
      ? FeatureState
      : string;

/** Option values as the description sees them, typed from the declarations. */
export type OptionValues<O extends Record<string, OptionSpec>> = { readonly [K in keyof O]: OptionValue<O[K]> };

/** What a description function can inspect to decide what to build. */
export interface BuildContext<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** Option values after `-D name=value` on the command line. */
  readonly options: OptionValues<O>;
  /** The active profile's name, e.g. `development`. */
  readonly profile: string;
  /** The platform being built for. */
  readonly platform: Platform;
  /** The C compiler in use. */
  readonly compiler: {
    /** `gcc` or `clang`. */
    readonly family: CompilerFamily;
    /** Its version, e.g. `12.2.0`. */
    readonly version: string;
    /** The command that runs it, as `CC` named it. */
    readonly command: string;
  };
}

/** Targets as a list; `false`, `null` and `undefined` entries are skipped so conditions read naturally. */
export type TargetList = readonly (TargetSpec | false | null | undefined)[];

/** The whole description: the default export of build.pogo.ts. */
export interface BuildSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** Project name and version. */
  readonly project: {
    /** The project's name (pkg-config files, install paths, reports). */
    readonly name: string;
    /** Its version, e.g. `'1.4.0'`. */
    readonly version?: string;
  };
  /** Options settable with `-D name=value`. */
  readonly options?: O;
  /** Override fields of the built-in profiles (development, production, testing) or add new ones. */
  readonly profiles?: Readonly<Record<string, ProfileSpec>>;
  /** Settings applied to every compiled target. */
  readonly settings?: Settings;
  /** The targets, or a function of the build context returning them. */
  readonly targets: TargetList | ((ctx: BuildContext<O>) => TargetList);
  /** Extra files to install: `[{ files: ['doc/app.1'], dir: '{mandir}/man1' }]` ({bindir}, {libdir}, {includedir}, {datadir}, {mandir}, {sysconfdir}). */
  readonly install?: readonly {
    /** Files relative to build.pogo.ts (globs allowed). */
    readonly files: readonly string[];
    /** The directory they go to; may start with one of the placeholders above. */
    readonly dir: string;
    /** Permission bits, e.g. `0o755` for a script (default `0o644`). */
    readonly mode?: number;
  }[];
}

const where = Symbol.for('pogogen.where');

/** Remembers the call site of a helper, so diagnostics can point at the line in build.pogo.ts. */
function mark<T extends object>(value: T): T {
  // The Error is kept unformatted: `.stack` (and its source-map lookup) costs only when a diagnostic needs a line.
  Object.defineProperty(value, where, { value: new Error(), enumerable: false });
  return value;
}

/** The Error captured where a helper created this value, if any. */
export function callSite(value: unknown): Error | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const e = (value as Record<symbol, unknown>)[where];
  return e instanceof Error ? e : undefined;
}

type Args<T extends { kind: string; name: string }> = Omit<T, 'kind' | 'name'>;

/** An executable: `executable('app', { sources: ['src/*.c'], deps: [core] })`. */
export function executable(name: string, spec: Args<ExecutableSpec>): ExecutableSpec {
  return mark({ kind: 'executable', name, ...spec });
}
/** A static library: `staticLibrary('core', { sources: ['core/*.c'], public: { includeDirs: ['core'] } })`. */
export function staticLibrary(name: string, spec: Args<StaticLibrarySpec>): StaticLibrarySpec {
  return mark({ kind: 'static_library', name, ...spec });
}
/** A shared library: `sharedLibrary('plug', { sources: ['plug.c'], version: '1.2.0' })`. */
export function sharedLibrary(name: string, spec: Args<SharedLibrarySpec>): SharedLibrarySpec {
  return mark({ kind: 'shared_library', name, ...spec });
}
/** A set of objects linked straight into its dependents: `objectSet('util', { sources: ['util/*.c'] })`. */
export function objectSet(name: string, spec: Args<ObjectSetSpec>): ObjectSetSpec {
  return mark({ kind: 'object_set', name, ...spec });
}
/** A command producing files: `action('gitinfo', { command: ['sh', 'gen.sh', '{out}'], outputs: ['gitinfo.h'] })`. */
export function action(name: string, spec: Args<ActionSpec>): ActionSpec {
  return mark({ kind: 'action', name, ...spec });
}

/** A dependency: `dependency('uring', { recipe: liburing, feature: options.uring, ifMissing: { defines: ['NOURING'] } })`. */
export function dependency(name: string, spec: Args<DependencySpec>): DependencySpec {
  return mark({ kind: 'dependency', name, ...spec });
}
/** A test: `test('roundtrip', { program: app, args: ['set', 'a', '1'] })`. */
export function test(name: string, spec: Args<TestSpec>): TestSpec {
  return mark({ kind: 'test', name, ...spec });
}
/** Identity helper for third_party/<name>.ts recipes. */
export function recipe(spec: RecipeSpec): RecipeSpec {
  return spec;
}

/** Option declarations: `options: { tls: option.feature('auto', 'TLS support') }`. */
export const option = {
  bool: (value: boolean, description?: string): BoolOption => ({ type: 'bool', default: value, ...(description === undefined ? {} : { description }) }),
  string: (value: string, description?: string): StringOption => ({ type: 'string', default: value, ...(description === undefined ? {} : { description }) }),
  enum: <const V extends string>(values: readonly V[], value: NoInfer<V>, description?: string): EnumOption<V> => ({
    type: 'enum',
    values,
    default: value,
    ...(description === undefined ? {} : { description }),
  }),
  feature: (value: FeatureState = 'auto', description?: string): FeatureOption => ({ type: 'feature', default: value, ...(description === undefined ? {} : { description }) }),
};

/** Identity helper that gives build.pogo.ts full types: `export default defineBuild({ ... })`. */
export function defineBuild<const O extends Record<string, OptionSpec> = {}>(spec: BuildSpec<O>): BuildSpec<O> {
  return spec;
}
