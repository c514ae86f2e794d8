// `pogogen build -jN` (and -j N, and -jN before the command) sizes the job pool pogogen serves — the fifo jobserver
// that ninja 1.13 takes its slots from and nested tools inherit in MAKEFLAGS — instead of turning it off; an older
// ninja, which cannot take slots from it, gets -jN itself. Seen through a wrapper that records how ninja was run
// and an action that records the MAKEFLAGS the build's commands get.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { pogogen, project } from '../helpers.ts';
import { npmNinja } from '../../lib/cli/probe.ts';

const ninjas: [string, string | undefined, boolean][] = [
  ["npm's ninja 1.13", npmNinja(), true],
  ["Debian's ninja 1.11", fs.existsSync('/usr/bin/ninja') ? '/usr/bin/ninja' : undefined, false],
];

for (const [name, real, client] of ninjas) {
  t.test(`-jN with ${name}`, { skip: real === undefined ? 'not installed' : false }, async (t) => {
    const dir = project({
      'build.pogo.ts': `import { action, defineBuild } from 'pogogen';
export default defineBuild({
  project: { name: 'jobs' },
  targets: [action('flags', { command: ['sh', '-c', 'printf "%s" "$MAKEFLAGS" > "$0"', '{out}'], outputs: ['makeflags.txt'] })],
});
`,
    });
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    // A ninja that notes its arguments, then is the real one.
    const wrapper = path.join(dir, 'ninja-wrapper');
    fs.writeFileSync(wrapper, `#!/bin/sh\n[ "$1" = --version ] || echo "$@" >> ${dir}/ninja-args\nexec ${real} "$@"\n`, { mode: 0o755 });
    const env = { POGOGEN_NINJA: wrapper };
    const flagsFile = path.join(dir, 'out/development/gen/makeflags.txt');
    const build = (args: string[]): { code: number; out: string; makeflags: string; ninjaArgs: string } => {
      fs.rmSync(flagsFile, { force: true });
      fs.rmSync(path.join(dir, 'ninja-args'), { force: true });
      const r = pogogen(dir, args, env);
      return { code: r.code, out: r.stdout + r.stderr, makeflags: fs.existsSync(flagsFile) ? fs.readFileSync(flagsFile, 'utf8') : '', ninjaArgs: fs.existsSync(path.join(dir, 'ninja-args')) ? fs.readFileSync(path.join(dir, 'ninja-args'), 'utf8').trim() : '' };
    };

    for (const args of [['build', '-j3'], ['build', '-j', '3'], ['-j3', 'build'], ['-j', '3', 'build'], ['build', 'all', '-j3']]) {
      const r = build(args);
      t.equal(r.code, 0, `pogogen ${args.join(' ')}: ${r.out}`);
      t.match(r.makeflags, /^-j3 --jobserver-auth=fifo:\S+$/, `pogogen ${args.join(' ')}: a pool of 3 slots is served to the build's commands`);
      if (client) {
        t.match(r.out, /Jobserver mode detected: -j3 --jobserver-auth=fifo:/, 'ninja 1.13 takes its slots from it');
        t.notMatch(r.ninjaArgs, /(^|\s)-j/, 'and is not given a -j, which would turn its jobserver client off');
      } else t.match(r.ninjaArgs, /^-C \S+ -j3( all)?$/, 'ninja 1.11 gets the count itself');
    }
    const unlimited = build(['build', '-j0']);
    t.equal(unlimited.code, 0, unlimited.out);
    t.equal(unlimited.makeflags, '', '-j0 (no limit): no pool');
    t.match(unlimited.ninjaArgs, /^-C \S+ -j0$/, 'and ninja is told so');
    const plain = build(['build']);
    t.match(plain.makeflags, /^-j\d+ --jobserver-auth=fifo:/, 'without -j the pool has a slot per processor');
    const bad = build(['build', '-jx']);
    t.equal(bad.code, 2, 'a malformed count is a usage error');
    t.match(bad.out, /-j expects a whole number, got "x"/);
  });
}
