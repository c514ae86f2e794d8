// `kind: 'meson'`: `meson setup` (with a cross file when cross-compiling), `meson compile`, `meson install`.
import path from 'node:path';
import type { MesonBuild } from '../../model/api.ts';
import type { DependencyBuildPlan } from '../../plan/deps.ts';
import { one, withPrefix, type BuildKind } from './common.ts';

export const mesonKind: BuildKind<MesonBuild> = {
  configure(plan, b) {
    const cross = plan.cross === undefined ? undefined : mesonCrossFile(plan);
    return {
      files: cross === undefined ? [] : [cross],
      commands: [{ argv: ['meson', 'setup', ...(cross === undefined ? [] : ['--cross-file', cross[0]]), plan.buildDir, plan.sourceDir, `--prefix=${plan.prefix}`, '--libdir=lib', '--buildtype=plain', '-Ddefault_library=static', ...withPrefix(plan, b.args)], cwd: plan.sourceDir }],
    };
  },
  build: (plan) => one({ argv: ['meson', 'compile', '-C', plan.buildDir, `-j${plan.jobs}`], cwd: plan.buildDir }),
  install: (plan) => one({ argv: ['meson', 'install', '-C', plan.buildDir, '--no-rebuild'], cwd: plan.buildDir }),
};

/** A meson cross file for the plan's toolchain, beside the phase logs: its path and text. */
function mesonCrossFile(plan: DependencyBuildPlan): readonly [string, string] {
  const c = plan.cross!;
  const q = (s: string): string => `'${s.replace(/'/g, "\\'")}'`;
  const list = (v: string | undefined): string => `[${(v ?? '').split(' ').filter((x) => x !== '').map(q).join(', ')}]`;
  const cpu = c.cmakeProcessor;
  return [path.join(plan.logDir, 'cross.ini'), `[binaries]\nc = ${list(plan.env.CC)}\nar = ${list(plan.env.AR)}\nstrip = ${list(plan.env.STRIP)}\n\n[host_machine]\nsystem = 'linux'\ncpu_family = ${q(cpu)}\ncpu = ${q(cpu)}\nendian = 'little'\n`];
}
