// Awkward paths: sources and output names with $, #, quotes, parentheses, a leading dash and non-ASCII build and
// run under ninja and make (make refuses only what it cannot express), and compile_commands.json names them.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ninja, pogogen, project, run } from '../helpers.ts';

const names = ['a$b.c', 'hash#1.c', "q'uote.c", 'd"q.c', 'p(1).c', '-lead.c', 'ünï.c', 'sp ace.c', 'co:lon.c'];
const makeable = (n: string): boolean => !/[\s:;=%*?[\]\\|]/.test(n);

for (const backend of ['ninja', 'make'] as const) {
  t.test(`awkward paths under ${backend}`, async (t) => {
    const chosen = backend === 'ninja' ? names : names.filter(makeable);
    const files: Record<string, string> = {};
    chosen.forEach((n, i) => (files[`src/${n}`] = `int f${i}(void) { return ${i}; }\n`));
    files['src/main.c'] = `#include <stdio.h>\n${chosen.map((_, i) => `int f${i}(void);`).join('\n')}\nint main(void) { printf("%d\\n", ${chosen.map((_, i) => `f${i}()`).join(' + ')}); return 0; }\n`;
    // Make cannot name a target with spaces; ninja can.
    const exe = backend === 'ninja' ? "it's (odd) #1 ünï" : "it's(odd)#1ünï";
    files['build.pogo.ts'] = `import { defineBuild, executable } from 'pogogen';\nexport default defineBuild({ project: { name: 'odd' }, targets: [executable(${JSON.stringify(exe)}, { sources: ['src/*.c'] })] });\n`;
    const dir = project(files, 'pogogen-p$ th#-');
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const g = pogogen(dir, [`--backend=${backend}`]);
    t.equal(g.code, 0, g.stderr);
    const b = backend === 'ninja' ? ninja(dir) : run('make', ['-j2'], { cwd: dir });
    t.equal(b.code, 0, b.stdout + b.stderr);
    const sum = (chosen.length * (chosen.length - 1)) / 2;
    t.equal(run(path.join(dir, 'out/development/bin', exe), []).stdout, `${sum}\n`, `${chosen.length} awkward sources built and linked`);
    const again = backend === 'ninja' ? ninja(dir).stdout : run('make', ['-j2'], { cwd: dir }).stdout;
    t.match(again, /no work to do|Nothing to be done/, 'and a second run does nothing');
    const db = JSON.parse(fs.readFileSync(path.join(dir, 'compile_commands.json'), 'utf8')) as { file: string }[];
    for (const n of chosen) t.ok(db.some((e) => e.file === path.join(dir, 'src', n)), `compile_commands.json has ${n}`);
  });
}

t.test('newline, NUL and | are refused at validation, naming target and path', async (t) => {
  for (const bad of ['new\\nline.c', 'nul\\u0000.c', 'pi|pe.c']) {
    const dir = project({ 'build.pogo.ts': `import { defineBuild, executable } from 'pogogen';\nexport default defineBuild({ project: { name: 'x' }, targets: [executable('app', { sources: ['main.c'], includeDirs: ['${bad}'] })] });\n`, 'main.c': 'int main(void){return 0;}\n' });
    const r = pogogen(dir);
    t.equal(r.code, 1);
    // A newline or NUL is refused with the schema (no file can hold it), "|" when the paths are resolved.
    t.match(r.stderr, /targets\[0\]\.includeDirs(\[0\]: ".*" contains (a newline|a NUL character), which a build file cannot hold|: target "app": path ".*" contains "\|", which ninja cannot express in a path)/);
    t.notOk(fs.existsSync(path.join(dir, 'build.ninja')));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
