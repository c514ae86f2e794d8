// Clang's rule table: gcc's templates with ThinLTO and llvm-ar.
import { gcc } from './gcc.ts';
import type { RuleTable } from './types.ts';

export const clang: RuleTable = {
  ...gcc,
  family: 'clang',
  // llvm-ar understands LLVM bitcode objects; the probe substitutes a versioned name (llvm-ar-16) when needed.
  ar: { plain: ['ar'], lto: ['llvm-ar'] },
  flags: {
    ...gcc.flags,
    lto: {
      compile: ['-flto=thin'],
      link: ['-flto=thin'],
      // lld does ThinLTO itself; GNU ld, gold and mold hand it to LLVMgold.so, which takes the same cache as a
      // plugin option. lld's policy caps the cache at 1 GiB (its default is 75% of the free disk).
      cache: (dir, linker) =>
        linker === 'lld' || linker === 'ld.lld'
          ? [`-Wl,--thinlto-cache-dir=${dir}`, '-Wl,--thinlto-cache-policy=cache_size_bytes=1g']
          : [`-Wl,-plugin-opt=cache-dir=${dir}`],
    },
    debugLines: ['-gline-tables-only'],
    pgo: { generate: ['-fprofile-instr-generate'], generateLink: ['-fprofile-instr-generate'], use: (profdata) => [`-fprofile-instr-use=${profdata}`], format: 'profdata' },
  },
};
