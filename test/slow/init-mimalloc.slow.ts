// (A slow test: mimalloc is built from its real pinned source, ../shared/mirror beside the repository.)
// The server fixture's allocator choice is an auto feature that init wrote: with the mirror, mimalloc is found (built
// from the shipped recipe, as no system package has it) and the program runs on it; the absent path is in
// test/e2e/init.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { fixture, ninja, pogogen, repo, run } from '../helpers.ts';
import { initIn } from '../init-trees.ts';

const mirror = path.resolve(process.env.POGOGEN_TEST_MIRROR ?? path.join(repo, '..', 'shared', 'mirror'));
const MIMALLOC = '1c6949032069d5ebea438ec5cedd602d06f40a92ddf0f0d9dcff0993e5f6635c';
const skip = fs.existsSync(path.join(mirror, MIMALLOC)) ? false : `mimalloc's source is not in ${mirror} (set POGOGEN_TEST_MIRROR)`;

t.test('init on the server fixture: mimalloc found from the recipe, its users built with USE_MIMALLOC', { skip }, async (t) => {
  const dir = fixture('init-server');
  const { r } = initIn(t, dir);
  t.match(r.stdout, /dependency mimalloc \(the mimalloc allocator; pkg-config mimalloc first, the shipped recipe as fallback; an auto feature; found, its users get -DUSE_MIMALLOC\)/);
  const env = { POGOGEN_CACHE: path.join(dir, 'cache'), POGOGEN_MIRRORS: `file://${mirror}` };
  // jemalloc's pin is a release tarball the mirror does not hold: it is left out here (its recipe is tested in
  // real-pins.slow.ts with the pin replaced).
  const gen = pogogen(dir, ['-Djemalloc=disabled'], env);
  t.equal(gen.code, 0, gen.stderr);
  t.match(gen.stdout + gen.stderr, /dependency mimalloc: source \(mimalloc 3\.1\.5 from source\)/);
  const b = ninja(dir, [], env);
  t.equal(b.code, 0, b.stdout.slice(-1500));
  t.match(run(path.join(dir, 'out/development/bin/server'), ['-q']).stdout, /uring=compiled-in malloc=mimalloc proto=tcp/, 'the server runs on mimalloc');
});
