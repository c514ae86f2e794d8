// (A slow test: npm test runs it after the main suite, alone, so its OpenSSL build loads no other test.)
// The four shipped recipes on their real upstream sources (../shared/mirror beside the repository, one file per
// sha256): each builds in the default development profile, and one program calls into all four. OpenSSL makes this
// the slowest test (about two minutes of the suite on two cores); the sources are never committed here.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ninja, pogogenAsync as pogogen, project, repo, run } from '../helpers.ts';

const mirror = path.resolve(process.env.POGOGEN_TEST_MIRROR ?? path.join(repo, '..', 'shared', 'mirror'));
const has = (sha256: string): boolean => fs.existsSync(path.join(mirror, sha256));
// liburing 2.12 and mimalloc 3.1.5 are the pinned archives byte for byte; OpenSSL 3.5.2 and jemalloc 5.3.0 were
// made from the upstream tags, so their pins are replaced (the recipes stay as shipped otherwise).
const OPENSSL = 'cf7dd1133a346a367f2db83261b285196138e45aa8d9243afd0944aa7cd02ec5';
const JEMALLOC = '8b9ecbec57d35710d01c18d0872b2600c62ca7af7a73da448396838d6b4dafd2';
const LIBURING = 'f1d10cb058c97c953b4c0c446b11e9177e8c8b32a5a88b309f23fdd389e26370';
const MIMALLOC = '1c6949032069d5ebea438ec5cedd602d06f40a92ddf0f0d9dcff0993e5f6635c';
const missing = [OPENSSL, JEMALLOC, LIBURING, MIMALLOC].filter((s) => !has(s));
const skip = missing.length > 0 ? `the upstream sources are not in ${mirror} (set POGOGEN_TEST_MIRROR)` : false;

const mainC = `#include <jemalloc/jemalloc.h>
#include <liburing.h>
#include <mimalloc.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  struct io_uring ring;
  int r = io_uring_queue_init(4, &ring, 0);
  if (r == 0) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    io_uring_prep_nop(sqe);
    io_uring_submit(&ring);
    struct io_uring_cqe *cqe;
    r = io_uring_wait_cqe(&ring, &cqe);
    printf("liburing %d.%d: nop %s\\n", io_uring_major_version(), io_uring_minor_version(), r == 0 && cqe->res == 0 ? "completed" : "failed");
    io_uring_queue_exit(&ring);
  } else {
    printf("liburing %d.%d: the kernel refused a ring (%d)\\n", io_uring_major_version(), io_uring_minor_version(), r);
  }
  unsigned char md[32];
  unsigned int n = 0;
  if (!EVP_Digest("abc", 3, md, &n, EVP_sha256(), NULL) || n != 32) return 1;
  printf("sha256(abc) %02x%02x%02x%02x\\n", md[0], md[1], md[2], md[3]);
  SSL_CTX *ctx = SSL_CTX_new(TLS_method());
  if (ctx == NULL) return 2;
  SSL_CTX_free(ctx);
  printf("%s: SSL_CTX_new ok\\n", OpenSSL_version(OPENSSL_VERSION));
  char *p = mi_malloc(32);
  if (p == NULL) return 3;
  strcpy(p, "mi_malloc ok");
  printf("mimalloc %d: %s\\n", mi_version(), p);
  mi_free(p);
  char *q = je_malloc(32);
  if (q == NULL) return 4;
  strcpy(q, "je_malloc ok");
  printf("jemalloc: %s\\n", q);
  je_free(q);
  return 0;
}
`;

const description = `import { defineBuild, dependency, executable, recipes } from 'pogogen';
const mirrored = (sha256: string) => ({ urls: ['file://${mirror}/' + sha256], sha256 });
export default defineBuild({
  project: { name: 'pins' },
  targets: [
    dependency('uring', { recipe: recipes.liburing, prefer: 'source' }),
    dependency('ssl', { recipe: { ...recipes.openssl, source: mirrored('${OPENSSL}') }, prefer: 'source' }),
    dependency('mimalloc', { recipe: recipes.mimalloc, prefer: 'source' }),
    dependency('jemalloc', { recipe: { ...recipes.jemalloc, source: mirrored('${JEMALLOC}') }, prefer: 'source' }),
    executable('pins', { sources: ['main.c'], deps: ['uring', 'ssl', 'mimalloc', 'jemalloc'] }),
  ],
});
`;

t.test('the four shipped recipes build their real pins in the development profile, and a program uses each', { skip }, async (t) => {
  const dir = project({ 'build.pogo.ts': description, 'main.c': mainC }, 'pogogen-pins-');
  // liburing and mimalloc are fetched by their shipped pins through the mirror; the recipes' own URLs are never reached.
  const env = { POGOGEN_CACHE: path.join(dir, 'cache'), POGOGEN_MIRRORS: `file://${mirror}` };
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  const gen = await pogogen(dir, [], env);
  t.equal(gen.code, 0, gen.stderr);
  for (const [name, what] of [['uring', 'liburing 2.12'], ['ssl', 'openssl 3.5.2'], ['mimalloc', 'mimalloc 3.1.5'], ['jemalloc', 'jemalloc 5.3.0']] as [string, string][]) {
    t.match(gen.stdout, new RegExp(`dependency ${name}: source \\(${what.replace(/\./g, '\\.')} from source\\)`), `${name}: ${what} from source`);
  }
  const b = ninja(dir, ['-j2'], env);
  t.equal(b.code, 0, b.stdout.slice(-3000) + b.stderr);

  const out = run(path.join(dir, 'out/development/bin/pins'), [], { env: { ASAN_OPTIONS: 'detect_leaks=0' } });
  t.equal(out.code, 0, out.stdout + out.stderr);
  t.match(out.stdout, /^liburing 2\.12: (nop completed|the kernel refused a ring \(-\d+\))$/m, 'liburing: a ring set up and a nop completed (or the kernel refused io_uring)');
  t.match(out.stdout, /^sha256\(abc\) ba7816bf$/m, 'OpenSSL: the SHA-256 of "abc"');
  t.match(out.stdout, /^OpenSSL 3\.5\.2 .*: SSL_CTX_new ok$/m, 'OpenSSL: a TLS context');
  t.match(out.stdout, /^mimalloc 315: mi_malloc ok$/m, 'mimalloc 3.1.5');
  t.match(out.stdout, /^jemalloc: je_malloc ok$/m, 'jemalloc with the je_ prefix');

  // What the dependencies were built with: the profile's -O0, line tables, no sanitizer and no LTO.
  for (const name of ['uring', 'ssl', 'mimalloc', 'jemalloc']) {
    const plan = JSON.parse(fs.readFileSync(path.join(dir, `out/development/deps/.build/${name}/plan.json`), 'utf8')) as { env: Record<string, string> };
    t.match(plan.env.CFLAGS, /-O0 .*-g1/, `${name}: -O0 with line tables`);
    t.notMatch(plan.env.CFLAGS, /-fsanitize|-flto|-g3/, `${name}: no sanitizer, LTO or -g3`);
  }
  t.notOk(fs.existsSync(path.join(dir, 'out/development/deps/uring/include/liburing/sanitize.h')), 'liburing: only the headers its install writes');
  t.notOk(fs.readdirSync(path.join(dir, 'out/development/deps/uring/lib')).some((f) => f.includes('.so')), 'liburing: no shared library built');
  t.match(ninja(dir, [], env).stdout, /no work to do/, 'a second ninja does nothing');
});

t.test("the demo's auto liburing falls back to the 2.12 recipe in the default profile when the system has none", { skip: has(LIBURING) ? false : `liburing 2.12 is not in ${mirror}` }, async (t) => {
  const dir = project({}, 'pogogen-demo-uring-');
  fs.copyFileSync(path.join(repo, 'build.pogo.ts'), path.join(dir, 'build.pogo.ts'));
  fs.cpSync(path.join(repo, 'examples'), path.join(dir, 'examples'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'no-pc'));
  // No system liburing or libcrypto (an empty pkg-config path); OpenSSL's pinned tarball is not in the mirror and
  // this machine cannot download it, so the demo's `auto` OpenSSL is absent.
  const env = { POGOGEN_CACHE: path.join(dir, 'cache'), POGOGEN_MIRRORS: `file://${mirror}`, PKG_CONFIG_LIBDIR: path.join(dir, 'no-pc'), PKG_CONFIG_PATH: '' };
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const gen = await pogogen(dir, [], env);
  t.equal(gen.code, 0, gen.stderr);
  t.match(gen.stdout, /dependency uring: source \(liburing 2\.12 from source\)/, 'liburing from the recipe');
  const b = ninja(dir, ['-j2'], env);
  t.equal(b.code, 0, b.stdout.slice(-3000) + b.stderr);
  const features = run(path.join(dir, 'out/development/bin/demo'), ['--features'], { env: { ASAN_OPTIONS: 'detect_leaks=0' } });
  t.equal(features.code, 0, features.stderr);
  t.match(features.stdout, /^uring: (yes|linked, but the kernel refused io_uring)$/m, 'the demo runs with the source-built liburing');
});
