// `pogogen init`: scans an existing C tree (skipping out/, build/, .git, node_modules) for C files, build files
// (Makefile, CMakeLists.txt, meson.build, configure: read for hints, never run) and scripts, writes the
// build.pogo.ts guessed by lib/insight/init.ts, prints the guesses and what is left for the user; never
// overwrites an existing file without --force.
import fs from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { guessDescription } from '../insight/init.ts';
import type { CliArgs } from './args.ts';
import type { Io } from './insight.ts';
import { writeIfChanged } from './write.ts';

/** Build files and scripts larger than this are only noted as present (a generated configure is megabytes). */
const MAX_HINT_BYTES = 256 * 1024;

export async function initCommand(args: CliArgs, root: string, io: Io): Promise<number> {
  const target = path.join(root, 'build.pogo.ts');
  if (fs.existsSync(target) && args.force !== true) {
    io.err(`pogogen: error: ${target} exists; pogogen init never overwrites it (use --force to replace it)\n`);
    return 1;
  }
  const patterns = ['**/*.c', '**/*.h', '**/Makefile', '**/makefile', '**/GNUmakefile', '**/*.mk', '**/CMakeLists.txt', '**/*.cmake', '**/meson.build', '**/configure', '**/configure.ac', '**/Makefile.in', '**/Makefile.am', '**/*.sh', '**/*.py', '**/*.pl'];
  const found = await fg(patterns, { cwd: root, ignore: ['out/**', 'build/**', '**/node_modules/**', '.git/**', '**/.*/**'], onlyFiles: true, followSymbolicLinks: false });
  found.sort();
  const sources = found.filter((f) => f.endsWith('.c'));
  if (sources.length === 0) {
    io.err(`pogogen: error: no .c files under ${root}: nothing for init to describe\n`);
    return 1;
  }
  const files: { path: string; text: string }[] = [];
  for (const p of found) {
    const full = path.join(root, p);
    const hint = !/\.[ch]$/.test(p);
    try {
      if (hint && fs.statSync(full).size > MAX_HINT_BYTES) files.push({ path: p, text: '' });
      else files.push({ path: p, text: fs.readFileSync(full, 'utf8') });
    } catch (err) {
      io.err(`pogogen: error: cannot read ${full}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; init needs every C file of the tree\n`);
      return 1;
    }
  }
  const name = path.basename(root).replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[.-]+/, '') || 'project';
  let r: ReturnType<typeof guessDescription>;
  try {
    r = guessDescription(name, files);
  } catch (err) {
    io.err(`pogogen: error: init could not describe ${root}: ${(err as Error).message}; nothing was written\n`);
    return 1;
  }
  writeIfChanged(target, r.description);
  io.out(`pogogen: wrote build.pogo.ts for ${sources.length} sources; what it guessed, and why:\n`);
  for (const g of r.guesses) io.out(`  ${g}\n`);
  if (r.todo.length > 0) {
    io.out('pogogen: left for you:\n');
    for (const t of r.todo) io.out(`  - ${t}\n`);
  }
  io.out('pogogen: next: npx pogogen && npx ninja (edit build.pogo.ts where a guess is wrong)\n');
  return 0;
}
