// The demo: a small cache program under examples/demo built from two static libraries and a generated header.
import { action, defineBuild, executable, option, staticLibrary } from 'pogogen';

const src = 'examples/demo/src';

export default defineBuild({
  project: { name: 'demo', version: '0.1.0' },
  options: {
    buckets: option.string('128', 'hash buckets of the demo cache'),
  },
  targets: ({ options }) => {
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
    return [
      gitinfo,
      util,
      cache,
      executable('demo', { sources: [`${src}/main.c`], deps: [cache, gitinfo] }),
    ];
  },
});
