// jemalloc 5.3.0 (pogocache's pin): the static library with the `je_` symbol prefix, nothing else.
import { recipe } from '../lib/model/api.ts';

export const jemalloc = recipe({
  name: 'jemalloc',
  version: '5.3.0',
  source: {
    urls: ['https://github.com/jemalloc/jemalloc/releases/download/5.3.0/jemalloc-5.3.0.tar.bz2'],
    sha256: '2db82d1e7119df3e71b7640219b6dfe84789bc0537983c3b7ac4f7189aecfeaa',
  },
  build: {
    kind: 'configure',
    args: ['--with-jemalloc-prefix=je_', '--with-malloc-conf=dirty_decay_ms:500,muzzy_decay_ms:500', '--disable-doc', '--disable-stats'],
    // Only lib/libjemalloc.a: by default the static target also builds libjemalloc_pic.a, compiling every source a
    // second time, although the dependency's CFLAGS already make the first copy position-independent.
    makeArgs: ['STATIC_LIBS=lib/libjemalloc.a'],
    buildTargets: ['build_lib_static'],
    installTargets: ['install_include', 'install_lib_static'],
  },
  // configure generates jemalloc.h (with the je_ prefix applied), the one public header.
  headers: { after: 'configure', copy: [{ from: 'include/jemalloc/jemalloc.h', to: 'include/jemalloc/jemalloc.h' }] },
  provides: { staticLibs: ['jemalloc'], libs: ['pthread', 'dl', 'm'] },
});
