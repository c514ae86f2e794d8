// The command line, as a table through dist/cli.js: every accepted spelling does what it says (options before or
// after the command, inline or separate values, build's arguments reaching ninja), every command has its own
// --help, and a flag a command does not take is a usage error naming both, with nothing written.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { pogogen, project, type Run } from '../helpers.ts';

const files = {
  'build.pogo.ts': `import { defineBuild, executable, option } from 'pogogen';
export default defineBuild({
  project: { name: 'args' },
  options: { word: option.string('hi', 'what hello says') },
  targets: ({ options }) => [executable('hello', { sources: ['hello.c'], install: true, defines: { WORD: JSON.stringify(options.word) } })],
});
`,
  'hello.c': '#include <stdio.h>\nint main(void) { puts(WORD); return 0; }\n',
};

/** A ninja that notes its arguments in the project, then runs the real one. */
function recordingNinja(dir: string): Record<string, string> {
  const wrapper = path.join(dir, 'ninja-wrapper');
  fs.writeFileSync(wrapper, `#!/bin/sh\n[ "$1" = --version ] || echo "$@" >> '${dir}/ninja-args'\nexec ninja "$@"\n`, { mode: 0o755 });
  return { POGOGEN_NINJA: wrapper };
}
const ninjaArgs = (dir: string): string => {
  const f = path.join(dir, 'ninja-args');
  const text = fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim() : '';
  fs.rmSync(f, { force: true });
  return text.replace(`-C ${dir} `, '').replace(`-C ${dir}`, '');
};
const compdb = (dir: string): string => fs.readFileSync(path.join(dir, 'compile_commands.json'), 'utf8');

t.test('accepted command lines', async (t) => {
  const dir = project(files);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = recordingNinja(dir);
  const cases: [string[], (r: Run) => void][] = [
    [['--profile=production', 'targets'], (r) => t.match(r.stdout, /^hello\s+executable\s+out\/production\/bin\/hello$/m)],
    [['--profile', 'production', 'targets'], (r) => t.match(r.stdout, /out\/production\/bin\/hello/)],
    [['targets', '--profile', 'prod'], (r) => t.match(r.stdout, /out\/production\/bin\/hello/, 'global options after the command')],
    [['targets', '--json', '--profile=development'], (r) => t.equal((JSON.parse(r.stdout) as { name: string }[])[0]?.name, 'hello')],
    [['--json', 'targets'], (r) => t.equal((JSON.parse(r.stdout) as { output: string }[])[0]?.output, 'out/development/bin/hello', "a command's option before it")],
    [['-Dword=yo'], () => t.match(compdb(dir), /-DWORD=\\"yo\\"/)],
    [['-D', 'word=ho'], () => t.match(compdb(dir), /-DWORD=\\"ho\\"/)],
    [['--verbose', '-Dword=hi'], (r) => t.match(r.stderr, /pogogen: validated/)],
    [['-v'], (r) => t.match(r.stderr, /pogogen: /)],
    [['--backend=make'], () => t.ok(fs.existsSync(path.join(dir, 'Makefile')))],
    [['--backend', 'ninja'], () => t.ok(fs.existsSync(path.join(dir, 'build.ninja')))],
    [['build', '-k', '0', 'hello'], () => t.equal(ninjaArgs(dir), '-k 0 hello', "build's arguments go to ninja")],
    [['build', '-v', '-d', 'explain'], () => t.equal(ninjaArgs(dir), '-v -d explain', '-v after build is ninja\'s')],
    [['build', '--profile=production', 'hello'], () => (t.equal(ninjaArgs(dir), 'hello', "pogogen's long options after build are pogogen's"), t.ok(fs.existsSync(path.join(dir, 'out/production/bin/hello'))))],
    [['-Dword=yo', 'build', '-Dword=yo'], () => (ninjaArgs(dir), t.match(compdb(dir), /-DWORD=\\"yo\\"/))],
    [['build', '--', '-t', 'targets'], (r) => (t.equal(ninjaArgs(dir), '-t targets', 'after --, as it is'), t.match(r.stdout, /hello: phony/))],
    [['test', '-j', '2'], (r) => t.match(r.stdout, /declares no tests/)],
    [['-j2', 'test'], (r) => t.match(r.stdout, /declares no tests/)],
    [['install', '--dry-run', '--prefix=/opt/x'], (r) => t.match(r.stdout, /\/opt\/x\/bin\/hello/)],
    [['-C', dir, 'desc', 'hello'], (r) => t.match(r.stdout, /hello/)],
    [['--version'], (r) => t.match(r.stdout, /^pogogen \d+\.\d+\.\d+/)],
    [['-V'], (r) => t.match(r.stdout, /^pogogen \d/)],
  ];
  for (const [args, check] of cases) {
    const r = pogogen(args[0] === '-C' ? '/' : dir, args, env);
    t.equal(r.code, 0, `pogogen ${args.join(' ')}: ${r.stderr}`);
    check(r);
  }
  // ninja's own help is one `--` away (ninja exits 1 after printing it).
  const ninjaHelp = pogogen(dir, ['build', '--', '--help'], env);
  t.equal(ninjaArgs(dir), '--help');
  t.match(ninjaHelp.stderr, /usage: ninja/);
});

t.test('every command has its own --help, exit 0', async (t) => {
  const dir = project({});
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const args of [['--help'], ['-h'], ['help']]) {
    const r = pogogen(dir, args);
    t.equal(r.code, 0);
    t.match(r.stdout, /^Usage: pogogen \[options\] \[command\]/, `pogogen ${args.join(' ')}: the overview`);
    t.match(r.stdout, /pogogen COMMAND --help/);
  }
  for (const command of ['targets', 'fetch', 'install', 'test', 'build', 'report', 'explain', 'desc', 'init', 'docker', 'ci']) {
    for (const args of [[command, '--help'], [command, '-h'], ['help', command], ['--help', command]]) {
      const r = pogogen(dir, args);
      t.equal(r.code, 0, `pogogen ${args.join(' ')}`);
      t.match(r.stdout, new RegExp(`^Usage: pogogen \\[options\\] ${command} `), `pogogen ${args.join(' ')}: the help of ${command}`);
      t.equal(r.stderr, '');
    }
  }
  const build = pogogen(dir, ['build', '--help']);
  t.match(build.stdout, /-j N/);
  t.match(build.stdout, /pogogen build -- --help. shows ninja's help/, 'says where ninja\'s help is');
  t.match(pogogen(dir, ['test', '--help']).stdout, /--suite S/);
  t.match(pogogen(dir, ['report', '--help']).stdout, /--compare OLD\.json/);
  t.notOk(fs.existsSync(path.join(dir, 'build.ninja')) || fs.existsSync(path.join(dir, 'out')), 'help writes nothing');
});

t.test('rejected command lines: exit 2, the command and the flag named, nothing written', async (t) => {
  const dir = project(files);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cases: [string[], RegExp][] = [
    [['targets', '--dry-run'], /^pogogen: targets does not take --dry-run \(install does\)\nRun "pogogen targets --help" for usage\.\n$/],
    [['--dry-run', 'targets'], /targets does not take --dry-run/],
    [['--dry-run'], /a plain generation \(pogogen without a command\) does not take --dry-run \(install does\)/],
    [['-j4'], /a plain generation .* does not take -j \(build, install, test, report do\)/],
    [['report', '--suite', 'quick'], /report does not take --suite \(test does\)/],
    [['build', '--json'], /build does not take --json \(targets, report, explain, desc do\)/],
    [['build', '--dry-run'], /build does not take --dry-run/],
    [['docker', '--force'], /docker does not take --force \(init does\)/],
    [['init', '--profile=production'], /init does not take --profile \(the commands that generate do\)/],
    [['explain', 'a', 'b'], /explain: unexpected argument "b" \(usage: pogogen explain OUTPUT\|TARGET\)/],
    [['targets', 'extra'], /targets: unexpected argument "extra"/],
    [['bogus'], /unknown command "bogus"; the commands are targets, fetch/],
    [['help', 'bogus'], /help: unknown command "bogus"/],
    [['--bogus'], /unknown option "--bogus"/],
    [['--offline=yes'], /--offline takes no value/],
    [['--profile'], /--profile needs a value/],
    [['-D', 'novalue'], /-D expects NAME=VALUE, got "novalue"/],
    [['--backend=cmake'], /unknown backend "cmake": expected ninja or make/],
    [['test', '-j0'], /-j expects a positive whole number, got "0"/],
    [['build', '-jx'], /-j expects a whole number, got "x"/],
    [['test', '--repeat', '0'], /--repeat expects a positive whole number, got "0"/],
    [['-Dword=a\nb'], /-D "word=a\\nb": a newline, carriage return or NUL cannot be passed to a build command/],
    [['--prefix', '/opt/x\ry'], /--prefix "\/opt\/x\\ry": a newline, carriage return or NUL/],
  ];
  for (const [args, message] of cases) {
    const r = pogogen(dir, args);
    t.equal(r.code, 2, `pogogen ${args.join(' ')} is a usage error`);
    t.match(r.stderr, message, `pogogen ${args.join(' ')}: ${r.stderr}`);
    t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
    t.equal(r.stdout, '');
  }
  t.same(fs.readdirSync(dir).sort(), ['build.pogo.ts', 'hello.c'], 'nothing was written');
});
