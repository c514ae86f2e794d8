// A one-line download progress bar for a terminal; fetch.ts only reports numbers, and this draws them, on a TTY only.

/** The part of a stream the bar needs (process.stderr fits). */
export interface BarStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressBar {
  /** Fits FetchOptions.progress. */
  readonly update: (received: number, total?: number) => void;
  /** Clears the line (a finished download needs no bar). */
  readonly done: () => void;
}

/** A bar labelled `label` on `stream`; does nothing at all when the stream is not a terminal (logs, CI, pipes). */
export function progressBar(label: string, stream: BarStream = process.stderr, minIntervalMs = 100): ProgressBar {
  if (stream.isTTY !== true) return { update: () => {}, done: () => {} };
  let last = 0;
  let drawn = false;
  return {
    update(received, total) {
      const now = Date.now();
      // Redraw at most every minIntervalMs, but always draw the last chunk.
      if (now - last < minIntervalMs && received !== total) return;
      last = now;
      drawn = true;
      stream.write(`\r${renderBar(label, received, total, stream.columns ?? 80)}\x1b[K`);
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/** The bar's text, `label [#####-----]  50% 1.0/2.0 MiB`, fitted to `width` columns. */
export function renderBar(label: string, received: number, total: number | undefined, width: number): string {
  if (total === undefined || total <= 0) return `${label} ${formatBytes(received)}`.slice(0, width - 1);
  const fraction = Math.min(1, received / total);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const tail = ` ${percent} ${formatBytes(received)}/${formatBytes(total)}`;
  const barWidth = Math.max(0, Math.min(30, width - 1 - label.length - tail.length - 3));
  const filled = Math.round(fraction * barWidth);
  const bar = barWidth > 0 ? ` [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]` : '';
  return `${label}${bar}${tail}`.slice(0, width - 1);
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
