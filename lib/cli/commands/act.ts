// The commands that act on a generated build: install, test (with coverage) and targets; install and test
// generate first, so the manifests they read match the description.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { placeText } from '../../model/validate.ts';
import type { CliArgs } from '../args.ts';
import { splitWords } from '../../backends/shell.ts';
import { build } from '../build.ts';
import { relTo, type Cli } from '../context.ts';
import { crossToolchain, type Generation } from '../generate.ts';
import { which } from '../probe.ts';
import { readLastGeneration } from '../state.ts';
import { writeIfChanged } from '../write.ts';
import { readManifest } from '../manifests.ts';

/** `pogogen install` and `pogogen test`: generate, then install (or list with --dry-run), or build and run the tests. */
export async function installOrTest(args: CliArgs, cli: Cli): Promise<number> {
  const root = path.resolve(args.dir);
  const gen = await cli.run({ ...args, command: 'generate' });
  if (gen !== 0) return gen;
  const outDir = readLastGeneration(root)?.outDir ?? `out/${args.profile}`;
  if (args.command === 'test') return testCommand(args, cli, root, outDir);
  if (args.dryRun) {
    const manifest = readManifest('install', path.join(root, outDir, 'install.json'));
    for (const line of (await import('../install.ts')).describeInstall(manifest, cli.env.DESTDIR ?? '')) cli.io.out(`${line}\n`);
    return 0;
  }
  return build({ ...args, command: 'build', rest: ['install'] }, cli.io, root, undefined, cli.env);
}

/** `pogogen test`: build what the tests need, run them within the job budget, report, write TAP and JUnit. */
async function testCommand(args: CliArgs, cli: Cli, root: string, outDir: string): Promise<number> {
  const { io } = cli;
  const file = path.join(root, outDir, 'tests.json');
  if (!fs.existsSync(file)) {
    io.out('pogogen: this project declares no tests\n');
    return 0;
  }
  const manifest = readManifest('tests', file);
  if (!args.noBuild && manifest.needs.length > 0) {
    // install and test generated just before: build only.
    const code = await build({ ...args, command: 'build', rest: [...manifest.needs] }, io, root, undefined, cli.env);
    if (code !== 0) return code;
  }
  const jobs = args.jobs ?? os.availableParallelism();
  // Target programs of a cross build run under the toolchain's emulator, where LeakSanitizer cannot work.
  const emulator = crossToolchain(args)?.emulator ?? [];
  const env = { ...cli.env };
  if (emulator.length > 0) {
    env.ASAN_OPTIONS ??= 'detect_leaks=0';
    // Scripts that run target programs prefix them with it (shell word splitting: $POGOGEN_EMULATOR prog ...).
    env.POGOGEN_EMULATOR = emulator.join(' ');
  }
  const { runTests, toJunit, toTap } = await import('../testrun.ts');
  const results = await runTests(manifest, { jobs, suites: args.suites, repeat: args.repeat, wrapper: args.wrapper === undefined ? [] : splitWords(args.wrapper), emulator, env, say: (l) => io.out(`${l}\n`) });
  const logDir = path.join(root, outDir, 'testlog');
  writeIfChanged(path.join(logDir, 'results.tap'), toTap(results));
  writeIfChanged(path.join(logDir, 'results.xml'), toJunit(path.basename(root), results));
  const failed = results.filter((r) => !r.ok);
  for (const r of failed) io.out(`\n--- ${r.name}: ${r.status} (exit ${r.code ?? r.signal}); log ${relTo(root, r.log)}\n${r.output.split('\n').slice(-20).join('\n')}\n`);
  const xfail = results.filter((r) => r.status === 'xfail-pass').length;
  io.out(`\n${results.length - failed.length} passed, ${failed.length} failed${xfail > 0 ? ` (${xfail} expected failures)` : ''}; TAP and JUnit in ${relTo(root, logDir)}/\n`);
  if (failed.length > 0) return 1;
  if (args.coverage) return coverageReport(cli, root, outDir);
  return 0;
}

/** `pogogen test --coverage`: gcovr's text summary and HTML pages from the .gcda files the tests wrote. */
function coverageReport(cli: Cli, root: string, outDir: string): number {
  const { io } = cli;
  const gcovr = which('gcovr', cli.env.PATH ?? '');
  if (gcovr === undefined) {
    io.err('pogogen: error: --coverage needs gcovr (Debian package gcovr)\n');
    return 1;
  }
  const dir = path.join(root, outDir, 'coverage');
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync(gcovr, ['-r', root, '--object-directory', path.join(root, outDir, 'obj'), '--exclude', `${outDir}/.*`, '--txt', path.join(dir, 'coverage.txt'), '--html-details', path.join(dir, 'index.html'), '--print-summary'], { cwd: root, encoding: 'utf8', env: cli.env });
  io.out(r.stdout);
  if (r.status !== 0) {
    io.err(r.stderr);
    return 1;
  }
  io.out(`pogogen: coverage report in ${relTo(root, dir)}/ (coverage.txt, index.html)\n`);
  return 0;
}

/** `pogogen targets [--json]`: the targets of the build just generated. */
export function listTargets(args: CliArgs, cli: Cli, gen: Generation): number {
  const { graph } = gen;
  if (args.json) {
    cli.io.out(`${JSON.stringify(graph.targets.map((t) => ({ name: t.name, kind: t.kind, output: t.output ?? null, outputs: t.outputs, deps: t.deps, declared: placeText(t.where()) })), null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...graph.targets.map((t) => t.name.length), 4);
  for (const t of graph.targets) cli.io.out(`${t.name.padEnd(width)}  ${t.kind.padEnd(14)}  ${t.output ?? '-'}\n`);
  return 0;
}
