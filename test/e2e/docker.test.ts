// pogogen docker, without a Docker engine: the dependency stage copies exactly the deps-only description and the
// lock; editing a source (or a non-dependency part of build.pogo.ts) changes no line of it; and every stage's
// COPY and RUN lines, executed as a script in a clean copy of the project, succeed — the later stages restore the
// dependency from the cache the deps stage filled instead of building it.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { stage } from '../../lib/insight/docker.ts';
import { bin, pogogen, project, repo, run } from '../helpers.ts';
import { archive } from './served.ts';

const adder = {
  'adder.h': 'int adder_add(int a, int b);\n',
  'adder.c': '#include "adder.h"\nint adder_add(int a, int b) { return a + b; }\n',
  Makefile: 'CC ?= cc\nall: libadder.a\nlibadder.a: adder.o\n\tar rcs $@ adder.o\nadder.o: adder.c adder.h\n\t$(CC) $(CFLAGS) -c adder.c -o adder.o\ninstall: libadder.a\n\tmkdir -p $(PREFIX)/lib $(PREFIX)/include\n\tcp libadder.a $(PREFIX)/lib/ && cp adder.h $(PREFIX)/include/\n',
};

const description = (url: string, sha256: string, extra = ''): string => `
import { defineBuild, dependency, executable, recipe } from 'pogogen';
const adder = recipe({ name: 'adder', version: '1.0', source: { urls: ['${url}'], sha256: '${sha256}' }, build: { kind: 'make' }, provides: { staticLibs: ['adder'] } });
export default defineBuild({
  project: { name: 'dock' },
  targets: [dependency('adder', { recipe: adder }), executable('app', { sources: ['main.c'], deps: ['adder']${extra} })],
});
`;

/** Runs one stage's COPY and RUN lines in `image` (the container's /src) from `context`; returns the RUN output. */
function runStage(lines: readonly string[], image: string, context: string, env: Record<string, string>): { ok: boolean; output: string; skipped: string[] } {
  let output = '';
  const skipped: string[] = [];
  for (const line of lines) {
    const copy = /^COPY (?!--from)(\S+) (\S+)$/.exec(line);
    if (copy !== null) {
      const [, from, to] = copy as unknown as [string, string, string];
      if (from === '.') {
        // As docker does: what the .dockerignore pogogen wrote names stays out of the context (its entries are
        // plain names, directories with a trailing slash, and `.ninja_*`).
        const ignored = fs.readFileSync(path.join(context, '.dockerignore'), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.replace(/\/$/, ''));
        const skip = (rel: string): boolean => ignored.some((pat) => (pat.endsWith('*') ? rel.split('/')[0]!.startsWith(pat.slice(0, -1)) : rel === pat || rel.startsWith(`${pat}/`)));
        fs.cpSync(context, image, { recursive: true, filter: (src) => !skip(path.relative(context, src)) });
      } else {
        const dest = to.endsWith('/') || to === '.' ? path.join(image, to, path.basename(from)) : path.join(image, to);
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.cpSync(path.join(context, from), dest, { recursive: true });
      }
      continue;
    }
    const r = /^RUN (.+)$/.exec(line);
    if (r === null) continue;
    // Package installation and user creation belong to the image's root; npm ci is replaced by the link below.
    if (/apt-get|useradd|npm (ci|install)/.test(r[1]!)) {
      skipped.push(r[1]!);
      continue;
    }
    const p = spawnSync('sh', ['-c', r[1]!], { cwd: image, encoding: 'utf8', env: { ...process.env, ...env } });
    output += `$ ${r[1]}\n${p.stdout}${p.stderr}`;
    if (p.status !== 0) return { ok: false, output, skipped };
  }
  return { ok: true, output, skipped };
}

t.test('pogogen docker', async (t) => {
  const work = project({});
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
  const pin = archive(work, 'adder-1.0', adder);
  const url = `file://${pin.file}`;
  const dir = path.join(work, 'proj');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(url, pin.sha256));
  fs.writeFileSync(path.join(dir, 'main.c'), '#include <stdio.h>\n#include "adder.h"\nint main(void) { printf("%d\\n", adder_add(2, 3)); return 0; }\n');
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "dock", "private": true }\n');
  const cache = path.join(work, 'cache');
  const env = { POGOGEN_CACHE: cache };

  const g = pogogen(dir, [], env);
  t.equal(g.code, 0, g.stderr);
  const d = pogogen(dir, ['docker'], env);
  t.equal(d.code, 0, d.stderr);
  t.match(d.stdout, /wrote Dockerfile, \.dockerignore, \.pogogen\/deps\/build\.pogo\.ts \(runtime image runs app; 1 dependency in the deps stage\)/);
  const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
  t.same(text.match(/^FROM .* AS (\w+)$/gm)!.map((l) => l.split(' AS ')[1]), ['base', 'deps', 'development', 'production', 'runtime'], 'five stages');

  const deps = stage(text, 'deps');
  const copies = deps.filter((l) => l.startsWith('COPY ')).map((l) => l.split(' ')[1]);
  t.same(copies.sort(), ['.pogogen/deps/build.pogo.ts', 'pogogen.lock'], 'the dependency stage copies exactly the recipes and the lock');
  t.match(fs.readFileSync(path.join(dir, '.pogogen/deps/build.pogo.ts'), 'utf8'), new RegExp(`dependency\\("adder", \\{ recipe: recipe\\(\\{"name":"adder","version":"1.0","source":\\{"urls":\\["${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"\\]`), 'the recipe is inlined');
  t.match(stage(text, 'runtime').join('\n'), /useradd --system[^\n]*\nCOPY --from=production \/src\/out\/production\/bin\/app \/usr\/local\/bin\/app\nUSER app\n/, 'the runtime stage: the binary and a non-root user');
  t.equal(pogogen(dir, ['docker', '--check'], env).code, 0, '--check: up to date');
  t.notMatch(text, /^# syntax=/m, 'no syntax line: BuildKit would pull its frontend from a registry');
  t.match(text, /^ARG BASE=debian:bookworm-slim\n[^]*^FROM \$\{BASE\} AS base$[^]*^FROM \$\{BASE\} AS runtime$/m, 'the base image is a build argument');

  await t.test('editing sources leaves the dependency stage alone', async (t) => {
    const depsText = fs.readFileSync(path.join(dir, '.pogogen/deps/build.pogo.ts'), 'utf8');
    fs.appendFileSync(path.join(dir, 'main.c'), '/* edited */\n');
    fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(url, pin.sha256, ", defines: ['EDITED=1']"));
    t.equal(pogogen(dir, ['docker'], env).code, 0);
    t.same(stage(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), 'deps'), deps, 'no line of the deps stage changed');
    t.equal(fs.readFileSync(path.join(dir, '.pogogen/deps/build.pogo.ts'), 'utf8'), depsText, 'nor the deps-only description');
    fs.writeFileSync(path.join(dir, 'build.pogo.ts'), description(url, pin.sha256, ", defines: ['EDITED=2']"));
    t.equal(pogogen(dir, ['docker', '--check'], env).code, 0, 'still up to date after a non-dependency edit');
  });

  await t.test('each stage runs as a script in a clean copy of the project', async (t) => {
    // The "image": /src after the base stage, with pogogen where npm ci would put it.
    const image = path.join(work, 'image');
    const imageCache = path.join(work, 'image-cache');
    fs.mkdirSync(path.join(image, 'node_modules', '.bin'), { recursive: true });
    fs.symlinkSync(repo, path.join(image, 'node_modules', 'pogogen'));
    fs.symlinkSync(bin, path.join(image, 'node_modules', '.bin', 'pogogen'));
    const stageEnv = { POGOGEN_CACHE: imageCache, POGOGEN_LAUNCHER: 'none', POGOGEN_LINKER: 'default' };
    const base = runStage(stage(text, 'base'), image, dir, stageEnv);
    t.ok(base.ok, base.output);
    t.same(base.skipped.map((s) => s.split(' ').slice(0, 3).join(' ')), ['apt-get update &&', 'npm install --global', 'npm install --no-audit'], 'apt-get, Node and npm install are the image\'s business');

    const depsRun = runStage(deps, image, dir, stageEnv);
    t.ok(depsRun.ok, depsRun.output);
    t.match(depsRun.output, /BUILD adder 1\.0/, 'the deps stage builds the dependency');
    t.ok(fs.readdirSync(path.join(imageCache, 'built')).length >= 2, 'into the cache, once per profile');
    t.notOk(fs.existsSync(path.join(image, 'main.c')), 'without any source of the project');

    for (const name of ['development', 'production']) {
      const copy = path.join(work, `image-${name}`);
      fs.cpSync(image, copy, { recursive: true, verbatimSymlinks: true });
      const r = runStage(stage(text, name), copy, dir, stageEnv);
      t.ok(r.ok, r.output);
      t.match(r.output, /RESTORE adder 1\.0 \(cached\)/, `${name}: the dependency comes from the deps stage's cache`);
      t.notMatch(r.output, /CONFIGURE|BUILD adder/, `${name}: nothing of it is built again`);
      const bin = path.join(copy, 'out', name, 'bin', 'app');
      t.equal(run(bin, []).stdout, '5\n', `${name}: the program runs`);
      if (name === 'production') {
        t.notMatch(run('readelf', ['-S', bin]).stdout, /\.debug_info|\.symtab/, 'production: stripped');
        const runtime = stage(text, 'runtime').find((l) => l.startsWith('COPY --from=production'))!.split(' ')[2]!;
        t.ok(fs.existsSync(path.join(copy, runtime.replace(/^\/src\//, ''))), `the runtime stage's COPY source ${runtime} exists`);
      }
    }
  });
});

t.test('pogogen docker: packed packages, and files it did not write', async (t) => {
  const dir = project({
    'build.pogo.ts': "import { defineBuild, executable } from 'pogogen';\nexport default defineBuild({ project: { name: 'own' }, targets: [executable('app', { sources: ['main.c'] })] });\n",
    'main.c': 'int main(void) { return 0; }\n',
    'package.json': '{ "name": "own", "private": true, "devDependencies": { "pogogen": "file:vendor/pogogen-0.1.0.tgz", "other": "file:../elsewhere.tgz", "dir": "file:vendor" } }\n',
    'vendor/pogogen-0.1.0.tgz': 'not really a tarball',
  });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.equal(pogogen(dir, ['docker']).code, 0);
  const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
  t.match(stage(text, 'base').join('\n'), /COPY package\.json \.\/\nCOPY vendor\/pogogen-0\.1\.0\.tgz vendor\/pogogen-0\.1\.0\.tgz\nRUN npm install/, 'a file package.json installs from, inside the project, is copied before npm runs');
  t.notMatch(text, /elsewhere|COPY vendor vendor/, 'a path outside the project or a directory is not');

  // A Dockerfile of pogogen 0.1 began with a syntax line: still pogogen's.
  fs.writeFileSync(path.join(dir, 'Dockerfile'), `# syntax=docker/dockerfile:1\n${text}`);
  t.equal(pogogen(dir, ['docker']).code, 0, 'an older Dockerfile of pogogen\'s is rewritten');
  t.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), text);
  const own = 'FROM scratch\nCOPY app /app\n';
  fs.writeFileSync(path.join(dir, 'Dockerfile'), own);
  const r = pogogen(dir, ['docker']);
  t.equal(r.code, 1);
  t.match(r.stderr, /^pogogen: error: Dockerfile was not written by pogogen \(no "Written by `pogogen docker`" first line\): pogogen will not overwrite it\n  help: /);
  t.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), own, 'a hand-written Dockerfile is left alone');
});
