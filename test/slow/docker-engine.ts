// A Docker engine for tests: dockerd started here with its own data root and socket in a temporary directory (so
// it never meets the machine's own), and the base image the Dockerfile names made without a registry: a minimal
// Debian from debootstrap, from the machine's own Debian source, cached as a tarball outside the checkout.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Engine {
  /** The docker client to run: Debian's, whose built-in BuildKit needs no buildx plugin. */
  readonly docker: string;
  /** The environment that points the client at this engine (DOCKER_HOST, DOCKER_BUILDKIT=1). */
  readonly env: Readonly<Record<string, string>>;
  readonly stop: () => Promise<void>;
}

const which = (cmd: string): string | undefined => {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};

/** Why an engine cannot run here, or undefined when everything it needs is installed. */
export function missingEngine(): string | undefined {
  if (process.platform !== 'linux') return 'Docker engine tests need Linux';
  if (process.getuid?.() !== 0) return 'dockerd must run as root';
  const lacking = ['dockerd', 'debootstrap'].filter((c) => which(c) === undefined);
  if (lacking.length > 0) return `${lacking.join(' and ')} not installed (apt-get install docker.io debootstrap)`;
  return undefined;
}

function client(): string {
  // Debian's docker.io client has BuildKit built in; a newer client elsewhere on PATH may want a buildx plugin.
  return fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : (which('docker') ?? 'docker');
}

/** Starts dockerd under `dir`; resolves once it answers, rejects with its log's tail when it does not. */
export async function startEngine(dir: string): Promise<Engine> {
  const sock = path.join(dir, 'docker.sock');
  const log = fs.openSync(path.join(dir, 'dockerd.log'), 'a');
  // No bridge and no iptables rules: builds and runs use the host's network (--network=host) or none.
  const child: ChildProcess = spawn('dockerd', ['--data-root', path.join(dir, 'root'), '--exec-root', path.join(dir, 'exec'), '--pidfile', path.join(dir, 'docker.pid'), '-H', `unix://${sock}`, '--bridge', 'none', '--iptables=false', '--ip-masq=false'], { stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  let exited = false;
  child.on('exit', () => (exited = true));
  const env = { DOCKER_HOST: `unix://${sock}`, DOCKER_BUILDKIT: '1' };
  const docker = client();
  const stop = async (): Promise<void> => {
    if (!exited) {
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await done;
      clearTimeout(timer);
    }
  };
  for (let i = 0; i < 120 && !exited; i++) {
    if (spawnSync(docker, ['version'], { env: { ...process.env, ...env }, encoding: 'utf8' }).status === 0) return { docker, env, stop };
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  const tail = fs.readFileSync(path.join(dir, 'dockerd.log'), 'utf8').split('\n').slice(-8).join('\n');
  throw new Error(`dockerd did not start:\n${tail}`);
}

/** The machine's Debian mirror and suite, from its apt sources (deb822 or one-line). */
export function debianSource(): { mirror: string; suite: string } {
  const files = ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list', ...(fs.existsSync('/etc/apt/sources.list.d') ? fs.readdirSync('/etc/apt/sources.list.d').map((f) => `/etc/apt/sources.list.d/${f}`) : [])];
  const codename = /VERSION_CODENAME=(\w+)/.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'bookworm';
  for (const f of files) {
    if (!fs.existsSync(f)) continue;
    const text = fs.readFileSync(f, 'utf8');
    const deb822 = /^URIs:\s*(\S+)\s*$/m.exec(text);
    if (deb822 !== null && !/security/.test(deb822[1]!)) return { mirror: deb822[1]!, suite: codename };
    const line = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/m.exec(text);
    if (line !== null && !/security/.test(line[1]!)) return { mirror: line[1]!, suite: codename };
  }
  throw new Error('no Debian source in /etc/apt/sources.list*');
}

/**
 * A tarball of a minimal Debian (debootstrap --variant=minbase), made once per machine under the cache directory.
 * The machine's extra CA certificates (/usr/local/share/ca-certificates) go in too, so that what the image installs
 * from the network is trusted as the machine trusts it.
 */
export function baseTarball(): string {
  const cacheDir = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'pogogen-test');
  const { mirror, suite } = debianSource();
  const tarball = path.join(cacheDir, `debian-${suite}-minbase.tar`);
  if (fs.existsSync(tarball)) return tarball;
  fs.mkdirSync(cacheDir, { recursive: true });
  const rootfs = fs.mkdtempSync(path.join(cacheDir, 'rootfs-'));
  try {
    const boot = spawnSync('debootstrap', ['--variant=minbase', suite, rootfs, mirror], { encoding: 'utf8' });
    if (boot.status !== 0) throw new Error(`debootstrap ${suite} from ${mirror} failed:\n${(boot.stdout + boot.stderr).split('\n').slice(-10).join('\n')}`);
    const extra = '/usr/local/share/ca-certificates';
    if (fs.existsSync(extra)) fs.cpSync(extra, path.join(rootfs, extra), { recursive: true });
    const tmp = `${tarball}.${process.pid}.tmp`;
    const tar = spawnSync('tar', ['-C', rootfs, '--numeric-owner', '-cf', tmp, '.'], { encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
    fs.renameSync(tmp, tarball);
  } finally {
    fs.rmSync(rootfs, { recursive: true, force: true });
  }
  return tarball;
}

/** One step of a BuildKit build (`--progress=plain`): its name as BuildKit prints it, and whether it was cached. */
export interface BuildStep {
  readonly name: string;
  readonly cached: boolean;
}

/** The steps of a build, in order of their numbers, from BuildKit's plain progress output. */
export function buildSteps(output: string): BuildStep[] {
  const names = new Map<number, string>();
  const cached = new Set<number>();
  for (const line of output.split('\n')) {
    const m = /^#(\d+) (\[.*)$/.exec(line);
    if (m !== null && !names.has(Number(m[1]))) names.set(Number(m[1]), m[2]!);
    const c = /^#(\d+) CACHED$/.exec(line);
    if (c !== null) cached.add(Number(c[1]));
  }
  return [...names].sort((a, b) => a[0] - b[0]).filter(([, n]) => !n.startsWith('[internal]')).map(([id, name]) => ({ name, cached: cached.has(id) }));
}
