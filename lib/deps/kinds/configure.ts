// `kind: 'configure'`: an autotools `./configure` (or OpenSSL's `./Configure`) in the source tree, then make.
import path from 'node:path';
import type { ConfigureBuild } from '../../model/api.ts';
import { cflagsOf, ldflagsOf, make, one, serial, withPrefix, type BuildKind } from './common.ts';

export const configureKind: BuildKind<ConfigureBuild> = {
  configure(plan, b) {
    const style = b.style ?? 'autotools';
    const script = `./${b.script ?? (style === 'openssl' ? 'Configure' : 'configure')}`;
    // OpenSSL's Configure takes the target name and the flags as arguments; autotools reads CC/CFLAGS from the environment.
    const argv =
      style === 'openssl'
        ? [script, ...(plan.cross?.opensslTarget === undefined ? [] : [plan.cross.opensslTarget]), `--prefix=${plan.prefix}`, '--libdir=lib', ...withPrefix(plan, b.args), ...cflagsOf(plan), ...ldflagsOf(plan)]
        : [script, ...(plan.cross === undefined ? [] : [`--host=${plan.cross.triple}`]), `--prefix=${plan.prefix}`, '--libdir', path.join(plan.prefix, 'lib'), ...withPrefix(plan, b.args)];
    return one({ argv, cwd: plan.sourceDir });
  },
  build: (plan, b, jobs) => one(make(plan.sourceDir, b.buildTargets ?? [], withPrefix(plan, b.makeArgs), jobs)),
  install: (plan, b) => one(make(plan.sourceDir, b.installTargets ?? ['install'], withPrefix(plan, b.makeArgs), serial)),
};
