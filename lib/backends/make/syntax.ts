// GNU make's syntax: the only code that knows how paths and recipe text are escaped in a Makefile, and which
// paths make cannot express at all.

/**
 * Characters make cannot carry in a target or prerequisite name, whatever the escaping. `&` reads as the grouped
 * target marker `&:` when a name ending in it is followed by the colon (a directory's rule, a phony name's).
 */
const impossible = /[\s:;=%*?[\]\\|&]/;

export const make = {
  /** Why `p` cannot be a make target or prerequisite, or undefined when it can. */
  unrepresentable(p: string): string | undefined {
    const m = impossible.exec(p);
    if (m === null) return undefined;
    const c = m[0];
    const name = /\s/.test(c) ? 'whitespace' : `"${c}"`;
    return `contains ${name}, which GNU make cannot express in a target or prerequisite name`;
  },
  /** A path in a rule line: `$` doubled, `#` escaped. */
  path(p: string): string {
    return p.replace(/\$/g, '$$$$').replace(/#/g, '\\#');
  },
  /** Text in a recipe line: only `$` is special to make there. */
  recipe(s: string): string {
    return s.replace(/\$/g, '$$$$');
  },
};
