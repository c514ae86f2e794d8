// Test helpers for lib/deps: an HTTP server on 127.0.0.1 that counts requests, and hand-made tar bytes for the
// archives no well-behaved tar would write.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface TestServer {
  readonly base: string;
  /** Requests per path (query string included). */
  readonly hits: Map<string, number>;
  readonly routes: Map<string, Handler>;
  hitsOf(p: string): number;
  total(): number;
  close(): Promise<void>;
}

/** A server answering `routes` by exact path, 404 otherwise, on a random port of 127.0.0.1. */
export async function startServer(routes: Record<string, Handler> = {}): Promise<TestServer> {
  const table = new Map(Object.entries(routes));
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const p = req.url ?? '/';
    hits.set(p, (hits.get(p) ?? 0) + 1);
    const handler = table.get(p);
    if (handler === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    routes: table,
    hitsOf: (p) => hits.get(p) ?? 0,
    total: () => [...hits.values()].reduce((a, b) => a + b, 0),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const serve =
  (body: Buffer): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  };

/** Sends the headers for the whole body, half of it, then cuts the connection. */
export const halfThenDestroy =
  (body: Buffer): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-length': body.length });
    res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
  };

export const redirect =
  (location: string, status = 302): Handler =>
  (_req, res) => {
    res.writeHead(status, { location }).end();
  };

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

export function tmpdir(prefix = 'pogogen-deps-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** Every file under dir (recursive, relative paths), for "nothing was left behind" checks. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

export interface TarMember {
  readonly name: string;
  /** '0' file, '1' hardlink, '2' symlink, '3' char device, '5' directory, '6' fifo, 'L' GNU long name, 'x' pax. */
  readonly type?: string;
  readonly data?: Buffer | string;
  readonly linkname?: string;
  readonly mode?: number;
  /** Declared size when it should differ from data's (a bomb that lies, a truncated member). */
  readonly size?: number;
}

/** The bytes of a ustar archive holding `members` in order, ending with two zero blocks. */
export function tarBytes(members: readonly TarMember[], opts: { end?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const m of members) {
    const data = typeof m.data === 'string' ? Buffer.from(m.data) : (m.data ?? Buffer.alloc(0));
    blocks.push(tarHeader(m, m.size ?? data.length));
    if (data.length > 0) {
      blocks.push(data);
      const pad = (512 - (data.length % 512)) % 512;
      blocks.push(Buffer.alloc(pad));
    }
  }
  if (opts.end !== false) blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function tarHeader(m: TarMember, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(m.name.slice(0, 100), 0, 'utf8');
  h.write(`${(m.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write(`${(1_700_000_000).toString(8).padStart(11, '0')}\0`, 136, 'latin1');
  h.write(m.type ?? '0', 156, 'latin1');
  if (m.linkname !== undefined) h.write(m.linkname, 157, 'utf8');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

export interface ZipMember {
  readonly name: string;
  readonly data?: Buffer | string;
  /** Unix mode with type bits, e.g. 0o120777 for a symlink (whose data is its target). */
  readonly mode?: number;
  readonly deflate?: boolean;
  /** Declared uncompressed size when it should lie. */
  readonly size?: number;
}

/** The bytes of a zip archive (made on "unix", stored or deflated, CRCs left zero: the reader does not check them). */
export function zipBytes(members: readonly ZipMember[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const raw = typeof m.data === 'string' ? Buffer.from(m.data) : (m.data ?? Buffer.alloc(0));
    const data = m.deflate === true ? zlib.deflateRawSync(raw) : raw;
    const name = Buffer.from(m.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(m.deflate === true ? 8 : 0, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(m.size ?? raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(m.deflate === true ? 8 : 0, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(m.size ?? raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((m.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export interface Proxy {
  readonly url: string;
  /** "GET <absolute url>" or "CONNECT host:port", with the Proxy-Authorization header when one came. */
  readonly seen: { line: string; auth?: string | undefined }[];
  close(): Promise<void>;
}

/**
 * A recording proxy on 127.0.0.1: forwarding (absolute-URL requests of any method, bodies included) and tunnelling
 * (CONNECT); `status` answers every request instead, when set.
 */
export async function startProxy(status?: number): Promise<Proxy> {
  const seen: Proxy['seen'] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    seen.push({ line: `${req.method} ${req.url}`, auth: req.headers['proxy-authorization'] });
    if (status !== undefined) return void res.writeHead(status).end();
    const up = http.request(req.url!, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  server.on('connection', (s: net.Socket) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push({ line: `CONNECT ${req.url}`, auth: req.headers['proxy-authorization'] });
    if (status !== undefined) return void client.end(`HTTP/1.1 ${status} No\r\n\r\n`);
    const [host, port] = req.url!.split(':');
    const up = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    sockets.add(up);
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}
