// The demo: a small cache program under examples/demo built from two static libraries, a generated header and
// two optional dependencies (liburing and OpenSSL's libcrypto: from the system, else built from source).
import { action, defineBuild, dependency, executable, option, recipes, staticLibrary } from 'pogogen';

const src = 'examples/demo/src';

export default defineBuild({
  project: { name: 'demo', version: '0.1.0' },
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
    });
    const cache = staticLibrary('cache', {
      sources: [`${src}/cache/*.c`],
      deps: [util],
      public: { includeDirs: [`${src}/cache`] },
      defines: { DEMO_BUCKETS: options.buckets },
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
    return [gitinfo, util, cache, uring, crypto, features, executable('demo', { sources: [`${src}/main.c`], deps: [cache, features, gitinfo] })];
  },
});
