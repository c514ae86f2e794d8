// compile_commands.json from hand-made Steps with every kind of awkward argument: quotes, backslashes, control
// characters, non-ASCII, `{ raw }` shell syntax, a launcher, a launcher that is itself a placeholder, several inputs,
// an edge with no arguments, and paths that are not plain (`..`, absolute, `./`). The text must parse to exactly the
// entries, laid out as JSON.stringify(entries, null, 2) would (tools read the JSON, people read the file).
import t from 'tap';
import { writeCompdb } from '../../lib/backends/compdb/write.ts';
import type { Edge, Rule, Steps } from '../../lib/plan/steps.ts';
import { compdbProblem } from '../helpers.ts';

const edge = (rule: string, source: string, outs: string[], ins: string[] = [source]): Edge => ({ kind: 'compile', rule, target: 't', outs, ins, implicitIns: [], orderOnly: [], source });
const steps = (rules: Rule[], edges: Edge[]): Steps => ({
  root: '/proj/with "quote"',
  outDir: 'out/development',
  rules,
  edges,
  aliases: [],
  defaults: [],
  pools: [],
  files: new Map(),
  regen: { argv: ['pogogen'], buildFile: 'build.ninja', depfile: 'out/.pogogen/build.ninja.d', files: [], dirs: [] },
});

t.test('awkward arguments and paths come out as the exact entries', async (t) => {
  const odd = ['-DQ="a\\"b"', '-DB=back\\slash', '-DT=tab\there', '-DNL=line\nbreak', '-DU=ünï €', '-DC=\u0001\u001f', '-DE=', ''];
  const rules: Rule[] = [
    { name: 'cc_odd', command: ['ccache', 'cc', ...odd, { raw: '&&' }, '-c', '{in}', '-o', '{out}', '-MF', '{depfile}'], description: 'CC {out}', depfile: '{out}.d', launcher: 1 },
    { name: 'cc_weird_launcher', command: ['{in}', 'cc', '-c', '{in}', '-o', '{out}'], description: 'CC {out}', launcher: 1 },
    { name: 'cc_bare', command: ['{in}', '{out}'], description: 'X {out}' },
    { name: 'cc_none', command: [], description: 'nothing' },
  ];
  const edges = [
    edge('cc_odd', 'src/b "q".c', ['out/development/obj/b.o']),
    edge('cc_odd', 'src/a\\b.c', ['out/development/obj/a.o', 'out/development/obj/a.extra']),
    edge('cc_odd', '../outside.c', ['out/development/obj/outside.o']),
    edge('cc_odd', '/abs/x.c', ['/abs/out/x.o']),
    edge('cc_odd', './dot/./y.c', ['out/development/obj/y.o']),
    edge('cc_weird_launcher', 'w.c', ['out/development/obj/w.o']),
    edge('cc_bare', 'multi.c', ['out/development/obj/multi.o'], ['multi.c', 'extra input.c']),
    edge('cc_none', 'none.c', ['out/development/obj/none.o'], []),
    edge('cc_odd', 'src/a\\b.c', ['out/development/obj/a2.o']),
  ];
  const s = steps(rules, edges);
  const text = [...writeCompdb(s)].join('');
  t.equal(compdbProblem(s, text), undefined, 'parses to the entries, laid out as JSON.stringify would');
  const db = JSON.parse(text) as { file: string; arguments: string[]; output: string }[];
  t.equal(db.length, edges.length, 'one entry per compile edge');
  t.same(db.find((e) => e.file.endsWith('w.c'))?.arguments, ['cc', '-c', 'w.c', '-o', 'out/development/obj/w.o'], 'a launcher that is a placeholder is still left out');
  t.same(db.find((e) => e.file.endsWith('none.c'))?.arguments, [], 'no arguments: an empty array');
  t.ok(db.find((e) => e.file === '/outside.c' || e.file.endsWith('/outside.c')), 'a .. path is resolved');
  t.ok(text.split('\n').includes('      "-DQ=\\"a\\\\\\"b\\"",'), 'an argument with quotes and a backslash, JSON-escaped on its line');
});

t.test('no compile edge at all: an empty array', async (t) => {
  const s = steps([], []);
  const text = [...writeCompdb(s)].join('');
  t.equal(text, '[]\n');
  t.equal(compdbProblem(s, text), undefined);
});

t.test('the checker itself notices a wrong escape and a changed layout', async (t) => {
  const rules: Rule[] = [{ name: 'cc', command: ['cc', '-DQ="x"', '-c', '{in}', '-o', '{out}'], description: 'CC {out}' }];
  const s = steps(rules, [edge('cc', 'a.c', ['a.o'])]);
  const text = [...writeCompdb(s)].join('');
  t.equal(compdbProblem(s, text), undefined);
  t.match(compdbProblem(s, text.replace('\\"x\\"', '"x"')), /not JSON/);
  t.match(compdbProblem(s, text.replace('"-DQ=\\"x\\"",\n      ', '"-DQ=\\"x\\"", ')), /laid out differently/);
  t.match(compdbProblem(s, text.replace('"-c"', '"-C"')), /differs from its entries/);
});
