// What `pogogen init` knows about C trees in general, as data: the headers of shipped recipes and of system
// libraries, the directory and file names of vendored trees, tests and examples, and the names it must not use.

/** Shipped recipes by the headers that name them; `portable` is how to include the header without a path. */
export const recipeHeaders: readonly { readonly recipe: 'liburing' | 'openssl' | 'mimalloc' | 'jemalloc'; readonly re: RegExp; readonly why: string; readonly pkg?: string }[] = [
  { recipe: 'liburing', re: /(?:^|\/)(liburing(?:\.h|\/[\w.-]+\.h))$/, why: 'io_uring through liburing', pkg: 'liburing' },
  { recipe: 'openssl', re: /(?:^|\/)(openssl\/[\w.-]+\.h)$/, why: 'OpenSSL', pkg: 'openssl' },
  { recipe: 'mimalloc', re: /(?:^|\/)(mimalloc(?:-[\w-]+)?\.h)$/, why: 'the mimalloc allocator', pkg: 'mimalloc' },
  // No pkg-config name: the recipe builds jemalloc with the je_ prefix, which a system copy does not have.
  { recipe: 'jemalloc', re: /(?:^|\/)(jemalloc\/jemalloc\.h)$/, why: 'the jemalloc allocator (je_ prefix)' },
];
export type RecipeName = (typeof recipeHeaders)[number]['recipe'];

/** System headers → the library to link. */
export const systemLibs: readonly { readonly re: RegExp; readonly lib: string; readonly why: string }[] = [
  { re: /^(math|complex|tgmath)\.h$/, lib: 'm', why: 'libm' },
  { re: /^pthread\.h$/, lib: 'pthread', why: 'POSIX threads' },
  { re: /^dlfcn\.h$/, lib: 'dl', why: 'dlopen' },
  { re: /^zlib\.h$/, lib: 'z', why: 'zlib' },
];

export const vendorDirs = new Set(['deps', 'third_party', 'third-party', 'thirdparty', '3rdparty', 'vendor', 'vendored', 'external', 'extern', 'contrib']);
/** Directories of unit tests: their programs become optional test programs (examples and benchmarks are left out). */
export const unitTestDirs = new Set(['test', 'tests', 'testing', 'unittest', 'unittests', 't']);
export const testDirs = new Set(['test', 'tests', 'testing', 'unittest', 'unittests', 't', 'bench', 'benches', 'benchmark', 'benchmarks', 'example', 'examples', 'demo', 'demos', 'sample', 'samples', 'fuzz', 'fuzzing']);
export const testFileRe = /^(?:tests?|unittest|bench)(?:[_-].*)?\.c$|[_-](?:tests?|unittest|bench|example|demo)\.c$/i;
export const testMacroRe = /TEST|BENCH|DEMO|EXAMPLE|SELFTEST|STANDALONE|FUZZ/i;
export const reservedNames = new Set(['all', 'install', 'test', 'coverage', 'clean', 'help', 'build.ninja', 'makefile']);
export const genericDirs = new Set(['', '.', 'src', 'source', 'sources', 'lib', 'libs', 'code']);
export const jsReserved = new Set(['break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static', 'await', 'options', 'profile']);
