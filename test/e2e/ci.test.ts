// pogogen ci: the GitHub workflow and the GitLab pipeline it writes are valid against the published JSON schemas
// (test/data/ci-schemas, see its README), cache what they should under the keys they should, and the GitHub
// workflow's run steps are real commands: run in order in a copy of the project with a fake home for the caches,
// they build every profile, run the tests and leave every artifact the upload step names.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { bin, pogogen, project, repo } from '../helpers.ts';
import { archive } from './served.ts';

const schemaDir = path.join(repo, 'test', 'data', 'ci-schemas');
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators = {
  github: ajv.compile(JSON.parse(fs.readFileSync(path.join(schemaDir, 'github-workflow.json'), 'utf8')) as object),
  gitlab: ajv.compile(JSON.parse(fs.readFileSync(path.join(schemaDir, 'gitlab-ci.json'), 'utf8')) as object),
};
const problems = (service: 'github' | 'gitlab', doc: unknown): string => (validators[service](doc) ? '' : ajv.errorsText(validators[service].errors, { separator: '\n' }));

const adder = {
  'adder.h': 'int adder_add(int a, int b);\n',
  'adder.c': '#include "adder.h"\nint adder_add(int a, int b) { return a + b; }\n',
  Makefile: 'CC ?= cc\nall: libadder.a\nlibadder.a: adder.o\n\tar rcs $@ adder.o\nadder.o: adder.c adder.h\n\t$(CC) $(CFLAGS) -c adder.c -o adder.o\ninstall: libadder.a\n\tmkdir -p $(PREFIX)/lib $(PREFIX)/include\n\tcp libadder.a $(PREFIX)/lib/ && cp adder.h $(PREFIX)/include/\n',
};

const description = (url: string, sha256: string): string => `
import { defineBuild, dependency, executable, recipe, test } from 'pogogen';
const adder = recipe({ name: 'adder', version: '1.0', source: { urls: ['${url}'], sha256: '${sha256}' }, build: { kind: 'make' }, provides: { staticLibs: ['adder'] } });
export default defineBuild({
  project: { name: 'ci' },
  profiles: { bench: { extends: 'production', strip: false } },
  targets: () => {
    const app = executable('app', { sources: ['main.c'], deps: ['adder'] });
    return [dependency('adder', { recipe: adder }), app, test('adds', { program: app, args: ['2', '3'] })];
  },
});
`;

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, string>;
  readonly if?: string;
}

t.test('pogogen ci', async (t) => {
  const work = project({});
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
  const pin = archive(work, 'adder-1.0', adder);
  const dir = path.join(work, 'proj');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(`file://${pin.file}`, pin.sha256));
  fs.writeFileSync(path.join(dir, 'main.c'), '#include <stdio.h>\n#include <stdlib.h>\n#include "adder.h"\nint main(int c, char **v) { if (c < 3) return 2; int s = adder_add(atoi(v[1]), atoi(v[2])); printf("%d\\n", s); return s == 5 ? 0 : 1; }\n');
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "ci", "private": true }\n');
  // The cache of the generation that writes the workflow; the workflow's own run gets another (a fake home's).
  const env = { POGOGEN_CACHE: path.join(work, 'cache') };

  const gh = pogogen(dir, ['ci', 'github'], env);
  t.equal(gh.code, 0, gh.stderr);
  t.match(gh.stdout, /wrote \.github\/workflows\/pogogen\.yml \(profiles development, production, testing, bench;/);
  const ghFile = path.join(dir, '.github', 'workflows', 'pogogen.yml');
  const ghText = fs.readFileSync(ghFile, 'utf8');
  const gl = pogogen(dir, ['ci', 'gitlab'], env);
  t.equal(gl.code, 0, gl.stderr);
  const glText = fs.readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8');

  await t.test('both files are valid against the published schemas', async (t) => {
    const workflow = parse(ghText) as Record<string, unknown>;
    t.equal(problems('github', workflow), '', 'the GitHub workflow');
    t.equal(problems('gitlab', parse(glText)), '', 'the GitLab pipeline');
    // The validators are real: a job without runs-on, a GitLab job without script are refused.
    const broken = structuredClone(workflow) as { jobs: { build: Record<string, unknown> } };
    delete broken.jobs.build['runs-on'];
    t.not(problems('github', broken), '', 'a job without runs-on is invalid');
    const glBroken = parse(glText) as { pogogen: Record<string, unknown> };
    glBroken.pogogen.artifacts = { when: 'sometimes' };
    t.not(problems('gitlab', glBroken), '', 'artifacts:when "sometimes" is invalid');
  });

  await t.test('what the workflows cache and keep', async (t) => {
    const steps = (parse(ghText) as { jobs: { build: { steps: Step[] } } }).jobs.build.steps;
    const caches = steps.filter((s) => s.uses?.startsWith('actions/cache@'));
    t.same(caches.map((s) => s.with!.path), ['~/.cache/pogogen', '~/.cache/ccache'], 'the dependency cache and ccache');
    t.match(caches[0]!.with!.key, /steps\.toolchain\.outputs\.key.*hashFiles\('pogogen\.lock'\)/, 'the dependency cache is keyed on the toolchain and pogogen.lock');
    t.match(caches[1]!.with!.key, /steps\.toolchain\.outputs\.key/, 'ccache is keyed on the toolchain');
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    t.same(upload.with!.path!.trim().split('\n'), ['out/*/testlog/', 'out/pogogen-report.html', 'out/pogogen-trace.json', 'out/pogogen-report.txt']);
    t.equal(upload.if, '${{ !cancelled() }}', 'kept when a test failed too');

    const job = (parse(glText) as { pogogen: { cache: { key: unknown; paths: string[] }[]; script: string[]; after_script: string[]; artifacts: { paths: string[]; reports: { junit: string } }; variables: Record<string, string> } }).pogogen;
    t.same(job.cache.map((c) => c.paths), [['.cache/pogogen'], ['.cache/ccache']]);
    t.same(job.cache[0]!.key, { files: ['pogogen.lock'], prefix: 'pogogen-node-22-bookworm' }, 'the GitLab dependency cache is keyed on pogogen.lock and the image (the toolchain)');
    t.same(job.variables, { POGOGEN_CACHE: '$CI_PROJECT_DIR/.cache/pogogen', CCACHE_DIR: '$CI_PROJECT_DIR/.cache/ccache' });
    t.equal(job.artifacts.reports.junit, 'out/development/testlog/results.xml');
    // Both services run the same commands: running GitHub's below covers GitLab's.
    const ghRuns = steps.filter((s) => s.run !== undefined && s.uses === undefined).map((s) => s.run!).filter((r) => !/apt-get|GITHUB_ENV/.test(r));
    t.same([...job.script, ...job.after_script], ghRuns, "GitLab's script is GitHub's run steps");
    t.ok(ghRuns.includes('npx pogogen --profile bench --frozen build'), 'the declared profile is built, with --frozen');
  });

  await t.test("the GitHub workflow's run steps run, in order, in a fresh copy of the project", async (t) => {
    const copy = path.join(work, 'checkout');
    fs.cpSync(dir, copy, { recursive: true, filter: (src) => !src.startsWith(path.join(dir, 'out')) && path.basename(src) !== 'build.ninja' && path.basename(src) !== 'compile_commands.json' });
    // What `npm install` would put there (the project would list pogogen in its devDependencies).
    fs.mkdirSync(path.join(copy, 'node_modules', '.bin'), { recursive: true });
    fs.symlinkSync(repo, path.join(copy, 'node_modules', 'pogogen'));
    fs.symlinkSync(bin, path.join(copy, 'node_modules', '.bin', 'pogogen'));
    const home = path.join(work, 'home');
    fs.mkdirSync(home);
    const githubEnv = path.join(work, 'github-env');
    const githubOutput = path.join(work, 'github-output');
    fs.writeFileSync(githubEnv, '');
    fs.writeFileSync(githubOutput, '');
    const stepEnv: Record<string, string | undefined> = { ...process.env, HOME: home, GITHUB_ENV: githubEnv, GITHUB_OUTPUT: githubOutput, CI: 'true' };
    // Tests default to no launcher; the workflow relies on pogogen finding ccache, as it does on a runner.
    delete stepEnv.POGOGEN_LAUNCHER;
    delete stepEnv.POGOGEN_CACHE;
    delete stepEnv.CCACHE_DIR;
    delete stepEnv.XDG_CACHE_HOME;
    const ran: string[] = [];
    const skipped: string[] = [];
    for (const step of (parse(ghText) as { jobs: { build: { steps: Step[] } } }).jobs.build.steps) {
      if (step.run === undefined) continue;
      t.notMatch(step.run, /\$\{\{/, `no expression in "${step.name}"`);
      // Installing packages and npm install are the runner's business (the packages are on this machine).
      if (/apt-get|npm (ci|install)/.test(step.run)) {
        skipped.push(step.name!);
        continue;
      }
      const p = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], { cwd: copy, encoding: 'utf8', env: stepEnv });
      t.equal(p.status, 0, `${step.name}: ${step.run}\n${p.stdout}${p.stderr}`);
      if (p.status !== 0) return;
      ran.push(step.name!);
      // What a step appends to $GITHUB_ENV is in the environment of the steps after it.
      for (const line of fs.readFileSync(githubEnv, 'utf8').split('\n').filter((l) => l.includes('='))) stepEnv[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
    t.same(skipped, ['Install the toolchain', 'Install pogogen']);
    t.same(ran, ['Cache directories and the toolchain key', 'Build (development)', 'Build (production)', 'Build (testing)', 'Build (bench)', 'Test', 'Build report']);
    t.match(fs.readFileSync(githubOutput, 'utf8'), /^key=\S+$/m, 'the toolchain key is set');
    t.equal(stepEnv.POGOGEN_CACHE, path.join(home, '.cache', 'pogogen'));
    t.ok(fs.readdirSync(path.join(home, '.cache', 'pogogen', 'built')).length >= 3, 'the dependency cache the workflow keeps holds the built dependency (development, production and bench, testing)');
    if (spawnSync('sh', ['-c', 'command -v ccache'], { encoding: 'utf8' }).status === 0) {
      t.ok(fs.readdirSync(path.join(home, '.cache', 'ccache')).length > 0, 'compiles went through ccache into the cached directory');
    }
    for (const p of ['development', 'production', 'testing', 'bench']) t.ok(fs.existsSync(path.join(copy, 'out', p, 'bin', 'app')), `${p} built`);
    const junit = fs.readFileSync(path.join(copy, 'out', 'development', 'testlog', 'results.xml'), 'utf8');
    t.match(junit, /<testsuites[^>]*tests="1"[^>]*failures="0"/, 'the JUnit results: one test, passed');
    t.match(fs.readFileSync(path.join(copy, 'out', 'pogogen-report.html'), 'utf8'), /<html/i, 'the build report');
    t.ok(Array.isArray((JSON.parse(fs.readFileSync(path.join(copy, 'out', 'pogogen-trace.json'), 'utf8')) as { traceEvents?: unknown }).traceEvents ?? JSON.parse(fs.readFileSync(path.join(copy, 'out', 'pogogen-trace.json'), 'utf8'))), 'the trace');
    t.match(fs.readFileSync(path.join(copy, 'out', 'pogogen-report.txt'), 'utf8'), /\S/, 'the text report');
  });

  await t.test('--check, and files pogogen did not write', async (t) => {
    t.equal(pogogen(dir, ['ci', 'github', '--check'], env).code, 0, 'up to date');
    const again = pogogen(dir, ['ci', 'github'], env);
    t.match(again.stdout, /already up to date/);
    fs.appendFileSync(ghFile, '# edited\n');
    const stale = pogogen(dir, ['ci', 'github', '--check'], env);
    t.equal(stale.code, 1);
    t.match(stale.stderr, /out of date: \.github\/workflows\/pogogen\.yml; run pogogen ci github/);
    t.equal(pogogen(dir, ['ci', 'github'], env).code, 0, 'a file pogogen wrote is rewritten');
    t.equal(fs.readFileSync(ghFile, 'utf8'), ghText);

    const own = 'stages: [test]\nmine:\n  script: [make check]\n';
    fs.writeFileSync(path.join(dir, '.gitlab-ci.yml'), own);
    const refused = pogogen(dir, ['ci', 'gitlab'], env);
    t.equal(refused.code, 1);
    t.match(refused.stderr, /^pogogen: error: \.gitlab-ci\.yml was not written by pogogen \(its first line is not pogogen's "# Written by `pogogen ci gitlab`" header\): pogogen will not overwrite it\n  help: /);
    t.notMatch(refused.stderr, /\n\s+at /, 'no stack trace');
    t.equal(fs.readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8'), own, 'the file is left alone');

    const usage = pogogen(dir, ['ci', 'jenkins'], env);
    t.equal(usage.code, 2);
    t.match(usage.stderr, /ci: unknown value "jenkins": expected github or gitlab/);
  });
});
