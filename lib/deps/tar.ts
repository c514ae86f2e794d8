// A streaming tar reader (ustar, pax and GNU long names): decompressed bytes in, ArchiveEntry values out; it only
// parses, so every safety decision stays in extract.ts.
import { ArchiveFormatError, type ArchiveEntry, type EntryKind } from './entry.ts';

const BLOCK = 512;

/** Entries of the tar stream `source`; each entry's body must be consumed or abandoned before the next is requested. */
export async function* tarEntries(source: AsyncIterable<Buffer>): AsyncGenerator<ArchiveEntry> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    yield* entries(new ByteReader(iterator));
  } finally {
    // Stops the decompressor (a child process for xz) when the consumer gives up early.
    await iterator.return?.();
  }
}

async function* entries(reader: ByteReader): AsyncGenerator<ArchiveEntry> {
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Map<string, string> = new Map();
  for (;;) {
    const header = await reader.read(BLOCK);
    // End of archive: two zero blocks, though many writers stop after one or none.
    if (header.length === 0 || isZero(header)) return;
    if (header.length < BLOCK) throw new ArchiveFormatError('truncated tar header');
    checkChecksum(header);
    const type = String.fromCharCode(header[156]!);
    const size = parseNumber(header, 124, 12, 'size');
    const padded = Math.ceil(size / BLOCK) * BLOCK;

    // Meta entries describe the next real entry.
    if (type === 'L' || type === 'K' || type === 'x' || type === 'g') {
      if (size > 1024 * 1024) throw new ArchiveFormatError(`${type} header of ${size} bytes is implausibly large`);
      const data = (await reader.read(padded)).subarray(0, size);
      if (data.length < size) throw new ArchiveFormatError('truncated tar extended header');
      if (type === 'L') longName = cString(data);
      else if (type === 'K') longLink = cString(data);
      else if (type === 'x') pax = parsePax(data);
      // 'g' (global pax) carries archive-wide comments, e.g. git archive's commit id; nothing we apply.
      continue;
    }

    const magic = header.toString('latin1', 257, 263);
    const prefix = magic === 'ustar\0' ? cString(header.subarray(345, 500)) : '';
    const ownName = cString(header.subarray(0, 100));
    const name = pax.get('path') ?? longName ?? (prefix !== '' ? `${prefix}/${ownName}` : ownName);
    const linkname = pax.get('linkpath') ?? longLink ?? cString(header.subarray(157, 257));
    const paxSize = pax.get('size');
    const realSize = paxSize !== undefined && /^\d+$/.test(paxSize) ? Number(paxSize) : size;
    const paxMtime = pax.get('mtime');
    const mtime = paxMtime !== undefined && Number.isFinite(Number(paxMtime)) ? Number(paxMtime) : parseNumber(header, 136, 12, 'mtime');
    longName = longLink = undefined;
    pax = new Map();

    const [kind, detail] = kindOf(type);
    const bodySize = kind === 'file' ? realSize : type === '5' || type === '1' || type === '2' ? 0 : realSize;
    const bodyPadded = Math.ceil(bodySize / BLOCK) * BLOCK;
    let remaining = bodySize;
    const body = (async function* () {
      while (remaining > 0) {
        const chunk = await reader.readSome(remaining);
        if (chunk.length === 0) throw new ArchiveFormatError(`truncated tar data in "${name}"`);
        remaining -= chunk.length;
        yield chunk;
      }
    })();
    yield { name, kind, ...(detail !== undefined ? { detail } : {}), mode: parseNumber(header, 100, 8, 'mode'), size: bodySize, mtime, linkname, body };
    // Skip whatever the consumer left unread, then the padding to the block boundary.
    await reader.skip(remaining + (bodyPadded - bodySize));
    remaining = 0;
  }
}

function kindOf(type: string): [EntryKind, string?] {
  switch (type) {
    case '0':
    case '\0':
    case '7': // contiguous file: a regular file everywhere that matters
      return ['file'];
    case '5':
      return ['dir'];
    case '2':
      return ['symlink'];
    case '1':
      return ['hardlink'];
    case '3':
      return ['device', 'character device'];
    case '4':
      return ['device', 'block device'];
    case '6':
      return ['fifo'];
    default:
      return ['unsupported', `tar entry type "${type}"`];
  }
}

function isZero(block: Buffer): boolean {
  for (const b of block) if (b !== 0) return false;
  return true;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.toString('utf8', 0, end === -1 ? bytes.length : end);
}

/** Octal (NUL/space terminated), or GNU base-256 when the first byte's high bit is set (sizes beyond 8 GiB). */
function parseNumber(header: Buffer, offset: number, length: number, field: string): number {
  const bytes = header.subarray(offset, offset + length);
  if ((bytes[0]! & 0x80) !== 0) {
    if ((bytes[0]! & 0x40) !== 0) throw new ArchiveFormatError(`negative ${field} in tar header`);
    let n = bytes[0]! & 0x3f;
    for (let i = 1; i < bytes.length; i++) n = n * 256 + bytes[i]!;
    if (!Number.isSafeInteger(n)) throw new ArchiveFormatError(`${field} too large in tar header`);
    return n;
  }
  const text = bytes.toString('latin1').replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new ArchiveFormatError(`bad ${field} "${text}" in tar header`);
  return parseInt(text, 8);
}

function checkChecksum(header: Buffer): void {
  const stored = parseNumber(header, 148, 8, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : header[i]!;
    unsigned += b;
    signed += b >= 0x80 ? b - 0x100 : b;
  }
  // Some old writers summed signed bytes; accept both like GNU tar does.
  if (stored !== unsigned && stored !== signed) throw new ArchiveFormatError('bad tar header checksum (not a tar archive, or corrupt)');
}

/** pax records: "<length> <key>=<value>\n", the length counting the whole record. */
function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const len = Number(data.toString('latin1', pos, space));
    if (!Number.isSafeInteger(len) || len <= 0 || pos + len > data.length) throw new ArchiveFormatError('bad pax extended header');
    const record = data.toString('utf8', space + 1, pos + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += len;
  }
  return out;
}

/** Exact-length reads over an async stream of chunks. */
class ByteReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(want: number): Promise<void> {
    while (this.buffered < want && !this.ended) {
      const next = await this.source.next();
      if (next.done === true) this.ended = true;
      else if (next.value.length > 0) {
        this.chunks.push(next.value);
        this.buffered += next.value.length;
      }
    }
  }

  /** Exactly n bytes, or fewer only at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = all.subarray(0, Math.min(n, all.length));
    const rest = all.subarray(out.length);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }

  /** Between 1 and max bytes (no copying of big chunks), or an empty buffer at the end of the stream. */
  async readSome(max: number): Promise<Buffer> {
    await this.fill(1);
    const first = this.chunks[0];
    if (first === undefined) return Buffer.alloc(0);
    if (first.length <= max) {
      this.chunks.shift();
      this.buffered -= first.length;
      return first;
    }
    this.chunks[0] = first.subarray(max);
    this.buffered -= max;
    return first.subarray(0, max);
  }

  async skip(n: number): Promise<void> {
    while (n > 0) {
      const chunk = await this.readSome(n);
      if (chunk.length === 0) throw new ArchiveFormatError('truncated tar data');
      n -= chunk.length;
    }
  }
}
