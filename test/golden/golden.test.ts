// Golden text: the whole build.ninja, Makefile and compile_commands.json for small descriptions, with machine
// paths replaced by placeholders. Regenerate with POGOGEN_UPDATE=1 and review the diff.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli, ninjaBin, pogogen, project, repo, run } from '../helpers.ts';

const here = path.join(repo, 'test', 'golden');
const cases: [string, ('ninja' | 'make')[]][] = [
  ['small', ['ninja', 'make']],
  ['escaping', ['ninja']],
];

for (const [name, backends] of cases) {
  t.test(name, async (t) => {
    const dir = project({});
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.cpSync(path.join(here, name), dir, { recursive: true, filter: (src) => !src.includes('.expected') });
    const placeholders = (text: string): string => text.split(dir).join('<root>').split(cli).join('<cli>').split(process.execPath).join('<node>');
    for (const backend of backends) {
      const r = pogogen(dir, [`--backend=${backend}`], { CC: 'cc', CFLAGS: undefined, CPPFLAGS: undefined, LDFLAGS: undefined, POGOGEN_CACHE: undefined, XDG_CACHE_HOME: undefined, POGOGEN_MIRRORS: undefined });
      t.equal(r.code, 0, r.stderr);
      // The regeneration depfile too: its paths are escaped for make-style depfiles, not ninja's syntax.
      const outputs = backend === 'ninja' ? ['build.ninja', 'compile_commands.json', 'out/.pogogen/build.ninja.d'] : ['Makefile'];
      for (const file of outputs) {
        const got = placeholders(fs.readFileSync(path.join(dir, file), 'utf8'));
        const expected = path.join(here, name, `${path.basename(file)}.expected`);
        if (process.env.POGOGEN_UPDATE === '1') fs.writeFileSync(expected, got);
        t.equal(got, fs.readFileSync(expected, 'utf8'), `${name}: ${file}`);
      }
    }
  });
}

t.test('the escaping case builds and runs under ninja, and make refuses it clearly', async (t) => {
  const dir = project({});
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(path.join(here, 'escaping'), dir, { recursive: true, filter: (src) => !src.includes('.expected') });
  t.equal(pogogen(dir).code, 0);
  const b = run(ninjaBin, [], { cwd: dir });
  t.equal(b.code, 0, b.stdout + b.stderr);
  t.equal(run(path.join(dir, 'out/development/bin/odd name'), []).stdout, '6 : dollar\n');
  t.match(run(ninjaBin, [], { cwd: dir }).stdout, /no work to do/);
  const m = pogogen(dir, ['--backend=make']);
  t.equal(m.code, 1);
  t.match(m.stderr, /GNU make cannot express/);
  t.notOk(fs.existsSync(path.join(dir, 'Makefile')), 'no Makefile written');
});
