// Each directory here is a bad project and `expected.txt` the exact message pogogen must print (exit 1, no file
// written). Regenerate expectations with POGOGEN_UPDATE=1 and review the diff.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { pogogen, project, repo } from '../helpers.ts';

const here = path.join(repo, 'test', 'errors');
const cases = fs.readdirSync(here).filter((d) => fs.statSync(path.join(here, d)).isDirectory()).sort();

for (const name of cases) {
  t.test(name, async (t) => {
    const src = path.join(here, name);
    const dir = project({});
    fs.cpSync(src, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'expected.txt'), { force: true });
    const args = fs.existsSync(path.join(src, 'args')) ? fs.readFileSync(path.join(src, 'args'), 'utf8').trim().split(/\s+/) : [];
    fs.rmSync(path.join(dir, 'args'), { force: true });
    const r = pogogen(dir, args);
    const got = r.stderr.split(dir).join('<root>');
    const expectedFile = path.join(src, 'expected.txt');
    if (process.env.POGOGEN_UPDATE === '1') fs.writeFileSync(expectedFile, got);
    t.equal(r.code, 1, 'exit code 1');
    t.equal(got, fs.readFileSync(expectedFile, 'utf8'), 'the exact message');
    t.notMatch(got, /\n\s+at /, 'no stack trace');
    for (const f of ['build.ninja', 'compile_commands.json', 'Makefile']) t.notOk(fs.existsSync(path.join(dir, f)), `${f} not written`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
}
