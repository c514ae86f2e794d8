// Hostile descriptions (issue 17): async faults, descriptions that never settle, odd thrown values, strings no build
// file can hold, names and paths make cannot express. Each case runs through the built CLI in a fresh project, and
// one case of each kind again over a good generation of the same project. Each time it must end with exit 1, a
// message at build.pogo.ts (at the line marked `// <-` where the case has one), no stack trace, and no build file
// written or changed. A case that hung would be killed by the hang guard and fail on its signal.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { baseEnv, cli, project } from '../helpers.ts';

interface Case {
  readonly name: string;
  /** build.pogo.ts after the import line; `// <-` marks the line the message must name. */
  readonly body: string;
  readonly message: RegExp;
  readonly backend?: 'make';
  readonly env?: Readonly<Record<string, string>>;
  /** Extra files of the project (besides main.c). */
  readonly files?: Readonly<Record<string, string>>;
  /** Also run it over a good generation (one case of each kind: each run costs a second). */
  readonly again?: boolean;
}

const imports = "import { action, defineBuild, executable, test } from 'pogogen';\n";
const good = "export default defineBuild({ project: { name: 'app' }, targets: [executable('app', { sources: ['main.c'] })] });\n";
/** A description whose one executable has `fields` added (a string of object fields). */
const app = (fields: string): string => `export default defineBuild({\n  project: { name: 'app' },\n  targets: [executable('app', { sources: ['main.c'], ${fields} })], // <-\n});\n`;
/** A description whose targets are `list` (one line, marked). */
const targets = (list: string): string => `export default defineBuild({\n  project: { name: 'app' },\n  targets: [${list}], // <-\n});\n`;
/** A description whose targets function has `body`. */
const targetsFn = (body: string): string => `export default defineBuild({\n  project: { name: 'app' },\n  targets: () => { // <-\n    ${body}\n  },\n});\n`;
const promiseRefused = /targets: the targets function returned a Promise: it must return the list of targets itself/;
const thrownWhileLoading = (text: string): RegExp => new RegExp(`build\\.pogo\\.ts threw while loading: ${text}`);
const unwritable = (field: string, what: string): RegExp => new RegExp(`${field.replace(/[[\].]/g, '\\$&')}: ".*" contains ${what}, which a build file cannot hold`);
const timeout = { POGOGEN_LOAD_TIMEOUT: '1' };

const cases: Case[] = [
  // A targets function that is async, or returns a Promise: refused at `targets`, its rejection handled.
  { name: 'async targets function that throws', again: true, body: `export default defineBuild({\n  project: { name: 'app' },\n  targets: async () => { // <-\n    throw new Error('boom');\n  },\n});\n`, message: promiseRefused },
  { name: 'targets returns a rejected Promise', body: `export default defineBuild({\n  project: { name: 'app' },\n  targets: () => Promise.reject(new Error('no')), // <-\n});\n`, message: promiseRefused },
  { name: 'targets returns a Promise that never settles', body: `export default defineBuild({\n  project: { name: 'app' },\n  targets: () => new Promise(() => setInterval(() => {}, 1000)), // <-\n});\n`, message: promiseRefused },
  { name: 'targets returns a Promise of a good list', body: `export default defineBuild({\n  project: { name: 'app' },\n  targets: async () => [executable('app', { sources: ['main.c'] })], // <-\n});\n`, message: promiseRefused },
  // The default export is a Promise.
  { name: 'default export is a rejected Promise', again: true, body: "export default Promise.reject(new Error('default rejected')); // <-\n", message: /the default export of build\.pogo\.ts is a Promise, which rejected: default rejected/ },
  { name: 'default export is a Promise of a description', body: "export default Promise.resolve({ project: { name: 'app' }, targets: [] });\n", message: /the default export of build\.pogo\.ts is a Promise: it must be the description itself/ },
  { name: 'default export is a Proxy whose traps throw', body: "export default new Proxy({}, { get() { throw new Error('trap'); } }); // <-\n", message: /the description could not be read: trap/ },
  { name: 'default export is a Promise that never settles', body: 'export default new Promise(() => setInterval(() => {}, 1000));\n', env: timeout, message: /build\.pogo\.ts did not finish loading within 1 s[^]*POGOGEN_LOAD_TIMEOUT/ },
  { name: 'top-level await that never settles', again: true, body: `await new Promise(() => setInterval(() => {}, 1000));\n${good}`, env: timeout, message: /build\.pogo\.ts did not finish loading within 1 s/ },
  { name: 'top-level await on a Promise nothing keeps alive', body: `await new Promise(() => {});\n${good}`, env: timeout, message: /build\.pogo\.ts did not finish loading within 1 s/ },
  // Faults outside any call of pogogen's: placed in build.pogo.ts, not in the bundle.
  { name: 'a timer throws after loading', again: true, body: `setTimeout(() => {\n  throw new Error('late'); // <-\n}, 0);\n${good}`, message: /the description threw outside any call of pogogen's \(from a timer or a callback\): late/ },
  { name: 'a floating rejected Promise', again: true, body: `Promise.reject(new Error('floating')); // <-\n${good}`, message: /a Promise the description made was rejected and nothing handled it: floating/ },
  { name: 'a timer set by the targets function throws', again: true, body: targetsFn("setTimeout(() => { throw new Error('from targets'); }, 0); // <-\n    return [executable('app', { sources: ['main.c'] })];").replace('targets: () => { // <-', 'targets: () => {'), message: /threw outside any call of pogogen's \(from a timer or a callback\): from targets/ },
  { name: 'the targets function leaves a rejected Promise', again: true, body: targetsFn("void Promise.reject(new Error('dropped')); // <-\n    return [executable('app', { sources: ['main.c'] })];").replace('targets: () => { // <-', 'targets: () => {'), message: /rejected and nothing handled it: dropped/ },
  { name: 'a floating rejection with a string', body: `Promise.reject('plain string');\n${good}`, message: /rejected and nothing handled it: plain string/ },
  { name: 'a microtask throws', body: `queueMicrotask(() => {\n  throw new Error('in a microtask'); // <-\n});\n${good}`, message: /threw outside any call of pogogen's \(from a timer or a callback\): in a microtask/ },
  { name: 'a timer throws an Error whose message getter throws', body: `setTimeout(() => {\n  throw Object.defineProperty(new Error('x'), 'message', { get() { throw new Error('y'); } });\n}, 0);\n${good}`, message: /threw outside any call of pogogen's \(from a timer or a callback\): an exception whose message could not be read/ },
  { name: 'a floating rejection with an Error whose stack is no text', body: `Promise.reject(Object.assign(new Error('odd stack'), { stack: 42 }));\n${good}`, message: /rejected and nothing handled it: odd stack/ },
  { name: 'a timer throws an object without a prototype', body: `setTimeout(() => {\n  throw Object.create(null);\n}, 0);\n${good}`, message: /threw outside any call of pogogen's \(from a timer or a callback\): \{\}/ },
  // Odd thrown values while loading.
  { name: 'throws an object without a prototype', again: true, body: 'throw Object.create(null);\n', message: thrownWhileLoading('\\{\\}') },
  { name: 'throws a string', body: "throw 'a string';\n", message: thrownWhileLoading('a string') },
  { name: 'throws a number', body: 'throw 42;\n', message: thrownWhileLoading('42') },
  { name: 'throws undefined', body: 'throw undefined;\n', message: thrownWhileLoading('undefined') },
  { name: 'throws a Symbol', body: "throw Symbol('s');\n", message: thrownWhileLoading('symbol') },
  { name: 'throws an object whose toString throws', body: "throw { toString() { throw new Error('no'); } };\n", message: thrownWhileLoading('\\{\\}') },
  // (Its stack cannot be read either: V8 formats it, message included, on first access. So no line.)
  { name: 'throws an Error whose message getter throws', body: "const e = new Error('x');\nObject.defineProperty(e, 'message', { get() { throw new Error('y'); } });\nthrow e;\n", message: thrownWhileLoading('an exception whose message could not be read') },
  // Odd thrown values from the targets function: at `targets` when they have no stack.
  { name: 'a targets getter throws', body: "export default defineBuild({\n  project: { name: 'app' },\n  get targets() {\n    throw new Error('getter'); // <-\n  },\n});\n", message: /the description could not be read: getter/ },
  { name: 'targets returns a thenable whose then throws', body: targetsFn("return { get then() { throw new Error('then'); } }; // <-").replace('targets: () => { // <-', 'targets: () => {'), message: /the description could not be read: then/ },
  { name: 'targets throws an object without a prototype', again: true, body: targetsFn('throw Object.create(null);'), message: /targets: the targets function threw: \{\}/ },
  { name: 'targets throws a string', body: targetsFn("throw 'nope';"), message: /targets: the targets function threw: nope/ },
  { name: 'targets throws undefined', body: targetsFn('throw undefined;'), message: /targets: the targets function threw: undefined/ },
  { name: 'targets throws an object whose toString throws', body: targetsFn("throw { toString() { throw new Error('no'); } };"), message: /targets: the targets function threw: \{\}/ },
  // Strings no build file can hold.
  { name: 'NUL in cflags', again: true, body: app("cflags: ['-O1\\0x']"), message: unwritable('targets[0].cflags[0]', 'a NUL character') },
  { name: 'NUL in ldflags', body: app("ldflags: ['-s\\0']"), message: unwritable('targets[0].ldflags[0]', 'a NUL character') },
  { name: 'NUL in a define (list)', body: app("defines: ['A=\\0']"), message: unwritable('targets[0].defines[0]', 'a NUL character') },
  { name: 'NUL in a define (object value)', body: app("defines: { A: 'x\\0' }"), message: unwritable('targets[0].defines.A', 'a NUL character') },
  { name: 'NUL in a define name', body: app("defines: { 'A\\0': 1 }"), message: /targets\[0\]\.defines\["A\\u0000"\]: the key "A\\u0000" contains a NUL character/ },
  { name: 'NUL in libs', body: app("libs: ['m\\0']"), message: unwritable('targets[0].libs[0]', 'a NUL character') },
  { name: 'NUL in a public include dir', body: app("public: { includeDirs: ['inc\\0'] }"), message: unwritable('targets[0].public.includeDirs[0]', 'a NUL character') },
  { name: 'NUL in includeDirs', body: app("includeDirs: ['inc\\0']"), message: unwritable('targets[0].includeDirs[0]', 'a NUL character') },
  { name: 'NUL in a source', body: targets("executable('app', { sources: ['main.c\\0'] })"), message: unwritable('targets[0].sources[0]', 'a NUL character') },
  { name: 'NUL in a target name', body: targets("executable('a\\0pp', { sources: ['main.c'] })"), message: unwritable('targets[0].name', 'a NUL character') },
  { name: 'NUL in an action command', body: targets("action('gen', { command: ['touch', '{out}\\0'], outputs: ['x.h'] })"), message: unwritable('targets[0].command[1]', 'a NUL character') },
  { name: 'NUL in an action input', body: targets("action('gen', { command: ['touch', '{out}'], inputs: ['main.c\\0'], outputs: ['x.h'] })"), message: unwritable('targets[0].inputs[0]', 'a NUL character') },
  { name: 'NUL in a test argument', body: targets("executable('app', { sources: ['main.c'] }), test('t', { program: 'app', args: ['\\0'] })"), message: /targets\[1\]\.args\[0\]: "\\u0000" contains a NUL character, which no file or command line can hold/ },
  { name: 'NUL in the project settings', body: "export default defineBuild({\n  project: { name: 'app' },\n  settings: { cflags: ['-g\\0'] }, // <-\n  targets: [],\n});\n", message: unwritable('settings.cflags[0]', 'a NUL character') },
  { name: 'NUL in a profile', body: "export default defineBuild({\n  project: { name: 'app' },\n  profiles: { development: { ldflags: ['\\0'] } }, // <-\n  targets: [],\n});\n", message: unwritable('profiles.development.ldflags[0]', 'a NUL character') },
  { name: 'newline in an action argument', again: true, body: targets("action('gen', { command: ['sh', '-c', 'echo a\\nb > \"$1\"', 'sh', '{out}'], outputs: ['x.h'] })"), message: unwritable('targets[0].command[2]', 'a newline') },
  { name: 'carriage return in an action argument', body: targets("action('gen', { command: ['touch', '{out}\\r'], outputs: ['x.h'] })"), message: unwritable('targets[0].command[1]', 'a carriage return') },
  { name: 'newline in an action description', body: targets("action('gen', { command: ['touch', '{out}'], outputs: ['x.h'], description: 'a\\nb' })"), message: unwritable('targets[0].description', 'a newline') },
  { name: 'newline in cflags', body: app("cflags: ['-DX=a\\nb']"), message: unwritable('targets[0].cflags[0]', 'a newline') },
  { name: 'newline in a define name', body: app("defines: { 'A\\nB': 1 }"), message: /targets\[0\]\.defines\["A\\nB"\]: the key "A\\nB" contains a newline/ },
  // Outputs that name a directory.
  { name: 'empty output', body: app("output: ''"), message: /targets\[0\]\.output: an output must be a file name/ },
  { name: '"." output', body: app("output: '.'"), message: /targets\[0\]\.output: an output must be a file name/ },
  { name: '".." output', again: true, body: app("output: '..'"), message: /targets\[0\]\.output: an output must be a file name/ },
  { name: 'empty action output', body: targets("action('gen', { command: ['touch', '{out}'], outputs: [''] })"), message: /targets\[0\]\.outputs\[0\]: an output must name a file under out\/<profile>\/gen\// },
  { name: '"." action output', body: targets("action('gen', { command: ['touch', '{out}'], outputs: ['.'] })"), message: /targets\[0\]\.outputs\[0\]: an output must name a file/ },
  { name: '"./" action output', body: targets("action('gen', { command: ['touch', '{out}'], outputs: ['x.h', './'] })"), message: /targets\[0\]\.outputs\[1\]: an output must name a file/ },
  // Make: names and paths it cannot express.
  { name: 'make: a target named a;b', again: true, backend: 'make', body: targets("action('a;b', { command: ['touch', '{out}'], outputs: ['x.h'] })"), message: /target "a;b": the name "a;b" contains ";", which GNU make cannot express/ },
  { name: 'make: a target named a:b', backend: 'make', body: targets("executable('a:b', { sources: ['main.c'] })"), message: /target "a:b": the name "a:b" contains ":", which GNU make cannot express|target "a:b": path ".*" contains ":"/ },
  { name: 'make: a target named app&', backend: 'make', body: targets("executable('app&', { sources: ['main.c'] })"), message: /target "app&": path "out\/development\/bin\/app&" contains "&"/ },
  { name: 'make: an action output with &', backend: 'make', body: targets("action('gen', { command: ['touch', '{out}'], outputs: ['x&y.h'] })"), message: /target "gen": path "out\/development\/gen\/x&y\.h" contains "&", which GNU make cannot express/ },
  { name: 'make: a source with &', again: true, backend: 'make', files: { 'r&d.c': 'int rd(void) { return 0; }\n' }, body: targets("executable('app', { sources: ['main.c', 'r&d.c'] })"), message: /target "app": path "r&d\.c" contains "&", which GNU make cannot express/ },
];

interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** The CLI, killed if it has not ended after two minutes: a hang fails on its signal instead of stalling the suite. */
function generate(dir: string, c: Case): Outcome {
  const r = spawnSync(process.execPath, [cli, ...(c.backend === 'make' ? ['--backend=make'] : [])], { cwd: dir, encoding: 'utf8', env: { ...baseEnv, ...c.env }, timeout: 120_000, killSignal: 'SIGKILL' });
  return { code: r.status, signal: r.signal, stderr: r.stderr };
}

const buildFiles = ['build.ninja', 'Makefile', 'compile_commands.json'];

function checkRefused(t: Test, r: Outcome, c: Case, line: number | undefined): void {
  t.equal(r.signal, null, 'ended by itself');
  t.equal(r.code, 1, 'exit code 1');
  t.match(r.stderr, c.message, 'the message');
  t.match(r.stderr, line === undefined ? /^build\.pogo\.ts[:\s]/m : new RegExp(`^build\\.pogo\\.ts:${line}[:\\s]`, 'm'), line === undefined ? 'at build.pogo.ts' : `at build.pogo.ts:${line}`);
  t.notMatch(r.stderr, /^\s+at /m, 'no stack trace');
  t.notMatch(r.stderr, /\.pogogen\/load\/|\.mjs/, 'nothing points into the bundle');
  t.notMatch(r.stderr, /internal error/, 'no internal error');
}

for (const c of cases) {
  t.test(c.name, async (t) => {
    const body = `${imports}${c.body}`;
    const marked = body.split('\n').findIndex((l) => l.includes('// <-'));
    const line = marked < 0 ? undefined : marked + 1;
    const dir = project({ 'main.c': 'int main(void) { return 0; }\n', ...c.files, 'build.pogo.ts': body });
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

    checkRefused(t, generate(dir, c), c, line);
    for (const f of buildFiles) t.notOk(fs.existsSync(path.join(dir, f)), `${f} not written`);

    if (c.again !== true) return;
    // Over a good generation: the same refusal, and the files it wrote stay byte for byte, untouched.
    fs.writeFileSync(path.join(dir, 'build.pogo.ts'), `${imports}${good}`);
    const ok = generate(dir, c);
    t.equal(ok.code, 0, `the good description generates: ${ok.stderr}`);
    const before = new Map(buildFiles.filter((f) => fs.existsSync(path.join(dir, f))).map((f) => [f, { bytes: fs.readFileSync(path.join(dir, f)), mtimeMs: fs.statSync(path.join(dir, f)).mtimeMs }]));
    t.ok(before.has(c.backend === 'make' ? 'Makefile' : 'build.ninja'), 'a build file to keep');
    fs.writeFileSync(path.join(dir, 'build.pogo.ts'), body);
    checkRefused(t, generate(dir, c), c, line);
    for (const f of buildFiles) {
      const was = before.get(f);
      if (was === undefined) t.notOk(fs.existsSync(path.join(dir, f)), `${f} not written`);
      else {
        t.ok(fs.readFileSync(path.join(dir, f)).equals(was.bytes), `${f} byte-identical`);
        t.equal(fs.statSync(path.join(dir, f)).mtimeMs, was.mtimeMs, `${f} not rewritten`);
      }
    }
  });
}

t.test('a description that leaves a timer running still ends once generated', async (t) => {
  const dir = project({ 'main.c': 'int main(void) { return 0; }\n', 'build.pogo.ts': `${imports}setInterval(() => {}, 1000);\n${good}` });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = generate(dir, { name: 'interval', body: '', message: /./ });
  t.equal(r.signal, null, 'ended by itself');
  t.equal(r.code, 0, r.stderr);
  t.ok(fs.existsSync(path.join(dir, 'build.ninja')));
});

t.test('a top-level await that settles is fine', async (t) => {
  const dir = project({ 'main.c': 'int main(void) { return 0; }\n', 'build.pogo.ts': `${imports}const name = await new Promise<string>((done) => setTimeout(() => done('app'), 10));\nexport default defineBuild({ project: { name }, targets: [executable(name, { sources: ['main.c'] })] });\n` });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = generate(dir, { name: 'tla', body: '', message: /./ });
  t.equal(r.code, 0, r.stderr);
});

t.test('POGOGEN_LOAD_TIMEOUT must be a number of seconds', async (t) => {
  const dir = project({ 'main.c': 'int main(void) { return 0; }\n', 'build.pogo.ts': `${imports}${good}` });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const bad of ['soon', '0', '-1']) {
    const r = generate(dir, { name: 'env', body: '', message: /./, env: { POGOGEN_LOAD_TIMEOUT: bad } });
    t.equal(r.code, 1);
    t.match(r.stderr, new RegExp(`<environment>: error: POGOGEN_LOAD_TIMEOUT: expected a number of seconds greater than 0, got "${bad}"`));
    t.notOk(fs.existsSync(path.join(dir, 'build.ninja')));
  }
});

t.comment(`${cases.length} hostile descriptions`);
