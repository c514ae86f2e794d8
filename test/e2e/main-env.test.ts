// main() takes its environment as a value: two runs in one process, each with its own CC flags and cache, record
// their own settings and leave process.env as it was — also for the commands that follow the last generation
// (which once copied its recorded environment into process.env) and for a cross build (PKG_CONFIG_LIBDIR).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { main } from '../../lib/cli/main.ts';
import { cli, fixture, repo } from '../helpers.ts';

const rt = { version: 'test', apiEntry: path.join(repo, 'dist', 'index.js'), self: [process.execPath, cli] };

function capture(): { io: { out: (s: string) => void; err: (s: string) => void }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { out: (s) => void (out += s), err: (s) => void (err += s) }, out: () => out, err: () => err };
}

const regenLine = (dir: string): string => fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8').split('\n').find((l) => l.includes(' env ') || l.startsWith('  command = env ')) ?? '';

t.test('two runs in one process, two environments, process.env untouched', async (t) => {
  const before = JSON.stringify(process.env);
  const a = fixture('basic');
  const b = fixture('basic');
  const cacheA = fs.mkdtempSync(path.join(os.tmpdir(), 'pogogen-cache-a-'));
  const cacheB = fs.mkdtempSync(path.join(os.tmpdir(), 'pogogen-cache-b-'));
  const base = { ...process.env, POGOGEN_LAUNCHER: 'none' };
  const ra = capture();
  t.equal(await main(['-C', a], rt, ra.io, { ...base, CFLAGS: '-DFROM_A=1', POGOGEN_CACHE: cacheA, POGOGEN_LINKER: 'default' }), 0, ra.err());
  const rb = capture();
  t.equal(await main(['-C', b], rt, rb.io, { ...base, CFLAGS: '-DFROM_B=2', POGOGEN_CACHE: cacheB, POGOGEN_LINKER: 'bfd' }), 0, rb.err());
  t.match(regenLine(a), /CFLAGS=-DFROM_A=1/, "the first run records its own CFLAGS");
  t.match(regenLine(a), new RegExp(`POGOGEN_CACHE=${cacheA}`), 'and its own cache');
  t.match(regenLine(a), /POGOGEN_LINKER=default/, 'and its own linker choice');
  t.notMatch(regenLine(a), /FROM_B/);
  t.match(regenLine(b), /CFLAGS=-DFROM_B=2/, 'the second run records its own');
  t.match(regenLine(b), /POGOGEN_LINKER=bfd/);
  t.notMatch(regenLine(b), /FROM_A|pogogen-cache-a/, "nothing of the first run's environment");
  const compdb = fs.readFileSync(path.join(b, 'compile_commands.json'), 'utf8');
  t.match(compdb, /-DFROM_B=2/, "the second run's CFLAGS reach its compiles");
  t.notMatch(compdb, /FROM_A/);

  // `targets` follows the last generation, whose recorded environment it takes into its own run only.
  const rt2 = capture();
  t.equal(await main(['-C', b, 'targets'], rt, rt2.io, base), 0, rt2.err());
  t.match(rt2.out(), /^app\s/m, 'targets lists the build');
  t.match(regenLine(b), /CFLAGS=-DFROM_B=2/, 'targets regenerated with the recorded CFLAGS, so build.ninja is unchanged');
  t.equal(JSON.stringify(process.env), before, 'process.env is as it was');
  for (const d of [a, b, cacheA, cacheB]) fs.rmSync(d, { recursive: true, force: true });
});

t.test('a cross build sets pkg-config for its own run only', { skip: fs.existsSync('/usr/bin/aarch64-linux-gnu-gcc') ? false : 'aarch64-linux-gnu-gcc not installed (Debian package gcc-aarch64-linux-gnu)' }, async (t) => {
  const before = JSON.stringify(process.env);
  const dir = fixture('basic');
  const r = capture();
  t.equal(await main(['-C', dir, '--toolchain', 'aarch64-linux-gnu'], rt, r.io, { ...process.env, POGOGEN_LAUNCHER: 'none', POGOGEN_CACHE: path.join(dir, 'cache') }), 0, r.err());
  t.ok(fs.existsSync(path.join(dir, 'build.ninja')), 'generated');
  t.equal(process.env.PKG_CONFIG_LIBDIR, JSON.parse(before).PKG_CONFIG_LIBDIR, 'PKG_CONFIG_LIBDIR not set in the process');
  t.equal(JSON.stringify(process.env), before, 'process.env is as it was');
  fs.rmSync(dir, { recursive: true, force: true });
});
