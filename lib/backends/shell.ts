// POSIX shell quoting: the one place that turns an argv element into text a shell reads back unchanged.
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
