// OpenSSL 3.5.2 (pogocache's pin and its trimmed option list): static libssl and libcrypto, no apps or docs.
import { recipe } from '../lib/model/api.ts';

export const openssl = recipe({
  name: 'openssl',
  version: '3.5.2',
  source: {
    urls: ['https://github.com/openssl/openssl/releases/download/openssl-3.5.2/openssl-3.5.2.tar.gz'],
    sha256: 'c53a47e5e441c930c3928cf7bf6fb00e5d129b630e0aa873b08258656e7345ec',
  },
  build: {
    kind: 'configure',
    style: 'openssl',
    args: [
      'no-uplink', 'no-ssl3-method', 'no-tls1-method', 'no-tls1_1-method', 'no-dtls1-method', 'no-dtls1_2-method',
      'no-argon2', 'no-bf', 'no-blake2', 'no-cast', 'no-cmac', 'no-dsa', 'no-idea', 'no-md4', 'no-mdc2', 'no-ocb',
      'no-rc2', 'no-rc4', 'no-rmd160', 'no-scrypt', 'no-siphash', 'no-siv', 'no-sm2', 'no-sm3', 'no-sm4',
      'no-whirlpool', 'no-shared', 'no-afalgeng', 'no-async', 'no-capieng', 'no-cmp', 'no-cms', 'no-comp', 'no-ct',
      'no-docs', 'no-dgram', 'no-dso', 'no-dynamic-engine', 'no-engine', 'no-filenames', 'no-gost', 'no-http',
      'no-legacy', 'no-module', 'no-nextprotoneg', 'no-static-engine', 'no-tests', 'no-thread-pool', 'no-ts',
      'no-ui-console', 'no-quic', 'no-padlockeng', 'no-ssl-trace', 'no-ocsp', 'no-srp', 'no-srtp',
    ],
    // The libraries only: `build_libs` skips the openssl command-line app; `install_dev` skips docs and apps.
    buildTargets: ['build_libs'],
    installTargets: ['install_dev'],
  },
  // `build_generated` writes opensslv.h, configuration.h and the other templated headers in seconds; objects that
  // include OpenSSL then compile during the minute and a half libcrypto takes.
  headers: { after: 'configure', run: [['make', 'build_generated']], copy: [{ from: 'include/openssl', to: 'include/openssl' }] },
  provides: { staticLibs: ['ssl', 'crypto'], pkgConfig: 'openssl', libs: ['pthread'] },
});
