// GCC's rule table: argv templates and flag spellings (also the base that clang's table adjusts).
import type { RuleTable } from './types.ts';

export const gcc: RuleTable = {
  family: 'gcc',
  // -MMD without -MP: samurai rejects depfiles with more than one target; the Makefile covers deleted headers
  // with its own empty pattern rules instead.
  compile: ['{cc}', '{cflags}', '-MMD', '-MF', '{depfile}', '-c', '{in}', '-o', '{out}'],
  archive: ['rm', '-f', '{out}', { raw: '&&' }, '{ar}', 'rcsD', '{out}', '{in}'],
  link: ['{cc}', '-o', '{out}', '{in}', '{ldflags}', '{libs}'],
  linkShared: ['{cc}', '-shared', '{soname}', '-o', '{out}', '{in}', '{ldflags}', '{libs}'],
  splitDebug: ['objcopy', '--only-keep-debug', '{in}', '{debug}', { raw: '&&' }, 'objcopy', '--strip-all', '--add-gnu-debuglink={debug}', '{in}', '{out}'],
  ar: { plain: ['ar'], lto: ['gcc-ar'] },
  flags: {
    define: (d) => `-D${d}`,
    include: (dir) => `-I${dir}`,
    lib: (name) => `-l${name}`,
    pic: ['-fPIC'],
    // -flto=auto lets the LTO link use make's jobserver or as many threads as cores.
    lto: { compile: ['-flto=auto'], link: ['-flto=auto'] },
    sanitize: (names) => {
      if (names.length === 0) return { compile: [], link: [] };
      const s = `-fsanitize=${names.join(',')}`;
      return { compile: [s, '-fno-omit-frame-pointer'], link: [s] };
    },
    coverage: { compile: ['--coverage'], link: ['--coverage'] },
    strip: ['-s'],
    rpath: (dir) => `-Wl,-rpath,${dir}`,
    march: (cpu) => `-march=${cpu}`,
    mtune: (cpu) => `-mtune=${cpu}`,
    debug: ['-g'],
    debugLines: ['-g1'],
    filePrefixMap: (from, to) => `-ffile-prefix-map=${from}=${to}`,
    // Atomic counters keep multi-threaded training runs exact; partial training keeps untrained code optimised
    // for size/speed as if there were no profile instead of treating it as never executed.
    pgo: { generate: ['-fprofile-generate', '-fprofile-update=atomic'], generateLink: ['-fprofile-generate'], use: () => ['-fprofile-use', '-fprofile-partial-training'], format: 'gcda' },
    soname: (name) => `-Wl,-soname,${name}`,
    linker: (name) => `-fuse-ld=${name}`,
  },
};
