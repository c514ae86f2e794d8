// Command-line parsing for pogogen: one table of commands, one of options and the commands that take them, and
// the help text drawn from both; usage errors (exit code 2) name the command and the flag.

import { buildBackendNames, type BuildBackendName } from '../backends/backend.ts';

export class UsageError extends Error {
  /** The command whose help says more, when the error is about one. */
  readonly command?: Command;
  constructor(message: string, command?: Command) {
    super(message);
    if (command !== undefined) this.command = command;
  }
}

export type Command = 'generate' | 'targets' | 'build' | 'fetch' | 'dep-step' | 'install' | 'install-files' | 'test' | 'pgo' | 'report' | 'explain' | 'desc' | 'init' | 'docker' | 'ci' | 'help' | 'version';

export interface CliArgs {
  readonly command: Command;
  readonly profile: string;
  readonly backend: BuildBackendName;
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
  /** `docker --check`, `ci --check`: fail when the written files are out of date instead of writing them. */
  readonly check?: boolean;
  /** `help COMMAND` or `COMMAND --help`: the command whose help to print. */
  readonly helpTopic?: Command;
  /** Arguments after the command that belong to it (e.g. ninja targets for `build`). */
  readonly rest: readonly string[];
}

/** A command as the user names it: what `help` and the messages call it. */
const commandNames: Readonly<Record<Command, string>> = { generate: 'a plain generation (pogogen without a command)', targets: 'targets', build: 'build', fetch: 'fetch', 'dep-step': 'dep-step', install: 'install', 'install-files': 'install-files', test: 'test', pgo: 'pgo', report: 'report', explain: 'explain', desc: 'desc', init: 'init', docker: 'docker', ci: 'ci', help: 'help', version: 'version' };

interface CommandSpec {
  /** Its operands in the usage line (`OUTPUT|TARGET`). */
  readonly synopsis: string;
  /** What it does, as the overview lists it. */
  readonly summary: string;
  /** How many operands it takes (targets, outputs); build's go to ninja, without limit. */
  readonly operands: number;
  /** Takes the options that shape a generation (--profile, -D, ...): every command that generates first. */
  readonly generates: boolean;
  /** Run by ninja with arguments pogogen wrote itself, taken as they are; not listed. */
  readonly internal?: boolean;
  /** The values its one operand may take, when it must take one of them (checked before anything runs). */
  readonly choices?: readonly string[];
}

/** The commands, in the order the overview lists them. */
const commands: Readonly<Record<Command, CommandSpec>> = {
  generate: { synopsis: '', summary: 'generate build.ninja (or Makefile) and compile_commands.json', operands: 0, generates: true },
  targets: { synopsis: '', summary: 'list the targets with their kind and output (--json: also deps and outputs)', operands: 0, generates: true },
  fetch: { synopsis: '', summary: 'download every dependency archive into the cache (for offline builds)', operands: 0, generates: true },
  install: { synopsis: '', summary: 'build and install (DESTDIR honoured); --dry-run lists what would go where', operands: 0, generates: true },
  test: { synopsis: '', summary: 'build what the tests need and run them: --suite S, --repeat N, --wrapper CMD,\n-j N, --no-build, --coverage (testing profile: then the coverage report)', operands: 0, generates: true },
  build: {
    synopsis: '[ARGS...] [-- NINJA-ARGS...]',
    summary: "generate if needed, then run ninja on it: ARGS go to ninja (a target name, -k 0, ...), but\n-jN (or -j N) sizes the job pool that ninja and nested dependency builds share, and pogogen's\nown long options (--profile, -D, ...) are pogogen's; -C, -v, --verbose and --version are ninja's.\nAfter `--` all goes to ninja as it is: `pogogen build -- --help` shows ninja's help",
    operands: Infinity,
    generates: true,
  },
  report: { synopsis: '', summary: 'analyse the last build from out/<profile>/.ninja_log: time per target and dependency,\nslowest steps, critical path, parallelism, ccache hits; --json, --trace FILE (Chrome\ntrace), --html FILE, --compare OLD.json, -j N (the job budget to compare with)', operands: 0, generates: true },
  explain: { synopsis: 'OUTPUT|TARGET', summary: "why it would rebuild now (ninja -d explain, in the description's terms) and where each\nflag of its compile comes from; --json", operands: 1, generates: true },
  desc: { synopsis: 'TARGET', summary: 'kind, sources, compile flags, include dirs, defines, deps, outputs, link line; --json', operands: 1, generates: true },
  init: { synopsis: '', summary: 'write a build.pogo.ts for an existing C tree, print each guess and what is left (--force to overwrite)', operands: 0, generates: false },
  docker: { synopsis: '[EXECUTABLE]', summary: 'write a multi-stage Dockerfile, .dockerignore and the deps-only description\n.pogogen/deps/build.pogo.ts; --check fails if they are out of date', operands: 1, generates: true },
  ci: { synopsis: 'github|gitlab', summary: 'write the CI workflow (.github/workflows/pogogen.yml or .gitlab-ci.yml): caches the\ndependencies and ccache, builds every profile, runs the tests, keeps the JUnit results,\nthe build report and its trace; --check fails if it is out of date', operands: 1, generates: true, choices: ['github', 'gitlab'] },
  help: { synopsis: '[COMMAND]', summary: "show this text, or a command's own (also: pogogen COMMAND --help)", operands: 1, generates: false },
  version: { synopsis: '', summary: "print pogogen's version", operands: 0, generates: false },
  'dep-step': { synopsis: 'PHASE PLAN', summary: '', operands: Infinity, generates: false, internal: true },
  'install-files': { synopsis: 'MANIFEST', summary: '', operands: Infinity, generates: false, internal: true },
  pgo: { synopsis: 'train|collect PLAN', summary: '', operands: Infinity, generates: false, internal: true },
};

type Draft = { -readonly [K in keyof CliArgs]: CliArgs[K] extends readonly (infer E)[] ? E[] : CliArgs[K] extends Readonly<Record<string, string>> ? Record<string, string> : CliArgs[K] };

interface OptionSpec {
  /** Its spellings; the first is the one messages and help use. */
  readonly names: readonly string[];
  /** The value's name in help (`P`, `DIR`); absent for a switch. */
  readonly arg?: string;
  /**
   * The commands that take it. Absent: every command that generates (and help and version, which ignore it);
   * 'all': init too.
   */
  readonly commands?: readonly Command[] | 'all';
  /**
   * Taken by pogogen after `build` too, where everything else goes to ninja: long options ninja does not have.
   * -C, -v, --verbose and --version are ninja's there.
   */
  readonly afterBuild?: boolean;
  readonly help: string;
  /** Records the value (`flag` as spelled, for messages). Values that depend on the command are checked later. */
  readonly set: (d: Draft, value: string, flag: string) => void;
}

const installDirNames = ['prefix', 'bindir', 'libdir', 'includedir', 'datadir', 'mandir', 'sysconfdir'];

const options: readonly OptionSpec[] = [
  { names: ['--profile'], arg: 'P', afterBuild: true, help: 'development (default; dev), production (prod), testing (test) or a project profile', set: (d, v) => ((d.profile = v), (d.profileGiven = true)) },
  {
    names: ['--backend'],
    arg: 'B',
    afterBuild: true,
    help: buildBackendNames.join(' (default) or '),
    set: (d, v) => {
      if (!(buildBackendNames as readonly string[]).includes(v)) throw new UsageError(`unknown backend "${v}": expected ${buildBackendNames.join(' or ')}`);
      d.backend = v as BuildBackendName;
    },
  },
  { names: ['-C'], arg: 'DIR', commands: 'all', help: 'the project directory (where build.pogo.ts is); default: the current directory', set: (d, v) => (d.dir = v) },
  { names: ['--build-file'], arg: 'F', afterBuild: true, help: 'write build.ninja (or the Makefile) as F, relative to the project directory, e.g.\n--backend=make --build-file=pogogen.mk beside a hand-written Makefile; run ninja -f F or\nmake -f F from the project directory', set: (d, v) => (d.buildFile = v) },
  { names: ['--compdb'], arg: 'F', afterBuild: true, help: 'write compile_commands.json as F, relative to the project directory', set: (d, v) => (d.compdb = v) },
  {
    names: ['-D'],
    arg: 'NAME=VALUE',
    afterBuild: true,
    help: 'set an option declared in build.pogo.ts (repeatable; also -DNAME=VALUE)',
    set: (d, v) => {
      const eq = v.indexOf('=');
      if (eq <= 0) throw new UsageError(`-D expects NAME=VALUE, got "${v}"`);
      d.defines[v.slice(0, eq)] = v.slice(eq + 1);
    },
  },
  ...installDirNames.map((name, i): OptionSpec => ({ names: [`--${name}`], arg: 'DIR', afterBuild: true, help: i === 0 ? 'installation prefix (default /usr/local); also --bindir, --libdir, --includedir,\n--datadir, --mandir, --sysconfdir (relative ones are below the prefix)' : '', set: (d, v) => (d.installDirs[name] = v) })),
  { names: ['--launcher'], arg: 'CMD', afterBuild: true, help: "wrap compiles (ccache, sccache, distcc, ...); 'none' turns off the ccache found on PATH", set: (d, v) => (d.launcher = v) },
  { names: ['--toolchain'], arg: 'T', afterBuild: true, help: "cross-compile: aarch64-linux-gnu, arm-linux-gnueabihf, riscv64-linux-gnu or a .json file\n(outputs in out/<profile>.<triple>; tests run under the toolchain's emulator)", set: (d, v) => (d.toolchain = v) },
  { names: ['--offline'], afterBuild: true, help: 'never download: dependencies come from the cache (or the system) or are absent', set: (d) => (d.offline = true) },
  { names: ['--frozen'], afterBuild: true, help: 'fail if pogogen.lock would change (for CI)', set: (d) => (d.frozen = true) },
  { names: ['--verbose', '-v'], commands: 'all', help: 'say what is run, and when each stage ended (ms since start)', set: (d) => (d.verbose = true) },
  { names: ['--debug'], commands: 'all', afterBuild: true, help: 'show stack traces for internal errors', set: (d) => (d.debug = true) },
  { names: ['--version', '-V'], commands: 'all', help: 'print the version', set: (d) => (d.command = 'version') },
  { names: ['--help', '-h'], commands: 'all', afterBuild: true, help: "show this text (after a command: the command's own)", set: () => {} },
  // The options of one command or a few.
  { names: ['-j'], arg: 'N', commands: ['build', 'install', 'test', 'report'], afterBuild: true, help: 'the job budget: build and install serve a pool of N slots that ninja and nested\ndependency builds share (-j0: no limit, no pool); test runs N tests at once; report\ncompares with N; also -jN', set: (d, v) => (d.jobs = v as unknown as number) },
  { names: ['--json'], commands: ['targets', 'report', 'explain', 'desc'], help: 'machine-readable output', set: (d) => (d.json = true) },
  { names: ['--trace'], arg: 'FILE', commands: ['report'], help: 'write a Chrome trace (JSON) of the build', set: (d, v) => (d.trace = v) },
  { names: ['--html'], arg: 'FILE', commands: ['report'], help: 'write the report as a web page', set: (d, v) => (d.html = v) },
  { names: ['--compare'], arg: 'OLD.json', commands: ['report'], help: 'compare with an earlier report --json', set: (d, v) => (d.compare = v) },
  { names: ['--dry-run'], commands: ['install'], help: 'list what would be installed where, install nothing', set: (d) => (d.dryRun = true) },
  { names: ['--suite'], arg: 'S', commands: ['test'], help: 'run the tests of suite S only (repeatable)', set: (d, v) => d.suites.push(v) },
  { names: ['--repeat'], arg: 'N', commands: ['test'], help: 'run each test N times', set: (d, v, flag) => (d.repeat = positiveInt(v, flag)) },
  { names: ['--wrapper'], arg: 'CMD', commands: ['test'], help: 'run each test program under CMD, e.g. "valgrind --error-exitcode=1"', set: (d, v) => (d.wrapper = v) },
  { names: ['--no-build'], commands: ['test'], help: 'run the tests without building first', set: (d) => (d.noBuild = true) },
  { names: ['--coverage'], commands: ['test'], help: "then write gcovr's coverage report (testing profile)", set: (d) => (d.coverage = true) },
  { names: ['--force'], commands: ['init'], help: 'overwrite an existing build.pogo.ts', set: (d) => (d.force = true) },
  { names: ['--check'], commands: ['docker', 'ci'], help: 'fail when the written files are out of date instead of writing them', set: (d) => (d.check = true) },
];

const byName = new Map(options.flatMap((o) => o.names.map((n) => [n, o] as const)));

function positiveInt(v: string, flag: string, command?: Command): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1) throw new UsageError(`${flag} expects a positive whole number, got "${v}"`, command);
  return n;
}

function takes(o: OptionSpec, command: Command): boolean {
  if (o.commands === 'all') return true;
  if (o.commands === undefined) return commands[command].generates || command === 'help' || command === 'version';
  return o.commands.includes(command) || command === 'help' || command === 'version';
}

/** The option `token` spells, with its value when it is attached (`--profile=x`, `-DNAME=V`, `-j4`). */
function lookUp(token: string): { spec: OptionSpec; flag: string; inline?: string } | undefined {
  const exact = byName.get(token);
  if (exact !== undefined) return { spec: exact, flag: token };
  if (token.startsWith('--') && token.includes('=')) {
    const flag = token.slice(0, token.indexOf('='));
    const spec = byName.get(flag);
    if (spec === undefined) return undefined;
    if (spec.arg === undefined) throw new UsageError(`${flag} takes no value, got "${token}"`);
    return { spec, flag, inline: token.slice(flag.length + 1) };
  }
  // -DNAME=VALUE and -jN, as compilers and make spell them.
  if (/^-[Dj]./.test(token)) return { spec: byName.get(token.slice(0, 2))!, flag: token.slice(0, 2), inline: token.slice(2) };
  return undefined;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const d: Draft = { command: 'generate', profile: 'development', backend: 'ninja', dir: '.', defines: {}, verbose: false, debug: false, offline: false, frozen: false, installDirs: {}, dryRun: false, suites: [], repeat: 1, noBuild: false, coverage: false, rest: [] };
  let command: Command | undefined;
  let help = false;
  /** After `--`: everything is an operand (for build: ninja's, as it is). */
  let ended = false;
  /** The options given, as spelled, to check against the command once it is known (it may come after them). */
  const given: { spec: OptionSpec; flag: string }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (command !== undefined && commands[command].internal === true) {
      d.rest.push(a);
      continue;
    }
    if (ended) {
      d.rest.push(a);
      continue;
    }
    if (a === '--') {
      ended = true;
      continue;
    }
    const found = a.startsWith('-') && a !== '-' ? lookUp(a) : undefined;
    // After `build`, what is not pogogen's goes to ninja: its targets and its options (-k 0, -v, -d explain, ...),
    // and the spellings both have (-C, -v, --verbose, --version). Other commands' options are refused below.
    if (command === 'build' && (found === undefined || (found.spec.afterBuild !== true && !Array.isArray(found.spec.commands)))) {
      d.rest.push(a);
      continue;
    }
    if (found !== undefined) {
      const { spec, flag } = found;
      let value = found.inline;
      if (spec.arg !== undefined && value === undefined) {
        value = argv[++i];
        if (value === undefined) throw new UsageError(`${flag} needs a value`);
      }
      if (spec.names[0] === '--help') help = true;
      // Every value reaches a build file (the regeneration command, compile flags), one command per line there.
      if (value !== undefined && /[\n\r\0]/.test(value)) throw new UsageError(`${flag} ${JSON.stringify(value)}: a newline, carriage return or NUL cannot be passed to a build command`);
      spec.set(d, value ?? '', flag);
      given.push({ spec, flag });
      continue;
    }
    if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option "${a}"`);
    if (command === undefined && d.command !== 'version' && a in commands && a !== 'generate') {
      command = a as Command;
      continue;
    }
    if (command === undefined && d.command !== 'version') throw new UsageError(`unknown command "${a}"; the commands are ${Object.keys(commands).filter((c) => c !== 'generate' && commands[c as Command].internal !== true).join(', ')}`);
    d.rest.push(a);
  }
  const named = command !== undefined;
  command ??= 'generate';
  if (help || command === 'help') {
    const topic = command === 'help' ? d.rest[0] : named ? command : undefined;
    if (topic !== undefined && topic !== 'generate' && !(topic in commands)) throw new UsageError(`help: unknown command "${topic}"`);
    return { ...d, command: 'help', ...(topic === undefined ? {} : { helpTopic: topic as Command }), rest: [] };
  }
  if (d.command === 'version') return { ...d, rest: [] };
  checkForCommand(d, command, given);
  const args = { ...d, command } as CliArgs;
  // Unset optional fields stay absent, as the rest of the CLI expects.
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined && v !== false)) as unknown as CliArgs;
}

/** What only the command, once known, can decide: the options it takes, its operands, its -j. */
function checkForCommand(d: Draft, command: Command, given: readonly { spec: OptionSpec; flag: string }[]): void {
  const spec = commands[command];
  for (const { spec: o, flag } of given) {
    if (takes(o, command)) continue;
    const owners = o.commands === undefined || o.commands === 'all' ? 'the commands that generate do' : `${o.commands.join(', ')} ${o.commands.length === 1 ? 'does' : 'do'}`;
    throw new UsageError(`${commandNames[command]} does not take ${flag} (${owners})`, command);
  }
  if (d.rest.length > spec.operands) {
    throw new UsageError(`${command === 'generate' ? '' : `${command}: `}unexpected argument "${d.rest[spec.operands]}"${spec.operands === 0 ? '' : ` (usage: pogogen ${command} ${spec.synopsis})`}`, command);
  }
  if (spec.choices !== undefined && !spec.choices.includes(d.rest[0] ?? '')) {
    const wanted = d.rest[0];
    throw new UsageError(`${command}: ${wanted === undefined ? `expects one of ${spec.choices.join(', ')}` : `unknown value "${wanted}": expected ${spec.choices.join(' or ')}`} (usage: pogogen ${command} ${spec.synopsis})`, command);
  }
  if (d.jobs !== undefined) {
    // -j0 is ninja's "no limit": build and install pass it on and serve no pool; tests and reports need a count.
    const v = String(d.jobs);
    if (command === 'build' || command === 'install') {
      if (!/^\d+$/.test(v)) throw new UsageError(`-j expects a whole number, got "${v}"`, command);
      d.jobs = Number(v);
    } else d.jobs = positiveInt(v, '-j', command);
  }
}

const width = 20;
/** An option's lines in help: its spellings and value, then its help text, indented. */
function optionLines(o: OptionSpec): string {
  const head = `  ${o.names.join(', ')}${o.arg === undefined ? '' : ` ${o.arg}`}`;
  const text = o.help.split('\n');
  const first = head.length < width ? `${head.padEnd(width)}${text[0]}` : `${head}\n${' '.repeat(width)}${text[0]}`;
  return [first, ...text.slice(1).map((l) => `${' '.repeat(width)}${l}`)].join('\n');
}

/** Items joined by commas into indented lines of at most 100 columns. */
function wrap(items: readonly string[]): string {
  const lines: string[] = [];
  let line = ' ';
  for (const item of items) {
    if (line.length + item.length + 2 > 100) {
      lines.push(line);
      line = ' ';
    }
    line += ` ${item},`;
  }
  lines.push(line.slice(0, -1));
  return lines.join('\n');
}

const listed = (c: Command): boolean => commands[c].internal !== true && c !== 'version';
const generationOptions = options.filter((o) => o.commands === undefined || o.commands === 'all').filter((o) => o.help !== '');

/** The overview (`pogogen --help`), or one command's help (`pogogen build --help`, `pogogen help build`). */
export function helpText(topic?: Command): string {
  if (topic === undefined) {
    const cmds = (Object.keys(commands) as Command[]).filter(listed).map((c) => {
      const name = c === 'generate' ? '(none)' : `${c} ${commands[c].synopsis.replace(/ ?\[-- NINJA-ARGS\.\.\.\]$/, '')}`.trim();
      const text = commands[c].summary.split('\n');
      const first = name.length + 2 < width ? `  ${name.padEnd(width - 2)}${text[0]}` : `  ${name}\n${' '.repeat(width)}${text[0]}`;
      return [first, ...text.slice(1).map((l) => `${' '.repeat(width)}${l}`)].join('\n');
    });
    return `Usage: pogogen [options] [command] [command options]

Commands:
${cmds.join('\n')}

Options (before or after the command):
${generationOptions.map(optionLines).join('\n')}

Each command has its own help: pogogen COMMAND --help (e.g. pogogen build --help).

Environment: CC (default cc), CPPFLAGS, CFLAGS, LDFLAGS are read when generating and recorded in the build.
POGOGEN_CACHE (default ~/.cache/pogogen) holds downloads and built dependencies; POGOGEN_MIRRORS lists mirrors;
both are recorded too, so regenerating and report, explain, desc and targets use the same ones.

Exit codes: 0 ok, 1 an error in the description or the build, 2 a usage error.`;
  }
  const spec = commands[topic];
  const own = options.filter((o) => Array.isArray(o.commands) && o.commands.includes(topic));
  const global = options.filter((o) => o.commands === undefined || (o.commands === 'all' && o.names[0] !== '--help' && o.names[0] !== '--version'));
  const globalNote = spec.generates ? `Options of every command that generates (pogogen --help says what each does):\n${wrap(global.map((o) => `${o.names[0]}${o.arg === undefined ? '' : ` ${o.arg}`}`))}` : 'Other options: -C DIR, --verbose, --debug';
  const name = topic === 'generate' ? '' : `${topic} `;
  return `Usage: pogogen [options] ${name}[options]${spec.synopsis === '' ? '' : ` ${spec.synopsis}`}

${spec.summary.replace(/^/gm, '  ')}

Options of ${topic === 'generate' ? 'a plain generation' : topic}:
${[...own.map(optionLines), optionLines(byName.get('--help')!)].join('\n')}

${globalNote}`;
}

export const usage = helpText();

/** The commands that look at the build the last generation wrote (lib/cli/insight.ts). */
export const insightCommands: ReadonlySet<CliArgs['command']> = new Set(['report', 'explain', 'desc', 'docker', 'ci']);
