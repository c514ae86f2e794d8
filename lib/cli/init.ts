// `pogogen init`: scans an existing C tree (skipping out/, build/, .git, node_modules), writes the build.pogo.ts
// guessed by lib/insight/init.ts and prints the guesses; never overwrites an existing file without --force.
import fs from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { guessDescription } from '../insight/init.ts';
import type { CliArgs } from './args.ts';
import type { Io } from './insight.ts';
import { writeIfChanged } from './write.ts';

export async function initCommand(args: CliArgs, root: string, io: Io): Promise<number> {
  const target = path.join(root, 'build.pogo.ts');
  if (fs.existsSync(target) && args.force !== true) {
    io.err(`pogogen: error: ${target} exists; pogogen init never overwrites it (use --force to replace it)\n`);
    return 1;
  }
  const found = await fg(['**/*.c', '**/*.h'], { cwd: root, ignore: ['out/**', 'build/**', '**/node_modules/**', '.git/**', '**/.*/**'], onlyFiles: true, followSymbolicLinks: false });
  found.sort();
  if (!found.some((f) => f.endsWith('.c'))) {
    io.err(`pogogen: error: no .c files under ${root}: nothing for init to describe\n`);
    return 1;
  }
  const files = found.map((p) => ({ path: p, text: fs.readFileSync(path.join(root, p), 'utf8') }));
  const name = path.basename(root).replace(/[^A-Za-z0-9_.-]/g, '-') || 'project';
  const r = guessDescription(name, files);
  writeIfChanged(target, r.description);
  io.out(`pogogen: wrote build.pogo.ts for ${found.filter((f) => f.endsWith('.c')).length} sources; what it guessed:\n`);
  for (const g of r.guesses) io.out(`  ${g}\n`);
  io.out('pogogen: next: npx pogogen && npx ninja (edit build.pogo.ts where a guess is wrong)\n');
  return 0;
}
