// POSIX shell quoting: the one place that turns an argv element into text a shell reads back unchanged, and back:
// an environment value such as CFLAGS into the words a shell would make of it.
import type { Arg } from '../plan/steps.ts';

const safe = /^[A-Za-z0-9_\-+=/.,:@%^]+$/;

export const shell = {
  /** One argument, single-quoted when it holds anything the shell would interpret. */
  arg(a: string): string {
    if (safe.test(a)) return a;
    return `'${a.replace(/'/g, `'\\''`)}'`;
  },
  /** A command line: literal arguments quoted, `{ raw }` shell syntax kept. */
  join(argv: readonly Arg[]): string {
    return argv.map((a) => (typeof a === 'string' ? shell.arg(a) : a.raw)).join(' ');
  },
};

/** Splits an environment value such as CFLAGS into arguments, honouring quotes and backslashes like sh. */
export function splitWords(s: string | undefined): string[] {
  if (s === undefined) return [];
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}
