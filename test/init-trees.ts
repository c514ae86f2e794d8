// For `pogogen init` tests: running init in a tree that can import pogogen, and a generated C tree (a server with
// vendored dependencies under deps/: a small interpreter, a client library with its own tests and examples, a
// jemalloc copy with its own configure; event-loop backends chosen by `#include` of a .c; test programs).
import fs from 'node:fs';
import path from 'node:path';
import type { Test } from 'tap';
import { pogogen, repo, type Run } from './helpers.ts';

/** Lets build.pogo.ts in `dir` import 'pogogen' (this checkout). */
export function linked(dir: string): void {
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(repo, path.join(dir, 'node_modules', 'pogogen'));
}

/** Runs `pogogen init` in `dir` (removed after the test), checks it succeeded, and returns the run and what it wrote. */
export function initIn(t: Test, dir: string): { r: Run; text: string } {
  linked(dir);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = pogogen(dir, ['init']);
  t.equal(r.code, 0, r.stderr);
  return { r, text: r.code === 0 ? fs.readFileSync(path.join(dir, 'build.pogo.ts'), 'utf8') : '' };
}

/** ~230 sources: the shape of a large server that vendors its dependencies. All code is made up for the test. */
export function vendoredServer(modules = 96): Record<string, string> {
  const f: Record<string, string> = {};
  // The project: src/ with two programs, a backend per platform, modules, an allocator choice.
  f['Makefile'] = [
    'CFLAGS ?= -O2',
    'ifeq ($(MALLOC),jemalloc)',
    'CFLAGS += -DUSE_JEMALLOC',
    'endif',
    'all:',
    '\tcd deps && $(MAKE) lua hiclient linenoise jemalloc',
    '\t$(MAKE) -C src',
    '',
  ].join('\n');
  f['src/modules.h'] = `#ifndef MODULES_H\n#define MODULES_H\n${Array.from({ length: modules }, (_, i) => `int mod_${i}(int x);`).join('\n')}\nint run_modules(int x);\n#endif\n`;
  for (let i = 0; i < modules; i++) f[`src/mod_${i}.c`] = `#include "modules.h"\nint mod_${i}(int x) { return x + ${i % 7}; }\n`;
  f['src/modules.c'] = `#include "modules.h"\nint run_modules(int x) {\n  int s = 0;\n${Array.from({ length: modules }, (_, i) => `  s += mod_${i}(x);`).join('\n')}\n  return s;\n}\n`;
  f['src/ae.h'] = '#ifndef AE_H\n#define AE_H\nconst char *ae_backend(void);\n#endif\n';
  f['src/ae.c'] = '#include "ae.h"\n#ifdef __linux__\n#include "ae_epoll.c"\n#elif defined(__APPLE__) || defined(__FreeBSD__)\n#include "ae_kqueue.c"\n#elif defined(__sun)\n#include "ae_evport.c"\n#else\n#include "ae_select.c"\n#endif\n';
  f['src/ae_epoll.c'] = '#include <sys/epoll.h>\nconst char *ae_backend(void) { return "epoll"; }\n';
  f['src/ae_kqueue.c'] = '#include <sys/event.h>\nconst char *ae_backend(void) { return "kqueue"; }\n';
  f['src/ae_evport.c'] = '#include <port.h>\nconst char *ae_backend(void) { return "evport"; }\n';
  f['src/ae_select.c'] = '#include <sys/select.h>\nconst char *ae_backend(void) { return "select"; }\n';
  f['src/zmalloc.h'] = '#include <stddef.h>\nvoid *zmalloc(size_t n);\nvoid zfree(void *p);\nconst char *zmalloc_lib(void);\n';
  f['src/zmalloc.c'] = '#include <stdlib.h>\n#include "zmalloc.h"\n#ifdef USE_JEMALLOC\n#include <jemalloc/jemalloc.h>\nvoid *zmalloc(size_t n) { return je_malloc(n); }\nvoid zfree(void *p) { je_free(p); }\nconst char *zmalloc_lib(void) { return "jemalloc"; }\n#else\nvoid *zmalloc(size_t n) { return malloc(n); }\nvoid zfree(void *p) { free(p); }\nconst char *zmalloc_lib(void) { return "libc"; }\n#endif\n';
  f['src/script.c'] = '#include "lua.h"\n#include "lauxlib.h"\nint script_eval(int x) { return lua_add(x, luaL_one()); }\n';
  f['src/net.c'] = '#include "hiclient.h"\nint net_ping(void) { return hi_ping(); }\n';
  f['src/server.h'] = 'int script_eval(int x);\nint net_ping(void);\n';
  f['src/server.c'] = '#include <stdio.h>\n#include "server.h"\n#include "ae.h"\n#include "modules.h"\n#include "zmalloc.h"\nint main(void) {\n  char *p = zmalloc(8);\n  zfree(p);\n  printf("backend=%s modules=%d script=%d ping=%d malloc=%s\\n", ae_backend(), run_modules(1), script_eval(41), net_ping(), zmalloc_lib());\n  return 0;\n}\n';
  f['src/cli.c'] = '#include <stdio.h>\n#include "linenoise.h"\n#include "server.h"\nint main(void) { printf("cli %s %d\\n", linenoise_version(), net_ping()); return 0; }\n';
  f['src/Makefile'] = 'all: server cli\n';
  // Unit tests of the project: programs of their own, left out.
  for (let i = 0; i < 6; i++) f[`tests/unit/test_${i}.c`] = `#include <stdio.h>\nint main(void) { printf("test ${i}\\n"); return 0; }\n`;
  f['tests/helpers.c'] = 'int helper(void) { return 1; }\n';
  // deps/lua: flat C with its own Makefile; lua.c and luac.c are its programs.
  f['deps/lua/Makefile'] = 'CFLAGS = -O2 -DLUA_COMPAT_ALL\nall: liblua.a lua luac\n';
  f['deps/lua/src/lua.h'] = '#ifndef LUA_H\n#define LUA_H\n#include "luaconf.h"\nint lua_add(int a, int b);\nint lua_internal(int i);\n#endif\n';
  f['deps/lua/src/luaconf.h'] = '#ifndef LUA_COMPAT_ALL\n#error "build lua with -DLUA_COMPAT_ALL"\n#endif\n';
  f['deps/lua/src/lauxlib.h'] = '#include "lua.h"\nint luaL_one(void);\n';
  f['deps/lua/src/lapi.c'] = '#include "lua.h"\nint lua_add(int a, int b) { return a + b + lua_internal(0); }\n';
  f['deps/lua/src/lauxlib.c'] = '#include "lauxlib.h"\nint luaL_one(void) { return 1; }\n';
  for (let i = 0; i < 30; i++) f[`deps/lua/src/l${String.fromCharCode(97 + (i % 26))}part${i}.c`] = `#include "lua.h"\nint lua_part${i}(int x) { return x * ${i}; }\n`;
  f['deps/lua/src/linternal.c'] = '#include "lua.h"\nint lua_internal(int i) { return i; }\n';
  f['deps/lua/src/lua.c'] = '#include <stdio.h>\n#include "lua.h"\nint main(void) { printf("%d\\n", lua_add(1, 2)); return 0; }\n';
  f['deps/lua/src/luac.c'] = '#include <stdio.h>\n#include "lua.h"\nint main(void) { printf("%d\\n", lua_add(2, 2)); return 0; }\n';
  // deps/hiclient: a client library with a test program named test.c, examples and an adapter header.
  f['deps/hiclient/Makefile'] = 'all: libhiclient.a test\n';
  f['deps/hiclient/hiclient.h'] = '#ifndef HICLIENT_H\n#define HICLIENT_H\nint hi_ping(void);\nint hi_sds(int n);\n#endif\n';
  f['deps/hiclient/hiclient.c'] = '#include "hiclient.h"\n#include "sds.h"\nint hi_ping(void) { return hi_sds(1); }\n';
  f['deps/hiclient/sds.h'] = 'int hi_sds(int n);\n';
  f['deps/hiclient/sds.c'] = '#include "sds.h"\nint hi_sds(int n) { return n; }\n';
  f['deps/hiclient/net.c'] = '#include "hiclient.h"\nint hi_net(void) { return 0; }\n';
  f['deps/hiclient/adapters/ae.h'] = '#include "../hiclient.h"\n';
  f['deps/hiclient/test.c'] = '#include <stdio.h>\n#include "hiclient.h"\nint main(void) { printf("%d\\n", hi_ping()); return 0; }\n';
  for (let i = 0; i < 4; i++) f[`deps/hiclient/examples/example-${i}.c`] = `#include <stdio.h>\n#include "hiclient.h"\n#include "adapters/ae.h"\nint main(void) { printf("%d\\n", hi_ping() + ${i}); return 0; }\n`;
  // deps/linenoise: one file and an example program.
  f['deps/linenoise/Makefile'] = 'linenoise_example: linenoise.c example.c\n';
  f['deps/linenoise/linenoise.h'] = 'const char *linenoise_version(void);\n';
  f['deps/linenoise/linenoise.c'] = '#include "linenoise.h"\nconst char *linenoise_version(void) { return "ln1"; }\n';
  f['deps/linenoise/example.c'] = '#include <stdio.h>\n#include "linenoise.h"\nint main(void) { puts(linenoise_version()); return 0; }\n';
  // deps/jemalloc: a copy with its own configure; its internals include headers configure writes.
  f['deps/jemalloc/configure'] = '#!/bin/sh\necho "configure for jemalloc (a stand-in)"\n';
  f['deps/jemalloc/Makefile.in'] = 'all:\n';
  f['deps/jemalloc/include/jemalloc/internal/jemalloc_internal_macros.h'] = '#define JEMALLOC_ALWAYS_INLINE static inline\n';
  for (let i = 0; i < 44; i++) f[`deps/jemalloc/src/je_part${i}.c`] = `#include "jemalloc/internal/jemalloc_preamble.h"\n#include "jemalloc/internal/jemalloc_internal_macros.h"\nint je_part${i}(void) { return ${i}; }\n`;
  for (let i = 0; i < 12; i++) f[`deps/jemalloc/test/unit/t${i}.c`] = `#include "test/jemalloc_test.h"\nint main(void) { return ${i} - ${i}; }\n`;
  f['deps/jemalloc/test/src/test.c'] = '#include "test/jemalloc_test.h"\nint main(void) { return 0; }\n';
  return f;
}
