// Bad descriptions never crash: thousands of random and mutated descriptions through validate → resolve end in
// a Graph or a DiagnosticsError with well-formed diagnostics; some hundred through the real CLI end in exit 0 or
// exit 1 with a message and no stack trace. Seeded, so a failure reproduces (the seed is printed).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { DiagnosticsError } from '../../lib/model/diagnostics.ts';
import { validate } from '../../lib/model/validate.ts';
import { resolve } from '../../lib/resolve/resolve.ts';
import { listSources } from '../../lib/resolve/files.ts';
import { pogogen, project } from '../helpers.ts';

// A fixed seed unless asked otherwise (as test/reliability/gen.ts): a red run reproduces, a green one stays green;
// FUZZ_SEED=random explores, FUZZ_CASES and FUZZ_CLI_RUNS make a longer run.
const seed = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 1_000_000) : Number(process.env.FUZZ_SEED || 424242);
const CASES = Number(process.env.FUZZ_CASES ?? 2000);
const CLI_RUNS = Number(process.env.FUZZ_CLI_RUNS ?? 40);
console.log(`# fuzz seed ${seed} (reproduce with FUZZ_SEED=${seed})`);
let state = seed;
const rnd = (): number => {
  // mulberry32
  state = (state + 0x6d2b79f5) | 0;
  let x = Math.imul(state ^ (state >>> 15), 1 | state);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

const strings = ['', 'a.c', 'src/*.c', '!x.c', 'main.c', 'lib', '../up.c', '/abs.c', 'a|b', 'new\nline', '\0', 'ünï', '$x', 'with space', '__proto__', 'constructor', 'toString', 'x'.repeat(5000), '💥', '-lead', 'executable', 'static_library'];
const keys = ['kind', 'name', 'sources', 'deps', 'publicDeps', 'public', 'cflags', 'defines', 'includeDirs', 'ldflags', 'libs', 'output', 'version', 'soname', 'command', 'outputs', 'inputs', 'program', 'recipe', 'feature', 'prefer', 'install', 'pgo', '__proto__', 'constructor', 'prototype', 'bogus'];
const kinds = ['executable', 'static_library', 'shared_library', 'object_set', 'action', 'dependency', 'test', 'nope'];

function value(depth: number): unknown {
  const r = rnd();
  if (depth > 4 || r < 0.3) return pick<unknown>([pick(strings), 0, -1, 1.5, NaN, Infinity, true, false, null, undefined, 10n, Symbol('s'), () => 1]);
  // A long list now and then, but not nested in another: 2000 lists of 2000 made single cases take seconds.
  if (r < 0.55) return Array.from({ length: Math.floor(rnd() * (depth <= 1 && rnd() < 0.05 ? 2000 : 4)) }, () => value(depth + 1));
  if (r < 0.6) {
    const o: Record<string, unknown> = {};
    Object.defineProperty(o, 'name', { get: () => { throw new Error('getter'); }, enumerable: true });
    return o;
  }
  const o: Record<string, unknown> = {};
  // defineProperty: plain assignment to "__proto__" would change the prototype instead of adding a key.
  for (let i = Math.floor(rnd() * 5); i > 0; i--) Object.defineProperty(o, pick(keys), { value: value(depth + 1), enumerable: true, configurable: true, writable: true });
  if (rnd() < 0.3) Object.defineProperty(o, '__proto__', { value: value(depth + 1), enumerable: true });
  return o;
}

function target(): Record<string, unknown> {
  const t: Record<string, unknown> = { kind: pick(kinds), name: rnd() < 0.8 ? pick(['app', 'lib', 'core', 'x', '']) : value(2) };
  if (rnd() < 0.8) t.sources = rnd() < 0.8 ? [pick(['main.c', 'src/*.c', 'missing.c', 'a|b.c'])] : value(2);
  if (rnd() < 0.3) t.deps = [pick(['app', 'lib', 'core', 'nope']), ...(rnd() < 0.2 ? [value(2)] : [])];
  if (rnd() < 0.3) Object.defineProperty(t, pick(keys), { value: value(2), enumerable: true, configurable: true, writable: true });
  return t;
}

function description(): unknown {
  const r = rnd();
  if (r < 0.05) return value(0);
  const d: Record<string, unknown> = { project: rnd() < 0.9 ? { name: 'p' } : value(1), targets: Array.from({ length: Math.floor(rnd() * 5) }, target) };
  if (rnd() < 0.2) d.options = { o: rnd() < 0.5 ? { type: pick(['bool', 'enum', 'feature', 'x']), default: value(2) } : value(2) };
  if (rnd() < 0.2) d.profiles = { development: value(2), x: { extends: pick(['x', 'production', 'nope']) } };
  if (rnd() < 0.1) Object.defineProperty(d, pick(keys), { value: value(1), enumerable: true, configurable: true, writable: true });
  if (rnd() < 0.1) {
    const list = d.targets as unknown[];
    d.targets = () => (rnd() < 0.5 ? list : value(1));
  }
  if (rnd() < 0.05) (d as { self?: unknown }).self = d;
  return d;
}

t.test(`in-process fuzz (seed ${seed})`, async (t) => {
  const root = project({ 'main.c': 'int main(void){return 0;}\n', 'src/a.c': '\n' });
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const main = path.join(root, 'build.pogo.ts');
  const opts = { root, src: { main, texts: new Map([[main, 'export default {}']]) }, profile: 'development', defines: {}, toolchain: { family: 'gcc', version: '12', cc: ['cc'] } as const, platform: 'linux' as const };
  const cases = CASES;
  let graphs = 0;
  let diagnosed = 0;
  const crashes: string[] = [];
  for (let i = 0; i < cases; i++) {
    const d = description();
    try {
      const model = validate(d, opts);
      resolve(model, { sources: listSources(model) });
      graphs++;
    } catch (err) {
      if (err instanceof DiagnosticsError && err.diagnostics.length > 0 && err.diagnostics.every((x) => typeof x.message === 'string' && typeof x.file === 'string' && typeof x.path === 'string')) diagnosed++;
      else crashes.push(`case ${i}: ${(err as Error)?.stack ?? String(err)}`);
    }
  }
  t.same(crashes.slice(0, 3), [], `no crash in ${cases} cases (${graphs} graphs, ${diagnosed} diagnosed)`);
  t.ok(diagnosed > cases / 2, 'most random descriptions are rejected with diagnostics');
  t.equal(graphs + diagnosed + crashes.length, cases);
});

t.test(`CLI fuzz: exit 0, or exit 1 with a message and no stack trace (seed ${seed})`, async (t) => {
  const dir = project({ 'main.c': 'int main(void){return 0;}\n' });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const bodies = [
    "export default { project: { name: 'p' }, targets: [{ kind: 'executable', name: 'app', sources: ['main.c'] }] };",
    'export default {',
    'export default 42;',
    'export default null;',
    "throw new TypeError('at import');",
    "export default { project: { name: 'p' }, targets: () => { throw new RangeError('in targets'); } };",
    "export default { project: { name: 'p' }, targets: () => null };",
    "const o: any = {}; o.self = o; export default { project: { name: 'p' }, targets: [o] };",
    "export default { project: { name: 'p' }, targets: [{ kind: 'executable', name: 'a', sources: ['main.c'], deps: ['a'] }] };",
    "export default { project: { name: 'p' }, ['__proto__']: { polluted: true }, targets: [] };",
    "import x from './missing.ts'; export default x;",
    "export default { project: { name: '\\u0000' }, targets: [{ kind: 'executable', name: 'a\\nb', sources: ['main.c'] }] };",
    "export default { project: { name: 'p' }, targets: Array.from({ length: 3000 }, (_, i) => ({ kind: 'executable', name: 'e' + i, sources: ['main.c'] })) };",
  ];
  let runs = 0;
  for (let i = 0; i < CLI_RUNS; i++) {
    let body = pick(bodies);
    // Mutate: delete or duplicate a random character now and then.
    if (rnd() < 0.4) {
      const at = Math.floor(rnd() * body.length);
      body = rnd() < 0.5 ? body.slice(0, at) + body.slice(at + 1) : body.slice(0, at) + body[at] + body.slice(at);
    }
    fs.writeFileSync(path.join(dir, 'build.pogo.ts'), body);
    const r = pogogen(dir, rnd() < 0.2 ? ['-D', 'x=1'] : []);
    runs++;
    if (r.code === 0) continue;
    if (r.code !== 1 || /\n\s+at [\w.<]+ \(/.test(r.stderr) || r.stderr.trim() === '') {
      t.fail(`run ${i} exited ${r.code} (signal ${r.signal ?? 'none'}): ${body}\n${r.stderr}`);
      return;
    }
  }
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
  t.pass(`${runs} CLI runs ended cleanly`);
});
