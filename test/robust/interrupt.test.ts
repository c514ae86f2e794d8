// Interrupted dependency builds resume without stale stamps; a tampered or half-written built-dependency cache
// entry is detected by its hashes and rebuilt, never used; a failing phase leaves no stamp.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ninjaBin, pogogen, project, run } from '../helpers.ts';

function setup(configureBody: string): { dir: string; env: Record<string, string>; work: string } {
  const work = project({});
  const top = path.join(work, 'src', 'slow-1.0');
  fs.mkdirSync(top, { recursive: true });
  fs.writeFileSync(path.join(top, 'slow.c'), 'int slow_value(void) { return 7; }\n');
  fs.writeFileSync(path.join(top, 'slow.h'), 'int slow_value(void);\n');
  fs.writeFileSync(path.join(top, 'configure'), `#!/bin/sh\nprefix=/usr/local\nfor a; do case "$a" in --prefix=*) prefix=\${a#*=};; esac; done\n${configureBody}\nprintf 'all:\\n\\t$(CC) -c slow.c -o slow.o && ar rcs libslow.a slow.o\\ninstall: all\\n\\tmkdir -p %s/lib %s/include && cp libslow.a %s/lib/ && cp slow.h %s/include/\\n' "$prefix" "$prefix" "$prefix" "$prefix" > Makefile\n`, { mode: 0o755 });
  const archive = path.join(work, 'slow-1.0.tar.gz');
  run('tar', ['czf', archive, '-C', path.join(work, 'src'), 'slow-1.0']);
  const sha = createHash('sha256').update(fs.readFileSync(archive)).digest('hex');
  const dir = path.join(work, 'proj');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'main.c'), '#include "slow.h"\nint main(void) { return slow_value() == 7 ? 0 : 1; }\n');
  fs.writeFileSync(
    path.join(dir, 'build.pogo.ts'),
    `import { defineBuild, dependency, executable, recipe } from 'pogogen';
const slow = recipe({ name: 'slow', version: '1.0', source: { urls: ['file://${archive}'], sha256: '${sha}' }, build: { kind: 'configure' }, provides: { staticLibs: ['slow'] } });
export default defineBuild({ project: { name: 'i' }, targets: [dependency('slow', { recipe: slow }), executable('app', { sources: ['main.c'], deps: ['slow'] })] });
`,
  );
  return { dir, work, env: { POGOGEN_CACHE: path.join(work, 'cache') } };
}

const stamps = (dir: string): string[] => {
  const d = path.join(dir, 'out/development/deps/.build/slow');
  return fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith('.stamp')).sort() : [];
};

for (const signal of ['SIGINT', 'SIGKILL'] as const) {
  t.test(`${signal} to ninja during a dependency's configure, then ninja again`, async (t) => {
    const { dir, work, env } = setup('sleep 3');
    t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
    t.equal(pogogen(dir, [], env).code, 0);
    const child = spawn(ninjaBin, [], { cwd: dir, env: { ...process.env, ...env }, stdio: 'ignore', detached: true });
    // Wait until the configure step is running, then interrupt the whole group like a terminal would.
    for (let i = 0; i < 100 && !stamps(dir).includes('extract.stamp'); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 800));
    process.kill(-child.pid!, signal);
    await new Promise((r) => child.on('close', r));
    t.same(stamps(dir), ['extract.stamp'], 'the interrupted configure left no stamp');
    t.notOk(fs.existsSync(path.join(dir, 'out/development/deps/slow.stamp')), 'no install stamp');
    const again = run(ninjaBin, [], { cwd: dir, env });
    t.equal(again.code, 0, again.stdout);
    t.match(again.stdout, /CONFIGURE slow/, 'the configure ran again');
    t.notMatch(again.stdout, /EXTRACT slow/, 'the finished extract did not');
    t.equal(run(path.join(dir, 'out/development/bin/app'), []).code, 0, 'and the result is correct');
  });
}

t.test('a failing phase leaves no stamp; a tampered cache entry is rebuilt, not used', async (t) => {
  const { dir, work, env } = setup('[ -f ../../fail-once ] && { rm ../../fail-once; exit 1; }; true');
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
  // The configure runs in out/development/deps/.build/slow/src, so ../../fail-once is deps/.build/fail-once.
  const marker = path.join(dir, 'out/development/deps/.build/fail-once');
  t.equal(pogogen(dir, [], env).code, 0);
  fs.mkdirSync(path.dirname(marker), { recursive: true });
  fs.writeFileSync(marker, '');
  const failed = run(ninjaBin, [], { cwd: dir, env });
  t.not(failed.code, 0, 'the configure failed');
  t.match(failed.stdout + failed.stderr, /configure failed/);
  t.same(stamps(dir), ['extract.stamp'], 'no stamp for the failed phase');
  t.equal(run(ninjaBin, [], { cwd: dir, env }).code, 0, 'the next run succeeds');

  const built = path.join(env.POGOGEN_CACHE!, 'built');
  const [entry] = fs.readdirSync(built).filter((e) => !e.startsWith('.'));
  t.ok(entry !== undefined, 'the install was cached');
  fs.appendFileSync(path.join(built, entry!, 'tree/lib/libslow.a'), 'tampered');
  fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
  const g = pogogen(dir, [], env);
  t.equal(g.code, 0);
  t.notMatch(g.stdout, /built result cached/, 'the tampered entry is not trusted');
  const b = run(ninjaBin, [], { cwd: dir, env });
  t.equal(b.code, 0, b.stdout);
  t.match(b.stdout, /CONFIGURE slow/, 'the dependency was rebuilt');
  t.equal(run(path.join(dir, 'out/development/bin/app'), []).code, 0);
  // A half-written entry (no manifest) is never used either.
  fs.rmSync(path.join(built, entry!, 'manifest.json'));
  fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
  t.notMatch(pogogen(dir, [], env).stdout, /built result cached/, 'an entry without its manifest is a miss');
  t.equal(fs.readdirSync(built).filter((e) => e.startsWith('.tmp')).length, 0, 'no temporary entries left behind');
});

t.test('--verbose lists what pogogen executes while generating', async (t) => {
  const { dir, work, env } = setup('true');
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), fs.readFileSync(path.join(dir, 'build.pogo.ts'), 'utf8').replace("dependency('slow', { recipe: slow })", "dependency('slow', { recipe: slow, pkgConfig: 'no-such-package-here' })"));
  const r = pogogen(dir, ['--verbose'], env);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stderr, /probe: \S+ -E -dM -x c \/dev\/null/, 'the compiler probe');
  t.match(r.stderr, /bundled with esbuild: build\.pogo\.ts/, 'the loader');
  t.match(r.stderr, /pkg-config --modversion no-such-package-here/, 'pkg-config');
  t.match(r.stderr, /fetching file:\/\//, 'the download');
});
