// A complete build tree without running the build: writes every output of the edges a plain `ninja` would run,
// and the .ninja_log (v5) and .ninja_deps (v4) of ninja 1.11 that a build with the fake compiler would leave,
// so the no-op that follows does exactly what it does after a real build (load, stat everything, compare).
// Needed at large scale on machines where creating a process costs milliseconds: a 50,000-edge fake build would
// then take longer than the whole benchmark. ninja itself supplies the edges (-t compdb, -t commands, -t targets);
// the caller checks the result with `ninja -n` and falls back to a real build when it is not a no-op.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ninjaJson = (dir, args) => execFileSync('ninja', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });

/** `rule NAME` blocks of every .ninja file under dir: name -> { deps, depfile, rspfile }. */
function rules(files) {
  const out = new Map();
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/^rule (\S+)\n((?:[ \t]+.*\n?)*)/gm)) {
      const get = (k) => new RegExp(`^[ \\t]+${k} = (.*)$`, 'm').exec(m[2])?.[1]?.trim();
      out.set(m[1], { deps: get('deps'), depfile: get('depfile'), rspfile: get('rspfile') });
    }
  }
  return out;
}

/** POSIX-shell words of a command line (enough for compiler command lines: quotes and backslashes). */
function words(cmd) {
  const out = [];
  let cur = '';
  let any = false;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i];
    if (c === "'") {
      const j = cmd.indexOf("'", i + 1);
      cur += cmd.slice(i + 1, j);
      i = j;
      any = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < cmd.length && cmd[j] !== '"'; j++) {
        if (cmd[j] === '\\' && j + 1 < cmd.length) j++;
        cur += cmd[j];
      }
      i = j;
      any = true;
    } else if (c === '\\' && i + 1 < cmd.length) {
      cur += cmd[++i];
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (cur !== '' || any) out.push(cur);
      cur = '';
      any = false;
    } else cur += c;
  }
  if (cur !== '' || any) out.push(cur);
  return out;
}

/** ninja's CanonicalizePath: drop "." components and fold "x/.." (never past a leading ".."). */
function canonical(p) {
  const abs = p.startsWith('/');
  const parts = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(c);
  }
  return (abs ? '/' : '') + parts.join('/');
}

/** The depfile inputs gcc -MMD would list for a compile command run in `dir` (source, then headers found). */
function makeScanner(dir) {
  const includes = new Map(); // file (as spelled) -> [[kind, name]]
  const exists = new Map();
  const isFile = (p) => {
    let e = exists.get(p);
    if (e === undefined) {
      try {
        e = fs.statSync(path.resolve(dir, p)).isFile();
      } catch {
        e = false;
      }
      exists.set(p, e);
    }
    return e;
  };
  const incs = (file) => {
    let l = includes.get(file);
    if (l === undefined) {
      l = [];
      let text = '';
      try {
        text = fs.readFileSync(path.resolve(dir, file), 'utf8');
      } catch {
        // unreadable: no includes
      }
      for (const m of text.matchAll(/^[ \t]*#[ \t]*include[ \t]*([<"])([^>"]+)[>"]/gm)) l.push([m[1], m[2]]);
      includes.set(file, l);
    }
    return l;
  };
  const join = (d, n) => (d === '' ? n : `${d}/${n}`);
  return (command) => {
    const w = words(command);
    const quote = [];
    const inc = [];
    const sys = [];
    let src;
    for (let i = 1; i < w.length; i++) {
      const a = w[i];
      const val = (opt) => (a === opt ? w[++i] : a.startsWith(opt) ? a.slice(opt.length) : undefined);
      let v;
      if ((v = val('-iquote')) !== undefined) quote.push(v);
      else if ((v = val('-isystem')) !== undefined) sys.push(v);
      else if ((v = val('-I')) !== undefined) inc.push(v);
      else if (['-o', '-MF', '-MT', '-MQ', '-x', '-include', '-D', '-U'].includes(a)) i++;
      else if (!a.startsWith('-') && a.endsWith('.c')) src = a;
    }
    if (src === undefined) return undefined;
    const found = [];
    const seen = new Set();
    const visit = (file) => {
      const cur = path.posix.dirname(file) === '.' && !file.startsWith('./') ? '' : path.posix.dirname(file);
      for (const [kind, name] of incs(file)) {
        const dirs = kind === '"' ? [cur, ...quote, ...inc, ...sys] : [...inc, ...sys];
        const hit = dirs.map((d) => join(d, name)).find(isFile);
        if (hit === undefined || seen.has(hit)) continue;
        seen.add(hit);
        found.push(hit);
        visit(hit);
      }
    };
    visit(src);
    return [src, ...found].map(canonical);
  };
}

/** Appends a ninja 1.11 build-log hash (MurmurHash64A, seed 0xDECAFBADDECAFBAD) for each string. */
function murmur64a(strings) {
  const M = 0xc6a4a7935bd1e995n;
  const MASK = (1n << 64n) - 1n;
  const out = [];
  for (const s of strings) {
    const buf = Buffer.from(s, 'utf8');
    let len = buf.length;
    let h = (0xdecafbaddecafbadn ^ ((BigInt(len) * M) & MASK)) & MASK;
    let off = 0;
    while (len >= 8) {
      let k = buf.readBigUInt64LE(off);
      k = (k * M) & MASK;
      k ^= k >> 47n;
      k = (k * M) & MASK;
      h ^= k;
      h = (h * M) & MASK;
      off += 8;
      len -= 8;
    }
    if (len > 0) {
      for (let i = len - 1; i >= 0; i--) h ^= BigInt(buf[off + i]) << BigInt(8 * i);
      h = (h * M) & MASK;
    }
    h ^= h >> 47n;
    h = (h * M) & MASK;
    h ^= h >> 47n;
    out.push(h.toString(16));
  }
  return out;
}

/**
 * Primes the build tree of the ninja manifest in `dir` (ninja runs there). Returns { edges, outputs } or throws
 * with the reason it cannot (rsp files, depfiles without `deps`, several outputs per edge, another ninja).
 */
export function prime(dir, { objectText = 'FAKEOBJ\n' } = {}) {
  const version = execFileSync('ninja', ['--version'], { encoding: 'utf8' }).trim();
  if (!/^1\.(9|10|11)\./.test(version)) throw new Error(`ninja ${version}: only the log formats of ninja 1.9–1.11 are written here`);
  const manifests = [...fs.readdirSync(dir, { recursive: true })].filter((f) => String(f).endsWith('.ninja')).map((f) => path.join(dir, String(f)));
  const ruleOf = new Map();
  for (const line of ninjaJson(dir, ['-t', 'targets', 'all']).split('\n')) {
    const i = line.lastIndexOf(': ');
    if (i > 0) ruleOf.set(line.slice(0, i), line.slice(i + 2));
  }
  const compdb = JSON.parse(ninjaJson(dir, ['-t', 'compdb']));
  const ruleTable = rules(manifests);
  // In the order of -t commands (dependencies first), so outputs written one after another are never older
  // than their inputs.
  const order = new Map();
  ninjaJson(dir, ['-t', 'commands'])
    .split('\n')
    .forEach((c, i) => {
      if (c !== '' && !order.has(c)) order.set(c, i);
    });
  const edges = compdb.filter((e) => order.has(e.command)).sort((a, b) => order.get(a.command) - order.get(b.command));
  if (edges.length === 0) throw new Error('no edges to prime');
  const primaries = new Set(edges.map((e) => e.output));
  const scan = makeScanner(dir);

  // Outputs first, in build order: each is at least as new as what it is made from.
  const made = new Set();
  for (const e of edges) {
    const rule = ruleTable.get(ruleOf.get(e.output));
    if (rule === undefined) throw new Error(`no rule found for ${e.output}`);
    if (rule.rspfile !== undefined) throw new Error(`rule ${ruleOf.get(e.output)} uses a response file`);
    if (rule.depfile !== undefined && rule.deps === undefined) throw new Error(`rule ${ruleOf.get(e.output)} has a depfile without deps`);
    const out = path.resolve(dir, e.output);
    if (!made.has(path.dirname(out))) {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      made.add(path.dirname(out));
    }
    fs.writeFileSync(out, out.endsWith('.a') ? '!<arch>\nFAKEAR\n' : out.endsWith('.o') ? objectText : 'FAKEEXE\n');
  }
  // Outputs of needed edges that are not first outputs (compdb shows only those) would stay dirty: refuse.
  const stray = [...ruleOf].filter(([o, r]) => r !== 'phony' && !primaries.has(o) && ruleTable.get(r)?.deps !== undefined);
  if (stray.length > 0) throw new Error(`outputs not covered: ${stray.slice(0, 3).map(([o]) => o).join(', ')}`);

  const builddir = /^builddir = (.*)$/m.exec(fs.readFileSync(path.join(dir, 'build.ninja'), 'utf8'))?.[1]?.trim() ?? '.';
  const logDir = path.resolve(dir, builddir);
  fs.mkdirSync(logDir, { recursive: true });

  // .ninja_log v5: start, end, mtime (ns), output, command hash.
  const hashes = murmur64a(edges.map((e) => e.command));
  const log = ['# ninja log v5\n'];
  const deps = [Buffer.from('# ninjadeps\n'), Buffer.from([4, 0, 0, 0])];
  const ids = new Map();
  const id = (p) => {
    let i = ids.get(p);
    if (i === undefined) {
      i = ids.size;
      ids.set(p, i);
      const bytes = Buffer.from(p, 'utf8');
      const pad = (4 - (bytes.length % 4)) % 4;
      const rec = Buffer.alloc(4 + bytes.length + pad + 4);
      rec.writeUInt32LE(bytes.length + pad + 4, 0);
      bytes.copy(rec, 4);
      rec.writeUInt32LE(~i >>> 0, 4 + bytes.length + pad);
      deps.push(rec);
    }
    return i;
  };
  edges.forEach((e, k) => {
    const mtime = fs.statSync(path.resolve(dir, e.output), { bigint: true }).mtimeNs;
    log.push(`0\t1\t${mtime}\t${e.output}\t${hashes[k]}\n`);
    const rule = ruleTable.get(ruleOf.get(e.output));
    if (rule.deps !== 'gcc') {
      if (rule.deps !== undefined) throw new Error(`deps = ${rule.deps} is not handled`);
      return;
    }
    const ins = scan(e.command);
    if (ins === undefined) throw new Error(`no source in ${e.command}`);
    const outId = id(e.output);
    const inIds = ins.map(id);
    const rec = Buffer.alloc(4 + 12 + 4 * inIds.length);
    rec.writeUInt32LE(((12 + 4 * inIds.length) | 0x80000000) >>> 0, 0);
    rec.writeInt32LE(outId, 4);
    rec.writeUInt32LE(Number(mtime & 0xffffffffn), 8);
    rec.writeUInt32LE(Number(mtime >> 32n), 12);
    inIds.forEach((x, j) => rec.writeInt32LE(x, 16 + 4 * j));
    deps.push(rec);
  });
  fs.writeFileSync(path.join(logDir, '.ninja_log'), log.join(''));
  fs.writeFileSync(path.join(logDir, '.ninja_deps'), Buffer.concat(deps));
  return { edges: edges.length };
}

/** Edges `ninja -n` would run (0: a true no-op). */
export function dryRun(dir, env) {
  const r = spawnSync('ninja', ['-C', dir, '-n'], { encoding: 'utf8', env, maxBuffer: 1 << 30 });
  if (/no work to do/.test(r.stdout)) return { edges: 0, why: '' };
  const m = [...r.stdout.matchAll(/^\[(\d+)\/(\d+)\]/gm)];
  const explain = spawnSync('ninja', ['-C', dir, '-n', '-d', 'explain'], { encoding: 'utf8', env, maxBuffer: 1 << 30 });
  return { edges: m.length === 0 ? -1 : Number(m[m.length - 1][2]), why: explain.stderr.split('\n').slice(0, 5).join('\n') };
}
