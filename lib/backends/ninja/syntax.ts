// Ninja's syntax: the only code that knows `$` escaping, and a tiny emitter for rule/build/pool/default lines.

export const ninja = {
  /** A path in a build or default line: `$`, space and `:` are escaped; `|`, newline, CR, NUL are refused earlier. */
  path(p: string): string {
    return p.replace(/[$ :]/g, (c) => `$${c}`);
  },
  /** A variable value: only `$` is special (and leading spaces, which ninja would strip). */
  value(v: string): string {
    return v.replace(/\$/g, '$$$$').replace(/^ /, '$ ');
  },
};

/** Builds a .ninja file as text; pure, no filesystem. */
export class NinjaWriter {
  private readonly parts: string[] = [];

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
    let line = `build ${outs.map(ninja.path).join(' ')}`;
    if (opts.implicitOuts !== undefined && opts.implicitOuts.length > 0) line += ` | ${opts.implicitOuts.map(ninja.path).join(' ')}`;
    line += `: ${rule}`;
    if (ins.length > 0) line += ` ${ins.map(ninja.path).join(' ')}`;
    if (opts.implicit !== undefined && opts.implicit.length > 0) line += ` | ${opts.implicit.map(ninja.path).join(' ')}`;
    if (opts.orderOnly !== undefined && opts.orderOnly.length > 0) line += ` || ${opts.orderOnly.map(ninja.path).join(' ')}`;
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
    return this.parts.join('');
  }
}
