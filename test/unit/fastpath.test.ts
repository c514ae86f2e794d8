// The no-op fast path: valid only while the command line, the environment, every file and directory read and
// every output are as the last successful generation left them.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { forget, plainGeneration, record, upToDate } from '../../lib/cli/fastpath.ts';
import { spawnSync } from 'node:child_process';
import { baseEnv, bin, fixture, pogogen, project } from '../helpers.ts';

t.test('record and check', async (t) => {
  const root = project({ 'build.pogo.ts': 'x', 'src/a.c': 'y', 'build.ninja': 'z' });
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const argv = ['--profile', 'production'];
  const env = { CC: 'gcc' };
  const read = { files: [path.join(root, 'build.pogo.ts')], dirs: [path.join(root, 'src')] };
  record(root, argv, '1.0.0', '/cli.js', read, [path.join(root, 'build.ninja')], env);
  t.ok(upToDate(root, argv, '1.0.0', '/cli.js', env), 'unchanged: up to date');
  t.notOk(upToDate(root, ['--profile', 'development'], '1.0.0', '/cli.js', env), 'other arguments');
  t.notOk(upToDate(root, argv, '1.0.1', '/cli.js', env), 'another pogogen version');
  t.notOk(upToDate(root, argv, '1.0.0', '/cli.js', { CC: 'clang' }), 'another CC');
  t.ok(upToDate(root, ['--verbose', ...argv, '--debug'], '1.0.0', '/cli.js', env), 'options that only change what is printed are no change');
  t.ok(upToDate(root, ['-v', ...argv], '1.0.0', '/cli.js', env), '-v neither');
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(path.join(root, 'build.pogo.ts'), later, later);
  t.notOk(upToDate(root, argv, '1.0.0', '/cli.js', env), 'the description was touched');
  record(root, argv, '1.0.0', '/cli.js', read, [path.join(root, 'build.ninja')], env);
  fs.writeFileSync(path.join(root, 'src', 'b.c'), '');
  t.notOk(upToDate(root, argv, '1.0.0', '/cli.js', env), 'a file was added to a globbed directory');
  record(root, argv, '1.0.0', '/cli.js', read, [path.join(root, 'build.ninja')], env);
  fs.rmSync(path.join(root, 'build.ninja'));
  t.notOk(upToDate(root, argv, '1.0.0', '/cli.js', env), 'an output is missing');
  record(root, argv, '1.0.0', '/cli.js', read, [], env);
  forget(root);
  t.notOk(upToDate(root, argv, '1.0.0', '/cli.js', env), 'forgotten');
  t.equal(plainGeneration(['-C', 'x', '-Dfoo=1']), path.resolve('x'));
  t.equal(plainGeneration(['test']), undefined, 'commands never take the fast path');
  t.equal(plainGeneration(['ci', 'github']), undefined, 'nor does ci');
});

t.test('end to end: an unchanged re-run takes the fast path; a changed environment does not', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const first = pogogen(dir, ['--verbose']).stderr;
  t.match(first, /validated/);
  // Each stage's time is counted from the process's start, so they only grow, and the first already includes
  // Node's start-up and the loading of the pipeline.
  const times = [...first.matchAll(/^pogogen: .* \(([\d.]+) ms\)$/gm)].map((m) => Number(m[1]));
  t.ok(times.length >= 4, `stage times: ${times.join(', ')}`);
  t.same(times, [...times].sort((a, b) => a - b), 'stage times never go back');
  // Node's start-up plus the pipeline's loading take well over 20 ms on any machine; counted from main(), the
  // first stage (a cached compiler probe) ended after a few.
  t.ok(times[0]! > 20, `the first stage's time (${times[0]} ms) includes the start-up`);
  t.ok(fs.existsSync(path.join(dir, 'out/.pogogen/fastpath.json')), 'recorded');
  const fast = pogogen(dir, ['--verbose']);
  t.equal(fast.code, 0);
  t.match(fast.stderr, /^pogogen: nothing changed since the last generation \([\d.]+ ms\)\n$/, 'no pipeline stage ran');
  // --verbose and --debug change what is printed, not what is generated: with or without them, nothing changed.
  const recordFile = path.join(dir, 'out/.pogogen/fastpath.json');
  const recorded = fs.statSync(recordFile).mtimeMs;
  const ninjaTime = fs.statSync(path.join(dir, 'build.ninja')).mtimeMs;
  for (const args of [[], ['--debug']]) t.equal(pogogen(dir, args).code, 0, args.join(' ') || 'no option');
  t.match(pogogen(dir, ['-v']).stderr, /^pogogen: nothing changed since the last generation \([\d.]+ ms\)\n$/, '-v: answered without the pipeline');
  t.equal(fs.statSync(recordFile).mtimeMs, recorded, 'the record was not rewritten');
  t.equal(fs.statSync(path.join(dir, 'build.ninja')).mtimeMs, ninjaTime, 'nor build.ninja');
  const slow = pogogen(dir, ['--verbose'], { CFLAGS: '-DX=1' });
  t.match(slow.stderr, /validated/, 'a new CFLAGS runs the pipeline');
  t.match(fs.readFileSync(path.join(dir, 'compile_commands.json'), 'utf8'), /-DX=1/);
  const bad = path.join(dir, 'build.pogo.ts');
  fs.writeFileSync(bad, 'export default {');
  t.equal(pogogen(dir).code, 1);
  t.notOk(fs.existsSync(path.join(dir, 'out/.pogogen/fastpath.json')), 'an error leaves no record');
});

t.test('a copied project generates for itself: the record of the tree it was copied from does not hold', async (t) => {
  const dir = fixture('basic');
  const copy = `${dir}-copy`;
  t.teardown(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(copy, { recursive: true, force: true });
  });
  t.equal(pogogen(dir).code, 0);
  t.equal(spawnSync('cp', ['-a', dir, copy]).status, 0, 'cp -a, as a user copies a tree');
  const file = path.join(copy, 'build.pogo.ts');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("option.string('hello'", "option.string('copied'"));
  const r = pogogen(copy, ['--verbose']);
  t.equal(r.code, 0, r.stderr);
  t.notMatch(r.stderr, /nothing changed/, 'the copy is not answered from the original\'s record');
  t.match(fs.readFileSync(path.join(copy, 'build.ninja'), 'utf8'), /copied/, 'its edit is in its build.ninja');
  t.match(pogogen(copy, ['--verbose']).stderr, /nothing changed/, 'and then it has a record of its own');
});

t.test('the command (bin/pogogen.cjs) answers from the same record, and hands a miss to the pipeline', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = baseEnv;
  const first = spawnSync(process.execPath, [bin, '--verbose'], { cwd: dir, encoding: 'utf8', env });
  t.equal(first.status, 0, first.stderr);
  t.match(first.stderr, /validated/, 'a first run generates');
  t.ok(fs.existsSync(path.join(dir, 'build.ninja')));
  const fast = spawnSync(process.execPath, [bin, '--verbose'], { cwd: dir, encoding: 'utf8', env });
  t.match(fast.stderr, /^pogogen: nothing changed since the last generation \([\d.]+ ms\)\n$/, 'the second is answered by the CommonJS entry');
  t.match(pogogen(dir, ['--verbose']).stderr, /^pogogen: nothing changed/, 'and dist/cli.js agrees on the record');
  const err = spawnSync(process.execPath, [bin, '--no-such-flag'], { cwd: dir, encoding: 'utf8', env });
  t.equal(err.status, 2, "a usage error is the pipeline's exit code");
  t.match(err.stderr, /--no-such-flag/);
});

t.test('a wiped dependency cache is not hidden by the fast path', async (t) => {
  const { createHash } = await import('node:crypto');
  const { run } = await import('../helpers.ts');
  const dir = project({ 'src/lib-1.0/x.c': 'int x(void) { return 1; }\n', 'src/lib-1.0/x.h': 'int x(void);\n', 'main.c': '#include "x.h"\nint main(void) { return x() - 1; }\n' });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'src/lib-1.0/Makefile'), 'all:\n\t$(CC) -c x.c -o x.o && ar rcs libx.a x.o\ninstall: all\n\tmkdir -p $(PREFIX)/lib $(PREFIX)/include && cp libx.a $(PREFIX)/lib/ && cp x.h $(PREFIX)/include/\n');
  run('tar', ['czf', path.join(dir, 'lib.tar.gz'), '-C', path.join(dir, 'src'), 'lib-1.0']);
  const sha = createHash('sha256').update(fs.readFileSync(path.join(dir, 'lib.tar.gz'))).digest('hex');
  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), `import { defineBuild, dependency, executable, recipe } from 'pogogen';
const x = recipe({ name: 'x', version: '1.0', source: { urls: ['file://${dir}/lib.tar.gz'], sha256: '${sha}' }, build: { kind: 'make' }, provides: { staticLibs: ['x'] } });
export default defineBuild({ project: { name: 'c' }, targets: [dependency('x', { recipe: x }), executable('app', { sources: ['main.c'], deps: ['x'] })] });
`);
  const env = { POGOGEN_CACHE: path.join(dir, 'cache') };
  t.equal(pogogen(dir, [], env).code, 0);
  t.equal(run('ninja', [], { cwd: dir, env }).code, 0, 'built and cached');
  fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
  t.match(pogogen(dir, ['--verbose'], env).stdout, /built result cached/, 'restored from the cache');
  t.match(pogogen(dir, ['--verbose'], env).stderr, /nothing changed since the last generation/, 'the same run again takes the fast path');
  fs.rmSync(path.join(dir, 'cache'), { recursive: true, force: true });
  const again = pogogen(dir, ['--verbose'], env);
  t.match(again.stderr, /validated/, 'the wiped cache makes the next run generate again');
  t.notMatch(again.stdout, /built result cached/);
  t.equal(run('ninja', [], { cwd: dir, env }).code, 0, 'and the build works');
});

t.test('another Node generates again, and the regeneration rule names the Node that ran pogogen', async (t) => {
  const dir = fixture('basic');
  const other = fs.mkdtempSync(path.join(path.dirname(dir), 'pogogen-node-'));
  t.teardown(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(other, { recursive: true, force: true });
  });
  // Another Node at another path, as after installing a second version: a hard link when the file system allows.
  const otherNode = path.join(other, 'node');
  try {
    fs.linkSync(process.execPath, otherNode);
  } catch {
    fs.copyFileSync(process.execPath, otherNode);
  }
  const { cli } = await import('../helpers.ts');
  const first = spawnSync(otherNode, [cli, '--verbose'], { cwd: dir, encoding: 'utf8', env: baseEnv });
  t.equal(first.status, 0, first.stderr);
  const regen = (): string => /^rule regen\n {2}command = (.*)$/m.exec(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'))![1]!;
  t.match(regen(), ` ${otherNode} `, 'the first generation names the Node that ran it');
  const again = pogogen(dir, ['--verbose']);
  t.equal(again.code, 0, again.stderr);
  t.notMatch(again.stderr, /nothing changed/, 'run by another Node, the same command line is a change');
  t.match(again.stderr, /validated/);
  t.match(regen(), ` ${process.execPath} `, 'build.ninja now names this Node');
  t.notMatch(regen(), otherNode);
  t.match(pogogen(dir, ['--verbose']).stderr, /^pogogen: nothing changed/, 'and the same Node again changes nothing');
  // The first Node goes away (removed or upgraded): ninja's regeneration still works.
  fs.rmSync(otherNode);
  const file = path.join(dir, 'build.pogo.ts');
  fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}\n`);
  const { ninja } = await import('../helpers.ts');
  const b = ninja(dir);
  t.equal(b.code, 0, b.stdout + b.stderr);
  t.match(b.stdout, /GEN build\.ninja/, 'ninja regenerated with the Node that is still there');
});
