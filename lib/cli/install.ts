// `ninja install` / `pogogen install`: copying built files, headers and generated pkg-config files into place
// under $DESTDIR/prefix, each file written atomically, shared libraries with their soname links.
import fs from 'node:fs';
import path from 'node:path';
import type { InstallManifest } from '../plan/install.ts';

/** Where an entry really goes: its destination under DESTDIR. */
const under = (destdir: string, dest: string): string => (destdir === '' ? dest : path.join(destdir, dest));

/** Lines describing what goes where, for `--dry-run`. */
export function describeInstall(m: InstallManifest, destdir: string): string[] {
  return m.entries.map((e) => {
    const to = under(destdir, e.dest);
    if (e.kind === 'file') return `${e.src} -> ${to} (${e.mode.toString(8)})`;
    if (e.kind === 'symlink') return `${to} -> ${e.target} (symlink)`;
    return `${to} (generated, ${e.content.length} bytes)`;
  });
}

/** Performs the install; returns the number of entries written. */
export function install(m: InstallManifest, root: string, destdir: string, say: (line: string) => void): number {
  let n = 0;
  for (const e of m.entries) {
    const to = under(destdir, e.dest);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    const tmp = `${to}.pogogen-${process.pid}.tmp`;
    if (e.kind === 'symlink') {
      fs.rmSync(tmp, { force: true });
      fs.symlinkSync(e.target, tmp);
    } else {
      if (e.kind === 'file') fs.copyFileSync(path.resolve(root, e.src), tmp);
      else fs.writeFileSync(tmp, e.content);
      fs.chmodSync(tmp, e.mode);
    }
    fs.renameSync(tmp, to);
    say(`  INSTALL ${to}`);
    n++;
  }
  return n;
}
