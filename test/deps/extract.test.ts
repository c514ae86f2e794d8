// extractArchive: every format to the same tree and treeHash, long names, and the refusals that keep an archive inside dest.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import t, { type Test } from 'tap';
import { ExtractError, extractArchive, hashTree } from '../../lib/deps/index.ts';
import { listFiles, tarBytes, tmpdir, zipBytes, type TarMember } from './helpers.ts';

const work = tmpdir();
t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));

function sh(cmd: string, args: string[], cwd = work): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

// The fixture tree, archived by the system tools in every format we read.
const tree = path.join(work, 'src');
const top = path.join(tree, 'pkg-1.0');
fs.mkdirSync(path.join(top, 'include', 'deep'), { recursive: true });
fs.mkdirSync(path.join(top, 'empty'));
fs.writeFileSync(path.join(top, 'README'), 'hello\n');
fs.writeFileSync(path.join(top, 'include', 'deep', 'x.h'), '#define X 1\n');
fs.writeFileSync(path.join(top, 'configure'), '#!/bin/sh\necho configured\n', { mode: 0o755 });
fs.writeFileSync(path.join(top, 'big.bin'), Buffer.alloc(200_000, 'z'));
fs.symlinkSync('README', path.join(top, 'readme-link'));
fs.symlinkSync('../README', path.join(top, 'include', 'up-link'));
const mtime = 1_600_000_000;
fs.utimesSync(path.join(top, 'README'), mtime, mtime);

const formats = ['tar', 'tar.gz', 'tar.xz', 'tar.bz2', 'tar.zst', 'zip'] as const;
const archive = (f: string) => path.join(work, `pkg-1.0.${f}`);
sh('tar', ['cf', archive('tar'), '-C', tree, 'pkg-1.0']);
sh('tar', ['czf', archive('tar.gz'), '-C', tree, 'pkg-1.0']);
sh('tar', ['cJf', archive('tar.xz'), '-C', tree, 'pkg-1.0']);
sh('tar', ['cjf', archive('tar.bz2'), '-C', tree, 'pkg-1.0']);
sh('tar', ['--zstd', '-cf', archive('tar.zst'), '-C', tree, 'pkg-1.0']);
sh('zip', ['-qry', archive('zip'), 'pkg-1.0'], tree);

let n = 0;
const fresh = () => path.join(work, 'out', `dest-${++n}`);

t.test('every format extracts to the same tree with the same treeHash', async (t) => {
  const expected = await hashTree(tree);
  for (const f of formats) {
    const dest = fresh();
    const r = await extractArchive(archive(f), dest);
    t.equal(r.treeHash, expected.treeHash, `${f}: treeHash equals the source tree's`);
    t.equal(r.files, 6, `${f}: 4 files and 2 symlinks`);
    t.equal(r.bytes, expected.bytes, `${f}: bytes`);
    t.equal(fs.readFileSync(path.join(dest, 'pkg-1.0', 'README'), 'utf8'), 'hello\n');
    t.equal(fs.readlinkSync(path.join(dest, 'pkg-1.0', 'include', 'up-link')), '../README');
    t.ok(fs.statSync(path.join(dest, 'pkg-1.0', 'configure')).mode & 0o100, `${f}: executable bit kept`);
    t.notOk(fs.statSync(path.join(dest, 'pkg-1.0', 'README')).mode & 0o100);
  }
});

t.test('the tree hash changes with content, executable bit, link target and path', async (t) => {
  const base = (await hashTree(tree)).treeHash;
  const copy = path.join(work, 'copy');
  const variants: [string, (dir: string) => void][] = [
    ['content', (d) => fs.appendFileSync(path.join(d, 'pkg-1.0/README'), '!')],
    ['exec bit', (d) => fs.chmodSync(path.join(d, 'pkg-1.0/README'), 0o755)],
    ['link target', (d) => (fs.unlinkSync(path.join(d, 'pkg-1.0/readme-link')), fs.symlinkSync('configure', path.join(d, 'pkg-1.0/readme-link')))],
    ['path', (d) => fs.renameSync(path.join(d, 'pkg-1.0/README'), path.join(d, 'pkg-1.0/README.md'))],
  ];
  for (const [what, change] of variants) {
    fs.rmSync(copy, { recursive: true, force: true });
    fs.cpSync(tree, copy, { recursive: true, verbatimSymlinks: true });
    t.equal((await hashTree(copy)).treeHash, base, 'a copy hashes the same');
    change(copy);
    t.not((await hashTree(copy)).treeHash, base, what);
  }
});

t.test('stripComponents drops the top directory; mtimes are kept', async (t) => {
  const dest = fresh();
  await extractArchive(archive('tar.gz'), dest, { stripComponents: 1 });
  t.same(fs.readdirSync(dest).sort(), ['README', 'big.bin', 'configure', 'empty', 'include', 'readme-link']);
  t.equal(Math.round(fs.statSync(path.join(dest, 'README')).mtimeMs / 1000), mtime);
});

t.test('the format is found from the bytes when the name has no extension (cache entries)', async (t) => {
  for (const f of formats) {
    const nameless = path.join(work, `blob-${f.replace('.', '-')}`);
    fs.copyFileSync(archive(f), nameless);
    const r = await extractArchive(nameless, fresh(), { stripComponents: 1 });
    t.equal(r.files, 6, f);
  }
});

t.test('long names: pax and GNU (././@LongLink), from tar and by hand', async (t) => {
  const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(90)}.c`;
  const src = path.join(work, 'long');
  fs.mkdirSync(path.dirname(path.join(src, long)), { recursive: true });
  fs.writeFileSync(path.join(src, long), 'long\n');
  fs.symlinkSync(long, path.join(src, `link-${'g'.repeat(120)}`));
  for (const format of ['pax', 'gnu']) {
    const file = path.join(work, `long-${format}.tar`);
    sh('tar', [`--format=${format}`, '-cf', file, '-C', src, '.']);
    const dest = fresh();
    await extractArchive(file, dest);
    t.equal(fs.readFileSync(path.join(dest, long), 'utf8'), 'long\n', `${format}: long name`);
    t.equal(fs.readlinkSync(path.join(dest, `link-${'g'.repeat(120)}`)), long, `${format}: long link target`);
  }
  const handmade = path.join(work, 'handmade.tar');
  const paxRecord = (key: string, value: string) => {
    const body = ` ${key}=${value}\n`;
    let len = body.length + 1;
    while (String(len).length + body.length !== len) len++;
    return `${len}${body}`;
  };
  fs.writeFileSync(
    handmade,
    tarBytes([
      { name: '././@LongLink', type: 'L', data: `${long}.gnu\0` },
      { name: 'truncated-name', data: 'gnu\n' },
      { name: 'PaxHeaders/x', type: 'x', data: paxRecord('path', `${long}.pax`) },
      { name: 'truncated-name', data: 'pax\n' },
    ]),
  );
  const dest = fresh();
  await extractArchive(handmade, dest);
  t.equal(fs.readFileSync(path.join(dest, `${long}.gnu`), 'utf8'), 'gnu\n');
  t.equal(fs.readFileSync(path.join(dest, `${long}.pax`), 'utf8'), 'pax\n');
  t.same(fs.readdirSync(dest).sort(), ['d'.repeat(60)]);
});

t.test('hardlinks inside the tree are extracted as copies', async (t) => {
  const src = path.join(work, 'hard');
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'a'), 'same\n');
  fs.linkSync(path.join(src, 'a'), path.join(src, 'b'));
  const file = path.join(work, 'hard.tar');
  sh('tar', ['cf', file, '-C', src, 'a', 'b']);
  const dest = fresh();
  const r = await extractArchive(file, dest);
  t.equal(fs.readFileSync(path.join(dest, 'b'), 'utf8'), 'same\n');
  t.equal(r.treeHash, (await hashTree(src)).treeHash);
});

/** Writes crafted tar bytes and expects extraction to fail naming `entry`, leaving nothing at dest or beside it. */
async function refuses(t: Test, members: TarMember[] | Buffer, entry: string, message: RegExp, opts: { maxBytes?: number; gzip?: boolean } = {}): Promise<void> {
  const dir = tmpdir('pogogen-evil-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const bytes = Buffer.isBuffer(members) ? members : tarBytes(members);
  const file = path.join(dir, opts.gzip === true ? 'evil.tar.gz' : 'evil.tar');
  fs.writeFileSync(file, opts.gzip === true ? zlib.gzipSync(bytes) : bytes);
  const dest = path.join(dir, 'a', 'b', 'dest');
  const err = await extractArchive(file, dest, opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }).catch((e: unknown) => e);
  t.type(err, ExtractError);
  t.equal((err as ExtractError).entry, entry, 'names the entry');
  t.match((err as Error).message, `entry ${JSON.stringify(entry)}`);
  t.match((err as Error).message, message);
  t.equal(fs.existsSync(dest), false, 'nothing at dest');
  t.same(listFiles(path.join(dir, 'a')), ['b'], 'no temp dir left beside dest, nothing written outside');
}

t.test('refuses members that would write outside dest', async (t) => {
  await refuses(t, [{ name: '../evil', data: 'x' }], '../evil', /contains a "\.\." component/);
  await refuses(t, [{ name: 'ok/', type: '5' }, { name: 'ok/../../evil', data: 'x' }], 'ok/../../evil', /contains a "\.\." component/);
  await refuses(t, [{ name: '/abs/evil', data: 'x' }], '/abs/evil', /absolute path "\/abs\/evil"/);
  await refuses(t, [{ name: 'etc', type: '2', linkname: '../../etc' }], 'etc', /symlink target "\.\.\/\.\.\/etc" points outside/);
  await refuses(t, [{ name: 'passwd', type: '2', linkname: '/etc/passwd' }], 'passwd', /points outside/);
  await refuses(t, [{ name: 'h', type: '1', linkname: '../../etc/passwd' }], 'h', /hardlink target "\.\.\/\.\.\/etc\/passwd" contains a "\.\." component/);
  await refuses(t, [{ name: 'h', type: '1', linkname: '/etc/passwd' }], 'h', /absolute hardlink target/);
  await refuses(t, [{ name: 'h', type: '1', linkname: 'not-there' }], 'h', /not a regular file extracted earlier/);
});

t.test('refuses escapes assembled from several symlinks', async (t) => {
  // Each link stays inside by its own path; together `x` resolves to dest/.. .
  await refuses(t, [{ name: 'a', type: '2', linkname: '.' }, { name: 'x', type: '2', linkname: 'a/a/../..' }], 'x', /resolves outside the destination/);
  // Writing through a symlink is refused even when the link itself is harmless.
  await refuses(t, [{ name: 'sub/', type: '5' }, { name: 'd', type: '2', linkname: 'sub' }, { name: 'd/file', data: 'x' }], 'd/file', /goes through the symlink "d"/);
});

t.test('refuses devices, fifos and unknown entry types', async (t) => {
  await refuses(t, [{ name: 'null', type: '3' }], 'null', /character device entries are not allowed/);
  await refuses(t, [{ name: 'disk', type: '4' }], 'disk', /block device entries are not allowed/);
  await refuses(t, [{ name: 'pipe', type: '6' }], 'pipe', /fifo entries are not allowed/);
  await refuses(t, [{ name: 'sparse', type: 'S' }], 'sparse', /unsupported tar entry type "S"/);
});

t.test('refuses archives that expand beyond maxBytes', async (t) => {
  // A member that claims 10 MiB is refused from its header, before any byte is written.
  await refuses(t, [{ name: 'small', data: 'x' }, { name: 'bomb', size: 10 * 1024 * 1024 }], 'bomb', /expands beyond the limit of 1048576 bytes/, { maxBytes: 1024 * 1024 });
  // A real gzip bomb: 4 MiB of zeros compress to a few KiB.
  await refuses(t, [{ name: 'zeros', data: Buffer.alloc(4 * 1024 * 1024) }], 'zeros', /expands beyond the limit/, { maxBytes: 1024 * 1024, gzip: true });
  const ok = path.join(work, 'ok.tar');
  fs.writeFileSync(ok, tarBytes([{ name: 'a', data: Buffer.alloc(1000) }, { name: 'b', data: Buffer.alloc(24) }]));
  t.equal((await extractArchive(ok, fresh(), { maxBytes: 1024 })).bytes, 1024, 'exactly the limit is fine');
});

t.test('zip members pass the same checks', async (t) => {
  const dir = tmpdir('pogogen-zip-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cases: [string, Parameters<typeof zipBytes>[0], RegExp][] = [
    ['dotdot', [{ name: '../evil', data: 'x' }], /entry "\.\.\/evil": path "\.\.\/evil" contains a "\.\." component/],
    ['symlink', [{ name: 'etc', data: '../../etc', mode: 0o120777 }], /entry "etc": symlink target "\.\.\/\.\.\/etc" points outside/],
    ['fifo', [{ name: 'p', mode: 0o010644 }], /entry "p": fifo entries are not allowed/],
    ['liar', [{ name: 'zeros', data: Buffer.alloc(1 << 20), deflate: true, size: 100 }], /zip member "zeros" inflates beyond its declared 100 bytes/],
    ['bomb', [{ name: 'zeros', data: Buffer.alloc(1 << 20), deflate: true }], /entry "zeros": archive expands beyond the limit of 65536 bytes/],
  ];
  for (const [what, members, message] of cases) {
    const file = path.join(dir, `${what}.zip`);
    fs.writeFileSync(file, zipBytes(members));
    const dest = path.join(dir, 'out', what);
    await t.rejects(extractArchive(file, dest, { maxBytes: 65536 }), { name: 'ExtractError', message }, what);
    t.same(listFiles(path.join(dir, 'out')), [], `${what}: nothing left`);
  }
  const good = path.join(dir, 'good.zip');
  fs.writeFileSync(good, zipBytes([{ name: 'd/', mode: 0o040755 }, { name: 'd/a.c', data: 'int a;\n', deflate: true }, { name: 'run', data: '#!/bin/sh\n', mode: 0o100755 }, { name: 'l', data: 'd/a.c', mode: 0o120777 }]));
  const dest = path.join(dir, 'out', 'good');
  const r = await extractArchive(good, dest);
  t.equal(r.files, 3);
  t.equal(fs.readFileSync(path.join(dest, 'l'), 'utf8'), 'int a;\n');
  t.ok(fs.statSync(path.join(dest, 'run')).mode & 0o100);
});

t.test('truncated and corrupt archives fail cleanly', async (t) => {
  const whole = tarBytes([{ name: 'file', data: Buffer.alloc(5000, 1) }], { end: false });
  for (const [what, bytes, message] of [
    ['truncated data', whole.subarray(0, 2048), /truncated tar data/],
    ['bad checksum', Buffer.concat([Buffer.from('garbage'), whole.subarray(7)]), /bad tar header checksum/],
  ] as const) {
    const dir = tmpdir('pogogen-bad-');
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'bad.tar');
    fs.writeFileSync(file, bytes);
    await t.rejects(extractArchive(file, path.join(dir, 'dest')), { name: 'ExtractError', message }, what);
    t.same(fs.readdirSync(dir), ['bad.tar'], `${what}: nothing left`);
  }
  const gz = path.join(work, 'bad.tar.gz');
  fs.writeFileSync(gz, zlib.gzipSync(whole).subarray(0, 40));
  await t.rejects(extractArchive(gz, fresh()), { name: 'ExtractError', message: /bad\.tar\.gz/ });
  const xz = path.join(work, 'bad.tar.xz');
  fs.writeFileSync(xz, fs.readFileSync(archive('tar.xz')).subarray(0, 200));
  await t.rejects(extractArchive(xz, fresh()), { name: 'ExtractError', message: /xz/ });
  const unknown = path.join(work, 'notes.txt');
  fs.writeFileSync(unknown, 'plain text');
  await t.rejects(extractArchive(unknown, fresh()), { message: /unknown archive format/ });
});

t.test('an existing dest is refused unless replace is set', async (t) => {
  const dest = fresh();
  fs.mkdirSync(dest, { recursive: true });
  fs.writeFileSync(path.join(dest, 'old'), 'old');
  await t.rejects(extractArchive(archive('tar'), dest), { message: /already exists/ });
  t.same(fs.readdirSync(dest), ['old']);
  await extractArchive(archive('tar'), dest, { replace: true, stripComponents: 1 });
  t.notOk(fs.existsSync(path.join(dest, 'old')));
  t.ok(fs.existsSync(path.join(dest, 'README')));
  t.same(fs.readdirSync(path.dirname(dest)).filter((n) => n.endsWith('.tmp')), [], 'no temp dirs left');
});
