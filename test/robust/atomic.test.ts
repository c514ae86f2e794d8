// Atomic and idempotent: pogogen killed at random points leaves every file it writes either as it was or
// replaced whole; two runs at once leave the same good files; the same input gives byte-identical output.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli, fixture, pogogen } from '../helpers.ts';

const files = ['build.ninja', 'compile_commands.json', 'out/.pogogen/build.ninja.d'];
const read = (dir: string): Record<string, string> => Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
const greet = (dir: string, word: string): void => {
  const file = path.join(dir, 'build.pogo.ts');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/option\.string\('[a-z]+'/, `option.string('${word}'`));
};
// The exit is listened for from the start: a generation can finish (in ~0.1 s) before the test gets to kill it, and
// a 'close' event already emitted would never resolve a promise made afterwards.
const closed = new WeakMap<ReturnType<typeof spawn>, Promise<number | null>>();
const start = (dir: string): ReturnType<typeof spawn> => {
  const child = spawn(process.execPath, [cli], { cwd: dir, stdio: 'ignore', env: { ...process.env, POGOGEN_LAUNCHER: 'none', POGOGEN_LINKER: 'default' } });
  closed.set(child, new Promise((r) => child.on('close', (code) => r(code))));
  return child;
};
const exited = (child: ReturnType<typeof spawn>): Promise<number | null> => closed.get(child)!;

t.test('SIGKILL at random points never leaves a partial file', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  greet(dir, 'alpha');
  t.equal(pogogen(dir).code, 0);
  const a = read(dir);
  greet(dir, 'bravo');
  t.equal(pogogen(dir).code, 0);
  const b = read(dir);
  t.not(a['build.ninja'], b['build.ninja']);
  const kills = 40;
  let whole = 0;
  for (let i = 0; i < kills; i++) {
    greet(dir, i % 2 === 0 ? 'alpha' : 'bravo');
    const child = start(dir);
    const delay = Math.floor(Math.random() * 400);
    await new Promise((r) => setTimeout(r, delay));
    child.kill('SIGKILL');
    await exited(child);
    const now = read(dir);
    for (const f of files) {
      if (now[f] === a[f] || now[f] === b[f]) whole++;
      else t.fail(`${f} is neither version after a kill at ${delay} ms`);
    }
  }
  t.equal(whole, kills * files.length, `${kills} kill points: every file whole every time`);
  greet(dir, 'alpha');
  t.equal(pogogen(dir).code, 0, 'a normal run afterwards');
  t.same(read(dir), a, 'produces the expected files');
});

t.test('two runs at once leave identical, valid files', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.equal(pogogen(dir).code, 0);
  const expected = read(dir);
  for (let i = 0; i < 10; i++) {
    greet(dir, i % 2 === 0 ? 'charlie' : 'hello');
    const codes = await Promise.all([exited(start(dir)), exited(start(dir))]);
    t.same(codes, [0, 0], `pair ${i + 1}: both succeed`);
  }
  t.same(read(dir), expected, 'the files are whole and match a single run');
});

t.test('same input, byte-identical output; other checkouts differ only by their root', async (t) => {
  const a = fixture('basic');
  const b = fixture('basic');
  t.teardown(() => {
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  });
  t.equal(pogogen(a).code, 0);
  const first = read(a);
  fs.rmSync(path.join(a, 'build.ninja'));
  fs.rmSync(path.join(a, 'out'), { recursive: true, force: true });
  t.equal(pogogen(a).code, 0);
  t.same(read(a), first, 'regenerated from scratch: identical');
  t.equal(pogogen(b).code, 0);
  const other = read(b);
  for (const f of files) t.equal(other[f]!.split(b).join('<root>'), first[f]!.split(a).join('<root>'), `${f} differs only by the root`);
});
