// `pogogen ci github|gitlab`: writes the CI workflow for the generated project (atomically, only when changed, never
// over a file pogogen did not write); --check fails instead when it is out of date.
import fs from 'node:fs';
import path from 'node:path';
import { ciFile, ciHeader, ciWorkflow, type CiService } from '../insight/ci.ts';
import type { CliArgs } from './args.ts';
import type { Generated, Io } from './insight.ts';
import { writeIfChanged } from './write.ts';

/**
 * The files among `rels` (root-relative) that exist and do not start with `header`: pogogen did not write them, so
 * it will not overwrite them.
 */
function foreignFiles(root: string, rels: readonly string[], header: string): string[] {
  return rels.filter((rel) => {
    let text: string;
    try {
      text = fs.readFileSync(path.join(root, rel), 'utf8');
    } catch (err) {
      return (err as NodeJS.ErrnoException).code !== 'ENOENT';
    }
    return !text.startsWith(header);
  });
}

export async function ciCommand(args: CliArgs, gen: Generated, io: Io): Promise<number> {
  // parseArgs checked it against the command's choices.
  const service = args.rest[0] as CiService;
  const { root, model } = gen;
  const rel = ciFile[service];
  const text = ciWorkflow(service, {
    profiles: model.profileNames,
    lockfile: fs.existsSync(path.join(root, 'pogogen.lock')),
    npmLockfile: fs.existsSync(path.join(root, 'package-lock.json')),
  });
  const file = path.join(root, rel);
  if (args.check) {
    let old: string | undefined;
    try {
      old = fs.readFileSync(file, 'utf8');
    } catch {
      old = undefined;
    }
    if (old !== text) {
      io.err(`pogogen: error: out of date: ${rel}; run pogogen ci ${service}\n`);
      return 1;
    }
    io.out(`pogogen: ${rel} is up to date\n`);
    return 0;
  }
  if (foreignFiles(root, [rel], ciHeader).length > 0) {
    io.err(`pogogen: error: ${rel} was not written by pogogen (its first line is not pogogen's "${ciHeader} ${service}\`" header): pogogen will not overwrite it\n  help: move it away (or rename it) and run pogogen ci ${service} again; its jobs can live beside pogogen's in another file${service === 'gitlab' ? " that .gitlab-ci.yml includes" : ' under .github/workflows/'}\n`);
    return 1;
  }
  const wrote = writeIfChanged(file, text);
  io.out(`pogogen: ${wrote ? `wrote ${rel}` : `${rel} already up to date`} (profiles ${model.profileNames.join(', ')}; then pogogen test; artifacts: JUnit results, build report, trace)\n`);
  return 0;
}
