// The init guesser as a pure function: build-file hints (CMake, meson, Makefile rules with make variables), #error
// guards that compare a value, scripts that write a fixed path, test-guarded mains, and deterministic output.
import t from 'tap';
import { guessDescription, type TreeFile } from '../../lib/insight/init.ts';

const tree = (files: Record<string, string>): TreeFile[] => Object.entries(files).map(([path, text]) => ({ path, text }));

t.test('CMake and meson name shared libraries; a plugins directory is one by its name', async (t) => {
  const cmake = guessDescription('p', tree({
    'CMakeLists.txt': 'add_library(codec SHARED codec/codec.c)\nadd_executable(app app/main.c)\n',
    'codec/codec.c': 'int codec(void) { return 1; }\n',
    'app/main.c': 'int codec(void);\nint main(void) { return codec(); }\n',
  }));
  t.match(cmake.description, /sharedLibrary\('codec'/);
  t.match(cmake.guesses.join('\n'), /shared library codec: 1 source, the sources of codec; shared: CMakeLists\.txt: add_library\(codec SHARED …\)/);
  const meson = guessDescription('p', tree({ 'meson.build': "shared_library('codec', 'codec/codec.c')\n", 'codec/codec.c': 'int codec(void) { return 1; }\n', 'main.c': 'int main(void) { return 0; }\n' }));
  t.match(meson.description, /sharedLibrary\('codec'/);
  const named = guessDescription('p', tree({ 'plugins/echo.c': 'int echo(void) { return 1; }\n', 'main.c': 'int main(void) { return 0; }\n' }));
  t.match(named.guesses.join('\n'), /shared library plugins: .*shared: the directory is named plugins/);
});

t.test('CMake defines: a conditional one becomes an option, an unconditional one a define', async (t) => {
  const r = guessDescription('p', tree({
    'CMakeLists.txt': 'option(WITH_TRACE "trace calls" OFF)\nadd_compile_definitions(FAST_PATH=2)\nif(WITH_TRACE)\n  target_compile_definitions(app PRIVATE TRACE_CALLS)\nendif()\n',
    'main.c': '#include <stdio.h>\nint main(void) {\n#ifdef TRACE_CALLS\n  puts("trace");\n#endif\n#if FAST_PATH\n  return 0;\n#endif\n}\n',
  }));
  t.match(r.guesses.join('\n'), /option trace_calls \(default off, then -DTRACE_CALLS\): CMakeLists\.txt sets it conditionally and main\.c tests it/);
  t.match(r.guesses.join('\n'), /define FAST_PATH=2 \(project-wide\): CMakeLists\.txt always passes it and main\.c tests it/);
  t.match(r.description, /defines: \[\.\.\.\(options\.trace_calls \? \['TRACE_CALLS'\] : \[\]\)\]/);
  t.match(r.description, /settings: \{ defines: \['FAST_PATH=2'\] \}/);
});

t.test('#error guards: a comparison gives the value; no build file value leaves a TODO', async (t) => {
  const r = guessDescription('p', tree({
    'include/api.h': '#if !defined(API_LEVEL) || API_LEVEL < 3\n#error "API_LEVEL >= 3 please"\n#endif\nint api(void);\n',
    'lib/api.c': '#include "api.h"\nint api(void) { return API_LEVEL; }\n',
    'main.c': '#include "api.h"\nint main(void) { return api(); }\n',
  }));
  t.match(r.guesses.join('\n'), /define API_LEVEL=3 \(public on p-lib\): include\/api\.h:2 stops with #error without it; the smallest value its guard accepts/);
  t.match(r.description, /public: \{ includeDirs: \['include'\], defines: \['API_LEVEL=3'\] \}/);
  t.match(r.todo.join('\n'), /check the value of API_LEVEL \(guessed API_LEVEL=3\)/);
});

t.test('generated headers: a Makefile rule with make variables is kept but marked; a script writing a fixed path is moved into place', async (t) => {
  const r = guessDescription('p', tree({
    'Makefile': 'conf.h: conf.h.in\n\t$(SED) -e s/@X@/1/ $< > $@\n',
    'scripts/mkbuild.sh': '#!/bin/sh\necho "#define BUILD 7" > src/buildinfo.h\n',
    'src/main.c': '#include "conf.h"\n#include "buildinfo.h"\nint main(void) { return BUILD; }\n',
  }));
  t.match(r.description, /TODO\(pogogen init\): conf\.h is generated: .* The command uses make variables: make it a plain command\./);
  t.match(r.todo.join('\n'), /action conf_h: the command copied from the Makefile uses make variables/);
  t.match(r.description, /sh scripts\/mkbuild\.sh && mv src\/buildinfo\.h "\$o"/);
  t.match(r.guesses.join('\n'), /action buildinfo_h writes buildinfo\.h: .*it writes src\/buildinfo\.h, which the action moves into place/);
});

t.test('a main() behind a test macro is no program; one behind #if 0 neither; a missing header is listed', async (t) => {
  const r = guessDescription('p', tree({
    'src/list.c': '#include "absent.h"\nint list(void) { return 0; }\n#ifdef LIST_SELFTEST\nint main(void) { return list(); }\n#endif\n',
    'src/old.c': '#if 0\nint main(void) { return 1; }\n#endif\nint old(void) { return 2; }\n',
    'src/app.c': 'int main(void) { return 0; }\n',
  }));
  t.same([...r.description.matchAll(/executable\('([^']+)'/g)].map((m) => m[1]), ['app', 'list-test'], 'app, and list.c with -DLIST_SELFTEST (and the other sources, as there is no library) as an optional test program');
  t.match(r.description, /executable\('list-test', \{\n {6}sources: \['src\/list\.c', 'src\/old\.c'\],\n {6}defines: \['LIST_SELFTEST'\],\n {6}default: false,\n {4}\}\);\n {4}const run_list_test = test\('run-list-test', \{ program: list_test \}\);/);
  t.match(r.guesses.join('\n'), /src\/list\.c: its main\(\) is behind #ifdef LIST_SELFTEST/);
  t.match(r.todo.join('\n'), /"absent\.h" \(included at src\/list\.c:1\): nothing in the tree provides it, nor writes it/);
});

t.test('the same tree in any order gives the same text', async (t) => {
  const files = tree({
    'b/y.c': '#include "x.h"\nint y(void) { return x(); }\n',
    'a/x.c': '#include <math.h>\nint x(void) { return (int)sqrt(4.0); }\n',
    'a/x.h': 'int x(void);\n',
    'main.c': '#include <liburing.h>\nint y(void);\nint main(void) { return y(); }\n',
  });
  const one = guessDescription('p', files);
  const two = guessDescription('p', [...files].reverse());
  t.equal(two.description, one.description);
  t.same(two.guesses, one.guesses);
  t.match(one.description, /feature: options\.liburing \}/, 'an unguarded include makes a required dependency');
  t.match(one.description, /liburing: option\.feature\('enabled'/);
});

t.test('no C file: an error', async (t) => {
  t.throws(() => guessDescription('p', tree({ 'README': 'x' })), /no \.c files found/);
});

t.test('vendored trees with their own build that the project includes become dependencies built from the directory', async (t) => {
  const cmake = guessDescription('p', tree({
    'third_party/zstdish/CMakeLists.txt': 'add_library(zs STATIC zs.c)\ninstall(TARGETS zs)\ninstall(FILES zs.h DESTINATION include)\n',
    'third_party/zstdish/zs.c': '#include "zs_config.h"\n#include "zs.h"\nint zs(void) { return ZS_LEVEL; }\n',
    'third_party/zstdish/zs.h': 'int zs(void);\n',
    'lib/codec.c': '#include <zs.h>\nint codec(void) { return zs(); }\n',
    'lib/codec.h': 'int codec(void);\n',
    'main.c': '#include "lib/codec.h"\nint main(void) { return codec(); }\n',
  }));
  const g = cmake.guesses.join('\n');
  t.match(g, /dependency zstdish \(built by its own CMakeLists\.txt from third_party\/zstdish, a local recipe source; build kind cmake; library zs: third_party\/zstdish\/CMakeLists\.txt builds libzs\.a\): <zs\.h> in lib\/codec\.c:1; its sources are not compiled into the project/);
  t.match(cmake.description, /source: \{ path: 'third_party\/zstdish' \},\n {8}build: \{ kind: 'cmake' \},\n {8}provides: \{ staticLibs: \['zs'\] \},/);
  t.match(cmake.description, /staticLibrary\('p-lib', \{[^}]*deps: \[zstdish\]/, 'the library that includes its header depends on it');
  t.notMatch(cmake.description, /zs\.c|TODO\(/, 'its sources are not the project\'s; nothing weak in the guess');
  t.notMatch(g, /left out: third_party\/zstdish/);

  const weak = guessDescription('p', tree({
    'deps/gizmo/Makefile': 'all:\n\t$(CC) -c gizmo.c\n',
    'deps/gizmo/gizmo.c': '#include "gizmo_gen.h"\nint gizmo(void) { return GIZMO; }\n',
    'deps/gizmo/gizmo.h': 'int gizmo(void);\n',
    'deps/unused/configure': '#!/bin/sh\n',
    'deps/unused/unused.c': '#include "config.h"\nint unused(void) { return 0; }\n',
    'main.c': '#include "deps/gizmo/gizmo.h"\nint main(void) { return gizmo(); }\n',
  }));
  t.match(weak.guesses.join('\n'), /dependency gizmo \(built by its own Makefile from deps\/gizmo, a local recipe source; build kind make; library gizmo: named after deps\/gizmo\): "deps\/gizmo\/gizmo\.h" in main\.c:1/);
  t.match(weak.description, /\/\/ TODO\(pogogen init\): the library is guessed as libgizmo\.a from the directory's name/);
  t.match(weak.description, /\/\/ TODO\(pogogen init\): deps\/gizmo\/Makefile shows no install step/);
  t.equal(weak.todo.filter((x) => x.startsWith('dependency gizmo:')).length, 2, 'and both are on the to-do list');
  t.match(weak.description, /executable\('p', \{\n {6}sources: \['main\.c'\],\n {6}deps: \[gizmo\],/);
  t.match(weak.guesses.join('\n'), /left out: deps\/unused is a vendored tree with its own build \(configure\), and no source includes its headers/);
  t.notMatch(weak.description, /unused/);
});
