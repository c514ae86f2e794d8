// `pogogen explain OUTPUT|TARGET`: runs ninja's dry run with explanations (make's, for the make backend) on the
// freshly generated build, says why each step would run in the description's terms — including entries of
// .ninja_log that another ninja wrote — and where each flag of the target's compile comes from.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { closest } from '../model/diagnostics.ts';
import { blameLog, explain, explainMake, formatExplanation, type Explanation } from '../insight/explain.ts';
import { compileProvenance } from '../insight/provenance.ts';
import type { CliArgs } from './args.ts';
import type { Generated, Io } from './insight.ts';
import { chooseNinja, describeNinja, logProblem, ninjaCommands, readLog, type NinjaChoice } from './ninja.ts';
import { familyOfEntry, familyOfVersion, logVersionOf, type LogEntry } from './ninja-log.ts';
import { which } from './probe.ts';
import { writeIfChanged } from './write.ts';

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
  let e: Explanation;
  let tool: { name: string; path: string; version?: string };
  if (args.backend === 'make') {
    const make = which('make');
    if (make === undefined) {
      io.err('pogogen: error: explain needs make for a make-backend build\n');
      return 1;
    }
    const r = spawnSync(make, ['-C', root, '-n', '--debug=b', ...(subject === undefined ? [] : [subject])], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) {
      io.err(`pogogen: error: make -n --debug=b failed:\n${r.stderr}${r.stdout}`);
      return 1;
    }
    e = explainMake(r.stdout, steps, root);
    tool = { name: 'make', path: make };
  } else {
    const choice = chooseNinja(root, { others: true });
    if (choice === undefined) {
      io.err('pogogen: error: explain needs ninja (on PATH or from npm)\n');
      return 1;
    }
    const ninja = explainNinja(choice, root, subject, steps, io);
    if (ninja === undefined) return 1;
    e = ninja;
    tool = { name: 'ninja', path: choice.ninja.path, version: choice.ninja.version };
  }
  const provenance = owner === undefined ? undefined : compileProvenance(gen.model, graph, steps, gen.toolchain, owner, gen.env);
  if (args.json) {
    io.out(`${JSON.stringify({ subject: subject ?? 'all', tool, ...e, ...(provenance === undefined ? {} : { flags: provenance }) }, null, 2)}\n`);
    return 0;
  }
  io.out(formatExplanation(e, subject ?? 'the default targets', tool.name));
  if (provenance !== undefined) {
    io.out(`\nwhere the compile command of ${owner} comes from:\n`);
    const width = Math.min(48, Math.max(...provenance.map((p) => p.arg.length)));
    for (const p of provenance) io.out(`  ${p.arg.padEnd(width)}  ${p.origin}\n`);
  }
  return 0;
}

/**
 * The dry run of the ninja `pogogen build` would run. One that would discard the log is not run at all (even a
 * dry run deletes it); one that misreads it is, and the "command line changed" it then reports for entries the
 * other kind of ninja wrote is restated as what it is. Other ninjas at hand that would not read the log get a note.
 */
function explainNinja(choice: NinjaChoice, root: string, subject: string | undefined, steps: Generated['steps'], io: Io): Explanation | undefined {
  const { ninja, log } = choice;
  const notes = log === undefined ? [] : choice.others.flatMap((o) => {
    const p = logProblem(o.ninja, o.treatment, log);
    return p === undefined ? [] : [`run directly instead, ${p}`];
  });
  const withNotes = (e: Explanation): Explanation => (notes.length === 0 ? e : { ...e, notes });
  if (log !== undefined && choice.treatment === 'discards') {
    const r = spawnSync(ninja.path, ['-C', root, '-f', steps.regen.buildFile, '-t', 'commands', ...(subject === undefined ? [] : [subject])], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const count = r.status === 0 ? r.stdout.split('\n').filter((l) => l !== '').length : 0;
    return withNotes({ steps: count, reasons: [], consequences: {}, log: logProblem(ninja, choice.treatment, log)! });
  }
  const buildFile = steps.regen.buildFile;
  const r = spawnSync(ninja.path, ['-C', root, '-f', buildFile, '-d', 'explain', '-n', ...(subject === undefined ? [] : [subject])], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) {
    io.err(`pogogen: error: ninja -d explain -n failed:\n${r.stderr}${r.stdout}`);
    return undefined;
  }
  let e = explain(`${r.stderr}\n${r.stdout}`, steps, root);
  if (e.reasons.some((x) => x.why === 'description-changed')) {
    // A dry run stops where ninja would regenerate build.ninja. This explain has just generated it from the
    // description as it is now, so what the regeneration leads to is a dry run of that file: included from another
    // manifest (paths stay relative to the project), it is an ordinary file, not one ninja regenerates first.
    const manifest = path.join(root, 'out', '.pogogen', 'explain.ninja');
    writeIfChanged(manifest, `# pogogen explain: ${buildFile} as it is, without regenerating it first\ninclude ${buildFile}\n`);
    const then = spawnSync(ninja.path, ['-C', root, '-f', path.relative(root, manifest), '-d', 'explain', '-n', ...(subject === undefined ? [] : [subject])], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (then.status === 0) {
      const after = explain(`${then.stderr}\n${then.stdout}`, steps, root);
      e = { steps: e.steps + after.steps, reasons: [...e.reasons, ...after.reasons], consequences: after.consequences };
    }
  }
  if (log !== undefined && e.reasons.some((x) => x.why === 'command-changed')) {
    // Only the last entry of an output counts, as for ninja.
    const last = new Map<string, LogEntry>((readLog(root, log)?.entries ?? []).map((x) => [x.output, x]));
    const commands = ninjaCommands(root, ninja.path);
    const own = familyOfVersion(logVersionOf(ninja.version));
    const foreign = (out: string): boolean => {
      const entry = last.get(out);
      const family = entry === undefined ? undefined : familyOfEntry(entry, commands.get(out));
      return family !== undefined && family !== own;
    };
    const why = `the command is unchanged, but its ${log.file} entry was written by ${own === 'rapid' ? 'ninja 1.12 or older' : 'ninja 1.13 or newer'}, whose hash of it ${describeNinja(ninja)} takes for a changed command`;
    e = blameLog(e, foreign, log.file, why);
  }
  return withNotes(e);
}
