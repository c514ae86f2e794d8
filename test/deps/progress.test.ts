// The terminal progress bar: its text, its throttling, and its silence when not on a TTY.
import t from 'tap';
import { progressBar, renderBar } from '../../lib/deps/progress.ts';

t.test('renderBar fits the width and shows percent and sizes', async (t) => {
  t.equal(renderBar('zlib', 512, 1024, 80), 'zlib [###############---------------]  50% 512 B/1.0 KiB');
  t.equal(renderBar('zlib', 3 * 1024 * 1024, undefined, 80), 'zlib 3.0 MiB', 'no total: just the count');
  t.equal(renderBar('zlib', 2048, 2048, 80), 'zlib [##############################] 100% 2.0 KiB/2.0 KiB');
  t.ok(renderBar('a-very-long-dependency-name', 1, 2, 30).length <= 29, 'never wider than the terminal');
});

t.test('progressBar draws only on a terminal, and clears its line when done', async (t) => {
  const quiet: string[] = [];
  const off = progressBar('x', { isTTY: false, write: (s: string) => quiet.push(s) });
  off.update(1, 2);
  off.done();
  t.same(quiet, [], 'nothing on a pipe or a log file');

  const drawn: string[] = [];
  const bar = progressBar('x', { isTTY: true, columns: 40, write: (s: string) => drawn.push(s) }, 1000);
  bar.update(1, 4);
  bar.update(2, 4); // throttled
  bar.update(4, 4); // the last one is always drawn
  bar.done();
  t.equal(drawn.length, 3);
  t.match(drawn[0], /^\rx \[.*\]  25% 1 B\/4 B\x1b\[K$/);
  t.match(drawn[1], /100%/);
  t.equal(drawn[2], '\r\x1b[K');
});
