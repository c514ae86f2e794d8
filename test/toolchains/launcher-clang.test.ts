// Compiler launchers (ccache found on PATH, or --launcher) and clang: checked by their effects — ccache hits
// on a second clean build, clang-built binaries that run, ThinLTO with llvm-ar.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { built, fixture, ninja, pogogen, run, touch } from '../helpers.ts';
import { which } from '../../lib/cli/probe.ts';

t.test('ccache: auto-detected on PATH, kept out of compile_commands.json, hits on a second clean build', { skip: which('ccache') === undefined ? 'ccache not installed' : false }, async (t) => {
  const dir = fixture('basic');
  const ccacheDir = fs.mkdtempSync(path.join(dir, 'ccache-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { POGOGEN_LAUNCHER: undefined, CCACHE_DIR: ccacheDir };
  const g = pogogen(dir, ['--verbose'], env);
  t.match(g.stderr, /compiler launcher: ccache/, 'found on PATH');
  t.match(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'), /command = ccache cc /, 'compiles go through it');
  t.match(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'), /rule link_app\n {2}command = cc /, 'links do not');
  const db = JSON.parse(fs.readFileSync(path.join(dir, 'compile_commands.json'), 'utf8')) as { arguments: string[] }[];
  t.ok(db.every((e) => e.arguments[0] === 'cc'), 'compile_commands.json names the compiler, not the launcher');
  t.equal(ninja(dir, [], { CCACHE_DIR: ccacheDir }).code, 0);
  fs.rmSync(path.join(dir, 'out/development'), { recursive: true, force: true });
  t.equal(ninja(dir, [], { CCACHE_DIR: ccacheDir }).code, 0, 'a second clean build');
  const stats = run('ccache', ['--print-stats'], { env: { CCACHE_DIR: ccacheDir } }).stdout;
  const hits = Number(/^direct_cache_hit\t(\d+)/m.exec(stats)?.[1] ?? 0) + Number(/^preprocessed_cache_hit\t(\d+)/m.exec(stats)?.[1] ?? 0);
  t.equal(hits, db.length, `every compile of the second build was a cache hit (${hits} of ${db.length})`);
  t.match(run(path.join(dir, 'out/development/bin/app'), []).stdout, /^hello /);
  const off = pogogen(dir, ['--launcher=none', '--verbose'], env);
  t.notMatch(off.stderr, /compiler launcher/);
  t.notMatch(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'), /ccache/, '--launcher=none turns it off');
  const custom = pogogen(dir, ['--launcher', 'env CCACHE_DISABLE=1'], env);
  t.equal(custom.code, 0);
  t.match(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'), /command = env CCACHE_DISABLE=1 cc /, 'any wrapper via --launcher');
});

t.test('clang builds the fixtures: run, no-op, header touch, missingdeps, ThinLTO with llvm-ar', { skip: which('clang') === undefined ? 'clang not installed' : false }, async (t) => {
  const dir = fixture('basic');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { CC: 'clang' };
  const g = pogogen(dir, ['--verbose'], env);
  t.match(g.stderr, /compiler: clang \d+\.\d+\.\d+/, 'probed as clang');
  t.equal(ninja(dir).code, 0);
  t.equal(run(path.join(dir, 'out/development/bin/app'), ['a']).stdout, 'hello 7^2=49 shared 1.0.0 args=1\n');
  t.match(ninja(dir).stdout, /no work to do/);
  touch(path.join(dir, 'lib/strx/include/strx.h'));
  t.same(built(dir, () => ninja(dir)).outputs, ['out/development/bin/app', 'out/development/lib/libstrx.a', 'out/development/obj/app/app/main.c.o', 'out/development/obj/strx/lib/strx/strx.c.o']);
  t.match(ninja(dir, ['-t', 'missingdeps']).stdout, /No missing dependencies/);
  t.equal(pogogen(dir, ['--profile=production'], env).code, 0);
  const text = fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8');
  t.match(text, /-flto=thin/);
  t.match(text, /&& llvm-ar(-\d+)? rcsD/, 'archives through llvm-ar');
  const b = ninja(dir);
  t.equal(b.code, 0, b.stdout);
  t.match(run('file', [path.join(dir, 'out/production/obj/mathx/lib/mathx/square.c.o')]).stdout + run('llvm-bcanalyzer', ['-dump', path.join(dir, 'out/production/obj/mathx/lib/mathx/square.c.o')]).stdout.slice(0, 200), /LLVM|IR bitcode|BLOCK/, 'ThinLTO objects are LLVM bitcode');
  t.match(run(path.join(dir, 'out/production/bin/app'), []).stdout, /^hello 7\^2=49/);
});
