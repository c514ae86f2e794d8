// Generated headers for `pogogen init`: a header that is included, absent, and written by a Makefile rule or a
// script of the tree becomes an action running that command; one nothing writes is missing.
import path from 'node:path';
import type { Generator, InitContext, TreeFile } from './context.ts';
import { byPath, shq } from './context.ts';
import { isScript, type MakeRule } from './hints.ts';
import { pkgOf } from './tree.ts';

const P = path.posix;

/** `sh -c BODY` run in the tree's root, with `$o` the output's absolute path. */
const wrap = (body: string): string[] => ['sh', '-c', `case "$2" in /*) o="$2";; *) o="$PWD/$2";; esac; cd "$1" && ${body}`, 'sh', '{root}', '{out}'];
const runner = (script: string): string => (script.endsWith('.py') ? 'python3' : script.endsWith('.pl') ? 'perl' : 'sh');

export function findGenerators(ctx: InitContext): void {
  const scripts = ctx.all.filter((f) => isScript(f.path) && pkgOf(ctx, f.path) === undefined);
  for (const [h, at] of [...ctx.generatedHeaders].sort((a, b) => byPath(a[0], b[0]))) {
    const base = P.basename(h);
    const rule = ctx.hints.rules.get(base);
    const script = scripts.find((s) => s.text.includes(base)) ?? (rule === undefined ? undefined : scripts.find((s) => rule.recipe.some((r) => r.includes(P.basename(s.path)))));
    const g = rule !== undefined && rule.recipe.length > 0 ? fromRule(ctx, h, rule, script) : script !== undefined ? fromScript(h, base, script) : undefined;
    if (g !== undefined) ctx.generators.set(h, g);
    else ctx.missing.set(h, `${at.by}:${at.line}`);
  }
  for (const [h] of ctx.generatedHeaders) if (!ctx.generators.has(h)) ctx.generatedHeaders.delete(h);
}

/** The Makefile rule's recipe, run in the Makefile's directory; make variables other than $@ and $< mark it. */
function fromRule(ctx: InitContext, h: string, rule: MakeRule, script: TreeFile | undefined): Generator {
  const dir = P.dirname(rule.file);
  const cmd = rule.recipe.join(' && ');
  const vars = cmd.replace(/\$[@<]/g, '').match(/\$[({]?[A-Za-z_]/g);
  const body = cmd.replace(/\$@/g, '"$o"').replace(/\$</g, rule.prereqs[0] ?? '');
  return {
    header: h,
    command: wrap(dir === '.' ? body : `cd ${shq(dir)} && ${body}`),
    inputs: [...new Set([...rule.prereqs.filter((x) => !x.includes('$')).map((x) => (dir === '.' ? x : P.join(dir, x))), ...(script === undefined ? [] : [script.path])])].filter((x) => ctx.text.has(x) || ctx.all.some((f) => f.path === x)).sort(),
    runnable: vars === null,
    why: `${rule.file} has a rule for ${rule.target}: ${cmd}`,
  };
}

/** A script that mentions the header: given the output path, or moved into place, or captured from stdout. */
function fromScript(h: string, base: string, script: TreeFile): Generator {
  const s = script.text;
  const takesArg = /\$\{?1\b|sys\.argv\[1\]|\$ARGV\[0\]/.test(s);
  const fixed = new RegExp(`>\\s*["']?([\\w./-]*${base.replace(/\./g, '\\.')})`).exec(s);
  const run = `${runner(script.path)} ${shq(script.path)}`;
  const body = takesArg ? `${run} "$o"` : fixed !== null ? `${run} && mv ${shq(fixed[1]!)} "$o"` : `${run} > "$o"`;
  return {
    header: h,
    command: wrap(body),
    inputs: [script.path],
    runnable: true,
    why: `${script.path} mentions ${base} (${takesArg ? 'it takes the output path as its argument' : fixed !== null ? `it writes ${fixed[1]}, which the action moves into place` : 'it writes the header to standard output'})`,
  };
}
