// The benchmark's toolbox: installing the peer tools with apt-get when missing, their versions, building the fake
// cc/ar, running a command under /usr/bin/time, and the machine description.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const which = (name) => {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = path.join(dir || '.', name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
};

/** Installs (with apt-get, as root) the Debian packages providing the tools that are missing. */
export function ensureTools(needed, log) {
  const packages = { gn: 'generate-ninja', cmake: 'cmake', meson: 'meson', ninja: 'ninja-build', time: 'time', gcc: 'gcc' };
  const missing = needed.filter((t) => (t === 'time' ? !fs.existsSync('/usr/bin/time') : which(t) === undefined));
  if (missing.length === 0) return;
  const pkgs = missing.map((t) => packages[t]);
  log(`installing ${pkgs.join(', ')} with apt-get (missing: ${missing.join(', ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (run the benchmark as root, or install ${pkgs.join(' ')}):\n${r.stderr.slice(-2000)}`);
  };
  run(['update']);
  run(['install', '-y', '--no-install-recommends', ...pkgs]);
  const still = missing.filter((t) => (t === 'time' ? !fs.existsSync('/usr/bin/time') : which(t) === undefined));
  if (still.length > 0) throw new Error(`still missing after apt-get: ${still.join(', ')}`);
}

const firstLine = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0].trim();
  } catch {
    return 'not available';
  }
};

export function versions(repo) {
  return {
    pogogen: JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).version,
    node: process.version,
    gn: firstLine('gn', ['--version']),
    cmake: firstLine('cmake', ['--version']).replace(/^cmake version /, ''),
    meson: firstLine('meson', ['--version']),
    ninja: firstLine('ninja', ['--version']),
    gcc: firstLine('gcc', ['-dumpfullversion']),
  };
}

export function machine() {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^Model name:\s*(.+)$/m.exec(execFileSync('lscpu', { encoding: 'utf8' }));
    if (m) cpu = m[1].trim();
  } catch {
    // lscpu missing: os.cpus() it is
  }
  let distro = `${os.type()} ${os.release()}`;
  try {
    const m = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
    if (m) distro = `${m[1]} (kernel ${os.release()})`;
  } catch {
    // no os-release
  }
  return { nproc: os.availableParallelism(), memGiB: os.totalmem() / 2 ** 30, cpu, distro };
}

/** Compiles scripts/bench/fake.c into dir/cc with dir/ar and dir/ranlib as links to it. */
export function buildFakeTools(src, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const cc = path.join(dir, 'cc');
  execFileSync('gcc', ['-O2', '-Wall', '-o', cc, src], { stdio: 'inherit' });
  for (const n of ['ar', 'ranlib']) {
    fs.rmSync(path.join(dir, n), { force: true });
    fs.symlinkSync('cc', path.join(dir, n));
  }
  return { cc, ar: path.join(dir, 'ar'), ranlib: path.join(dir, 'ranlib') };
}

/**
 * Runs argv under /usr/bin/time: { ok, wall (s), cpu (user+sys s), rssMiB (peak of the largest process), stdout,
 * stderr, status }. Never throws for a failing command.
 */
export function timed(argv, { cwd, env, timeoutS = 3600 } = {}) {
  const tfile = path.join(os.tmpdir(), `pogogen-bench-time-${process.pid}`);
  fs.rmSync(tfile, { force: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', tfile, ...argv], {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 30,
    timeout: timeoutS * 1000,
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  let rssMiB = NaN;
  let cpu = NaN;
  try {
    const lines = fs.readFileSync(tfile, 'utf8').trim().split('\n');
    const [m, u, s] = lines[lines.length - 1].split(' ').map(Number);
    rssMiB = m / 1024;
    cpu = u + s;
  } catch {
    // killed before time wrote anything
  }
  fs.rmSync(tfile, { force: true });
  const timedOut = r.error?.code === 'ETIMEDOUT';
  return { ok: r.status === 0 && !timedOut, status: timedOut ? 'timed out' : r.status, wall, cpu, rssMiB, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** path -> mtimeMs of every file under dir (skipping top-level entries named in `skip`). */
export function mtimes(dir, skip = []) {
  const out = new Map();
  const walk = (d, top) => {
    let ents;
    try {
      ents = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of ents) {
      if (top && skip.includes(e.name)) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, false);
      else {
        try {
          out.set(p, fs.lstatSync(p).mtimeMs);
        } catch {
          // vanished
        }
      }
    }
  };
  walk(dir, true);
  return out;
}

/** Files added, removed or with a new mtime between two mtimes() snapshots. */
export function changed(before, after) {
  const c = [];
  for (const [p, m] of after) if (before.get(p) !== m) c.push(p);
  for (const p of before.keys()) if (!after.has(p)) c.push(p);
  return c.sort();
}

/** Total size and count of the *.ninja files under dir (not descending into skipped top-level entries). */
export function ninjaSize(dir, skip = []) {
  let bytes = 0;
  let files = 0;
  for (const p of mtimes(dir, skip).keys()) {
    if (!p.endsWith('.ninja')) continue;
    bytes += fs.statSync(p).size;
    files++;
  }
  return { bytes, files };
}
