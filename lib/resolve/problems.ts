// The diagnostics resolving collects: each placed at the target field it concerns, the first MAX_DIAGNOSTICS
// listed and the rest counted, thrown together at the end of a stage.
import { DiagnosticsError, type Diagnostic } from '../model/diagnostics.ts';
import { MAX_DIAGNOSTICS, quote, type Model, type ModelTarget, type Place } from '../model/validate.ts';

/** Characters no backend can put in a path: ninja has no escape for them. */
export const unrepresentable = /[|\n\r\0]/;

export class Problems {
  private readonly diags: Diagnostic[] = [];
  // Past MAX_DIAGNOSTICS, problems are counted, not located and listed: 50,000 missing files are one mistake.
  private unreported = 0;

  constructor(private readonly model: Model) {}

  /** A problem with target `t`'s `field` (`name`, `deps[2]`, ... or '' for the target as a whole). */
  target(t: ModelTarget, field: string, message: string, help?: string): void {
    if (this.diags.length >= MAX_DIAGNOSTICS) {
      this.unreported++;
      return;
    }
    // The line of that field when it can be found, else the target's.
    const segs = field === '' ? [] : field.split(/[.[\]]/).filter((x) => x !== '').map((x) => (/^\d+$/.test(x) ? Number(x) : x));
    const loc: Place = this.model.locate([...t.segments, ...segs]) ?? t.where();
    this.diags.push({ file: loc.file, ...(loc.line === undefined ? {} : { line: loc.line }), path: `${t.fieldPath}${field === '' ? '' : `.${field}`}`, message: `target ${quote(t.name)}: ${message}`, ...(help === undefined ? {} : { help }) });
  }

  /** A diagnostic made by the caller, listed whatever the count. */
  add(d: Diagnostic): void {
    this.diags.push(d);
  }

  /** True when `p` can be written in a build file; otherwise says why, at `t`'s `field`. */
  checkPath(t: ModelTarget, field: string, p: string): boolean {
    if (!unrepresentable.test(p)) return true;
    this.target(t, field, `path ${quote(p)} contains ${describeChar(p)}, which ninja cannot express in a path`, 'rename the file or directory');
    return false;
  }

  /**
   * True when the compiler can be given `p` as a file: ninja writes `./-x/a.c` back as `-x/a.c`, which gcc and
   * clang read as an option; otherwise says so, at `t`'s sources.
   */
  checkSource(t: ModelTarget, p: string): boolean {
    if (!p.startsWith('-')) return true;
    this.target(t, 'sources', `source ${quote(p)} starts with "-", so the compiler would read it as an option`, 'rename the file or its top-level directory, or move it below another directory');
    return false;
  }

  /** Ends the stage with a DiagnosticsError when anything was found. */
  stopIfAny(): void {
    if (this.diags.length === 0) return;
    throw new DiagnosticsError(this.unreported === 0 ? this.diags : [...this.diags, { file: 'build.pogo.ts', path: '', message: `${this.unreported} more problem${this.unreported === 1 ? '' : 's'} not shown` }]);
  }
}

/** A user string in an unquoted list: escaped and clipped like quote(), without the quotes. */
export const bare = (s: string): string => quote(s).slice(1, -1);

/** User strings for a message: the first ten of a long list and a count of the rest. */
export function listOf(xs: readonly string[]): string {
  return `${xs.slice(0, 10).map(bare).join(', ')}${xs.length > 10 ? ` and ${xs.length - 10} more` : ''}`;
}

function describeChar(p: string): string {
  if (p.includes('|')) return '"|"';
  if (p.includes('\n')) return 'a newline';
  if (p.includes('\r')) return 'a carriage return';
  return 'a NUL character';
}
