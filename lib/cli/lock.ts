// One `pogogen build` per tree at a time: two ninjas in one tree rewrite the same objects and archives while the
// other links them, and interleave .ninja_log; the second build waits for the first, then finds little to do.
import fs from 'node:fs';
import path from 'node:path';

/** The held lock; `release` removes it (only while it is still this process's). */
export interface TreeLock {
  readonly release: () => void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `out/.pogogen/build.lock` under `root`: created exclusively with this process's id in it. A lock whose
 * process is gone (killed, crashed) is taken over; a live one is waited for, polling, with `onWait` told once.
 */
export async function lockTree(root: string, onWait: (holder: number) => void): Promise<TreeLock> {
  const file = path.join(root, 'out', '.pogogen', 'build.lock');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return {
        release: () => {
          try {
            if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file, { force: true });
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: number;
    try {
      holder = Number(fs.readFileSync(file, 'utf8').trim());
    } catch {
      continue; // released between the two calls: try again
    }
    // A lock whose process is gone is stale at once; one without an id is being written, or was left by a process
    // that died between creating and writing it: stale after a few seconds.
    const named = Number.isInteger(holder) && holder > 0;
    if (named ? !alive(holder) : Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 5000) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (!told && named) {
      onWait(holder);
      told = true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
