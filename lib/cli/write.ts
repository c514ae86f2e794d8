// Writing files the way a build system must: whole or not at all (temp + rename), and only when the content
// changed, so an unchanged re-run leaves every mtime alone.
import fs from 'node:fs';
import path from 'node:path';

/**
 * A file's text: one string, or pieces to be written in order, possibly produced lazily (a 40 MB
 * compile_commands.json need never exist whole). Pieces are encoded one by one, so none may end inside a surrogate
 * pair (the writers' pieces end in ASCII). Iterated once.
 */
export type Content = string | Iterable<string>;

/**
 * Writes `content` to `file` atomically unless it already holds exactly that; returns true when it wrote.
 * One pass: the pieces are compared with the old file block by block; at the first difference the matching prefix
 * is copied from the old file into the temporary one and the rest is written after it.
 */
export function writeIfChanged(file: string, content: Content): boolean {
  const chunks = typeof content === 'string' ? [content] : content;
  let old = openOld(file, chunks);
  let pos = 0;
  let tmp: { path: string; fd: number } | undefined;
  const startWriting = (): { path: string; fd: number } => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const t = { path: `${file}.${process.pid}.tmp`, fd: -1 };
    t.fd = fs.openSync(t.path, 'w');
    tmp = t;
    if (old !== undefined) {
      // Everything compared so far matched: it is the start of the new text too.
      for (let off = 0; off < pos; ) {
        const n = readAt(old.fd, old.buf, Math.min(BLOCK, pos - off), off);
        if (n === 0) throw new Error(`${file} changed while it was being compared`);
        writeAll(t.fd, old.buf, n);
        off += n;
      }
      fs.closeSync(old.fd);
      old = undefined;
    }
    return t;
  };
  try {
    encode(chunks, (buf, n) => {
      if (old !== undefined && matches(old, pos, buf, n)) {
        pos += n;
        return;
      }
      writeAll((tmp ?? startWriting()).fd, buf, n);
    });
    if (old !== undefined) {
      if (pos === old.size) return false;
      startWriting(); // the new text is a prefix of the old one
    }
    const t = tmp ?? startWriting(); // nothing at all to write and no old file: an empty file
    fs.closeSync(t.fd);
    t.fd = -1;
    fs.renameSync(t.path, file);
  } catch (err) {
    const t = tmp as { path: string; fd: number } | undefined;
    if (t !== undefined) {
      if (t.fd !== -1) fs.closeSync(t.fd);
      fs.rmSync(t.path, { force: true });
    }
    throw err;
  } finally {
    if (old !== undefined) fs.closeSync(old.fd);
  }
  return true;
}

/** True when `file` exists and holds exactly `content` (compared block by block, as writeIfChanged does). */
export function holds(file: string, content: Content): boolean {
  const chunks = typeof content === 'string' ? [content] : content;
  const old = openOld(file, chunks);
  if (old === undefined) return false;
  let pos = 0;
  try {
    encode(chunks, (buf, n) => {
      if (!matches(old, pos, buf, n)) throw differs; // stop rendering at the first difference
      pos += n;
    });
  } catch (err) {
    if (err === differs) return false;
    throw err;
  } finally {
    fs.closeSync(old.fd);
  }
  return pos === old.size;
}

const differs = new Error('the content differs');

/** Creates `file` or updates its mtime to now (for stamps whose time, not content, carries the meaning). */
export function writeTouch(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const now = new Date();
  try {
    fs.utimesSync(file, now, now);
  } catch {
    fs.writeFileSync(file, '');
  }
}

// Encoding and comparing go block by block: neither the text nor the old file is ever held whole, and an unchanged
// 40 MB file costs a streamed read and memcmp, not a decode and a string comparison.
const BLOCK = 1 << 20;
/** UTF-16 units per slice of a long string: at most 3 bytes each in UTF-8, so a slice always fits a block. */
const SLICE = Math.floor(BLOCK / 3);

interface OldFile {
  readonly fd: number;
  readonly size: number;
  /** Reused block for reading the old bytes. */
  readonly buf: Buffer;
}

/** The existing file to compare with, or undefined when it is missing, unreadable or cannot match by its size. */
function openOld(file: string, chunks: Iterable<string>): OldFile | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined; // missing or unreadable: write it
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (Array.isArray(chunks)) {
      // UTF-8 needs 1 to 3 bytes per UTF-16 unit: a size outside that range cannot match.
      let units = 0;
      for (const c of chunks as readonly string[]) units += c.length;
      if (size < units || size > 3 * units) {
        fs.closeSync(fd);
        return undefined;
      }
    }
    return { fd, size, buf: Buffer.allocUnsafe(BLOCK) };
  } catch {
    fs.closeSync(fd);
    return undefined;
  }
}

/** True when the old file holds exactly `buf[0, n)` at `pos`; a read error counts as a difference. */
function matches(old: OldFile, pos: number, buf: Buffer, n: number): boolean {
  if (pos + n > old.size) return false;
  try {
    if (readAt(old.fd, old.buf, n, pos) !== n) return false;
  } catch {
    return false;
  }
  return old.buf.compare(buf, 0, n, 0, n) === 0;
}

/** Reads up to `n` bytes at `pos` into the start of `buf`; fewer only at the end of the file. */
function readAt(fd: number, buf: Buffer, n: number, pos: number): number {
  let got = 0;
  while (got < n) {
    const r = fs.readSync(fd, buf, got, n - got, pos + got);
    if (r === 0) break;
    got += r;
  }
  return got;
}

function writeAll(fd: number, buf: Buffer, n: number): void {
  for (let off = 0; off < n; ) off += fs.writeSync(fd, buf, off, n - off);
}

/**
 * Feeds the UTF-8 encoding of `chunks` to `sink` one block at a time; the block is reused, so the sink must be done
 * with it when it returns.
 */
function encode(chunks: Iterable<string>, sink: (buf: Buffer, n: number) => void): void {
  const block = Buffer.allocUnsafe(BLOCK);
  let n = 0;
  const put = (s: string): void => {
    if (3 * s.length > BLOCK - n) {
      sink(block, n);
      n = 0;
    }
    n += block.write(s, n);
  };
  for (const c of chunks) {
    if (c.length <= SLICE) {
      put(c);
      continue;
    }
    // A long string in slices, never cutting between the two halves of a surrogate pair.
    for (let i = 0; i < c.length; ) {
      let j = Math.min(c.length, i + SLICE);
      if (j < c.length && isHighSurrogate(c.charCodeAt(j - 1)) && isLowSurrogate(c.charCodeAt(j))) j--;
      put(c.slice(i, j));
      i = j;
    }
  }
  if (n > 0) sink(block, n);
}

const isHighSurrogate = (u: number): boolean => u >= 0xd800 && u <= 0xdbff;
const isLowSurrogate = (u: number): boolean => u >= 0xdc00 && u <= 0xdfff;
