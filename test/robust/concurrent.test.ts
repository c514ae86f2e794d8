// Concurrency in one tree: two generations at once, from a fresh tree, after an edit and after losing pogogen's
// state, leave valid files identical to what a lone generation writes, and a build file ninja builds; two
// `pogogen build`s at once both succeed and leave a tree that is up to date.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { fixture, ninja, pogogen, pogogenAsync, run, type Run } from '../helpers.ts';

const outputs = ['build.ninja', 'compile_commands.json', 'out/.pogogen/build.ninja.d'];
const read = (dir: string): Record<string, string> => Object.fromEntries(outputs.map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
const greet = (dir: string, word: string): void => {
  const file = path.join(dir, 'build.pogo.ts');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/option\.string\('[a-z]+'/, `option.string('${word}'`));
};
/** Every JSON file pogogen keeps under out/.pogogen/ (and the compilation database) must parse. */
const badJson = (dir: string): string[] => {
  const state = path.join(dir, 'out', '.pogogen');
  const jsons = fs.readdirSync(state).filter((f) => f.endsWith('.json')).map((f) => path.join(state, f));
  return [...jsons, path.join(dir, 'compile_commands.json')].filter((f) => {
    try {
      JSON.parse(fs.readFileSync(f, 'utf8'));
      return false;
    } catch {
      return true;
    }
  });
};
/** What goes wrong in a run besides its exit code: a stack trace or an internal error. */
const crashed = (r: Run): boolean => /internal error|\n\s+at .+:\d+:\d+\)?\n/.test(r.stderr);
/** Temporary files left behind by writes that were not finished (temp + rename). */
const leftovers = (dir: string): string[] => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tmp$/.test(f) && !f.includes('/load/'));

t.test('two generations at once, 20 times: valid files, identical to a lone generation, ninja builds', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const states = ['a fresh tree', 'an edited description', 'no state under out/.pogogen', 'nothing changed'];
  let failures = 0;
  for (let i = 0; i < 20; i++) {
    const state = states[i % states.length]!;
    if (state === 'a fresh tree') for (const f of ['out', 'build.ninja', 'compile_commands.json']) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
    if (state === 'an edited description') greet(dir, i % 8 === 1 ? 'howdy' : 'hello');
    if (state === 'no state under out/.pogogen') fs.rmSync(path.join(dir, 'out', '.pogogen'), { recursive: true, force: true });
    const pair = await Promise.all([pogogenAsync(dir), pogogenAsync(dir)]);
    const ok = pair.every((r) => r.code === 0 && !crashed(r));
    t.ok(ok, `round ${i + 1} (${state}): both generations succeed: ${pair.map((r) => r.stderr).join('')}`);
    const bad = badJson(dir);
    t.same(bad, [], `round ${i + 1}: every state file and the compilation database parse`);
    t.same(leftovers(dir), [], `round ${i + 1}: no temporary file left`);
    const together = read(dir);
    // A lone generation (the fast path first, then a full one) finds nothing to change.
    const lone = pogogen(dir);
    fs.rmSync(path.join(dir, 'out', '.pogogen', 'fastpath.json'), { force: true });
    const full = pogogen(dir);
    t.equal(lone.code + full.code, 0, `round ${i + 1}: lone generations succeed`);
    const same = JSON.stringify(read(dir)) === JSON.stringify(together);
    t.ok(same, `round ${i + 1}: the files two generations wrote are the ones a lone generation writes`);
    const dry = ninja(dir, ['-n']);
    t.equal(dry.code, 0, `round ${i + 1}: ninja reads the build file: ${dry.stderr}`);
    if (!ok || bad.length > 0 || !same || dry.code !== 0) failures++;
  }
  t.equal(failures, 0, '20 rounds, no failure');
  const built = ninja(dir);
  t.equal(built.code, 0, built.stdout);
  t.match(run(path.join(dir, 'out/development/bin/app'), ['x'], { env: { ASAN_OPTIONS: 'detect_leaks=0' } }).stdout, /hello|howdy/);
});

t.test('two `pogogen build`s at once in one tree, 5 times: both succeed, the tree is then up to date', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (let i = 0; i < 5; i++) {
    for (const f of ['out', 'build.ninja', 'compile_commands.json']) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
    const pair = await Promise.all([pogogenAsync(dir, ['build']), pogogenAsync(dir, ['build'])]);
    for (const r of pair) t.ok(r.code === 0 && !crashed(r), `round ${i + 1}: build exits 0: ${r.stdout}${r.stderr}`);
    t.same(badJson(dir), [], `round ${i + 1}: state files parse`);
    // The ninja both ran (pogogen build picks the one that reads the tree's log).
    const again = pogogen(dir, ['build']);
    t.equal(again.code, 0, again.stderr);
    t.match(again.stdout, /no work to do/, `round ${i + 1}: nothing left to build (nothing was half-written)`);
    t.notMatch(again.stderr, /premature end of file|starting over/, `round ${i + 1}: .ninja_log whole`);
    t.match(run(path.join(dir, 'out/development/bin/app'), ['x'], { env: { ASAN_OPTIONS: 'detect_leaks=0' } }).stdout, /hello/, `round ${i + 1}: the program runs`);
  }
});
