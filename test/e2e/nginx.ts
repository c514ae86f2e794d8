// A real HTTP cache server for tests: Debian's nginx with its WebDAV module, started on 127.0.0.1 from a temporary
// configuration, storing what is PUT under a directory, refusing a PUT (401) without the bearer token, and logging
// every request's method, path and status. Missing nginx fails the test under CI=true (.ci/run installs it) and
// skips it elsewhere with a message saying what to install.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Nginx {
  readonly base: string;
  /** Where PUT files land: <store>/ac/<key>, <store>/cas/<sha256>. */
  readonly store: string;
  /** Every request so far, as "METHOD /path STATUS". */
  requests(): string[];
  stop(): Promise<void>;
}

/** The nginx binary, or undefined when it is not installed. */
export function nginxBin(): string | undefined {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (fs.existsSync(p)) return p;
  const r = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
}

/** Why the nginx tests cannot run here, or undefined when they can: nginx missing, or built without WebDAV. */
export function nginxMissing(): string | undefined {
  const bin = nginxBin();
  if (bin === undefined) return 'nginx is not installed (Debian: apt-get install nginx-light)';
  const v = spawnSync(bin, ['-V'], { encoding: 'utf8' });
  if (!`${v.stdout}${v.stderr}`.includes('--with-http_dav_module')) return `${bin} is built without http_dav_module (Debian's nginx-light has it)`;
  return undefined;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts nginx under `dir` with a store that takes PUTs only with `Authorization: Bearer <token>`. */
export async function startNginx(dir: string, token: string): Promise<Nginx> {
  const bin = nginxBin()!;
  const store = path.join(dir, 'store');
  fs.mkdirSync(store, { recursive: true });
  const port = await freePort();
  const p = (name: string): string => path.join(dir, name);
  const conf = `
worker_processes 1;
daemon off;
${process.getuid?.() === 0 ? 'user root root;' : ''}
pid ${p('nginx.pid')};
error_log ${p('error.log')};
events { worker_connections 64; }
http {
  log_format pogogen '$request_method $uri $status';
  access_log ${p('access.log')} pogogen;
  client_body_temp_path ${p('body')};
  proxy_temp_path ${p('proxy')};
  fastcgi_temp_path ${p('fastcgi')};
  uwsgi_temp_path ${p('uwsgi')};
  scgi_temp_path ${p('scgi')};
  client_max_body_size 0;
  map $http_authorization $authorized { default 0; "Bearer ${token}" 1; }
  map "$request_method:$authorized" $refused { default 0; "PUT:0" 1; "DELETE:0" 1; }
  server {
    listen 127.0.0.1:${port};
    root ${store};
    location / {
      if ($refused) { return 401; }
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
    }
  }
}
`;
  fs.writeFileSync(p('nginx.conf'), conf);
  const child: ChildProcess = spawn(bin, ['-e', p('error.log'), '-p', dir, '-c', p('nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start: ${stderr}${fs.existsSync(p('error.log')) ? fs.readFileSync(p('error.log'), 'utf8') : ''}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (i > 100) throw new Error(`nginx did not listen on ${base} within 10 s: ${stderr}`);
    await sleep(100);
  }
  return {
    base,
    store,
    requests: () => (fs.existsSync(p('access.log')) ? fs.readFileSync(p('access.log'), 'utf8').split('\n').filter((l) => l !== '') : []),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
