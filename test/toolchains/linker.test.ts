// The fast linker: with lld on PATH, non-LTO profiles link with -fuse-ld=lld (the binary's .comment says so);
// LTO profiles and POGOGEN_LINKER=default keep the compiler's own linker; the choice survives regeneration.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { which } from '../../lib/cli/probe.ts';
import { ninja, pogogen, project, run } from '../helpers.ts';

const description = `import { defineBuild, executable } from 'pogogen';
export default defineBuild({ project: { name: 'ld' }, targets: [executable('app', { sources: ['main.c'] })] });
`;

// mold is preferred when both are installed.
const fast = which('mold') !== undefined ? 'mold' : 'lld';
const wrote = fast === 'mold' ? /\bmold \d/ : /Linker: (Ubuntu |Debian )?LLD/;

t.test('mold or lld is used for non-LTO links when it is on PATH', { skip: fast === 'lld' && which('ld.lld') === undefined ? 'neither mold nor ld.lld is installed (Debian package lld)' : false }, async (t) => {
  const dir = project({ 'build.pogo.ts': description, 'main.c': '#include <stdio.h>\nint main(void) { puts("linked"); return 0; }\n' });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const auto = { POGOGEN_LINKER: undefined };
  const comment = (p: string): string => run('readelf', ['-p', '.comment', path.join(dir, p)]).stdout;

  t.equal(pogogen(dir, [], auto).code, 0);
  t.match(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'), new RegExp(`-fuse-ld=${fast}`), `the link rule asks for ${fast}`);
  t.equal(ninja(dir).code, 0);
  t.equal(run(path.join(dir, 'out/development/bin/app'), []).stdout, 'linked\n');
  t.match(comment('out/development/bin/app'), wrote, `${fast} wrote the binary`);

  // ninja re-running pogogen (from a shell without the variable) keeps the decision it recorded.
  fs.appendFileSync(path.join(dir, 'build.pogo.ts'), '\n');
  t.equal(ninja(dir, [], { POGOGEN_LINKER: 'bfd' }).code, 0);
  t.match(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'), new RegExp(`-fuse-ld=${fast}`), `regeneration keeps ${fast}`);

  t.equal(pogogen(dir, ['--profile=production'], auto).code, 0);
  t.notMatch(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'), /-fuse-ld=/, 'an LTO profile keeps gcc\'s linker and its LTO plugin');

  t.equal(pogogen(dir, [], { POGOGEN_LINKER: 'default' }).code, 0);
  t.notMatch(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'), /-fuse-ld=/, 'POGOGEN_LINKER=default: the compiler\'s own');
  t.equal(ninja(dir).code, 0);
  t.notMatch(comment('out/development/bin/app'), /LLD|mold/, 'and GNU ld relinked it');
});
