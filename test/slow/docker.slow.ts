// (A slow test: npm test runs it after the main suite. CI runs it in its first pass only: .ci/run sets
// POGOGEN_DOCKER_TEST=required there, where it may not skip, and =skip for the second Node.)
// The Dockerfile `pogogen docker` writes, built by a real Docker engine (dockerd started here; the base image made
// with debootstrap, as no registry is reachable; packages and npm come from the machine's own sources through the
// host network): a clean build; a rebuild after editing a .c file reuses the dependency layers and runs only the
// application's; a rebuild after changing a pin builds the dependency again; the runtime image runs the program as
// a user other than root. The times are printed, never asserted (docs/DOCKER.md has the measured ones).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { pogogenAsync as pogogen, project, repo, run } from '../helpers.ts';
import { archive, serve } from '../e2e/served.ts';
import { baseTarball, buildSteps, missingEngine, startEngine, type Engine } from './docker-engine.ts';

const mode = process.env.POGOGEN_DOCKER_TEST ?? 'auto';
const missing = missingEngine();
const skip = mode === 'skip' ? 'POGOGEN_DOCKER_TEST=skip (CI runs this test in its first pass only)' : mode !== 'required' && missing !== undefined ? `no Docker engine here: ${missing}` : false;

const adder = (version: string, body: string): Record<string, string> => ({
  'adder.h': 'int adder_add(int a, int b);\nconst char *adder_version(void);\n',
  'adder.c': `#include "adder.h"\nint adder_add(int a, int b) { return ${body}; }\nconst char *adder_version(void) { return "${version}"; }\n`,
  Makefile: 'CC ?= cc\nall: libadder.a\nlibadder.a: adder.o\n\tar rcs $@ adder.o\nadder.o: adder.c adder.h\n\t$(CC) $(CFLAGS) -c adder.c -o adder.o\ninstall: libadder.a\n\tmkdir -p $(PREFIX)/lib $(PREFIX)/include\n\tcp libadder.a $(PREFIX)/lib/ && cp adder.h $(PREFIX)/include/\n',
});

const description = (url: string, sha256: string, version: string): string => `
import { defineBuild, dependency, executable, recipe } from 'pogogen';
const adder = recipe({ name: 'adder', version: '${version}', source: { urls: ['${url}'], sha256: '${sha256}' }, build: { kind: 'make' }, provides: { staticLibs: ['adder'] } });
export default defineBuild({
  project: { name: 'dock' },
  targets: [dependency('adder', { recipe: adder }), executable('app', { sources: ['main.c'], deps: ['adder'] })],
});
`;

const mainC = (greeting: string): string => `#include <stdio.h>
#include <unistd.h>
#include "adder.h"
int main(void) { printf("${greeting} %d adder %s uid=%d\\n", adder_add(2, 3), adder_version(), (int)getuid()); return 0; }
`;

/** The message of an assertion on a command: a name when it succeeded, the end of its output when it failed. */
const said = (r: { code: number; output: string }, what: string): string => (r.code === 0 ? what : `${what}:\n${r.output.split('\n').slice(-40).join('\n')}`);

/** Runs a command without blocking this process (its HTTP server must answer the build). */
function spawnAsync(cmd: string, args: readonly string[], opts: { cwd?: string; env?: Record<string, string | undefined> }): Promise<{ code: number; output: string; seconds: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output, seconds: (performance.now() - start) / 1000 }));
  });
}

t.setTimeout(40 * 60_000);

t.test('the Dockerfile, built by a real engine', { skip }, async (t) => {
  if (missing !== undefined) {
    t.fail(`POGOGEN_DOCKER_TEST=required, but ${missing}`);
    return;
  }
  const work = project({}, 'pogogen-docker-');
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
  const started = performance.now();
  let engine: Engine;
  try {
    engine = await startEngine(fs.mkdtempSync(path.join(work, 'engine-')));
  } catch (err) {
    if (mode === 'required') throw err;
    t.plan(0, `the Docker engine cannot run here: ${(err as Error).message}`);
    return;
  }
  t.teardown(() => engine.stop());
  t.comment(`dockerd answered after ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const docker = (args: readonly string[], cwd?: string): ReturnType<typeof spawnAsync> => spawnAsync(engine.docker, args, { ...(cwd === undefined ? {} : { cwd }), env: engine.env });

  // The image the Dockerfile names, imported from the debootstrap tarball. Node reads the machine's CA bundle
  // (which apt's ca-certificates builds in the image, with the machine's extra CAs) for npm's downloads.
  const tarball = baseTarball();
  const imported = await docker(['import', '--change', 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt', tarball, 'debian:bookworm-slim']);
  t.equal(imported.code, 0, said(imported, `docker import ${tarball}`));
  t.comment(`base image imported: ${imported.seconds.toFixed(1)} s`);

  const served = path.join(work, 'served');
  fs.mkdirSync(served);
  const server = await serve(served);
  t.teardown(() => server.close());
  const v1 = archive(served, 'adder-1.0', adder('1.0', 'a + b'));
  const dir = path.join(work, 'proj');
  fs.mkdirSync(path.join(dir, 'vendor'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(`${server.base}/adder-1.0.tar.gz`, v1.sha256, '1.0'));
  fs.writeFileSync(path.join(dir, 'main.c'), mainC('hello'));
  // pogogen as the project installs it: a packed tarball that package.json names (pogogen is not on a registry
  // this machine reaches); dist/ is built by npm test before this runs.
  const packed = run('npm', ['pack', '--ignore-scripts', '--pack-destination', path.join(dir, 'vendor')], { cwd: repo });
  t.equal(packed.code, 0, packed.code === 0 ? 'npm pack' : packed.stderr);
  const tgz = fs.readdirSync(path.join(dir, 'vendor')).find((f) => f.endsWith('.tgz'))!;
  fs.writeFileSync(path.join(dir, 'package.json'), `{ "name": "dock", "private": true, "devDependencies": { "pogogen": "file:vendor/${tgz}" } }\n`);
  const env = { POGOGEN_CACHE: path.join(work, 'cache') };
  const written = await pogogen(dir, ['docker'], env);
  t.equal(written.code, 0, written.stderr);
  t.match(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), new RegExp(`COPY vendor/${tgz.replace(/\./g, '\\.')} vendor/`), 'the base stage copies the packed pogogen package.json installs');

  const build = (): ReturnType<typeof spawnAsync> => docker(['build', '--network=host', '--progress=plain', '-t', 'pogogen-dock', '.'], dir);
  const ran = (output: string): string[] => buildSteps(output).filter((s) => !s.cached && !/\] FROM /.test(s.name)).map((s) => s.name.replace(/^\[(\w+) \d+\/\d+\] /, '$1: '));
  const runImage = async (): Promise<string> => {
    const r = await docker(['run', '--rm', '--network=none', 'pogogen-dock']);
    t.equal(r.code, 0, said(r, 'docker run'));
    return r.output.trim();
  };

  const clean = await build();
  t.equal(clean.code, 0, said(clean, 'a clean build'));
  if (clean.code !== 0) return;
  t.comment(`clean build: ${clean.seconds.toFixed(1)} s`);
  t.match(clean.output, /BUILD adder 1\.0/, 'the deps stage builds the dependency');
  t.match(await runImage(), /^hello 5 adder 1\.0 uid=10001$/, 'the runtime image runs the program, as uid 10001');
  const id = await docker(['run', '--rm', '--network=none', '--entrypoint', 'id', 'pogogen-dock', '-u']);
  t.not(id.output.trim(), '0', 'the runtime user is not root');

  await t.test('a rebuild after editing a .c file runs the application layer only', async (t) => {
    fs.writeFileSync(path.join(dir, 'main.c'), mainC('hi'));
    const r = await build();
    t.equal(r.code, 0, said(r, 'the rebuild'));
    t.comment(`rebuild after a .c change: ${r.seconds.toFixed(1)} s`);
    t.same(ran(r.output), ['production: COPY . .', 'production: RUN node_modules/.bin/pogogen --profile production && node_modules/.bin/pogogen build app', 'runtime: COPY --from=production /src/out/production/bin/app /usr/local/bin/app'], 'only the source copy, the application build and the runtime copy ran');
    t.ok(buildSteps(r.output).filter((s) => s.name.startsWith('[deps ') || s.name.startsWith('[base ')).every((s) => s.cached || / FROM /.test(s.name)), 'every base and deps layer came from the cache');
    t.notMatch(r.output, /BUILD adder/, 'the dependency is not built again');
    t.match(await runImage(), /^hi 5 adder 1\.0 uid=10001$/);
  });

  await t.test('a rebuild after changing a pin builds the dependency layer again', async (t) => {
    const v2 = archive(served, 'adder-1.1', adder('1.1', 'a + b + 1'));
    fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(`${server.base}/adder-1.1.tar.gz`, v2.sha256, '1.1'));
    const again = await pogogen(dir, ['docker'], env);
    t.equal(again.code, 0, again.stderr);
    const r = await build();
    t.equal(r.code, 0, said(r, 'the rebuild'));
    t.comment(`rebuild after a pin change: ${r.seconds.toFixed(1)} s`);
    const steps = ran(r.output);
    t.ok(steps.includes('deps: COPY .pogogen/deps/build.pogo.ts .pogogen/deps/build.pogo.ts') && steps.includes('deps: COPY pogogen.lock pogogen.lock'), 'the new description and lock reach the deps stage');
    t.ok(steps.some((s) => /^deps: RUN .*--profile production build adder$/.test(s)), 'the deps stage runs again');
    t.notOk(steps.some((s) => s.startsWith('base: ')), 'the base stage is reused');
    t.match(r.output, /BUILD adder 1\.1/);
    t.match(await runImage(), /^hi 6 adder 1\.1 uid=10001$/, 'the program links the new dependency');
  });
});
