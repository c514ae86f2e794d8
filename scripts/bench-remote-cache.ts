// Benchmark (not a test): what a remote cache saves a second machine. A project with liburing 2.12 and mimalloc
// 3.1.5 from their real pinned sources (../shared/mirror) is generated and built three ways, interleaved per run:
// `local` with no remote cache (a cold local cache), `upload` the same with POGOGEN_REMOTE_CACHE and the token (a
// cold build that also uploads to an empty remote), `restore` a second checkout with its own empty local cache and
// no token, restoring from what `upload` put there. nginx with WebDAV (test/e2e/nginx.ts) is the remote, on
// 127.0.0.1; `local` and `upload` swap places every other run. Prints medians of wall time (generation + ninja),
// of the INSTALL steps (where the upload happens) from .ninja_log, and the bytes the remote holds; writes nothing else.
// Usage: node --import ./test/loader/register.mjs scripts/bench-remote-cache.ts [--runs N] [--mirror DIR] [--openssl]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nginxMissing, startNginx } from '../test/e2e/nginx.ts';

const repo = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const runs = Number(arg('--runs', '3'));
const mirror = path.resolve(arg('--mirror', path.join(repo, '..', 'shared', 'mirror')));
// OpenSSL's pin is the release tarball; the mirror holds the git tag's tree under another hash (its README).
const openssl = process.argv.includes('--openssl');
const cli = path.join(repo, 'dist', 'cli.js');
const missing = nginxMissing();
if (missing !== undefined) {
  console.error(`bench-remote-cache: ${missing}`);
  process.exit(1);
}

const description = `
import { defineBuild, dependency, executable, recipes } from 'pogogen';
${openssl ? `const ssl = { ...recipes.openssl, source: { urls: ['file://${mirror}/cf7dd1133a346a367f2db83261b285196138e45aa8d9243afd0944aa7cd02ec5'], sha256: 'cf7dd1133a346a367f2db83261b285196138e45aa8d9243afd0944aa7cd02ec5' } };` : ''}
export default defineBuild({
  project: { name: 'remote-bench' },
  targets: [
    dependency('uring', { recipe: recipes.liburing, prefer: 'source' }),
    dependency('mimalloc', { recipe: recipes.mimalloc, prefer: 'source' }),
    ${openssl ? "dependency('ssl', { recipe: ssl, prefer: 'source' })," : ''}
    executable('app', { sources: ['main.c'], deps: ['uring', 'mimalloc'${openssl ? ", 'ssl'" : ''}] }),
  ],
});
`;
const mainC = `#include <liburing.h>
#include <mimalloc.h>
#include <stdio.h>
${openssl ? '#include <openssl/crypto.h>' : ''}
int main(void) {
  void *p = mi_malloc(32);
  printf("liburing %d.%d, mimalloc %d%s\\n", io_uring_major_version(), io_uring_minor_version(), mi_version(), p ? "" : " (no memory)");
  ${openssl ? 'printf("%s\\n", OpenSSL_version(OPENSSL_VERSION));' : ''}
  mi_free(p);
  return 0;
}
`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pogogen-bench-remote-'));
const TOKEN = 'bench-token';
const nginx = await startNginx(path.join(work, 'nginx'), TOKEN);

function timed(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${r.stdout}${r.stderr}`);
  return performance.now() - start;
}

/** The INSTALL steps' time in the last build, from .ninja_log (a dependency's install writes out/<profile>/deps/<name>.stamp). */
function installSeconds(dir: string): number {
  const log = fs.readFileSync(path.join(dir, 'out/development/.ninja_log'), 'utf8').split('\n').slice(1);
  return log.map((l) => l.split('\t')).filter((f) => /deps\/[^/]+\.stamp$/.test(f[3] ?? '') && !/headers\.stamp$/.test(f[3]!)).reduce((n, f) => n + (Number(f[1]) - Number(f[0])) / 1000, 0);
}

const installs: Record<'local' | 'upload', number[]> = { local: [], upload: [] };
const generations: Record<'local' | 'upload' | 'restore', number[]> = { local: [], upload: [], restore: [] };

/** Generates and builds a fresh checkout with a fresh local cache; wall seconds. */
function build(name: string, extra: NodeJS.ProcessEnv): number {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description);
  fs.writeFileSync(path.join(dir, 'main.c'), mainC);
  // No ccache: it would carry objects between the runs that the remote cache is measured against.
  const env = { ...process.env, POGOGEN_CACHE: path.join(work, `cache-${name}`), POGOGEN_MIRRORS: `file://${mirror}`, POGOGEN_LAUNCHER: 'none', POGOGEN_REMOTE_CACHE: undefined, POGOGEN_REMOTE_CACHE_TOKEN: undefined, ...extra };
  const gen = timed(process.execPath, [cli], dir, env);
  const ms = gen + timed('ninja', [], dir, env);
  generations[name.split('-')[0] as 'local' | 'upload' | 'restore'].push(gen / 1000);
  const out = spawnSync(path.join(dir, 'out/development/bin/app'), [], { encoding: 'utf8' });
  if (out.status !== 0 || !/mimalloc/.test(out.stdout)) throw new Error(`${name}: the program did not run: ${out.stdout}${out.stderr}`);
  const way = name.split('-')[0];
  if (way === 'local' || way === 'upload') installs[way].push(installSeconds(dir));
  return ms / 1000;
}

const bytesUnder = (dir: string): number => (fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).reduce((n, f) => n + (fs.statSync(path.join(dir, f)).isFile() ? fs.statSync(path.join(dir, f)).size : 0), 0) : 0);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const times: Record<'local' | 'upload' | 'restore', number[]> = { local: [], upload: [], restore: [] };
const loads: number[] = [];
let stored = 0;
try {
  for (let i = 0; i < runs; i++) {
    loads.push(os.loadavg()[0]!);
    const remote = `${nginx.base}/run-${i}`;
    const local = (): void => void times.local.push(build(`local-${i}`, {}));
    const upload = (): void => void times.upload.push(build(`upload-${i}`, { POGOGEN_REMOTE_CACHE: remote, POGOGEN_REMOTE_CACHE_TOKEN: TOKEN }));
    if (i % 2 === 0) (local(), upload());
    else (upload(), local());
    times.restore.push(build(`restore-${i}`, { POGOGEN_REMOTE_CACHE: remote }));
    stored = bytesUnder(path.join(nginx.store, `run-${i}`));
    console.error(`run ${i + 1}/${runs}: local ${times.local.at(-1)!.toFixed(2)} s, upload ${times.upload.at(-1)!.toFixed(2)} s, restore ${times.restore.at(-1)!.toFixed(2)} s`);
  }
} finally {
  await nginx.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
const f = (xs: number[]): string => `${median(xs).toFixed(2)} s (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
console.log(`dependencies: liburing 2.12, mimalloc 3.1.5${openssl ? ', OpenSSL 3.5.2' : ''}; ${runs} runs; ${os.availableParallelism()} cores; load average at each start ${loads.map((l) => l.toFixed(1)).join(', ')}`);
console.log(`| way | wall time, median (min–max) |`);
console.log(`|---|---|`);
console.log(`| local: cold local cache, no remote | ${f(times.local)} |`);
console.log(`| upload: cold, building and uploading to an empty remote | ${f(times.upload)} |`);
console.log(`| restore: second checkout, empty local cache, from the remote | ${f(times.restore)} |`);
console.log(`generation alone: local ${f(generations.local)}, upload ${f(generations.upload)}, restore ${f(generations.restore)}`);
console.log(`INSTALL steps (storing into the local cache; for upload also every PUT): local ${f(installs.local)}, upload ${f(installs.upload)}`);
console.log(`restore / local: ${(median(times.restore) / median(times.local)).toFixed(3)}; the remote holds ${(stored / 1024 / 1024).toFixed(1)} MiB per run (archives and built files)`);
