// out/.pogogen/last-generation.json is checked before anything in it is reused: a damaged one is ignored with a
// warning, and nothing from it reaches the environment or the build.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { lastGenerationProblem } from '../../lib/cli/state.ts';
import { pogogen, project } from '../helpers.ts';

t.test('lastGenerationProblem: what pogogen writes passes, anything else is named', async (t) => {
  t.equal(lastGenerationProblem({ profile: 'development', backend: 'ninja', offline: true, env: { POGOGEN_CACHE: '/c' }, defines: {} }), undefined);
  t.equal(lastGenerationProblem([]), 'not an object');
  t.equal(lastGenerationProblem({ profile: 3 }), '"profile" is not a string');
  t.equal(lastGenerationProblem({ env: { PATH: ['x'] } }), '"env" is not an object of strings');
  t.equal(lastGenerationProblem({ backend: 'scons' }), '"backend" is neither ninja nor make');
  t.equal(lastGenerationProblem({ offline: 'yes' }), '"offline" is not a boolean');
});

t.test('a damaged record is ignored with a warning; targets and build still work', async (t) => {
  const dir = project({
    'build.pogo.ts': "import { defineBuild, executable } from 'pogogen';\nexport default defineBuild({ project: { name: 's' }, targets: [executable('app', { sources: ['main.c'] })] });\n",
    'main.c': 'int main(void) { return 0; }\n',
  });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.equal(pogogen(dir).code, 0);
  const file = path.join(dir, 'out/.pogogen/last-generation.json');
  for (const [text, why] of [
    ['{"profile": "development", "env": {"CC": ["not", "a", "string"]}}', /"env" is not an object of strings/],
    ['{"profile": ', /is not JSON/],
  ] as const) {
    fs.writeFileSync(file, text);
    const r = pogogen(dir, ['targets']);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stderr, why, 'the warning says why');
    t.match(r.stderr, /ignored/);
    t.match(r.stdout, /^app\s+executable/m, 'and the command works');
    t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  fs.writeFileSync(file, '[1, 2]');
  const b = pogogen(dir, ['build']);
  t.equal(b.code, 0, b.stderr);
  t.ok(fs.existsSync(path.join(dir, 'out/development/bin/app')), 'build works over a damaged record');
});

t.test("a damaged fast-path record or ninja verdict is ignored: the run generates (or builds) as if there were none", async (t) => {
  const dir = project({
    'build.pogo.ts': "import { defineBuild, executable } from 'pogogen';\nexport default defineBuild({ project: { name: 's' }, targets: [executable('app', { sources: ['main.c'] })] });\n",
    'main.c': 'int main(void) { return 0; }\n',
  });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.equal(pogogen(dir).code, 0);
  const record = path.join(dir, 'out/.pogogen/fastpath.json');
  for (const text of ['null', '[]', '{"key": 1}', '{"key": "k", "files": {}}', '{"ke']) {
    fs.writeFileSync(record, text);
    const r = pogogen(dir, ['-v']);
    t.equal(r.code, 0, `${text}: exit 0`);
    t.match(r.stderr, /warning: out\/\.pogogen\/fastpath\.json is damaged and was ignored; generating again/, `${text}: said`);
    t.notMatch(r.stderr, /\n\s+at |TypeError/, `${text}: no stack trace`);
    t.doesNotThrow(() => JSON.parse(fs.readFileSync(record, 'utf8')).key.length, `${text}: rewritten`);
    t.match(pogogen(dir, ['-v']).stderr, /nothing changed since the last generation/, `${text}: the next run takes the fast path again`);
  }
  t.equal(pogogen(dir, ['build']).code, 0, 'built');
  const verdict = path.join(dir, 'out/.pogogen/ninja-log.json');
  for (const text of ['null', '{"file": 1}', '{"file": "x", "size": 1, "mtimeMs": 1, "family": "crc"}']) {
    fs.writeFileSync(verdict, text);
    const r = pogogen(dir, ['build']);
    t.equal(r.code, 0, `verdict ${text}: build exit 0 ${r.stderr}`);
    t.notMatch(r.stderr, /\n\s+at |TypeError/, `verdict ${text}: no stack trace`);
  }
});
