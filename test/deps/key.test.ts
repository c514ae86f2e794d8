// The dependency cache key: every input that changes a built dependency changes it (a table, one input at a time),
// inputs that do not reach the build and the order of object keys do not, and it follows the commands pogogen
// constructs for a build kind rather than a version constant.
import t from 'tap';
import { ruleTables } from '../../rules/index.ts';
import { buildEnv, phaseWork } from '../../lib/deps/commands.ts';
import { buildDescription, dependencyKey } from '../../lib/deps/key.ts';
import type { DependencyInherit } from '../../lib/model/api.ts';
import type { Profile } from '../../lib/model/profiles.ts';
import type { RecipeInput } from '../../lib/model/schema.ts';
import { dependencyBuild, type DependencyCross, type DependencyToolchain } from '../../lib/plan/deps.ts';

interface Inputs {
  readonly recipe: RecipeInput;
  readonly profile: Profile;
  readonly inherit?: DependencyInherit;
  readonly toolchain: DependencyToolchain & { readonly family: 'gcc' | 'clang'; readonly version: string };
  readonly cross?: DependencyCross;
  readonly platform: string;
  readonly arch: string;
}

/** The key as lib/cli/main.ts computes it for a dependency target. */
function keyOf(i: Inputs, key = dependencyKey): string {
  const build = dependencyBuild(i.profile, ruleTables[i.toolchain.family], i.inherit, i.toolchain, i.cross);
  return key({ recipe: i.recipe, compiler: { family: i.toolchain.family, version: i.toolchain.version }, ...build, platform: i.platform, arch: i.arch });
}

const recipe: RecipeInput = {
  name: 'zz',
  version: '1.0',
  source: { urls: ['https://example.com/zz-1.0.tar.gz'], sha256: 'a'.repeat(64) },
  build: { kind: 'make' },
  provides: { staticLibs: ['zz'] },
};
const profile: Profile = { name: 'production', cflags: ['-O2', '-g', '-Wall'], defines: ['NDEBUG', 'TESTING'], ldflags: ['-Wl,--as-needed'], sanitize: ['address'], lto: true, strip: true, coverage: true, splitDebug: false, reproducible: true, pgo: false };
const base: Inputs = { recipe, profile, toolchain: { family: 'gcc', version: '14.2.0', cc: ['gcc'] }, platform: 'linux', arch: 'x64' };
const cross: DependencyCross = { triple: 'aarch64-linux-gnu', cmakeProcessor: 'aarch64', opensslTarget: 'linux-aarch64', ranlib: ['aarch64-linux-gnu-ranlib'], strip: ['aarch64-linux-gnu-strip'] };

const withBuild = (build: RecipeInput['build']): Partial<Inputs> => ({ recipe: { ...recipe, build } });
const withProfile = (p: Partial<Profile>): Partial<Inputs> => ({ profile: { ...profile, ...p } });
const withSource = (s: Partial<RecipeInput['source']>): Partial<Inputs> => ({ recipe: { ...recipe, source: { ...recipe.source, ...s } } });

/** [what changes, the inputs before, the inputs after]: each pair must give two keys. */
const changes: [string, Partial<Inputs>, Partial<Inputs>][] = [
  ['recipe source sha256', {}, withSource({ sha256: 'b'.repeat(64) })],
  ['recipe source strip', {}, withSource({ strip: 0 })],
  ['recipe source treeSha256', {}, withSource({ treeSha256: 'c'.repeat(64) })],
  ['recipe version', {}, { recipe: { ...recipe, version: '1.1' } }],
  ['recipe provides', {}, { recipe: { ...recipe, provides: { staticLibs: ['zz', 'zzextra'] } } }],
  ['recipe headers', {}, { recipe: { ...recipe, headers: { copy: [{ from: 'zz.h', to: 'include/zz.h' }] } } }],
  ['recipe headers commands', { recipe: { ...recipe, headers: { copy: [{ from: 'zz.h', to: 'include/zz.h' }] } } }, { recipe: { ...recipe, headers: { run: [['make', 'zz.h']], copy: [{ from: 'zz.h', to: 'include/zz.h' }] } } }],
  ['build kind make -> cmake', {}, withBuild({ kind: 'cmake' })],
  ['build kind cmake -> meson', withBuild({ kind: 'cmake' }), withBuild({ kind: 'meson' })],
  ['build kind make -> configure', {}, withBuild({ kind: 'configure' })],
  ['make args', {}, withBuild({ kind: 'make', args: ['NO_ASM=1'] })],
  ['make args order', withBuild({ kind: 'make', args: ['A=1', 'B=1'] }), withBuild({ kind: 'make', args: ['B=1', 'A=1'] })],
  ['make build targets', {}, withBuild({ kind: 'make', buildTargets: ['libzz.a'] })],
  ['make install targets', {}, withBuild({ kind: 'make', installTargets: ['install-lib'] })],
  ['make prefix variable', {}, withBuild({ kind: 'make', prefixVariable: 'DESTDIR' })],
  ['make configure command', {}, withBuild({ kind: 'make', configure: ['./gen.sh'] })],
  ['configure args', withBuild({ kind: 'configure' }), withBuild({ kind: 'configure', args: ['--disable-shared'] })],
  ['configure make args', withBuild({ kind: 'configure' }), withBuild({ kind: 'configure', makeArgs: ['V=1'] })],
  ['configure build targets', withBuild({ kind: 'configure' }), withBuild({ kind: 'configure', buildTargets: ['lib'] })],
  ['configure style', withBuild({ kind: 'configure' }), withBuild({ kind: 'configure', style: 'openssl' })],
  ['configure script', withBuild({ kind: 'configure' }), withBuild({ kind: 'configure', script: 'config' })],
  ['cmake args', withBuild({ kind: 'cmake' }), withBuild({ kind: 'cmake', args: ['-DZZ_TESTS=OFF'] })],
  ['cmake targets', withBuild({ kind: 'cmake' }), withBuild({ kind: 'cmake', targets: ['zz'] })],
  ['meson args', withBuild({ kind: 'meson' }), withBuild({ kind: 'meson', args: ['-Dtests=false'] })],
  ['profile optimisation level', {}, withProfile({ cflags: ['-O3', '-g', '-Wall'] })],
  ['profile frame pointers', {}, withProfile({ cflags: ['-O2', '-g', '-fno-omit-frame-pointer'] })],
  ['profile march', {}, withProfile({ march: 'x86-64-v3' })],
  ['profile mtune', {}, withProfile({ mtune: 'znver4' })],
  ['profile NDEBUG', {}, withProfile({ defines: ['TESTING'] })],
  ['profile debug info', {}, withProfile({ cflags: ['-O2', '-Wall'] })],
  ['profile sanitizers (inherited)', { inherit: { sanitize: true } }, { inherit: { sanitize: true }, ...withProfile({ sanitize: ['undefined'] }) }],
  ['profile LTO (inherited)', { inherit: { lto: true } }, { inherit: { lto: true }, ...withProfile({ lto: false }) }],
  ['profile coverage (inherited)', { inherit: { coverage: true } }, { inherit: { coverage: true }, ...withProfile({ coverage: false }) }],
  ['inherit lto', {}, { inherit: { lto: true } }],
  ['inherit sanitize', {}, { inherit: { sanitize: true } }],
  ['inherit coverage', {}, { inherit: { coverage: true } }],
  ['inherit debug full', {}, { inherit: { debug: 'full' } }],
  ['inherit debug none', {}, { inherit: { debug: 'none' } }],
  ['compiler command', {}, { toolchain: { ...base.toolchain, cc: ['gcc-14'] } }],
  ['compiler wrapper', {}, { toolchain: { ...base.toolchain, cc: ['ccache', 'gcc'] } }],
  ['compiler version', {}, { toolchain: { ...base.toolchain, version: '14.3.0' } }],
  ['compiler family', {}, { toolchain: { ...base.toolchain, family: 'clang' } }],
  ['archiver', {}, { toolchain: { ...base.toolchain, ar: ['llvm-ar'] } }],
  ['LTO archiver', { inherit: { lto: true } }, { inherit: { lto: true }, toolchain: { ...base.toolchain, ltoAr: ['x-gcc-ar'] } }],
  ['cross target', {}, { cross }],
  ['cross triple', { cross }, { cross: { ...cross, triple: 'riscv64-linux-gnu' } }],
  ['cross ranlib', { cross }, { cross: { ...cross, ranlib: ['other-ranlib'] } }],
  ['cross strip (meson cross file)', { cross, ...withBuild({ kind: 'meson' }) }, { cross: { ...cross, strip: ['other-strip'] }, ...withBuild({ kind: 'meson' }) }],
  ['cross openssl target', { cross, ...withBuild({ kind: 'configure', style: 'openssl' }) }, { cross: { ...cross, opensslTarget: 'linux-generic64' }, ...withBuild({ kind: 'configure', style: 'openssl' }) }],
  ['cross cmake processor', { cross, ...withBuild({ kind: 'cmake' }) }, { cross: { ...cross, cmakeProcessor: 'arm64' }, ...withBuild({ kind: 'cmake' }) }],
  ['platform', {}, { platform: 'darwin' }],
  ['arch', {}, { arch: 'arm64' }],
];

t.test('each input that changes a built dependency changes its key', async (t) => {
  for (const [what, before, after] of changes) {
    const a = keyOf({ ...base, ...before });
    const b = keyOf({ ...base, ...after });
    t.not(a, b, what);
    t.match(b, /^[0-9a-f]{64}$/);
  }
  t.ok(changes.length >= 50, `${changes.length} inputs`);
});

/** [what, the inputs before, after]: each pair must give the same key. */
const sameBuild: [string, Partial<Inputs>, Partial<Inputs>][] = [
  ['recipe key order', {}, { recipe: { provides: { staticLibs: ['zz'] }, build: { kind: 'make' }, source: { sha256: 'a'.repeat(64), urls: ['https://example.com/zz-1.0.tar.gz'] }, version: '1.0', name: 'zz' } }],
  ['build key order', withBuild({ kind: 'make', args: ['A=1'], buildTargets: ['all'] }), withBuild({ buildTargets: ['all'], args: ['A=1'], kind: 'make' })],
  ['inherit key order', { inherit: { lto: true, debug: 'full' } }, { inherit: { debug: 'full', lto: true } }],
  ['cross key order', { cross }, { cross: { strip: cross.strip, ranlib: cross.ranlib, opensslTarget: 'linux-aarch64', cmakeProcessor: 'aarch64', triple: 'aarch64-linux-gnu' } }],
  ['profile name', {}, withProfile({ name: 'release' })],
  ['profile warnings', {}, withProfile({ cflags: ['-O2', '-g', '-Wextra', '-Werror'] })],
  ['profile defines other than NDEBUG', {}, withProfile({ defines: ['NDEBUG', 'OTHER=1'] })],
  ['profile link flags', {}, withProfile({ ldflags: [] })],
  ['profile strip, split debug, reproducible, PGO', {}, withProfile({ strip: false, splitDebug: true, reproducible: false, pgo: true })],
  ['profile sanitizers, not inherited', {}, withProfile({ sanitize: ['thread'] })],
  ['profile LTO, not inherited', {}, withProfile({ lto: false })],
  ['inherit given as its defaults', {}, { inherit: { lto: false, sanitize: false, coverage: false } }],
  ['LTO archiver, LTO not inherited', {}, { toolchain: { ...base.toolchain, ltoAr: ['x-gcc-ar'] } }],
];

t.test('inputs that do not reach the build, and the order of object keys, leave the key alone', async (t) => {
  for (const [what, before, after] of sameBuild) t.equal(keyOf({ ...base, ...before }), keyOf({ ...base, ...after }), what);
});

t.test('the key holds no checkout path and no job count: checkouts share one cache', async (t) => {
  const text = JSON.stringify(buildDescription({ recipe, compiler: { family: 'gcc', version: '14' }, ...dependencyBuild(profile, ruleTables.gcc, {}, base.toolchain, undefined), platform: 'linux', arch: 'x64' }));
  t.notMatch(text, process.cwd());
  t.match(text, '{prefix}');
  t.match(text, '{jobs}');
});

t.test('the key follows the commands pogogen constructs: another cmake command line is another key', async (t) => {
  // As if pogogen now configured cmake builds as Release: nobody bumps a version, and the key changes.
  const release: typeof phaseWork = (plan, phase, jobs) => {
    const w = phaseWork(plan, phase, jobs);
    if (plan.build.kind !== 'cmake' || phase !== 'configure') return w;
    return { ...w, commands: w.commands.map((c) => ({ ...c, argv: c.argv.map((a) => (a === '-DCMAKE_BUILD_TYPE=None' ? '-DCMAKE_BUILD_TYPE=Release' : a)) })) };
  };
  const mutated: typeof dependencyKey = (parts) => dependencyKey(parts, release);
  const cmake = { ...base, ...withBuild({ kind: 'cmake' }) };
  t.not(keyOf(cmake, mutated), keyOf(cmake), 'cmake: the changed construction changes the key');
  t.equal(keyOf(base, mutated), keyOf(base), 'make: untouched, the same key');
});

t.test("the build's environment: the plan's variables win, the shell's compiler flags and search paths are removed", async (t) => {
  const plan = { env: { CC: 'gcc', CFLAGS: '-O2' } } as unknown as Parameters<typeof buildEnv>[0];
  const env = buildEnv(plan, { PATH: '/usr/bin', CFLAGS: '-O0', CPPFLAGS: '-DEVIL', CPATH: '/evil', LIBS: '-levil', HOME: '/h' }, { MAKEFLAGS: '' });
  t.same(env, { PATH: '/usr/bin', HOME: '/h', CC: 'gcc', CFLAGS: '-O2', MAKEFLAGS: '' });
});
