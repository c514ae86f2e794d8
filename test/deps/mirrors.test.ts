// Mirror lists from options or POGOGEN_MIRRORS, and the <mirror>/<sha256> URL scheme.
import t from 'tap';
import { candidateUrls, mirrorBases, mirrorUrl } from '../../lib/deps/mirrors.ts';

t.test('mirror lists and URLs', async (t) => {
  const sha = 'a'.repeat(64);
  t.same(mirrorBases(undefined, ' http://m1/x ,http://m2  file:///srv/m '), ['http://m1/x', 'http://m2', 'file:///srv/m']);
  t.same(mirrorBases([], 'http://ignored'), [], 'explicit empty list switches the environment off');
  t.same(mirrorBases(undefined, undefined), []);
  t.equal(mirrorUrl('http://m/dir//', sha), `http://m/dir/${sha}`);
  t.same(candidateUrls(['http://up/a.tar.gz', 'http://up/a.tar.gz'], sha, ['http://m']), [`http://m/${sha}`, 'http://up/a.tar.gz'], 'mirrors first, duplicates once');
});
