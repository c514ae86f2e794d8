// .ninja_log facts against the real ninjas: the hashes pogogen computes are the ones ninja 1.11 (MurmurHash64A)
// and ninja 1.13 (rapidhash) write, for commands of every length class; and the table of what each ninja does with
// each kind of log.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { project, run } from '../helpers.ts';
import { commandHash, familyOfEntry, logVersionOf, newestFamily, parseNinjaLog, treatment } from '../../lib/cli/ninja-log.ts';
import { npmNinja } from '../../lib/cli/probe.ts';

const system = fs.existsSync('/usr/bin/ninja') ? '/usr/bin/ninja' : undefined;
const npm = npmNinja();

// Lengths around every branch of both functions: 1-3, 4-16, 17-48, 49-95, 96-191 and beyond, and non-ASCII bytes.
const commands = [
  ...[1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 95, 96, 97, 143, 144, 145, 191, 192, 193, 250].map((n) => (n === 1 ? ':' : `: ${'x'.repeat(n - 2)}`)),
  ": 'é ü ∂ 日本' $ dollar",
];

function buildWith(ninja: string): { log: string; compdb: Map<string, string> } {
  const dir = project({
    'build.ninja': commands.map((c, i) => `rule r${i}\n  command = ${c.replace(/\$/g, '$$$$')}\nbuild o${i}: r${i}\n`).join(''),
  });
  try {
    const r = run(ninja, ['-j1'], { cwd: dir });
    if (r.code !== 0) throw new Error(r.stdout + r.stderr);
    return { log: fs.readFileSync(path.join(dir, '.ninja_log'), 'utf8'), compdb: new Map(commands.map((c, i) => [`o${i}`, c])) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const [name, ninja, family] of [
  ['ninja 1.11 (MurmurHash64A)', system, 'murmur'],
  ['ninja 1.13 (rapidhash)', npm, 'rapid'],
] as const) {
  const version = ninja === undefined ? '' : run(ninja, ['--version']).stdout.trim();
  const skip = ninja === undefined ? 'not installed' : (logVersionOf(version) >= 7) !== (family === 'rapid') ? `${ninja} is ${version}` : false;
  t.test(`hashes as ${name} writes them`, { skip }, async (t) => {
    const { log, compdb } = buildWith(ninja!);
    const parsed = parseNinjaLog(log)!;
    t.equal(parsed.version, logVersionOf(version), `# ninja log v${logVersionOf(version)}`);
    t.equal(parsed.entries.length, commands.length);
    for (const e of parsed.entries) {
      const command = compdb.get(e.output)!;
      t.equal(commandHash(family, command), e.hash, `${family} of a ${Buffer.byteLength(command)}-byte command`);
      t.equal(familyOfEntry(e, command), family);
    }
    t.equal(newestFamily(parsed, compdb), family, 'the newest entries are told apart');
    t.equal(newestFamily(parsed, new Map(commands.map((c, i) => [`o${i}`, `${c} changed`]))), undefined, 'not when every command changed since');
  });
}

t.test('what each ninja does with each log', async (t) => {
  const table: [string, number, 'murmur' | 'rapid', string][] = [
    ['1.11.1', 5, 'murmur', 'reads'],
    ['1.11.1', 7, 'rapid', 'misreads'], // accepts any version, compares its own hashes
    ['1.11.1', 7, 'murmur', 'reads'], // its own entries appended to a 1.13 log
    ['1.11.1', 6, 'murmur', 'reads'],
    ['1.12.1', 6, 'murmur', 'reads'],
    ['1.12.1', 5, 'murmur', 'discards'],
    ['1.12.1', 7, 'rapid', 'discards'],
    ['1.13.2', 7, 'rapid', 'reads'],
    ['1.13.2', 7, 'murmur', 'misreads'],
    ['1.13.2', 5, 'murmur', 'discards'],
    ['1.13.2', 6, 'murmur', 'discards'],
  ];
  for (const [version, logVersion, family, want] of table) t.equal(treatment(version, { version: logVersion, family }), want, `ninja ${version}, log v${logVersion} with ${family} entries`);
  t.equal(logVersionOf('1.10.2'), 5);
  t.equal(logVersionOf('1.12.0'), 6);
  t.equal(logVersionOf('1.13.0.git'), 7);
  t.equal(parseNinjaLog(''), undefined, 'an empty file is no log');
  t.same(parseNinjaLog('# ninja log v5\n1\t2\t3\tout/a.o\tabc\n')!.entries, [{ output: 'out/a.o', hash: 'abc' }]);
});
