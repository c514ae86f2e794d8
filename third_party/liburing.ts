// liburing 2.12 (pogocache's pin): only the library under src/, not its tests and examples.
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
    // configure writes config-host.h; the library itself is built and installed from src/ alone.
    configure: ['./configure', '--prefix={prefix}', '--libdir={prefix}/lib', '--includedir={prefix}/include'],
    args: ['-C', 'src'],
    installTargets: ['install'],
    prefixVariable: 'prefix',
  },
  // configure writes liburing/compat.h (and io_uring_version.h in newer releases): the headers are complete then.
  headers: { after: 'configure', copy: [{ from: 'src/include/liburing.h', to: 'include/liburing.h' }, { from: 'src/include/liburing', to: 'include/liburing' }] },
  provides: { staticLibs: ['uring'], pkgConfig: 'liburing' },
});
