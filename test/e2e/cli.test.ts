// The command line: help, version, usage errors, `targets`, -C, environment flags recorded for regeneration,
// and pogogen installed as a dependency of a user's project (npx, types for the editor).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { bin, fixture, ninja, pogogen, project, repo, run } from '../helpers.ts';

t.test('help, version and usage errors', async (t) => {
  const dir = project({});
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const help = pogogen(dir, ['--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /Usage: pogogen/);
  const version = pogogen(dir, ['--version']);
  t.equal(version.stdout, `pogogen ${JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).version}\n`);
  for (const args of [['--bogus'], ['--backend=cmake'], ['-D', 'novalue'], ['--profile']]) {
    const r = pogogen(dir, args);
    t.equal(r.code, 2, `${args.join(' ')} is a usage error`);
    t.match(r.stderr, /^pogogen: /);
  }
  const missing = pogogen(dir);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /no build\.pogo\.ts in /);
});

t.test('targets lists kinds and outputs; -C selects the project', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = pogogen(repo, ['-C', dir, 'targets']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^app\s+executable\s+out\/development\/bin\/app$/m);
  t.match(r.stdout, /^greet\s+shared_library\s+out\/development\/lib\/libgreet\.so\.1\.2\.3$/m);
  t.match(r.stdout, /^version\s+action\s+out\/development\/gen\/version\.h$/m);
  t.ok(fs.existsSync(path.join(dir, 'build.ninja')), 'written into the -C directory');
});

t.test('targets lists the build the last generation wrote, and rewrites nothing', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.equal(pogogen(dir, ['--profile', 'production', '-D', 'loud=true'], { CFLAGS: '-DFROM_ENV=1' }).code, 0);
  const files = ['build.ninja', 'compile_commands.json', 'out/.pogogen/last-generation.json'];
  const before = Object.fromEntries(files.map((f) => [f, fs.statSync(path.join(dir, f)).mtimeMs]));
  const r = pogogen(dir, ['targets'], { CFLAGS: undefined });
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^app\s+executable\s+out\/production\/bin\/app$/m, 'the production build');
  t.same(Object.fromEntries(files.map((f) => [f, fs.statSync(path.join(dir, f)).mtimeMs])), before, 'no file rewritten');
  t.notOk(fs.existsSync(path.join(dir, 'out/development')), 'no development build planned');
  const other = pogogen(dir, ['--profile', 'development', 'targets']);
  t.match(other.stdout, /^app\s+executable\s+out\/development\/bin\/app$/m, 'an explicit --profile still wins');
});

t.test('CC and CFLAGS from the environment are used and kept across regeneration', async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.equal(pogogen(dir, [], { CC: 'gcc', CFLAGS: '-DFROM_ENV="a b"', LDFLAGS: '-Wl,-O1' }).code, 0);
  const db = JSON.parse(fs.readFileSync(path.join(dir, 'compile_commands.json'), 'utf8')) as { arguments: string[] }[];
  t.ok(db.every((e) => e.arguments[0] === 'gcc' && e.arguments.includes('-DFROM_ENV=a b')), 'every compile uses CC and CFLAGS, split like a shell would');
  t.equal(ninja(dir).code, 0);
  // Regenerate from a shell without those variables: the recorded environment wins.
  const file = path.join(dir, 'build.pogo.ts');
  fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}\n`);
  t.equal(ninja(dir, [], { CC: undefined, CFLAGS: undefined, LDFLAGS: undefined }).code, 0);
  const after = JSON.parse(fs.readFileSync(path.join(dir, 'compile_commands.json'), 'utf8')) as { arguments: string[] }[];
  t.same(after, db, 'the same commands after ninja regenerated');
});

t.test('installed in a user project: npx pogogen, and the editor types check', async (t) => {
  const dir = project({
    'package.json': JSON.stringify({ name: 'user-app', private: true, type: 'module' }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true, skipLibCheck: false, types: [] }, include: ['build.pogo.ts'] }),
    'build.pogo.ts': [
      "import { defineBuild, executable, option } from 'pogogen';",
      'export default defineBuild({',
      "  project: { name: 'user-app' },",
      "  options: { mode: option.enum(['fast', 'small'], 'fast') },",
      "  targets: ({ options }) => [executable('hello', { sources: ['src/*.c'], defines: { MODE: options.mode === 'fast' ? 1 : 2 } })],",
      '});',
    ].join('\n'),
    'src/hello.c': '#include <stdio.h>\nint main(void) { printf("hello %d\\n", MODE); return 0; }\n',
  });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(repo, path.join(dir, 'node_modules', 'pogogen'));
  // As npm links a package's bin: the file package.json names, through the package's directory.
  fs.symlinkSync(path.join('..', 'pogogen', path.relative(repo, bin)), path.join(dir, 'node_modules', '.bin', 'pogogen'));
  const gen = run('npx', ['--no-install', 'pogogen'], { cwd: dir });
  t.equal(gen.code, 0, gen.stderr);
  t.equal(ninja(dir).code, 0);
  t.equal(run(path.join(dir, 'out/development/bin/hello'), []).stdout, 'hello 1\n');

  const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  const ok = run(process.execPath, [tsc, '-p', dir], { cwd: dir });
  t.equal(ok.code, 0, `the description type-checks against the installed types: ${ok.stdout}`);
  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), fs.readFileSync(path.join(dir, 'build.pogo.ts'), 'utf8').replace("options.mode === 'fast'", "options.mode === 'quick'").replace("sources: ['src/*.c']", "sourcez: ['src/*.c']"));
  const bad = run(process.execPath, [tsc, '-p', dir], { cwd: dir });
  t.not(bad.code, 0, 'type errors are caught by tsc');
  t.match(bad.stdout, /'"fast"' and '"quick"' have no overlap|This comparison appears to be unintentional/, 'enum option values are typed');
  t.match(bad.stdout, /sourcez/, 'unknown fields are type errors');
});
