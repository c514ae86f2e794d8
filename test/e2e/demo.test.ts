// The repository's own demo: built from a copy of examples/ and build.pogo.ts, its declared tests run and pass,
// and it still builds with its optional dependencies turned off.
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
