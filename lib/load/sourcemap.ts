// Reading a source map (version 3, as esbuild writes it): a position in the bundle back to the original file, line
// and column. Used only when a diagnostic needs a line, so the bundle is imported without one (Node's own source-map
// support parses the whole map at import and formats every stack through it, which cost ~0.3 s at 50,000 sources).

export interface RawSourceMap {
  readonly sources: readonly string[];
  readonly mappings: string;
}

/** 0-based original position of a bundle position; `source` indexes the map's `sources`. */
export interface Original {
  readonly source: number;
  readonly line: number;
  readonly column: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const digit = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) digit[BASE64.charCodeAt(i)] = i;

/**
 * Decodes `mappings` into one sorted list per generated line of [generatedColumn, source, line, column] quads;
 * segments without an original position are dropped. Throws on a malformed string.
 */
export function decodeMappings(mappings: string): Int32Array[] {
  const lines: Int32Array[] = [];
  let current: number[] = [];
  // Source, line and column are deltas across the whole string; the generated column restarts on each line.
  let source = 0;
  let line = 0;
  let column = 0;
  let genColumn = 0;
  const fields = [0, 0, 0, 0, 0];
  let nFields = 0;
  let value = 0;
  let shift = 0;
  const endSegment = (): void => {
    if (nFields === 0) return;
    genColumn += fields[0]!;
    if (nFields >= 4) {
      source += fields[1]!;
      line += fields[2]!;
      column += fields[3]!;
      current.push(genColumn, source, line, column);
    }
    nFields = 0;
  };
  // One virtual ';' past the end closes the last line.
  for (let i = 0; i <= mappings.length; i++) {
    const c = i === mappings.length ? 59 : mappings.charCodeAt(i);
    if (c === 44 || c === 59) {
      // ',' ends a segment, ';' a line.
      if (shift !== 0) throw new Error('source map: a value is cut off');
      endSegment();
      if (c === 59) {
        lines.push(Int32Array.from(sortQuads(current)));
        current = [];
        genColumn = 0;
      }
      continue;
    }
    const d = c < 128 ? digit[c]! : -1;
    if (d < 0) throw new Error(`source map: unexpected character ${JSON.stringify(mappings[i])}`);
    value += (d & 31) * 2 ** shift;
    if (d & 32) {
      shift += 5;
      continue;
    }
    if (nFields === 5) throw new Error('source map: a segment has more than five fields');
    fields[nFields++] = value % 2 === 1 ? -(value - 1) / 2 : value / 2;
    value = 0;
    shift = 0;
  }
  return lines;
}

/** Segments are written in column order; sort anyway when a generator did not. */
function sortQuads(q: number[]): number[] {
  for (let i = 4; i < q.length; i += 4) if (q[i]! < q[i - 4]!) return sortedQuads(q);
  return q;
}

function sortedQuads(q: number[]): number[] {
  const quads = Array.from({ length: q.length / 4 }, (_, i) => q.slice(i * 4, i * 4 + 4));
  return quads.sort((a, b) => a[0]! - b[0]!).flat();
}

/**
 * The original position of 0-based (line, column) in the bundle: the last segment of that line starting at or
 * before the column, else the line's first segment (a frame may point into leading whitespace), as Node does.
 */
export function originalPosition(lines: readonly Int32Array[], line: number, column: number): Original | undefined {
  const seg = lines[line];
  if (seg === undefined || seg.length === 0) return undefined;
  let lo = 0;
  let hi = seg.length / 4 - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (seg[mid * 4]! <= column) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return { source: seg[best * 4 + 1]!, line: seg[best * 4 + 2]!, column: seg[best * 4 + 3]! };
}
