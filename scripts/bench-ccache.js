// Benchmark (not a test): a clean build without a compiler launcher, with a cold ccache and with a warm ccache
// (after `rm -rf out`), on the synthetic project (real gcc) and on the demo; medians of 3, ccache's own hit
// counts, ratios against the launcher-less build. Writes docs/CCACHE-BENCHMARK.md. Usage: node scripts/bench-ccache.js
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedOutput, writeProject } from './bench/project.js';

const repo = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(repo, 'dist', 'cli.js');
const runs = 3;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pogogen-bench-ccache-'));
const ninja = spawnSync('sh', ['-c', 'command -v ninja'], { encoding: 'utf8' }).stdout.trim() || 'ninja';

const sh = (argv, opts) => {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
};
const seconds = (fn) => {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stat = (out, key) => Number(new RegExp(`^${key}\\t(\\d+)`, 'm').exec(out)?.[1] ?? 0);

if (spawnSync('ccache', ['--version']).status !== 0) {
  console.error('ccache is not installed (Debian package ccache)');
  process.exit(1);
}

function measure(label, proj, check) {
  const cacheDir = path.join(work, `ccache-${label}`);
  const env = (launcher) => ({ ...process.env, CCACHE_DIR: cacheDir, POGOGEN_LAUNCHER: launcher, POGOGEN_LINKER: 'default' });
  const build = (launcher) => {
    fs.rmSync(path.join(proj, 'out'), { recursive: true, force: true });
    fs.rmSync(path.join(proj, 'build.ninja'), { force: true });
    return seconds(() => {
      sh([process.execPath, cli], { cwd: proj, env: env(launcher) });
      sh([ninja], { cwd: proj, env: env(launcher) });
    });
  };
  const none = [];
  const cold = [];
  const warm = [];
  let hits = 0;
  let misses = 0;
  for (let i = 0; i < runs; i++) {
    none.push(build('none'));
    fs.rmSync(cacheDir, { recursive: true, force: true });
    cold.push(build('ccache'));
    sh(['ccache', '--zero-stats'], { env: env('ccache') });
    warm.push(build('ccache'));
    const s = sh(['ccache', '--print-stats'], { env: env('ccache') });
    hits = stat(s, 'direct_cache_hit') + stat(s, 'preprocessed_cache_hit');
    misses = stat(s, 'cache_miss');
    check();
    console.log(`  ${label} run ${i + 1}: none ${none[i].toFixed(2)} s, cold ${cold[i].toFixed(2)} s, warm ${warm[i].toFixed(2)} s (${hits} hits, ${misses} misses)`);
  }
  return { label, none: median(none), cold: median(cold), warm: median(warm), hits, misses };
}

// 1. The synthetic project at 200 sources (4 libraries × 50), real gcc.
const synth = path.join(work, 'synthetic');
writeProject(synth, 4, 50);
const results = [];
console.log('synthetic project, 200 sources');
results.push(measure('synthetic, 200 sources', synth, () => {
  const exe = fs.readdirSync(path.join(synth, 'out/development/bin'))[0];
  const out = sh([path.join(synth, 'out/development/bin', exe)], {}).trim();
  if (out !== expectedOutput(4, 50)) throw new Error(`the synthetic program printed ${out}`);
}));

// 2. The demo (its optional dependencies from the system when present).
const demo = path.join(work, 'demo');
fs.cpSync(path.join(repo, 'examples'), path.join(demo, 'examples'), { recursive: true });
fs.copyFileSync(path.join(repo, 'build.pogo.ts'), path.join(demo, 'build.pogo.ts'));
console.log('the demo');
results.push(measure('demo', demo, () => sh([path.join(demo, 'out/development/bin/demo'), '--version'], {})));

const ccacheVersion = sh(['ccache', '--version'], {}).split('\n')[0];
const gcc = sh(['gcc', '--version'], {}).split('\n')[0];
const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
const rows = results.map((r) => `| ${r.label} | ${r.none.toFixed(2)} s | ${r.cold.toFixed(2)} s (${(r.cold / r.none).toFixed(2)}×) | ${r.warm.toFixed(2)} s (${(r.warm / r.none).toFixed(2)}×) | ${r.hits} hits, ${r.misses} misses |`);
const doc = `# ccache benchmark

Written by \`npm run bench:ccache\` (\`node scripts/bench-ccache.js\`) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC:
${os.availableParallelism()} cores, ${process.version}, ${gcc}, ${ccacheVersion}; load average at the end ${load}.

Each row: \`rm -rf out\`, \`pogogen\` and \`ninja\` in the development profile, medians of ${runs}. "cold" starts from an
empty \`CCACHE_DIR\`; "warm" is the next clean build with the cache the cold one filled (counts: ccache's stats of
the warm build alone). Ratios are against the build without a launcher (\`POGOGEN_LAUNCHER=none\`).

| project | no launcher | ccache, cold | ccache, warm | warm build's cache |
|---|---:|---:|---:|---|
${rows.join('\n')}

The cold build pays ccache's hashing and storing on top of every compile; the warm one replaces each compile with
a cache lookup, so what is left is ninja, archiving and linking (with AddressSanitizer in this profile).
`;
fs.writeFileSync(path.join(repo, 'docs', 'CCACHE-BENCHMARK.md'), doc);
console.log(`\n${rows.join('\n')}\n\nwrote docs/CCACHE-BENCHMARK.md`);
fs.rmSync(work, { recursive: true, force: true });
