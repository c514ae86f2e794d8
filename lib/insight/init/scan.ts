// Reading one C file for `pogogen init`: its includes with the macro conditions around them, whether it defines
// main() (and behind which conditions), the macros an `#error` guard demands and the macros it tests.

/** A macro condition around a line: `HASHMAP_TEST` positive for `#ifdef HASHMAP_TEST`, negative for `#ifndef`. */
export interface Cond {
  readonly macro: string;
  readonly positive: boolean;
}
interface Frame {
  conds: Cond[];
  /** The raw `#if` expression, for `#error` value guesses. */
  expr: string;
  inElse: boolean;
  /** `#if 0`: nothing inside counts. */
  dead: boolean;
}
export interface Include {
  readonly quoted: boolean;
  readonly name: string;
  readonly line: number;
  readonly conds: readonly Cond[];
  readonly dead: boolean;
}
export interface Scanned {
  readonly includes: readonly Include[];
  /** main() defined: undefined when none; else the conditions around it. */
  readonly main?: { readonly conds: readonly Cond[]; readonly dead: boolean };
  /** Macros an `#error` demands, with the value that satisfies the guard when it compares one. */
  readonly required: readonly { readonly macro: string; readonly value?: string; readonly line: number }[];
  /** Macros tested by `#if`/`#ifdef`/`#ifndef`. */
  readonly tested: ReadonlySet<string>;
}

/** What the scan of one file has found so far, and the `#if` frames open at the current line. */
interface ScanState {
  readonly includes: Include[];
  readonly required: { macro: string; value?: string; line: number }[];
  readonly tested: Set<string>;
  main: Scanned['main'];
  readonly stack: Frame[];
}

const directiveRe = /^\s*#\s*(ifdef|ifndef|if|elif|else|endif|include|error)\b\s*(.*)$/;
const mainRe = /^\s*(?:(?:static|extern)\s+)?(?:int|void)\s+main\s*\(|^main\s*\(/;
const cKeywords = new Set(['defined', '__has_include', '__has_include_next']);

function condsOf(kind: string, expr: string): Cond[] {
  if (kind === 'ifdef') return [{ macro: expr.trim().split(/\s/)[0] ?? '', positive: true }];
  if (kind === 'ifndef') return [{ macro: expr.trim().split(/\s/)[0] ?? '', positive: false }];
  const out: Cond[] = [];
  const e = expr.replace(/\/\*.*?\*\/|\/\/.*$/g, '');
  for (const m of e.matchAll(/(!\s*)?(?:defined\s*\(?\s*([A-Za-z_]\w*)\s*\)?|([A-Za-z_]\w*))/g)) {
    const macro = m[2] ?? m[3];
    if (macro === undefined || cKeywords.has(macro)) continue;
    out.push({ macro, positive: m[1] === undefined });
  }
  return out;
}

/** The conditions around the current line: an `#else` turns its frame's conditions around. */
const condsHere = (st: ScanState): Cond[] => st.stack.flatMap((f) => (f.inElse ? f.conds.map((c) => ({ macro: c.macro, positive: !c.positive })) : f.conds));
const deadHere = (st: ScanState): boolean => st.stack.some((f) => f.dead);

export function scan(text: string): Scanned {
  const st: ScanState = { includes: [], required: [], tested: new Set(), main: undefined, stack: [] };
  const lines = text.split('\n');
  let inComment = false;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    // Block comments spanning lines: enough to keep a commented-out `main(` or `#include` from counting.
    if (inComment) {
      const end = line.indexOf('*/');
      if (end < 0) continue;
      line = line.slice(end + 2);
      inComment = false;
    }
    line = line.replace(/\/\*.*?\*\//g, ' ');
    const open = line.indexOf('/*');
    if (open >= 0) {
      line = line.slice(0, open);
      inComment = true;
    }
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!;
    const d = directiveRe.exec(line);
    if (d === null) {
      const main = st.main;
      if (mainRe.test(line) && (main === undefined || (main.dead && !deadHere(st)) || main.conds.length > condsHere(st).length)) st.main = { conds: condsHere(st), dead: deadHere(st) };
      continue;
    }
    const [, kind, rest = ''] = d as unknown as [string, string, string];
    directive(st, kind, rest, i + 1);
  }
  const { includes, main, required, tested } = st;
  return { includes, ...(main === undefined ? {} : { main }), required, tested };
}

/** One preprocessor directive at `line`: opens, turns or closes a frame, records an include or an `#error`. */
function directive(st: ScanState, kind: string, rest: string, line: number): void {
  const stack = st.stack;
  switch (kind) {
    case 'ifdef':
    case 'ifndef':
    case 'if': {
      const cs = condsOf(kind, rest);
      for (const c of cs) st.tested.add(c.macro);
      stack.push({ conds: cs, expr: rest, inElse: false, dead: kind === 'if' && /^\s*0\s*(?:\/[/*].*)?$/.test(rest) });
      break;
    }
    case 'elif': {
      const f = stack[stack.length - 1];
      if (f !== undefined) {
        const cs = condsOf('if', rest);
        for (const c of cs) st.tested.add(c.macro);
        Object.assign(f, { conds: cs, expr: rest, inElse: false, dead: false });
      }
      break;
    }
    case 'else': {
      const f = stack[stack.length - 1];
      if (f !== undefined) Object.assign(f, { inElse: !f.inElse, dead: f.dead ? false : f.dead });
      break;
    }
    case 'endif':
      stack.pop();
      break;
    case 'include': {
      const m = /^([<"])([^>"]+)[>"]/.exec(rest.trim());
      if (m !== null) st.includes.push({ quoted: m[1] === '"', name: m[2]!, line, conds: condsHere(st), dead: deadHere(st) });
      break;
    }
    case 'error':
      guardDemands(st, line);
      break;
  }
}

/** The macros an `#error` at `line` demands, from the innermost open frame. */
function guardDemands(st: ScanState, line: number): void {
  const f = st.stack[st.stack.length - 1];
  if (f === undefined || deadHere(st)) return;
  const required = st.required;
  // `#ifndef X / #error` or `#if !defined(X) … / #error`: X must be defined (the `#else` of an `#ifdef X` too).
  const demanded = f.inElse ? f.conds.filter((c) => c.positive) : f.conds.filter((c) => !c.positive);
  for (const c of demanded) required.push({ macro: c.macro, line, ...valueFor(c.macro, f.expr) });
  // `#if X < 2 / #error`: X must be defined with a value that passes.
  if (!f.inElse) {
    for (const m of f.expr.matchAll(/\b([A-Za-z_]\w*)\s*(<=|>=|==|!=|<|>)\s*(\d+)/g)) {
      if (!required.some((r) => r.macro === m[1] && r.line === line)) required.push({ macro: m[1]!, line, ...valueFor(m[1]!, f.expr) });
    }
  }
}

/** A value for `macro` that makes an `#error` guard's comparison false: `X < 2` → 2. */
function valueFor(macro: string, expr: string): { value?: string } {
  const m = new RegExp(`\\b${macro}\\s*(<=|>=|==|!=|<|>)\\s*(\\d+)`).exec(expr);
  if (m === null) return {};
  const n = Number(m[2]);
  const v = { '<': n, '<=': n + 1, '>': n, '>=': n - 1, '==': n + 1, '!=': n }[m[1] as '<'];
  return { value: String(v) };
}
