// The repository's own demo: built from a copy of examples/ and build.pogo.ts, its declared tests run and pass,
// it still builds with its optional dependencies turned off, and the README's first command leaves a checkout of
// it clean whatever this machine has installed.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ninja, pogogen, project, repo, run } from '../helpers.ts';

t.test('the demo builds, runs and passes its own tests', async (t) => {
  const dir = project({});
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(path.join(repo, 'examples'), path.join(dir, 'examples'), { recursive: true });
  fs.copyFileSync(path.join(repo, 'build.pogo.ts'), path.join(dir, 'build.pogo.ts'));
  const env = { POGOGEN_CACHE: path.join(dir, 'cache') };
  const tests = pogogen(dir, ['--offline', 'test'], env);
  t.equal(tests.code, 0, tests.stdout + tests.stderr);
  t.match(tests.stdout, /4 passed, 0 failed \(1 expected failures\)/);
  t.equal(run(path.join(dir, 'out/development/bin/demo'), ['set', 'x', 'y', 'get', 'x']).stdout, 'y\n');
  const off = pogogen(dir, ['--offline', '-D', 'uring=disabled', '-D', 'openssl=disabled'], env);
  t.match(off.stdout, /dependency uring: absent \(disabled\) → -DNOURING/);
  t.equal(ninja(dir).code, 0);
  t.match(run(path.join(dir, 'out/development/bin/demo'), ['--features']).stdout, /uring: no/);
});

t.test("the README's first command leaves the checkout clean, with or without the demo's -dev packages", async (t) => {
  // A checkout of the demo: its description, sources, committed pogogen.lock and .gitignore, in git.
  const dir = project({});
  const cache = project({}, 'pogogen-cache-');
  t.teardown(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  });
  fs.cpSync(path.join(repo, 'examples'), path.join(dir, 'examples'), { recursive: true });
  for (const f of ['build.pogo.ts', 'pogogen.lock', '.gitignore']) fs.copyFileSync(path.join(repo, f), path.join(dir, f));
  const git = (...args: string[]): string => {
    const r = run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', '-C', dir, ...args]);
    t.equal(r.code, 0, `git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'demo');
  const committedLock = fs.readFileSync(path.join(dir, 'pogogen.lock'), 'utf8');

  // A machine where pkg-config finds neither libcrypto nor liburing and nothing can be downloaded, so both are
  // absent; then this machine as it is (what it has installed comes from the system).
  const empty = path.join(cache, 'no-pkgconfig');
  fs.mkdirSync(empty);
  const machines: [string, Record<string, string>, string[]][] = [
    ['no -dev packages', { POGOGEN_CACHE: path.join(cache, 'b'), PKG_CONFIG_LIBDIR: empty, PKG_CONFIG_PATH: '' }, ['--offline']],
    ['this machine', { POGOGEN_CACHE: path.join(cache, 'a') }, []],
  ];
  for (const [name, env, flags] of machines) {
    fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
    const gen = pogogen(dir, flags, env);
    t.equal(gen.code, 0, `${name}: ${gen.stderr}`);
    const b = pogogen(dir, [...flags, 'build'], env);
    t.equal(b.code, 0, `${name}: ${b.stdout}${b.stderr}`);
    t.equal(git('status', '--porcelain'), '', `${name}: git status is clean`);
    t.equal(fs.readFileSync(path.join(dir, 'pogogen.lock'), 'utf8'), committedLock, `${name}: the lock is the committed one`);
    t.equal(pogogen(dir, [...flags, '--frozen'], env).code, 0, `${name}: --frozen passes`);
    // What this machine chose is reported (printed and kept in out/), not locked.
    const chosen = JSON.parse(fs.readFileSync(path.join(dir, 'out/development/dependencies.json'), 'utf8')) as Record<string, { source: string }>;
    t.match(gen.stdout, new RegExp(`dependency uring: ${chosen.uring!.source === 'missing' ? 'absent' : chosen.uring!.source}`), `${name}: printed`);
    if (name === 'no -dev packages') t.same([chosen.crypto?.source, chosen.uring?.source], ['missing', 'missing']);
  }
  const lock = JSON.parse(committedLock) as { lockVersion: number; dependencies: Record<string, Record<string, unknown>> };
  t.same(Object.keys(lock.dependencies), ['crypto', 'uring'], 'the lock pins both recipes');
  for (const [name, e] of Object.entries(lock.dependencies)) {
    t.same(Object.keys(e).sort(), ['recipe', 'sha256', 'urls', 'version'], `${name}: sources only: no system version, no cache key`);
  }
});
