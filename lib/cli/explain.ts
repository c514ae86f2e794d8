// `pogogen explain OUTPUT|TARGET`: runs ninja's dry run with explanations on the freshly generated build, says
// why each step would run in the description's terms, and where each flag of the target's compile comes from.
import { spawnSync } from 'node:child_process';
import { closest } from '../model/diagnostics.ts';
import { explain, formatExplanation } from '../insight/explain.ts';
import { compileProvenance } from '../insight/provenance.ts';
import type { CliArgs } from './args.ts';
import type { Generated, Io } from './insight.ts';
import { findNinja } from './probe.ts';

export async function explainCommand(args: CliArgs, gen: Generated, io: Io): Promise<number> {
  const { root, graph, steps } = gen;
  const subject = args.rest[0];
  const names = graph.targets.map((t) => t.name);
  const owner = subject === undefined ? undefined : names.includes(subject) ? subject : steps.edges.find((e) => e.outs.includes(subject))?.target;
  if (subject !== undefined && owner === undefined) {
    const guess = closest(subject, [...names, ...steps.edges.flatMap((e) => e.outs)]);
    io.err(`pogogen: error: "${subject}" is neither a target nor an output of this build${guess === undefined ? '' : `; did you mean "${guess}"?`}\n`);
    return 1;
  }
  const ninja = findNinja();
  if (ninja === undefined) {
    io.err('pogogen: error: explain needs ninja (on PATH or from npm)\n');
    return 1;
  }
  const r = spawnSync(ninja.path, ['-C', root, '-f', steps.regen.buildFile, '-d', 'explain', '-n', ...(subject === undefined ? [] : [subject])], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) {
    io.err(`pogogen: error: ninja -d explain -n failed:\n${r.stderr}${r.stdout}`);
    return 1;
  }
  const e = explain(`${r.stderr}\n${r.stdout}`, steps, root);
  const provenance = owner === undefined ? undefined : compileProvenance(gen.model, graph, steps, gen.toolchain, owner);
  if (args.json) {
    io.out(`${JSON.stringify({ subject: subject ?? 'all', ...e, ...(provenance === undefined ? {} : { flags: provenance }) }, null, 2)}\n`);
    return 0;
  }
  io.out(formatExplanation(e, subject ?? 'the default targets'));
  if (provenance !== undefined) {
    io.out(`\nwhere the compile command of ${owner} comes from:\n`);
    const width = Math.min(48, Math.max(...provenance.map((p) => p.arg.length)));
    for (const p of provenance) io.out(`  ${p.arg.padEnd(width)}  ${p.origin}\n`);
  }
  return 0;
}
