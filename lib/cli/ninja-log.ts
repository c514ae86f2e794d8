// .ninja_log as the different ninjas that may share a tree write it: the header version (v5 up to ninja 1.11, v6 in
// 1.12, v7 from 1.13), the hash of the command line each entry carries (MurmurHash64A up to 1.12, rapidhash from
// 1.13), and so how a given ninja will treat a given log. Pure: text and commands in, facts out.

export type HashFamily = 'murmur' | 'rapid';

export interface LogEntry {
  readonly output: string;
  /** The command hash as ninja printed it: lowercase hex without leading zeros. */
  readonly hash: string;
}

export interface NinjaLog {
  /** The `# ninja log vN` of the first line. */
  readonly version: number;
  /** Entries in file order (an output rebuilt later appears again further down; the last one counts). */
  readonly entries: readonly LogEntry[];
}

/** Parses .ninja_log text; undefined when it has no version line (empty, or not a log). */
export function parseNinjaLog(text: string): NinjaLog | undefined {
  const header = /^# ninja log v(\d+)\n/.exec(text);
  if (header === null) return undefined;
  const entries: LogEntry[] = [];
  for (const line of text.slice(header[0].length).split('\n')) {
    const f = line.split('\t');
    if (f.length === 5) entries.push({ output: f[3]!, hash: f[4]! });
  }
  return { version: Number(header[1]), entries };
}

/** The log version a ninja of this version writes, and the only one it reads from 1.12 on. */
export function logVersionOf(ninjaVersion: string): number {
  const [major = 0, minor = 0] = ninjaVersion.split('.').map((n) => parseInt(n, 10) || 0);
  if (major > 1 || minor >= 13) return 7;
  return minor === 12 ? 6 : 5;
}

/** The hash a log of this version was written with (1.11 appends murmur entries to any log it accepts, see below). */
export function familyOfVersion(logVersion: number): HashFamily {
  return logVersion >= 7 ? 'rapid' : 'murmur';
}

/**
 * What a ninja does with an existing log whose newest entries were hashed by `family`:
 * - `reads`: it finds its own hashes; only real changes rebuild;
 * - `discards`: 1.12 and later delete a log of another version ("build log version is too old; starting over")
 *   and rerun every step;
 * - `misreads`: 1.11 and older accept a log of any version, and 1.13 one of its own version with 1.11's entries
 *   appended, but compare the hashes with their own function: each entry of the other kind looks like a changed
 *   command line and reruns (silently, for 1.11).
 */
export function treatment(ninjaVersion: string, log: { readonly version: number; readonly family: HashFamily }): 'reads' | 'discards' | 'misreads' {
  const own = logVersionOf(ninjaVersion);
  if (own >= 6 && log.version !== own) return 'discards';
  return log.family === familyOfVersion(own) ? 'reads' : 'misreads';
}

/** Which ninjas write a log of this version, for messages. */
export function writersOf(logVersion: number): string {
  return logVersion >= 7 ? 'ninja 1.13 or newer' : logVersion === 6 ? 'ninja 1.12' : 'ninja 1.11 or older';
}

/**
 * The hash family of the newest entries that can be told apart: an entry whose hash is one function's hash of the
 * output's current command was written by that kind of ninja (an entry whose command changed since tells nothing).
 * `commands` maps an output to its command as ninja evaluates it (`ninja -t compdb`). Looks at up to `sample`
 * distinct outputs from the end, and answers by majority; undefined when none could be told.
 */
export function newestFamily(log: NinjaLog, commands: ReadonlyMap<string, string>, sample = 32): HashFamily | undefined {
  const seen = new Set<string>();
  let murmur = 0;
  let rapid = 0;
  for (let i = log.entries.length - 1; i >= 0 && seen.size < sample; i--) {
    const e = log.entries[i]!;
    if (seen.has(e.output)) continue;
    seen.add(e.output);
    const family = familyOfEntry(e, commands.get(e.output));
    if (family === 'murmur') murmur++;
    else if (family === 'rapid') rapid++;
  }
  return murmur === 0 && rapid === 0 ? undefined : murmur > rapid ? 'murmur' : 'rapid';
}

/** The family whose hash of `command` the entry carries, if either. */
export function familyOfEntry(entry: LogEntry, command: string | undefined): HashFamily | undefined {
  if (command === undefined) return undefined;
  const bytes = new TextEncoder().encode(command);
  if (hex(murmurHash64A(bytes)) === entry.hash) return 'murmur';
  if (hex(rapidhash(bytes)) === entry.hash) return 'rapid';
  return undefined;
}

/** The hash ninja of the given family logs for `command`, as it prints it. */
export function commandHash(family: HashFamily, command: string): string {
  const bytes = new TextEncoder().encode(command);
  return hex(family === 'murmur' ? murmurHash64A(bytes) : rapidhash(bytes));
}

const M64 = (1n << 64n) - 1n;
const hex = (h: bigint): string => h.toString(16);
const mul = (a: bigint, b: bigint): bigint => (a * b) & M64;
const read64 = (p: Uint8Array, i: number): bigint => new DataView(p.buffer, p.byteOffset + i, 8).getBigUint64(0, true);
const read32 = (p: Uint8Array, i: number): bigint => BigInt(new DataView(p.buffer, p.byteOffset + i, 4).getUint32(0, true));

/** MurmurHash64A with ninja's seed (src/build_log.cc up to 1.12). */
export function murmurHash64A(data: Uint8Array): bigint {
  const m = 0xc6a4a7935bd1e995n;
  const r = 47n;
  let h = 0xdecafbaddecafbadn ^ mul(BigInt(data.length), m);
  let i = 0;
  for (; data.length - i >= 8; i += 8) {
    let k = mul(read64(data, i), m);
    k ^= k >> r;
    k = mul(k, m);
    h ^= k;
    h = mul(h, m);
  }
  const rest = data.length - i;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) h ^= BigInt(data[i + j]!) << BigInt(8 * j);
    h = mul(h, m);
  }
  h ^= h >> r;
  h = mul(h, m);
  h ^= h >> r;
  return h;
}

const SECRET = [0x2d358dccaa6c78a5n, 0x8bb84b93962eacc9n, 0x4b33a62ed433d4a3n] as const;

/** rapid_mum: the 128-bit product of a and b, as its low and high halves. */
function mum(a: bigint, b: bigint): [bigint, bigint] {
  const r = a * b;
  return [r & M64, r >> 64n];
}

function mix(a: bigint, b: bigint): bigint {
  const [lo, hi] = mum(a, b);
  return lo ^ hi;
}

/** rapidhash (v1, little-endian, unrolled, not "protected") with its default seed, as ninja 1.13 hashes commands. */
export function rapidhash(p: Uint8Array): bigint {
  const [s0, s1, s2] = SECRET;
  const len = BigInt(p.length);
  let seed = 0xbdd89aa982704029n;
  seed ^= mix(seed ^ s0, s1) ^ len;
  let a: bigint;
  let b: bigint;
  if (p.length <= 16) {
    if (p.length >= 4) {
      const last = p.length - 4;
      a = (read32(p, 0) << 32n) | read32(p, last);
      const delta = (p.length & 24) >> (p.length >> 3);
      b = (read32(p, delta) << 32n) | read32(p, last - delta);
    } else if (p.length > 0) {
      a = (BigInt(p[0]!) << 56n) | (BigInt(p[p.length >> 1]!) << 32n) | BigInt(p[p.length - 1]!);
      b = 0n;
    } else a = b = 0n;
  } else {
    let i = p.length;
    let o = 0;
    if (i > 48) {
      let see1 = seed;
      let see2 = seed;
      while (i >= 96) {
        seed = mix(read64(p, o) ^ s0, read64(p, o + 8) ^ seed);
        see1 = mix(read64(p, o + 16) ^ s1, read64(p, o + 24) ^ see1);
        see2 = mix(read64(p, o + 32) ^ s2, read64(p, o + 40) ^ see2);
        seed = mix(read64(p, o + 48) ^ s0, read64(p, o + 56) ^ seed);
        see1 = mix(read64(p, o + 64) ^ s1, read64(p, o + 72) ^ see1);
        see2 = mix(read64(p, o + 80) ^ s2, read64(p, o + 88) ^ see2);
        o += 96;
        i -= 96;
      }
      if (i >= 48) {
        seed = mix(read64(p, o) ^ s0, read64(p, o + 8) ^ seed);
        see1 = mix(read64(p, o + 16) ^ s1, read64(p, o + 24) ^ see1);
        see2 = mix(read64(p, o + 32) ^ s2, read64(p, o + 40) ^ see2);
        o += 48;
        i -= 48;
      }
      seed ^= see1 ^ see2;
    }
    if (i > 16) {
      seed = mix(read64(p, o) ^ s2, read64(p, o + 8) ^ seed ^ s1);
      if (i > 32) seed = mix(read64(p, o + 16) ^ s2, read64(p, o + 24) ^ seed);
    }
    a = read64(p, o + i - 16);
    b = read64(p, o + i - 8);
  }
  a ^= s1;
  b ^= seed;
  [a, b] = mum(a, b);
  return mix(a ^ s0 ^ len, b ^ s1);
}
