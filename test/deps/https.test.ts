// https for real: a self-signed certificate made with openssl, trusted through the global agent; downloads work and a
// redirect down to plain http is refused unless its host is allowed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import t from 'tap';
import { fetchArchive } from '../../lib/deps/index.ts';
import { serve, sha256, startServer, tmpdir } from './helpers.ts';

const work = tmpdir();
t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
const key = path.join(work, 'key.pem');
const cert = path.join(work, 'cert.pem');
const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });

t.test('https downloads, and https -> http redirects need allowInsecureMirrors', { skip: made.status !== 0 ? 'openssl cannot make a certificate here' : false }, async (t) => {
  const body = Buffer.from('secure bytes\n');
  const hash = sha256(body);
  const plain = await startServer({ '/a.tar.gz': serve(body) });
  t.teardown(() => plain.close());
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
    if (req.url === '/a.tar.gz') serve(body)(req, res);
    else res.writeHead(302, { location: `${plain.base}/a.tar.gz` }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const savedCa = https.globalAgent.options.ca;
  https.globalAgent.options.ca = fs.readFileSync(cert);
  t.teardown(() => void (https.globalAgent.options.ca = savedCa));

  const opts = (cacheDir: string) => ({ cacheDir: path.join(work, cacheDir), mirrors: [], retries: 0 });
  const direct = await fetchArchive({ urls: [`${base}/a.tar.gz`], sha256: hash }, opts('c1'));
  t.equal(direct.url, `${base}/a.tar.gz`);

  await t.rejects(fetchArchive({ urls: [`${base}/down`], sha256: hash }, opts('c2')), {
    name: 'FetchError',
    message: new RegExp(`refusing redirect from https to plain http: ${base}/down -> ${plain.base}/a\\.tar\\.gz`),
  });
  t.equal(plain.hitsOf('/a.tar.gz'), 0, 'the http URL was never asked');
  const allowed = await fetchArchive({ urls: [`${base}/down`], sha256: hash }, { ...opts('c3'), allowInsecureMirrors: ['127.0.0.1'] });
  t.equal(allowed.url, `${plain.base}/a.tar.gz`);
});
