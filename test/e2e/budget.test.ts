// One job budget: while two dependencies' nested makes and the project's own compiles run, the number of
// compiler processes stays within the budget (sampled with ps), and every slot gets used.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli, pogogen, project, run } from '../helpers.ts';
import { npmNinja } from '../../lib/cli/probe.ts';

const jobs = 2;

function libArchive(dir: string, name: string, n: number): { url: string; sha256: string } {
  const top = path.join(dir, 'src', `${name}-1.0`);
  fs.mkdirSync(top, { recursive: true });
  const objs: string[] = [];
  for (let i = 0; i < n; i++) {
    fs.writeFileSync(path.join(top, `${name}${i}.c`), `int ${name}_${i}(void) { return ${i}; }\n`);
    objs.push(`${name}${i}.o`);
  }
  fs.writeFileSync(path.join(top, `${name}.h`), `int ${name}_0(void);\n`);
  fs.writeFileSync(
    path.join(top, 'Makefile'),
    [`all: lib${name}.a`, `lib${name}.a: ${objs.join(' ')}`, '\tar rcs $@ $^', '%.o: %.c', '\t$(CC) -c $< -o $@', 'install: all', '\tmkdir -p $(PREFIX)/lib $(PREFIX)/include', `\tcp lib${name}.a $(PREFIX)/lib/ && cp ${name}.h $(PREFIX)/include/`, ''].join('\n'),
  );
  const file = path.join(dir, `${name}-1.0.tar.gz`);
  run('tar', ['czf', file, '-C', path.join(dir, 'src'), `${name}-1.0`]);
  return { url: `file://${file}`, sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex') };
}

t.test('pogogen build shares one jobserver between ninja and nested makes', { skip: npmNinja() === undefined ? 'npm ninja 1.13 missing' : false }, async (t) => {
  const work = project({});
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
  // A compiler that takes a while, so overlapping runs can be seen by sampling.
  const slowcc = path.join(work, 'slowcc');
  fs.writeFileSync(slowcc, '#!/bin/sh\nsleep 0.4\nexec cc "$@"\n', { mode: 0o755 });
  const a = libArchive(work, 'alpha', 8);
  const b = libArchive(work, 'beta', 8);
  const dir = path.join(work, 'proj');
  const sources = Array.from({ length: 8 }, (_, i) => `s${i}.c`);
  fs.mkdirSync(dir);
  for (const s of sources) fs.writeFileSync(path.join(dir, s), `int ${s.replace('.c', '')}(void) { return 0; }\n`);
  fs.writeFileSync(path.join(dir, 'main.c'), '#include "alpha.h"\n#include "beta.h"\nint main(void) { return alpha_0() + beta_0(); }\n');
  fs.writeFileSync(
    path.join(dir, 'build.pogo.ts'),
    `import { defineBuild, dependency, executable, recipe } from 'pogogen';
const lib = (name: string, url: string, sha256: string) => recipe({ name, version: '1.0', source: { urls: [url], sha256 }, build: { kind: 'make' }, provides: { staticLibs: [name] } });
export default defineBuild({
  project: { name: 'budget' },
  profiles: { development: { sanitize: [], cflags: ['-O0'] } },
  targets: [
    dependency('alpha', { recipe: lib('alpha', '${a.url}', '${a.sha256}') }),
    dependency('beta', { recipe: lib('beta', '${b.url}', '${b.sha256}') }),
    executable('app', { sources: ['main.c', ${sources.map((s) => `'${s}'`).join(', ')}], deps: ['alpha', 'beta'] }),
  ],
});
`,
  );
  const env = { CC: slowcc, POGOGEN_CACHE: path.join(work, 'cache'), POGOGEN_NINJA: npmNinja()! };
  t.equal(pogogen(dir, [], env).code, 0);

  // Sample the number of running slowcc processes every 50 ms while the build runs.
  const samples = path.join(work, 'samples');
  const sampler = spawn('sh', ['-c', `while :; do ps -eo args | grep -c '^/bin/sh ${slowcc}' >> ${samples}; sleep 0.05; done`], { stdio: 'ignore' });
  const build = await new Promise<{ code: number; out: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, 'build'], { cwd: dir, env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
  sampler.kill();
  t.equal(build.code, 0, build.out.slice(-2000));
  t.match(build.out, /Jobserver mode detected: -j2 --jobserver-auth=fifo:/, 'ninja took its slots from pogogen\'s fifo');
  for (const dep of ['alpha', 'beta']) {
    const log = fs.readFileSync(path.join(dir, `out/development/deps/.build/${dep}/build.log`), 'utf8');
    t.notMatch(log, /jobserver unavailable|-jN forced in submake/, `${dep}'s nested make joined the jobserver`);
  }
  t.equal(run(path.join(dir, 'out/development/bin/app'), []).code, 0, 'the program runs');
  const counts = fs.readFileSync(samples, 'utf8').trim().split('\n').map(Number);
  const max = Math.max(...counts);
  t.ok(max <= jobs + 1, `at most ${jobs} slots plus a nested make's own implicit slot (max seen ${max})`);
  t.ok(max >= jobs, `all ${jobs} slots were used while work was available (max seen ${max})`);
});
