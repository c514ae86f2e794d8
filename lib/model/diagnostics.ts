// Diagnostics as values: every layer collects them, the CLI prints them once and exits 1.

/** One problem found in a description, pointing at a file, a line where known, and a field path. */
export interface Diagnostic {
  /** The file the problem is in, relative to the project directory where possible. */
  readonly file: string;
  /** 1-based line in `file`, when it could be found. */
  readonly line?: number;
  readonly column?: number;
  /** Field path such as `targets[2].deps[0]`, or '' for the whole description. */
  readonly path: string;
  readonly message: string;
  readonly help?: string;
}

/** Thrown to stop a layer after it collected diagnostics; the CLI catches it and prints `diagnostics`. */
export class DiagnosticsError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'DiagnosticsError';
  }
}

/** One paragraph: `build.pogo.ts:12: error: targets[0].sources: ...` plus an indented help line. */
export function formatDiagnostic(d: Diagnostic): string {
  const at = d.line === undefined ? d.file : `${d.file}:${d.line}${d.column === undefined ? '' : `:${d.column}`}`;
  const field = d.path === '' ? '' : `${d.path}: `;
  return `${at}: error: ${field}${d.message}${d.help === undefined ? '' : `\n  help: ${d.help}`}`;
}

/** Field path from zod-style segments: `['targets', 2, 'deps', 0]` → `targets[2].deps[0]`. */
export function fieldPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'string' && /^[A-Za-z_$][\w$]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(String(s))}]`;
  }
  return out;
}

/** The closest candidate by edit distance, for "did you mean" help; undefined when nothing is close. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  // Edit distance is quadratic: a huge string is no typo.
  if (word.length > 64) return undefined;
  let best: string | undefined;
  let bestScore = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) >= bestScore) continue;
    const d = editDistance(word, c);
    if (d < bestScore) {
      best = c;
      bestScore = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** A short, safe rendering of any value for a message (JSON where possible; never throws). */
export function repr(v: unknown): string {
  try {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'symbol' || typeof v === 'function') return String(typeof v);
    const s = JSON.stringify(v);
    if (s === undefined) return String(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/**
 * What user code threw, as text, whatever it threw: a string, a Symbol, an object without a prototype, or an
 * Error whose `message` getter throws itself. Control characters other than newline and tab are escaped.
 */
export function thrownText(err: unknown): string {
  let text: string;
  try {
    text = typeof err === 'string' ? err : err instanceof Error ? String(err.message) : repr(err);
  } catch {
    text = 'an exception whose message could not be read';
  }
  return text.replace(/[\0-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A Promise, or anything `await` would treat as one (user code may return either where a value was expected). */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * A user string inside a message: JSON-quoted, so a newline, CR, NUL or escape sequence in a name cannot break
 * the one-paragraph format or reach the terminal raw, and clipped, so a 100 kB name is not a 100 kB line.
 */
export function quote(s: string): string {
  return JSON.stringify(s.length > 200 ? `${s.slice(0, 197)}...` : s);
}
