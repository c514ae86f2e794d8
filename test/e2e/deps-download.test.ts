// Download settings through the command: the size cap and deadline variables (bad values are one clear error,
// nothing written), the proxy variables honoured and bypassed, and what the regeneration command records of them.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { pogogenAsync as pogogen, project } from '../helpers.ts';
import { archive, serve, tinyDescription } from './served.ts';

const description = (base: string, sha256: string): string => tinyDescription(base, sha256, 'dl');

t.test('download settings from the environment', async (t) => {
  const work = project({});
  const served = fs.mkdtempSync(path.join(work, 'served-'));
  const pin = archive(served, 'tiny-1.0', { 'tiny.h': 'int tiny(void);\n', Makefile: 'all:\n' });
  const server = await serve(served);
  t.teardown(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });
  const dir = path.join(work, 'proj');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(server.base, pin.sha256));
  fs.writeFileSync(path.join(dir, 'main.c'), 'int main(void) { return 0; }\n');
  const noProxies = { HTTP_PROXY: undefined, http_proxy: undefined, HTTPS_PROXY: undefined, https_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined, POGOGEN_MIRRORS: undefined };
  let n = 0;
  const env = (extra: Record<string, string | undefined>) => ({ ...noProxies, POGOGEN_CACHE: path.join(work, `cache-${n++}`), ...extra });
  const url = `${server.base}/tiny-1.0.tar.gz`;

  for (const [name, value, message] of [
    ['POGOGEN_MAX_DOWNLOAD', 'lots', 'POGOGEN_MAX_DOWNLOAD="lots" is not a size: give a number of bytes, or one with K, M, G or T (e.g. 4G)'],
    ['POGOGEN_DOWNLOAD_DEADLINE', 'soon', 'POGOGEN_DOWNLOAD_DEADLINE="soon" is not a number of seconds'],
    ['POGOGEN_MAX_DOWNLOAD', '100', `${url} is ${fs.statSync(pin.file).size} bytes, more than the download limit of 100 bytes (POGOGEN_MAX_DOWNLOAD raises it)`],
  ] as const) {
    const r = await pogogen(dir, [], env({ [name]: value }));
    t.equal(r.code, 1, `${name}=${value}: exit 1`);
    t.match(r.stderr, message);
    t.match(r.stderr, /dependency "tiny" is required but not available/);
    t.notMatch(r.stderr, /^\s+at /m, 'no stack trace');
    t.notOk(fs.existsSync(path.join(dir, 'build.ninja')), 'nothing written');
  }

  // A proxy nobody listens on: the download goes there (and fails, naming it), the server is never asked.
  const before = server.requests.length;
  const proxied = await pogogen(dir, [], env({ HTTP_PROXY: 'http://127.0.0.1:9' }));
  t.equal(proxied.code, 1);
  t.match(proxied.stderr, `${url}: connect ECONNREFUSED 127.0.0.1:9`);
  t.equal(server.requests.length, before, 'the origin was not asked: the proxy was used');

  // NO_PROXY sends it direct; the limits are recorded for regeneration, the proxy (and its password) is not.
  const ok = await pogogen(dir, [], env({ http_proxy: 'http://ann:secret@127.0.0.1:9', no_proxy: '127.0.0.1', POGOGEN_MAX_DOWNLOAD: '1G', POGOGEN_DOWNLOAD_DEADLINE: '600' }));
  t.equal(ok.code, 0, ok.stderr);
  t.equal(server.requests.length, before + 1);
  const ninja = fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8');
  t.match(ninja, /POGOGEN_MAX_DOWNLOAD=1G /);
  t.match(ninja, /POGOGEN_DOWNLOAD_DEADLINE=600 /);
  t.notMatch(ninja, /secret|_proxy/i);
  const last = JSON.parse(fs.readFileSync(path.join(dir, 'out/.pogogen/last-generation.json'), 'utf8')) as { env: Record<string, string> };
  t.equal(last.env.POGOGEN_MAX_DOWNLOAD, '1G');
  t.notMatch(JSON.stringify(last), /secret/);
});
