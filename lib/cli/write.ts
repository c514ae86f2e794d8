// Writing files the way a build system must: whole or not at all (temp + rename), and only when the content
// changed, so an unchanged re-run leaves every mtime alone.
import fs from 'node:fs';
import path from 'node:path';

/** Writes `text` to `file` atomically unless it already holds exactly that; returns true when it wrote. */
export function writeIfChanged(file: string, text: string): boolean {
  try {
    if (fs.readFileSync(file, 'utf8') === text) return false;
  } catch {
    // missing or unreadable: write it
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return true;
}

/** Creates `file` or updates its mtime to now (for stamps whose time, not content, carries the meaning). */
export function writeTouch(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const now = new Date();
  try {
    fs.utimesSync(file, now, now);
  } catch {
    fs.writeFileSync(file, '');
  }
}
