// `pogogen build` with nothing to generate: ninja's version is asked once per binary and remembered in the tree,
// no fifo is left behind, and the build still regenerates when the description changed.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { pogogen, project, run, touch } from '../helpers.ts';

t.test('a build with nothing to generate asks ninja its version once', async (t) => {
  const dir = project({
    'build.pogo.ts': "import { defineBuild, executable } from 'pogogen';\nexport default defineBuild({ project: { name: 'lean' }, targets: [executable('app', { sources: ['main.c'] })] });\n",
    'main.c': '#include <stdio.h>\nint main(void) { puts("one"); return 0; }\n',
  });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const calls = path.join(dir, 'ninja-calls');
  const wrapper = path.join(dir, 'ninja-wrapper');
  fs.writeFileSync(wrapper, `#!/bin/sh\necho "$@" >> ${calls}\nexec ninja "$@"\n`, { mode: 0o755 });
  const env = { POGOGEN_NINJA: wrapper };
  const build = (): { code: number; calls: string[] } => {
    fs.rmSync(calls, { force: true });
    const r = pogogen(dir, ['build'], env);
    t.equal(r.code, 0, r.stderr);
    return { code: r.code, calls: fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').trim().split('\n') : [] };
  };
  t.equal(pogogen(dir, [], env).code, 0);
  const first = build();
  t.same(first.calls.filter((c) => c === '--version'), ['--version'], 'the first build asks the version');
  t.equal(run(path.join(dir, 'out/development/bin/app'), []).stdout, 'one\n');
  const versions = JSON.parse(fs.readFileSync(path.join(dir, 'out/.pogogen/ninja-versions.json'), 'utf8')) as Record<string, { version: string }>;
  t.match(versions[wrapper]?.version ?? '', /^1\.\d+/, 'and the tree remembers it');
  t.same(fs.readdirSync(path.join(dir, 'out/.pogogen')).filter((f) => f.endsWith('.fifo')), [], 'no fifo is left in the tree (cp and fs.cp cannot copy one)');

  const second = build();
  t.same(second.calls, [`-C ${dir}`], 'the next build runs ninja once, to build');

  // A changed wrapper is another binary: asked again.
  fs.appendFileSync(wrapper, '# changed\n');
  t.same(build().calls.filter((c) => c === '--version'), ['--version'], 'a changed binary is asked again');

  // The description changed: ninja's own rule regenerates, with the lean build as with any.
  fs.writeFileSync(path.join(dir, 'main.c'), '#include <stdio.h>\nint main(void) { puts("two"); return 0; }\n');
  const file = path.join(dir, 'build.pogo.ts');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("name: 'lean'", "name: 'lean', version: '2'"));
  touch(file);
  build();
  t.equal(run(path.join(dir, 'out/development/bin/app'), []).stdout, 'two\n', 'rebuilt after the regeneration');
  t.match(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'), /./);
});
