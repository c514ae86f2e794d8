// A zip reader (stored and deflated members, no zip64, no encryption): the central directory gives names, sizes and
// unix modes; each member streams through zlib's raw inflate.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { ArchiveFormatError, type ArchiveEntry, type EntryKind } from './entry.ts';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

interface Member {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
  readonly unixMode: number | undefined;
  readonly mtime: number;
}

/** Entries of the zip file at `file`, in central-directory order. */
export async function* zipEntries(file: string): AsyncGenerator<ArchiveEntry> {
  const fd = fs.openSync(file, 'r');
  try {
    for (const m of readCentralDirectory(fd)) {
      const dataStart = localDataStart(fd, m);
      const body = memberBody(file, dataStart, m);
      const type = (m.unixMode ?? 0) & 0o170000;
      let kind: EntryKind = m.name.endsWith('/') ? 'dir' : 'file';
      if (type === 0o120000) kind = 'symlink';
      else if (type === 0o040000) kind = 'dir';
      else if (type === 0o020000 || type === 0o060000) kind = 'device';
      else if (type === 0o010000) kind = 'fifo';
      const unsupported = m.flags & 1 ? 'encrypted zip member' : m.method !== 0 && m.method !== 8 ? `zip compression method ${m.method}` : undefined;
      if (unsupported !== undefined) kind = 'unsupported';
      // A symlink member's content is its target.
      const linkname = kind === 'symlink' ? (await collect(body, 4096)).toString('utf8') : '';
      yield { name: m.name, kind, ...(unsupported !== undefined ? { detail: unsupported } : {}), mode: m.unixMode ?? (kind === 'dir' ? 0o755 : 0o644), size: m.size, mtime: m.mtime, linkname, body: kind === 'file' ? body : noBody() };
    }
  } finally {
    fs.closeSync(fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = fs.readSync(fd, buf, 0, length, position);
  if (n < length) throw new ArchiveFormatError('truncated zip file');
  return buf;
}

function readCentralDirectory(fd: number): Member[] {
  const fileSize = fs.fstatSync(fd).size;
  // The end record sits in the last 22 bytes plus at most a 64 KiB comment.
  const tailLength = Math.min(fileSize, 22 + 0xffff);
  const tail = readAt(fd, fileSize - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw new ArchiveFormatError('no zip end-of-central-directory record');
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ArchiveFormatError('zip64 archives are not supported');
  const cd = readAt(fd, cdOffset, cdSize);
  const members: Member[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    if (pos + 46 > cd.length || cd.readUInt32LE(pos) !== CENTRAL) throw new ArchiveFormatError('corrupt zip central directory');
    const madeBy = cd.readUInt16LE(pos + 4) >> 8;
    const flags = cd.readUInt16LE(pos + 8);
    const nameLength = cd.readUInt16LE(pos + 28);
    const extraLength = cd.readUInt16LE(pos + 30);
    const commentLength = cd.readUInt16LE(pos + 32);
    const compressedSize = cd.readUInt32LE(pos + 20);
    const size = cd.readUInt32LE(pos + 24);
    const localOffset = cd.readUInt32LE(pos + 42);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) throw new ArchiveFormatError('zip64 archives are not supported');
    const nameBytes = cd.subarray(pos + 46, pos + 46 + nameLength);
    members.push({
      // Bit 11 marks UTF-8 names; older writers used CP437, of which latin1 is the readable ASCII-compatible part.
      name: nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1'),
      method: cd.readUInt16LE(pos + 10),
      flags,
      compressedSize,
      size,
      localOffset,
      unixMode: madeBy === 3 ? cd.readUInt32LE(pos + 38) >>> 16 || undefined : undefined,
      mtime: dosTime(cd.readUInt16LE(pos + 14), cd.readUInt16LE(pos + 12)),
    });
    pos += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

function localDataStart(fd: number, m: Member): number {
  const header = readAt(fd, m.localOffset, 30);
  if (header.readUInt32LE(0) !== LOCAL) throw new ArchiveFormatError(`corrupt zip local header for "${m.name}"`);
  return m.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}

/** DOS date and time (local time, 2-second resolution) as seconds since the epoch. */
function dosTime(date: number, time: number): number {
  const d = new Date(1980 + (date >> 9), ((date >> 5) & 15) - 1, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2);
  return Math.floor(d.getTime() / 1000);
}

/** The member's content, opened only when read, and never more bytes than the directory declares. */
async function* memberBody(file: string, start: number, m: Member): AsyncGenerator<Buffer> {
  if (m.compressedSize === 0) return;
  const raw = fs.createReadStream(file, { start, end: start + m.compressedSize - 1 });
  const inflate = m.method === 0 ? undefined : zlib.createInflateRaw();
  if (inflate !== undefined) {
    raw.on('error', (err) => inflate.destroy(err));
    raw.pipe(inflate);
  }
  let n = 0;
  try {
    for await (const chunk of (inflate ?? raw) as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (n > m.size) throw new ArchiveFormatError(`zip member "${m.name}" inflates beyond its declared ${m.size} bytes`);
      yield chunk;
    }
  } catch (err) {
    if (err instanceof ArchiveFormatError) throw err;
    throw new ArchiveFormatError(`zip member "${m.name}": ${(err as Error).message}`);
  } finally {
    raw.destroy();
    inflate?.destroy();
  }
  if (n !== m.size) throw new ArchiveFormatError(`zip member "${m.name}" has ${n} bytes, its directory says ${m.size}`);
}

async function* noBody(): AsyncGenerator<Buffer> {}

async function collect(body: AsyncIterable<Buffer>, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    n += chunk.length;
    if (n > max) throw new ArchiveFormatError('zip symlink target too long');
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}
