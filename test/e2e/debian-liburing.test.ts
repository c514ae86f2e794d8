// A real third-party build: liburing from Debian's source package (fetched with a private sources list made from
// the system's apt entries; version and sha256 read from the .dsc here), built from source by the liburing
// recipe's build steps, linked into the demo, and the demo run.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ninja, pogogen, project, repo, run } from '../helpers.ts';
import { which } from '../../lib/cli/probe.ts';

t.test('liburing from the Debian source package builds into the demo', { skip: which('apt-get') === undefined ? 'no apt-get here' : false }, async (t) => {
  const work = project({});
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
  const src = path.join(work, 'debian');
  const got = run('sh', [path.join(repo, 'scripts/debian-source.sh'), 'liburing', src]);
  if (got.code !== 0) {
    t.pass(`skipped: apt-get source failed (no deb-src access?): ${got.stderr.split('\n')[0]}`);
    return;
  }
  const dsc = fs.readdirSync(src).find((f) => f.endsWith('.dsc'))!;
  const text = fs.readFileSync(path.join(src, dsc), 'utf8');
  const version = /^Version: (?:\d+:)?([^-\s]+)/m.exec(text)![1]!;
  const sums = text.slice(text.indexOf('Checksums-Sha256:'));
  const orig = /^ ([0-9a-f]{64}) \d+ (\S+\.orig\.tar\.\w+)$/m.exec(sums)!;
  const [sha256, file] = [orig[1]!, orig[2]!];
  t.match(version, /^\d+\.\d+/, `Debian ships liburing ${version}`);

  const dir = path.join(work, 'demo');
  fs.mkdirSync(dir);
  fs.cpSync(path.join(repo, 'examples'), path.join(dir, 'examples'), { recursive: true });
  // The demo's own description, with its liburing recipe pointed at Debian's tarball and preferred over the system;
  // releases before 2.5 have no io_uring_version.h, so that header is not staged.
  const original = fs.readFileSync(path.join(repo, 'build.pogo.ts'), 'utf8');
  const description = `import { recipe as pogoRecipe, recipes as pogoRecipes } from 'pogogen';
const staged = pogoRecipes.liburing.headers!;
const debianLiburing = pogoRecipe({ ...pogoRecipes.liburing, version: '${version}', source: { urls: ['file://${path.join(src, file)}'], sha256: '${sha256}' }, headers: { ...staged, copy: staged.copy.filter((c) => !c.from.endsWith('io_uring_version.h')) } });
${original.replace('recipe: recipes.liburing,', "recipe: debianLiburing, prefer: 'source',")}`;
  t.match(description, /recipe: debianLiburing, prefer: 'source'/, 'the demo description was adapted');
  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description);
  const env = { POGOGEN_CACHE: path.join(work, 'cache') };

  const gen = pogogen(dir, ['-D', 'uring=enabled', '-D', 'openssl=disabled'], env);
  t.equal(gen.code, 0, gen.stderr);
  t.match(gen.stdout, new RegExp(`dependency uring: source \\(liburing ${version.replace(/\./g, '\\.')} from source\\)`));
  const b = ninja(dir, ['-j2'], env);
  t.equal(b.code, 0, b.stdout.slice(-3000));
  t.ok(fs.existsSync(path.join(dir, 'out/development/deps/uring/lib/liburing.a')), 'liburing.a installed under out/');
  t.ok(fs.existsSync(path.join(dir, 'out/development/deps/uring/include/liburing.h')), 'with its headers');
  t.notOk(fs.existsSync(path.join(dir, 'out/development/deps/.build/uring/src/test/io_uring_setup.t')), 'its tests were not built');
  const features = run(path.join(dir, 'out/development/bin/demo'), ['--features']);
  t.equal(features.code, 0);
  t.match(features.stdout, /^uring: (yes|linked, but the kernel refused io_uring)$/m, 'the demo is linked with the source-built liburing');
  const nm = run('nm', [path.join(dir, 'out/development/bin/demo')]);
  t.match(nm.stdout, /\bio_uring_queue_init\b/, 'liburing code is in the binary');
  t.match(ninja(dir, [], env).stdout, /no work to do/);
});
