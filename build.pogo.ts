// The demo: a small cache program under examples/demo built from two static libraries, a generated header and
// two optional dependencies (liburing and OpenSSL's libcrypto: from the system, else built from source).
import { action, defineBuild, dependency, executable, option, recipes, staticLibrary, test } from 'pogogen';

const src = 'examples/demo/src';

export default defineBuild({
  project: { name: 'demo', version: '0.1.0' },
  install: [{ files: ['examples/demo/man/demo.1'], dir: '{mandir}/man1' }],
  options: {
    buckets: option.string('128', 'hash buckets of the demo cache'),
    uring: option.feature('auto', 'io_uring through liburing'),
    openssl: option.feature('auto', 'SHA-256 through OpenSSL libcrypto'),
  },
  targets: ({ options, platform }) => {
    const gitinfo = action('gitinfo', {
      command: ['sh', 'examples/demo/tools/gitinfo.sh', '0.1.0', '{out}'],
      inputs: ['examples/demo/tools/gitinfo.sh'],
      outputs: ['gitinfo.h'],
      description: 'GEN gitinfo.h',
    });
    const util = staticLibrary('util', {
      sources: [`${src}/util/*.c`],
      public: { includeDirs: [`${src}/util`] },
      install: true,
      installHeaders: [`${src}/util/*.h`],
      headersSubdir: 'demo',
    });
    const cache = staticLibrary('cache', {
      sources: [`${src}/cache/*.c`],
      deps: [util],
      public: { includeDirs: [`${src}/cache`] },
      defines: { DEMO_BUCKETS: options.buckets },
      install: true,
      installHeaders: [`${src}/cache/cache.h`],
      headersSubdir: 'demo',
      pkgConfig: { name: 'demo-cache', description: 'the demo hash table' },
    });
    const uring = dependency('uring', {
      recipe: recipes.liburing,
      feature: platform === 'linux' ? options.uring : 'disabled',
      ifMissing: { defines: ['NOURING'] },
    });
    const crypto = dependency('crypto', {
      recipe: recipes.openssl,
      pkgConfig: 'libcrypto',
      feature: options.openssl,
      ifMissing: { defines: ['NOOPENSSL'] },
    });
    const features = staticLibrary('features', {
      sources: [`${src}/features/*.c`],
      deps: [uring, crypto],
      public: { includeDirs: [`${src}/features`] },
    });
    const demo = executable('demo', { sources: [`${src}/main.c`], deps: [cache, features, gitinfo], install: true });
    const expect = 'examples/demo/tests/expect.sh';
    return [
      gitinfo, util, cache, uring, crypto, features, demo,
      test('set-get', { program: expect, args: ['1 (nil)', '{path:demo}', 'set', 'a', '1', 'get', 'a', 'get', 'b'], deps: [demo], suites: ['cli'] }),
      test('overwrite-delete', { program: expect, args: ['2 1 0 (nil) 0', '{path:demo}', 'set', 'k', '1', 'set', 'k', '2', 'get', 'k', 'del', 'k', 'del', 'k', 'get', 'k', 'count'], deps: [demo], suites: ['cli'] }),
      test('version', { program: demo, args: ['--version'], suites: ['cli', 'smoke'] }),
      test('bad-command', { program: demo, args: ['bogus'], shouldFail: true, suites: ['cli'] }),
    ];
  },
});
