// Distributed compilation: a distccd started here on 127.0.0.1 only, pogogen with --launcher=distcc: compiles go
// to the deep `remote` pool while links and archives stay local, and distccd's own log shows a job per source.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { which } from '../../lib/cli/probe.ts';
import { fixture, ninja, pogogen, run } from '../helpers.ts';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

const missing = which('distccd') === undefined || which('distcc') === undefined ? 'distcc is not installed (Debian package distcc)' : false;

t.test('compiles go through a distccd on 127.0.0.1, links stay local', { skip: missing }, async (t) => {
  const dir = fixture('basic');
  // distccd drops to `nobody` when started as root: its log must be writable by that user.
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pogogen-distcc-'));
  fs.chmodSync(logDir, 0o777);
  const log = path.join(logDir, 'distccd.log');
  fs.writeFileSync(log, '');
  fs.chmodSync(log, 0o666);
  const port = await freePort();
  const daemon = spawn('distccd', ['--daemon', '--no-detach', '--listen', '127.0.0.1', '--port', String(port), '--allow', '127.0.0.1', '--log-file', log, '--log-level', 'info', '--jobs', '2', ...(process.getuid?.() === 0 ? ['--user', 'nobody'] : [])], { stdio: 'ignore' });
  t.teardown(() => {
    daemon.kill();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(logDir, { recursive: true, force: true });
  });
  // Wait until it accepts connections.
  for (let i = 0; i < 50; i++) {
    const up = await new Promise<boolean>((r) => {
      const c = net.connect(port, '127.0.0.1', () => (c.end(), r(true)));
      c.on('error', () => r(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // No local fallback: a compile that did not reach distccd fails the build.
  fs.mkdirSync(path.join(logDir, 'client'));
  const env = { DISTCC_HOSTS: `127.0.0.1:${port}/4`, DISTCC_FALLBACK: '0', DISTCC_SKIP_LOCAL_RETRY: '1', DISTCC_DIR: path.join(logDir, 'client') };

  const g = pogogen(dir, ['--launcher=distcc'], env);
  t.equal(g.code, 0, g.stderr);
  const text = fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8');
  const depth = Number(/^pool remote\n {2}depth = (\d+)$/m.exec(text)?.[1] ?? 0);
  t.ok(depth > os.availableParallelism(), `the remote pool (${depth}) is deeper than the local cores (${os.availableParallelism()})`);
  t.match(text, /rule cc_app\n {2}command = distcc cc [^\n]*\n(?: {2}[^\n]*\n)* {2}pool = remote\n/, 'compiles go through distcc in the remote pool');
  t.notMatch(/rule link_app\n((?: {2}[^\n]*\n)*)/.exec(text)?.[1] ?? '', /distcc|pool = remote/, 'links neither go through distcc nor use the remote pool');
  t.notMatch(/rule ar_strx\n((?: {2}[^\n]*\n)*)/.exec(text)?.[1] ?? '', /distcc|pool = remote/, 'archives stay local too');

  const b = ninja(dir, [], env);
  t.equal(b.code, 0, b.stdout + b.stderr);
  t.match(run(path.join(dir, 'out/development/bin/app'), []).stdout, /^hello /, 'the program built remotely runs');

  const db = JSON.parse(fs.readFileSync(path.join(dir, 'compile_commands.json'), 'utf8')) as { file: string }[];
  const served = fs.readFileSync(log, 'utf8').split('\n').filter((l) => /COMPILE_OK/.test(l));
  t.equal(served.length, db.length, `distccd's log shows ${served.length} compiles for ${db.length} sources`);
  for (const e of db) t.ok(served.some((l) => l.endsWith(`/${path.basename(e.file)}`) || l.endsWith(` ${path.basename(e.file)}`)), `${path.basename(e.file)} was compiled by distccd`);
});
