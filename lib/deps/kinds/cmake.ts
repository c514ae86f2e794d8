// `kind: 'cmake'`: configured into the build directory with Unix Makefiles (so its make shares the job budget),
// built with `cmake --build`, installed with `cmake --install`.
import type { CmakeBuild } from '../../model/api.ts';
import { one, withPrefix, type BuildKind } from './common.ts';

export const cmakeKind: BuildKind<CmakeBuild> = {
  configure: (plan, b) =>
    one({
      argv: [
        'cmake', '-S', plan.sourceDir, '-B', plan.buildDir, '-G', 'Unix Makefiles',
        `-DCMAKE_INSTALL_PREFIX=${plan.prefix}`, '-DCMAKE_INSTALL_LIBDIR=lib', '-DCMAKE_BUILD_TYPE=None',
        `-DCMAKE_C_COMPILER=${plan.env.CC?.split(' ').pop() ?? 'cc'}`, `-DCMAKE_C_FLAGS=${plan.env.CFLAGS ?? ''}`,
        `-DCMAKE_EXE_LINKER_FLAGS=${plan.env.LDFLAGS ?? ''}`, '-DBUILD_SHARED_LIBS=OFF', '-DCMAKE_POSITION_INDEPENDENT_CODE=ON',
        ...(plan.cross === undefined ? [] : ['-DCMAKE_SYSTEM_NAME=Linux', `-DCMAKE_SYSTEM_PROCESSOR=${plan.cross.cmakeProcessor}`, `-DCMAKE_AR=${plan.env.AR ?? 'ar'}`, '-DCMAKE_FIND_ROOT_PATH_MODE_PROGRAM=NEVER']),
        ...withPrefix(plan, b.args),
      ],
      cwd: plan.buildDir,
    }),
  // cmake --build drives make here (Unix Makefiles), which takes part in the same job budget.
  build: (plan, b, jobs) => one({ argv: ['cmake', '--build', plan.buildDir, ...(b.targets === undefined ? [] : ['--target', ...b.targets]), '--', ...jobs.args], cwd: plan.buildDir, env: jobs.env, fds: jobs.fds }),
  install: (plan) => one({ argv: ['cmake', '--install', plan.buildDir], cwd: plan.buildDir }),
};
