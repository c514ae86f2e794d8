// The files a generation leaves for the build's own steps (install.json, a dependency's plan.json, a PGO plan) are
// checked when read: a damaged one is a one-line error naming the file and the field, exit 1, no stack trace.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { fixture, pogogen } from '../helpers.ts';

const dir = fixture('basic');
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
t.equal(pogogen(dir).code, 0, 'generated');
const install = path.join(dir, 'out', 'development', 'install.json');
const good = fs.readFileSync(install, 'utf8');

const cases: { name: string; args: string[]; file: string; text: string; message: RegExp }[] = [
  { name: 'an install entry of an unknown kind', args: ['install-files', install], file: install, text: JSON.stringify({ prefix: '/usr/local', entries: [{ kind: 'copy', dest: 'x' }], needs: [] }), message: /install\.json is not an install manifest this pogogen wrote: at entries\[0\]\.kind, .*; run pogogen again to rewrite it$/m },
  { name: 'an install manifest cut short', args: ['install-files', install], file: install, text: good.slice(0, 40), message: /install\.json is not JSON \(.*\); it is written by generating: run pogogen again$/m },
  { name: 'a dependency plan without its key', args: ['dep-step', 'build', path.join(dir, 'plan.json')], file: path.join(dir, 'plan.json'), text: JSON.stringify({ name: 'x', version: '1' }), message: /plan\.json is not a dependency build plan this pogogen wrote: at key, expected string/ },
  { name: 'a PGO plan that is an array', args: ['pgo', 'train', path.join(dir, 'pgo.json')], file: path.join(dir, 'pgo.json'), text: '[]', message: /pgo\.json is not a PGO plan this pogogen wrote: at its top level, expected object/ },
  { name: 'a missing manifest', args: ['install-files', path.join(dir, 'nowhere.json')], file: '', text: '', message: /nowhere\.json does not exist; it is written by generating: run pogogen again$/m },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    if (c.file !== '') fs.writeFileSync(c.file, c.text);
    const r = pogogen(dir, c.args);
    t.equal(r.code, 1, 'exit 1');
    t.match(r.stderr, /^pogogen: error: /, 'an error line');
    t.match(r.stderr, c.message);
    t.notMatch(r.stderr, /\n\s+at |internal error/, 'no stack trace, not an internal error');
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  });
}

t.test('a well-formed manifest installs', async (t) => {
  t.same(JSON.parse(good).entries, [], 'the fixture itself installs nothing');
  fs.writeFileSync(install, JSON.stringify({ prefix: '/usr/local', entries: [{ kind: 'write', dest: '/usr/local/share/basic/note.txt', content: 'hi\n', mode: 0o644 }], needs: [] }));
  const dest = path.join(dir, 'dest');
  const r = pogogen(dir, ['install-files', install], { DESTDIR: dest });
  t.equal(r.code, 0, r.stderr);
  t.equal(fs.readFileSync(path.join(dest, 'usr/local/share/basic/note.txt'), 'utf8'), 'hi\n', 'the file under DESTDIR');
});
