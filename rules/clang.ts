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
    lto: { compile: ['-flto=thin'], link: ['-flto=thin'] },
    debugLines: ['-gline-tables-only'],
    pgo: { generate: ['-fprofile-instr-generate'], generateLink: ['-fprofile-instr-generate'], use: (profdata) => [`-fprofile-instr-use=${profdata}`], format: 'profdata' },
  },
};
