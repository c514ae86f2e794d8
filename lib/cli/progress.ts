// A one-line download progress bar for terminals; nothing at all when output is not a terminal (CI logs).

/** A progress callback drawing `name [#####     ] 42% 1.2/2.9 MiB` on one line of `stream`. */
export function progressBar(stream: NodeJS.WriteStream, label = 'download'): (received: number, total?: number) => void {
  let last = 0;
  return (received, total) => {
    const now = Date.now();
    const done = total !== undefined && received >= total;
    if (!done && now - last < 100) return;
    last = now;
    const mib = (n: number): string => (n / 1048576).toFixed(1);
    const width = 24;
    const frac = total === undefined || total === 0 ? undefined : Math.min(1, received / total);
    const bar = frac === undefined ? '' : `[${'#'.repeat(Math.round(frac * width)).padEnd(width)}] ${Math.round(frac * 100)}% `;
    stream.write(`\r${label} ${bar}${mib(received)}${total === undefined ? '' : `/${mib(total)}`} MiB${done ? '\n' : ''}`);
  };
}
