// liburing 2.12 (pogocache's pin): only the static libraries under src/, not the shared ones, tests or examples.
import { recipe } from '../lib/model/api.ts';

export const liburing = recipe({
  name: 'liburing',
  version: '2.12',
  source: {
    urls: ['https://github.com/axboe/liburing/archive/refs/tags/liburing-2.12.tar.gz'],
    sha256: 'f1d10cb058c97c953b4c0c446b11e9177e8c8b32a5a88b309f23fdd389e26370',
  },
  build: {
    kind: 'make',
    // configure writes config-host.h; the library itself is built and installed from src/ alone. ENABLE_SHARED=0:
    // a project links liburing.a, and the shared library's link would need every flag its objects were built
    // with (an opted-in sanitizer's runtime, say) while adding nothing the project uses.
    configure: ['./configure', '--prefix={prefix}', '--libdir={prefix}/lib', '--includedir={prefix}/include'],
    args: ['-C', 'src', 'ENABLE_SHARED=0'],
    installTargets: ['install'],
    prefixVariable: 'prefix',
  },
  // configure writes liburing/compat.h and io_uring_version.h: the headers are complete then. Exactly the headers
  // src/Makefile's install writes (src/include/liburing/ also holds sanitize.h, which it never installs).
  headers: {
    after: 'configure',
    copy: ['liburing.h', 'liburing/io_uring.h', 'liburing/compat.h', 'liburing/barrier.h', 'liburing/io_uring_version.h'].map((h) => ({ from: `src/include/${h}`, to: `include/${h}` })),
  },
  provides: { staticLibs: ['uring'], pkgConfig: 'liburing' },
});
