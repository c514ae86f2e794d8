// The archive member as the format readers (tar.ts, zip.ts) hand it to the safe writer (extract.ts).

export type EntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'device' | 'fifo' | 'unsupported';

export interface ArchiveEntry {
  /** The member's path exactly as the archive spells it (after pax / GNU long-name headers). */
  readonly name: string;
  readonly kind: EntryKind;
  /** For 'unsupported': what it is, for the error message. */
  readonly detail?: string;
  readonly mode: number;
  /** Content bytes the archive declares (the writer still counts what actually arrives). */
  readonly size: number;
  /** Modification time in seconds since the epoch, when known. */
  readonly mtime: number | undefined;
  /** Target of a symlink or hardlink. */
  readonly linkname: string;
  /** The content; read it (or not) before asking for the next entry. */
  readonly body: AsyncIterable<Buffer>;
}

/** Malformed archive data; extract.ts turns it into an ExtractError naming the archive. */
export class ArchiveFormatError extends Error {}
