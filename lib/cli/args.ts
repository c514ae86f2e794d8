// Command-line parsing for pogogen: commands, flags, -D options; usage errors are exit code 2.

export class UsageError extends Error {}

export type Command = 'generate' | 'targets' | 'build' | 'fetch' | 'dep-step' | 'install' | 'install-files' | 'test' | 'pgo' | 'report' | 'explain' | 'desc' | 'init' | 'docker' | 'help' | 'version';

export interface CliArgs {
  readonly command: Command;
  readonly profile: string;
  readonly backend: 'ninja' | 'make';
  readonly dir: string;
  /** `--build-file FILE`: where build.ninja or the Makefile is written, relative to the project directory. */
  readonly buildFile?: string;
  /** `--compdb FILE`: where compile_commands.json is written, relative to the project directory. */
  readonly compdb?: string;
  readonly defines: Readonly<Record<string, string>>;
  readonly verbose: boolean;
  readonly debug: boolean;
  /** Never touch the network: dependencies come from the cache or not at all. */
  readonly offline: boolean;
  /** Fail instead of changing pogogen.lock. */
  readonly frozen: boolean;
  /** GNU installation directories given on the command line (`--prefix`, `--bindir`, ...). */
  readonly installDirs: Readonly<Record<string, string>>;
  /** `install --dry-run`: list what would go where. */
  readonly dryRun: boolean;
  /** `test` options. */
  readonly suites: readonly string[];
  readonly repeat: number;
  readonly wrapper?: string;
  readonly noBuild: boolean;
  /** -jN or -j N (before the command, or after `build`): the job budget; 0 after `build` means no limit. */
  readonly jobs?: number;
  readonly coverage: boolean;
  /** `--launcher CMD` (or `none`); undefined: auto-detect ccache. */
  readonly launcher?: string;
  /** `--toolchain NAME|FILE.json`: cross-compile with that toolchain (rules/toolchains.ts). */
  readonly toolchain?: string;
  /** `--profile` was given (insight commands otherwise follow the last generation's profile). */
  readonly profileGiven?: boolean;
  /** `--json`: machine-readable output (targets, report, desc, explain). */
  readonly json?: boolean;
  /** `report` outputs and baseline: `--trace FILE` (Chrome trace JSON), `--html FILE`, `--compare OLD.json`. */
  readonly trace?: string;
  readonly html?: string;
  readonly compare?: string;
  /** `init --force`: overwrite an existing build.pogo.ts. */
  readonly force?: boolean;
  /** `docker --check`: fail when the written Docker files are out of date instead of writing them. */
  readonly check?: boolean;
  /** Arguments after the command that belong to it (e.g. ninja targets for `build`). */
  readonly rest: readonly string[];
}

export const usage = `Usage: pogogen [command] [options]

Commands:
  (none)            generate build.ninja (or Makefile) and compile_commands.json
  targets           list the targets with their kind and output (--json: also deps and outputs)
  fetch             download every dependency archive into the cache (for offline builds)
  install           build and install (DESTDIR honoured); --dry-run lists what would go where
  test              build what the tests need and run them: --suite S, --repeat N, --wrapper CMD,
                    -j N, --no-build, --coverage (testing profile: then the coverage report)
  build [ARGS...]   generate if needed, then run ninja on it (ARGS go to ninja: a target name, -k 0, ...);
                    -jN (or -j N) sizes the job pool that ninja and nested dependency builds share;
                    put pogogen's own options before \`build\`
  report            analyse the last build from out/<profile>/.ninja_log: time per target and dependency,
                    slowest steps, critical path, parallelism, ccache hits; --json, --trace FILE (Chrome
                    trace), --html FILE, --compare OLD.json, -j N (the job budget to compare with)
  explain OUTPUT|TARGET
                    why it would rebuild now (ninja -d explain, in the description's terms) and where each
                    flag of its compile comes from; --json
  desc TARGET       kind, sources, compile flags, include dirs, defines, deps, outputs, link line; --json
  init              write a build.pogo.ts for an existing C tree (--force to overwrite)
  docker            write a multi-stage Dockerfile, .dockerignore and the deps-only description
                    .pogogen/deps/build.pogo.ts; --check fails if they are out of date
  help              show this text

Options:
  --profile P       development (default; dev), production (prod), testing (test) or a project profile
  --backend B       ninja (default) or make
  -C DIR            the project directory (where build.pogo.ts is); default: the current directory
  --build-file F    write build.ninja (or the Makefile) as F, relative to the project directory, e.g.
                    --backend=make --build-file=pogogen.mk beside a hand-written Makefile; run ninja -f F or
                    make -f F from the project directory
  --compdb F        write compile_commands.json as F, relative to the project directory
  -D NAME=VALUE     set an option declared in build.pogo.ts (repeatable; also -DNAME=VALUE)
  --prefix DIR      installation prefix (default /usr/local); also --bindir, --libdir, --includedir,
                    --datadir, --mandir, --sysconfdir (relative ones are below the prefix)
  --launcher CMD    wrap compiles (ccache, sccache, distcc, ...); 'none' turns off the ccache found on PATH
  --toolchain T     cross-compile: aarch64-linux-gnu, arm-linux-gnueabihf, riscv64-linux-gnu or a .json file
                    (outputs in out/<profile>.<triple>; tests run under the toolchain's emulator)
  --offline         never download: dependencies come from the cache (or the system) or are absent
  --frozen          fail if pogogen.lock would change (for CI)
  --verbose         say what is run, and when each stage ended (ms since start)
  --debug           show stack traces for internal errors
  --version         print the version
  --help            show this text

Environment: CC (default cc), CPPFLAGS, CFLAGS, LDFLAGS are read when generating and recorded in the build.
POGOGEN_CACHE (default ~/.cache/pogogen) holds downloads and built dependencies; POGOGEN_MIRRORS lists mirrors;
both are recorded too, so regenerating and report, explain, desc and targets use the same ones.

Exit codes: 0 ok, 1 an error in the description or the build, 2 a usage error.`;

export function parseArgs(argv: readonly string[]): CliArgs {
  let command: Command | undefined;
  let profile = 'development';
  let backend: 'ninja' | 'make' = 'ninja';
  let dir = '.';
  let buildFile: string | undefined;
  let compdb: string | undefined;
  const defines: Record<string, string> = {};
  let verbose = false;
  let debug = false;
  let offline = false;
  let frozen = false;
  const installDirs: Record<string, string> = {};
  let dryRun = false;
  const suites: string[] = [];
  let repeat = 1;
  let wrapper: string | undefined;
  let noBuild = false;
  let jobs: number | undefined;
  let coverage = false;
  let launcher: string | undefined;
  let toolchain: string | undefined;
  let profileGiven = false;
  let json = false;
  let trace: string | undefined;
  let html: string | undefined;
  let compare: string | undefined;
  let force = false;
  let check = false;
  const positiveInt = (v: string, flag: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} expects a positive whole number, got "${v}"`);
    return n;
  };
  const rest: string[] = [];
  const value = (i: number, flag: string): string => {
    const v = argv[i];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    // Everything after `build` belongs to ninja (pogogen's own options come before the command), except -jN or
    // -j N: that sizes the job pool pogogen serves to ninja and nested builds (an explicit -j would turn ninja
    // 1.13's jobserver client off). -j0 is ninja's "no limit". After `--`, everything is ninja's.
    if (command === 'build' && a.startsWith('-j') && !rest.includes('--')) {
      const v = a === '-j' ? argv[++i] : a.slice(2);
      if (v === undefined) throw new UsageError('-j needs a value');
      if (!/^\d+$/.test(v)) throw new UsageError(`-j expects a whole number, got "${v}"`);
      jobs = Number(v);
      continue;
    }
    if (command === 'build' || command === 'dep-step' || command === 'install-files' || command === 'pgo') {
      rest.push(a);
      continue;
    }
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    switch (flag) {
      case '--profile':
        profile = inline ?? value(++i, flag);
        profileGiven = true;
        break;
      case '--json':
        json = true;
        break;
      case '--trace':
        trace = inline ?? value(++i, flag);
        break;
      case '--html':
        html = inline ?? value(++i, flag);
        break;
      case '--compare':
        compare = inline ?? value(++i, flag);
        break;
      case '--force':
        force = true;
        break;
      case '--check':
        check = true;
        break;
      case '--backend': {
        const b = inline ?? value(++i, flag);
        if (b !== 'ninja' && b !== 'make') throw new UsageError(`unknown backend "${b}": expected ninja or make`);
        backend = b;
        break;
      }
      case '-C':
        dir = value(++i, flag);
        break;
      case '--build-file':
        buildFile = inline ?? value(++i, flag);
        break;
      case '--compdb':
        compdb = inline ?? value(++i, flag);
        break;
      case '--verbose':
      case '-v':
        verbose = true;
        break;
      case '--debug':
        debug = true;
        break;
      case '--offline':
        offline = true;
        break;
      case '--prefix':
      case '--bindir':
      case '--libdir':
      case '--includedir':
      case '--datadir':
      case '--mandir':
      case '--sysconfdir':
        installDirs[flag.slice(2)] = inline ?? value(++i, flag);
        break;
      case '--dry-run':
        dryRun = true;
        break;
      case '--suite':
        suites.push(inline ?? value(++i, flag));
        break;
      case '--repeat':
        repeat = positiveInt(inline ?? value(++i, flag), flag);
        break;
      case '--wrapper':
        wrapper = inline ?? value(++i, flag);
        break;
      case '--no-build':
        noBuild = true;
        break;
      case '--coverage':
        coverage = true;
        break;
      case '--launcher':
        launcher = inline ?? value(++i, flag);
        break;
      case '--toolchain':
        toolchain = inline ?? value(++i, flag);
        break;
      case '-j':
        jobs = positiveInt(value(++i, flag), flag);
        break;
      case '--frozen':
        frozen = true;
        break;
      case '--help':
      case '-h':
        command = 'help';
        break;
      case '--version':
      case '-V':
        command = 'version';
        break;
      case '--':
        break;
      default: {
        if (flag === '-D' || flag.startsWith('-D')) {
          const def = flag === '-D' ? value(++i, flag) : flag.slice(2);
          const eq = def.indexOf('=');
          if (eq <= 0) throw new UsageError(`-D expects NAME=VALUE, got "${def}"`);
          defines[def.slice(0, eq)] = def.slice(eq + 1);
        } else if (flag.startsWith('-j')) {
          // -j4 as well as -j 4, as make and ninja take it.
          jobs = positiveInt(flag.slice(2), '-j');
        } else if (flag.startsWith('-')) {
          throw new UsageError(`unknown option "${a}"`);
        } else if (command === undefined && ['targets', 'build', 'fetch', 'dep-step', 'install', 'install-files', 'test', 'pgo', 'report', 'explain', 'desc', 'init', 'docker', 'help', 'generate', 'version'].includes(a)) {
          command = a as Command;
        } else if (command === 'explain' || command === 'desc' || command === 'docker') {
          // The output or target to explain, the target to describe, the executable the image runs.
          rest.push(a);
        } else {
          throw new UsageError(`unexpected argument "${a}"`);
        }
      }
    }
  }
  return { command: command ?? 'generate', profile, backend, dir, ...(buildFile === undefined ? {} : { buildFile }), ...(compdb === undefined ? {} : { compdb }), defines, verbose, debug, offline, frozen, installDirs, dryRun, suites, repeat, ...(wrapper === undefined ? {} : { wrapper }), noBuild, ...(jobs === undefined ? {} : { jobs }), coverage, ...(launcher === undefined ? {} : { launcher }), ...(toolchain === undefined ? {} : { toolchain }), ...(profileGiven ? { profileGiven } : {}), ...(json ? { json } : {}), ...(trace === undefined ? {} : { trace }), ...(html === undefined ? {} : { html }), ...(compare === undefined ? {} : { compare }), ...(force ? { force } : {}), ...(check ? { check } : {}), rest };
}

/** Splits an environment value such as CFLAGS into arguments, honouring quotes and backslashes like sh. */
export function splitWords(s: string | undefined): string[] {
  if (s === undefined) return [];
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** The commands that look at the build the last generation wrote (lib/cli/insight.ts). */
export const insightCommands: ReadonlySet<CliArgs['command']> = new Set(['report', 'explain', 'desc', 'docker']);
