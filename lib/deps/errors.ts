// The error kinds of lib/deps: one-line messages that name what failed (URL, pin, archive entry), so the CLI can
// print them as they are.

/** Fetching a pinned archive failed: every URL was tried, or the pin is not cached and we are offline. */
export class FetchError extends Error {
  override readonly name = 'FetchError';
  /** One line per URL tried, in order (empty when no URL was tried, e.g. offline). */
  readonly attempts: readonly string[];

  constructor(message: string, attempts: readonly string[] = []) {
    super(oneLine(message));
    this.attempts = attempts;
  }
}

/** An archive could not be extracted safely; `entry` names the offending member when there is one. */
export class ExtractError extends Error {
  override readonly name = 'ExtractError';
  readonly archive: string;
  readonly entry: string | undefined;

  constructor(archive: string, message: string, entry?: string) {
    super(oneLine(entry === undefined ? `${archive}: ${message}` : `${archive}: entry ${JSON.stringify(entry)}: ${message}`));
    this.archive = archive;
    this.entry = entry;
  }
}

/** A failed download attempt; `retriable` is true for faults that may pass (connection errors, timeouts, 5xx, cut-off bodies). */
export class DownloadError extends Error {
  readonly retriable: boolean;
  /** The HTTP status that failed the attempt, when a server answered. */
  readonly status: number | undefined;
  constructor(message: string, retriable: boolean, status?: number) {
    super(message);
    this.retriable = retriable;
    this.status = status;
  }
}

/** Error text from an unknown thrown value, on one line. */
export function messageOf(err: unknown): string {
  return oneLine(err instanceof Error ? err.message : String(err));
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}
