// mimalloc 3.1.5 (pogocache's pin), built with CMake: the static library only, installed at the top level.
import { recipe } from '../lib/model/api.ts';

export const mimalloc = recipe({
  name: 'mimalloc',
  version: '3.1.5',
  source: {
    urls: ['https://github.com/microsoft/mimalloc/archive/refs/tags/v3.1.5.tar.gz'],
    sha256: '1c6949032069d5ebea438ec5cedd602d06f40a92ddf0f0d9dcff0993e5f6635c',
  },
  build: {
    kind: 'cmake',
    // MI_OVERRIDE=OFF: the library is used by its API (mi_malloc, mi_heap_*). With the default ON, the static
    // library also defines malloc and free, which takes over the whole process, including AddressSanitizer's own
    // start-up in the development profile (a crash before main). Spread the recipe with -DMI_OVERRIDE=ON to
    // replace malloc process-wide, in profiles without sanitizers.
    args: ['-DMI_BUILD_SHARED=OFF', '-DMI_BUILD_OBJECT=OFF', '-DMI_BUILD_TESTS=OFF', '-DMI_INSTALL_TOPLEVEL=ON', '-DMI_OVERRIDE=OFF'],
  },
  // The public headers ship in the archive; MI_INSTALL_TOPLEVEL puts them straight under include/.
  headers: {
    after: 'extract',
    copy: ['mimalloc.h', 'mimalloc-override.h', 'mimalloc-new-delete.h'].map((h) => ({ from: `include/${h}`, to: `include/${h}` })),
  },
  provides: { staticLibs: ['mimalloc'], pkgConfig: 'mimalloc', libs: ['pthread'] },
});
