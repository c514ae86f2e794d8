// `kind: 'make'`: the project's own Makefile in its source tree, an optional configure-like command first.
import type { MakeBuild } from '../../model/api.ts';
import { make, one, serial, withPrefix, type BuildKind } from './common.ts';

export const makeKind: BuildKind<MakeBuild> = {
  configure: (plan, b) => ({ files: [], commands: b.configure === undefined ? [] : [{ argv: withPrefix(plan, b.configure), cwd: plan.sourceDir }] }),
  build: (plan, b, jobs) => one(make(plan.sourceDir, b.buildTargets ?? [], [...withPrefix(plan, b.args), `CC=${plan.env.CC}`], jobs)),
  install: (plan, b) => one(make(plan.sourceDir, b.installTargets ?? ['install'], [...withPrefix(plan, b.args), `CC=${plan.env.CC}`, `${b.prefixVariable ?? 'PREFIX'}=${plan.prefix}`], serial)),
};
