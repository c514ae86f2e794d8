// Dependency archives for tests: tarballs made from in-memory files, served on 127.0.0.1 with a request count.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { run } from '../helpers.ts';

export interface Served {
  readonly base: string;
  readonly requests: string[];
  readonly close: () => Promise<void>;
}

/** Serves files from `dir` on 127.0.0.1, counting requests. */
export async function serve(dir: string): Promise<Served> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const file = path.join(dir, path.basename(req.url ?? ''));
    if (!fs.existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    const body = fs.readFileSync(file);
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

/** A tar.gz of `files` under a top directory `top/`, and its sha256. */
export function archive(outDir: string, top: string, files: Record<string, string>, modes: Record<string, number> = {}): { file: string; sha256: string } {
  const src = fs.mkdtempSync(path.join(outDir, 'src-'));
  for (const [name, content] of Object.entries(files)) {
    const p = path.join(src, top, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
    if (modes[name] !== undefined) fs.chmodSync(p, modes[name]!);
  }
  const file = path.join(outDir, `${top}.tar.gz`);
  const r = run('tar', ['czf', file, '-C', src, top]);
  if (r.code !== 0) throw new Error(r.stderr);
  fs.rmSync(src, { recursive: true, force: true });
  return { file, sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex') };
}

/** A description with one make-built recipe `tiny` (tiny-1.0.tar.gz from `base`) and an `app` that links it. */
export const tinyDescription = (base: string, sha256: string, name: string): string => `
import { defineBuild, dependency, executable, recipe } from 'pogogen';
const tiny = recipe({
  name: 'tiny', version: '1.0',
  source: { urls: ['${base}/tiny-1.0.tar.gz'], sha256: '${sha256}' },
  build: { kind: 'make' },
  provides: { staticLibs: ['tiny'] },
});
export default defineBuild({
  project: { name: '${name}' },
  targets: [dependency('tiny', { recipe: tiny }), executable('app', { sources: ['main.c'], deps: ['tiny'] })],
});
`;

/** The sources of the `tiny` recipe's archive: a static library built and installed by a plain Makefile. */
export const tinySources: Record<string, string> = {
  'tiny.h': 'int tiny_add(int a, int b);\n',
  'tiny.c': '#include "tiny.h"\nint tiny_add(int a, int b) { return a + b; }\n',
  Makefile: [
    'all: libtiny.a',
    'libtiny.a: tiny.o',
    '\t$(AR) rcs $@ tiny.o',
    'tiny.o: tiny.c tiny.h',
    '\t$(CC) $(CFLAGS) -c tiny.c -o tiny.o',
    'install: libtiny.a',
    '\tmkdir -p $(PREFIX)/lib $(PREFIX)/include',
    '\tcp libtiny.a $(PREFIX)/lib/ && cp tiny.h $(PREFIX)/include/',
    '',
  ].join('\n'),
};

/** The `app` of tinyDescription: prints tiny_add(2, 3). */
export const tinyMain = '#include <stdio.h>\n#include "tiny.h"\nint main(void) { printf("%d\\n", tiny_add(2, 3)); return 0; }\n';
