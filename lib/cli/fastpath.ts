// The no-op fast path: when the command line, the environment and every file and directory the last successful
// generation read are unchanged, pogogen exits before loading its pipeline. Only node builtins are imported here,
// and not node:crypto (~9 ms to load): the key is kept as the text it would be the hash of.
import fs from 'node:fs';
import path from 'node:path';

interface Record {
  readonly key: string;
  /** path, size, mtimeMs */
  readonly files: readonly (readonly [string, number, number])[];
  /** path, mtimeMs */
  readonly dirs: readonly (readonly [string, number])[];
  readonly outputs: readonly string[];
}

/** Environment variables that change what pogogen writes. */
const ENV = ['CC', 'CPPFLAGS', 'CFLAGS', 'LDFLAGS', 'PATH', 'POGOGEN_CACHE', 'XDG_CACHE_HOME', 'POGOGEN_MIRRORS', 'POGOGEN_REMOTE_CACHE', 'PKG_CONFIG', 'PKG_CONFIG_PATH', 'PKG_CONFIG_LIBDIR', 'PKG_CONFIG_SYSROOT_DIR', 'POGOGEN_LAUNCHER', 'POGOGEN_LINKER'];
const COMMANDS = new Set(['targets', 'build', 'fetch', 'dep-step', 'install', 'install-files', 'test', 'pgo', 'help', 'version', 'report', 'explain', 'desc', 'init', 'docker', 'ci']);

const recordFile = (root: string): string => path.join(root, 'out', '.pogogen', 'fastpath.json');

/** The project directory named by -C (or the current directory), when argv is a plain generation. */
export function plainGeneration(argv: readonly string[]): string | undefined {
  let dir = '.';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (COMMANDS.has(a) || a === '--help' || a === '-h' || a === '--version' || a === '-V') return undefined;
    if (a === '-C') dir = argv[++i] ?? '.';
  }
  return path.resolve(dir);
}

/** Options that change only what is printed, never what is generated: a re-run that adds them changed nothing. */
const PRINT_ONLY = new Set(['--verbose', '-v', '--debug']);

/** The command line without the print-only options (a `-C` value is kept whatever it says). */
function generating(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-C' && i + 1 < argv.length) out.push(a, argv[++i]!);
    else if (!PRINT_ONLY.has(a)) out.push(a);
  }
  return out;
}

/**
 * What the record holds for: pogogen's version and file, the Node that runs it (its path is written into the
 * regeneration rule, so another Node, or the same one upgraded, must generate again), the command line that shapes
 * the output and the environment.
 */
function key(root: string, argv: readonly string[], version: string, self: string, env: NodeJS.ProcessEnv): string {
  // The project directory too: a copied tree (cp -a) holds the original's record, whose files are the original's.
  return JSON.stringify([root, version, self, process.execPath, process.version, generating(argv), ENV.map((k) => env[k] ?? null)]);
}

/**
 * The first thing the command does: for a plain generation whose record still holds, says so (with --verbose) and
 * answers; `root` is the project directory of a plain generation either way.
 */
export function fastPath(argv: readonly string[], version: string, self: string): { root?: string; answered: boolean } {
  const root = plainGeneration(argv);
  if (root === undefined) return { answered: false };
  if (!upToDate(root, argv, version, self)) return { root, answered: false };
  if (argv.includes('--verbose') || argv.includes('-v')) process.stderr.write(`pogogen: nothing changed since the last generation (${performance.now().toFixed(1)} ms)\n`);
  return { root, answered: true };
}

/** True when the last generation's record still holds: nothing pogogen read has changed. */
export function upToDate(root: string, argv: readonly string[], version: string, self: string, env: NodeJS.ProcessEnv = process.env): boolean {
  let r: Record;
  let text: string;
  try {
    text = fs.readFileSync(recordFile(root), 'utf8');
  } catch {
    return false;
  }
  try {
    r = JSON.parse(text) as Record;
    if (typeof r !== 'object' || r === null || typeof r.key !== 'string' || !Array.isArray(r.files) || !Array.isArray(r.dirs) || !Array.isArray(r.outputs)) throw new Error('not a record');
  } catch {
    // Damaged (a disk full, an editor): generating again rewrites it.
    process.stderr.write(`pogogen: warning: ${path.relative(process.cwd(), recordFile(root)) || recordFile(root)} is damaged and was ignored; generating again\n`);
    return false;
  }
  if (r.key !== key(root, argv, version, self, env)) return false;
  try {
    for (const [f, size, mtime] of r.files) {
      const st = fs.statSync(f);
      if (st.size !== size || st.mtimeMs !== mtime) return false;
    }
    for (const [d, mtime] of r.dirs) if (fs.statSync(d).mtimeMs !== mtime) return false;
    for (const o of r.outputs) if (!fs.existsSync(o)) return false;
  } catch {
    return false;
  }
  return true;
}

/** Records what a successful generation read (absolute paths) and wrote. */
export function record(root: string, argv: readonly string[], version: string, self: string, read: { files: readonly string[]; dirs: readonly string[] }, outputs: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const stat = (f: string): fs.Stats | undefined => {
    try {
      return fs.statSync(f);
    } catch {
      return undefined;
    }
  };
  const files = read.files.flatMap((f) => {
    const st = stat(f);
    return st === undefined ? [] : [[f, st.size, st.mtimeMs] as const];
  });
  const dirs = read.dirs.flatMap((d) => {
    const st = stat(d);
    return st === undefined ? [] : [[d, st.mtimeMs] as const];
  });
  const text = JSON.stringify({ key: key(root, argv, version, self, env), files, dirs, outputs } satisfies Record);
  const file = recordFile(root);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.${process.pid}.tmp`, text);
  fs.renameSync(`${file}.${process.pid}.tmp`, file);
}

/** Forgets the record, so the next run generates fully (after an error, or when a run wrote partial state). */
export function forget(root: string): void {
  fs.rmSync(recordFile(root), { force: true });
}
