// End to end on test/fixtures/basic with real gcc and ninja: build, run, no-op, header and define changes,
// regeneration, missingdeps, profile switching, shared libraries and compile_commands.json.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { shell } from '../../lib/backends/shell.ts';
import { built, fixture, mtimes, ninja, pogogen, run, touch } from '../helpers.ts';

const dev = 'out/development';

t.test('basic fixture under ninja', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  const gen = pogogen(dir);
  t.equal(gen.code, 0, `pogogen succeeds: ${gen.stderr}`);
  t.ok(fs.existsSync(path.join(dir, 'build.ninja')), 'build.ninja written');

  const first = ninja(dir);
  t.equal(first.code, 0, `first build: ${first.stdout}${first.stderr}`);
  const app = run(path.join(dir, dev, 'bin/app'), ['x', 'y']);
  t.equal(app.stdout, 'hello 7^2=49 shared 1.0.0 args=2\n', 'app runs from out/ and finds its shared library');
  t.equal(run(path.join(dir, dev, 'bin/other'), []).stdout, '5.0\n', 'other runs (libm linked through mathx)');

  const again = ninja(dir);
  t.match(again.stdout, /no work to do/, 'second ninja does nothing');
  t.match(ninja(dir, ['-t', 'missingdeps']).stdout, /No missing dependencies on generated files found/, 'ninja -t missingdeps is clean');

  await t.test('`all` names only the outputs nothing else reads, and still builds every edge', async (t) => {
    const allLine = fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8').split('\n').find((l) => l.startsWith('build all: phony '))!;
    t.notMatch(allLine, /\.o( |$)/, 'no object is listed: each is read by its archive or link');
    t.match(allLine, new RegExp(`${dev}/bin/app`), 'the programs are');
    t.equal(ninja(dir, ['-t', 'clean']).code, 0);
    t.equal(ninja(dir, ['all']).code, 0, 'ninja all from clean');
    // Every output of every edge except the always-run ones (install, test) exists afterwards.
    const outputs = ninja(dir, ['-t', 'targets', 'all'])
      .stdout.split('\n')
      .map((l) => /^(.*): (\S+)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null && m[2] !== 'phony' && !/^pogogen_(install|test|coverage)$/.test(m[2]!) && m[1] !== 'build.ninja')
      .map((m) => m[1]!);
    t.ok(outputs.length > 10, `${outputs.length} outputs`);
    t.same(outputs.filter((o) => !fs.existsSync(path.join(dir, o))), [], 'all of them were built');
    t.match(ninja(dir).stdout, /no work to do/, 'and the default build has nothing left to do');
  });

  await t.test('re-running pogogen with nothing changed writes nothing', async (t) => {
    const files = ['build.ninja', 'compile_commands.json', 'out/.pogogen/build.ninja.d'];
    const before = mtimes(dir, files);
    const r = pogogen(dir);
    t.equal(r.code, 0);
    t.same(mtimes(dir, files), before, 'mtimes unchanged');
    t.match(ninja(dir).stdout, /no work to do/, 'and ninja still has nothing to do');
  });

  await t.test('touching a header rebuilds exactly its includers and the links', async (t) => {
    touch(path.join(dir, 'lib/strx/include/strx.h'));
    const { run: r, outputs } = built(dir, () => ninja(dir));
    t.equal(r.code, 0);
    t.same(outputs, [`${dev}/bin/app`, `${dev}/lib/libstrx.a`, `${dev}/obj/app/app/main.c.o`, `${dev}/obj/strx/lib/strx/strx.c.o`].sort());
  });

  await t.test('a changed define in build.pogo.ts regenerates and rebuilds only that target', async (t) => {
    const file = path.join(dir, 'build.pogo.ts');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("option.string('hello'", "option.string('howdy'"));
    touch(file);
    const { run: r, outputs } = built(dir, () => ninja(dir));
    t.equal(r.code, 0, r.stderr);
    t.same(outputs, ['build.ninja', `${dev}/bin/app`, `${dev}/obj/app/app/args.c.o`, `${dev}/obj/app/app/main.c.o`].sort());
    t.match(run(path.join(dir, dev, 'bin/app'), []).stdout, /^howdy /, 'the new define is in the binary');
    t.match(ninja(dir).stdout, /no work to do/, 'no regeneration loop');
  });

  await t.test('editing an imported .ts file regenerates too', async (t) => {
    const file = path.join(dir, 'paths.ts');
    fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}// edited\n`);
    touch(file);
    const { outputs } = built(dir, () => ninja(dir));
    t.same(outputs, ['build.ninja'], 'regenerated, nothing else to rebuild');
    t.match(ninja(dir).stdout, /no work to do/);
  });

  await t.test('a new file matching a glob is picked up', async (t) => {
    fs.writeFileSync(path.join(dir, 'lib/strx/extra.c'), 'int strx_extra(void) { return 1; }\n');
    touch(path.join(dir, 'lib/strx'));
    const { outputs } = built(dir, () => ninja(dir));
    t.ok(outputs.includes(`${dev}/obj/strx/lib/strx/extra.c.o`), 'the new source was compiled');
    t.match(ninja(dir).stdout, /no work to do/);
  });

  await t.test('switching profiles back and forth rebuilds nothing the second time', async (t) => {
    t.equal(pogogen(dir, ['--profile=production']).code, 0);
    t.equal(ninja(dir).code, 0, 'production builds');
    t.equal(run(path.join(dir, 'out/production/bin/app'), []).code, 0, 'production binary runs');
    t.equal(pogogen(dir, ['--profile', 'dev']).code, 0);
    t.match(ninja(dir).stdout, /no work to do/, 'development is still up to date');
    t.equal(pogogen(dir, ['--profile', 'prod']).code, 0);
    t.match(ninja(dir).stdout, /no work to do/, 'production is still up to date');
    t.equal(pogogen(dir).code, 0);
  });

  await t.test('the shared library has its soname and links; app has a relative rpath', async (t) => {
    const lib = path.join(dir, dev, 'lib');
    t.ok(fs.lstatSync(path.join(lib, 'libgreet.so.1.2.3')).isFile());
    t.equal(fs.readlinkSync(path.join(lib, 'libgreet.so.1')), 'libgreet.so.1.2.3');
    t.equal(fs.readlinkSync(path.join(lib, 'libgreet.so')), 'libgreet.so.1.2.3');
    t.match(run('readelf', ['-d', path.join(lib, 'libgreet.so.1.2.3')]).stdout, /SONAME.*\[libgreet\.so\.1\]/);
    const dyn = run('readelf', ['-d', path.join(dir, dev, 'bin/app')]).stdout;
    t.match(dyn, /(RUNPATH|RPATH).*\[\$ORIGIN\/\.\.\/lib\]/, 'rpath is $ORIGIN/../lib');
    t.notMatch(dyn, new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no absolute build path in the binary');
  });

  await t.test('compile_commands.json matches the ninja commands', async (t) => {
    const db = JSON.parse(fs.readFileSync(path.join(dir, 'compile_commands.json'), 'utf8')) as { directory: string; file: string; arguments: string[]; output: string }[];
    t.equal(db.length, 8, 'one entry per compiled source');
    for (const e of db) {
      t.equal(e.directory, dir);
      t.ok(path.isAbsolute(e.file) && fs.existsSync(e.file), `${e.file} is absolute and exists`);
      const out = path.relative(dir, e.output);
      const cmd = ninja(dir, ['-t', 'commands', '-s', out]).stdout.trim();
      t.equal(cmd, shell.join(e.arguments), `same command for ${out}`);
    }
  });
});
