// Ninja's syntax: the only code that knows `$` escaping, and a tiny emitter for rule/build/pool/default lines.

const needsPathEscape = /[$ :]/;

export const ninja = {
  /** A path in a build or default line: `$`, space and `:` are escaped; `|`, newline, CR, NUL are refused earlier. */
  path(p: string): string {
    // Most paths need no escape: testing first spares a replace (and its callback) per path at 50,000 edges.
    return needsPathEscape.test(p) ? p.replace(/[$ :]/g, (c) => `$${c}`) : p;
  },
  /** A variable value: only `$` is special (and leading spaces, which ninja would strip). */
  value(v: string): string {
    if (!v.includes('$') && !v.startsWith(' ')) return v;
    return v.replace(/\$/g, '$$$$').replace(/^ /, '$ ');
  },
  /** A path in a make-style depfile (ninja reads the regeneration edge's): spaces and `#` backslash-escaped, `$` doubled. */
  depfilePath(p: string): string {
    return p.replace(/\$/g, '$$$$').replace(/([ #\\])/g, '\\$1');
  },
};

/** Builds a .ninja file as text; pure, no filesystem. */
export class NinjaWriter {
  private readonly parts = new Pieces();

  comment(text: string): this {
    for (const line of text.split('\n')) this.parts.push(`# ${line}\n`);
    return this;
  }

  newline(): this {
    this.parts.push('\n');
    return this;
  }

  /** `name = value`, value already escaped by the caller when it mixes escaped text and $variables. */
  variable(name: string, value: string, indent = 0): this {
    this.parts.push(`${'  '.repeat(indent)}${name} = ${value}\n`);
    return this;
  }

  pool(name: string, depth: number): this {
    this.parts.push(`pool ${name}\n  depth = ${depth}\n`);
    return this;
  }

  /** A rule; `vars` values are written as given (escape literal text with ninja.value). */
  rule(name: string, vars: Readonly<Record<string, string | undefined>>): this {
    this.parts.push(`rule ${name}\n`);
    for (const [k, v] of Object.entries(vars)) if (v !== undefined) this.variable(k, v, 1);
    return this;
  }

  /** `build outs | implicitOuts: rule ins | implicit || orderOnly`, paths escaped here. */
  build(
    outs: readonly string[],
    rule: string,
    ins: readonly string[] = [],
    opts: { implicit?: readonly string[]; orderOnly?: readonly string[]; implicitOuts?: readonly string[]; vars?: Readonly<Record<string, string>> } = {},
  ): this {
    let line = `build ${pathList(outs)}`;
    if (opts.implicitOuts !== undefined && opts.implicitOuts.length > 0) line += ` | ${pathList(opts.implicitOuts)}`;
    line += `: ${rule}`;
    if (ins.length > 0) line += ` ${pathList(ins)}`;
    if (opts.implicit !== undefined && opts.implicit.length > 0) line += ` | ${pathList(opts.implicit)}`;
    if (opts.orderOnly !== undefined && opts.orderOnly.length > 0) line += ` || ${pathList(opts.orderOnly)}`;
    this.parts.push(`${line}\n`);
    if (opts.vars !== undefined) for (const [k, v] of Object.entries(opts.vars)) this.variable(k, v, 1);
    return this;
  }

  default(paths: readonly string[]): this {
    if (paths.length > 0) this.parts.push(`default ${paths.map(ninja.path).join(' ')}\n`);
    return this;
  }

  include(p: string): this {
    this.parts.push(`include ${ninja.path(p)}\n`);
    return this;
  }

  toString(): string {
    return this.parts.chunks().join('');
  }

  /** The text in pieces of about 256 KiB, in order, each ending with a newline: for writing a large file. */
  chunks(): readonly string[] {
    return this.parts.chunks();
  }

  /** The pieces completed since the last call (each about 256 KiB), handed over: for producing text lazily. */
  drain(): readonly string[] {
    return this.parts.drain();
  }
}

/**
 * Text collected as lines and kept as flat pieces of about 256 KiB: the lines (and the many small strings they are
 * concatenated from) die young, a 10 MB build.ninja never becomes one string, and pieces this large go to V8's
 * large-object space, where the young-generation collector never copies them.
 */
class Pieces {
  private readonly done: string[] = [];
  private pending: string[] = [];
  private pendingLength = 0;

  push(text: string): void {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= 1 << 18) this.flush();
  }

  chunks(): readonly string[] {
    this.flush();
    return [...this.done];
  }

  drain(): string[] {
    if (this.done.length === 0) return [];
    return this.done.splice(0);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.done.push(this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
  }
}

/** Paths escaped and joined with spaces; the common one-path case allocates no array. */
function pathList(list: readonly string[]): string {
  return list.length === 1 ? ninja.path(list[0]!) : list.map(ninja.path).join(' ');
}
