// The built-dependency cache keeps one good entry per key: a valid entry is kept, a corrupt one replaced, and
// a writer that loses the race to rename its copy into place leaves the winner's entry as it is.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { restoreEntry, storeEntry, verifyEntry } from '../../lib/deps/built.ts';
import { project } from '../helpers.ts';

t.test('one good entry per key', async (t) => {
  const dir = project({ 'prefix/lib/liba.a': 'archive v1', 'prefix/include/a.h': 'int a(void);\n', 'other/lib/liba.a': 'archive v2', 'other/include/a.h': 'int a(void);\n' });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.symlinkSync('liba.a', path.join(dir, 'prefix/lib/liba.so'));
  fs.symlinkSync('liba.a', path.join(dir, 'other/lib/liba.so'));
  const entry = path.join(dir, 'cache/built/key1');
  storeEntry(path.join(dir, 'prefix'), entry);
  t.ok(verifyEntry(entry), 'stored and verified');
  storeEntry(path.join(dir, 'other'), entry);
  t.equal(fs.readFileSync(path.join(entry, 'tree/lib/liba.a'), 'utf8'), 'archive v1', 'a second writer keeps the valid entry');
  fs.writeFileSync(path.join(entry, 'tree/lib/liba.a'), 'corrupted');
  t.notOk(verifyEntry(entry), 'corruption is detected');
  storeEntry(path.join(dir, 'other'), entry);
  t.ok(verifyEntry(entry), 'a corrupt entry is replaced whole');
  t.equal(fs.readFileSync(path.join(entry, 'tree/lib/liba.a'), 'utf8'), 'archive v2');
  t.same(fs.readdirSync(path.dirname(entry)).filter((e) => e.startsWith('.tmp')), [], 'no temporary copies left');

  // Restoring rewrites only what differs, so unchanged files keep their mtimes (ninja's restat sees no change).
  const out = path.join(dir, 'restored');
  t.ok(restoreEntry(entry, out) >= 2);
  const before = fs.statSync(path.join(out, 'include/a.h')).mtimeMs;
  fs.writeFileSync(path.join(out, 'stray.txt'), 'x');
  t.equal(restoreEntry(entry, out), 0, 'a second restore writes nothing');
  t.equal(fs.statSync(path.join(out, 'include/a.h')).mtimeMs, before);
  t.notOk(fs.existsSync(path.join(out, 'stray.txt')), 'files not in the entry are removed');
  t.equal(fs.readlinkSync(path.join(out, 'lib/liba.so')), 'liba.a', 'symlinks restored');
});
