// Reading a V8 .cpuprofile (node --cpu-prof): self and inclusive time per function, each function named with the
// source file it came from (the bundles in dist/ keep esbuild's `// lib/…/x.ts` section comments).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** For a bundle file, a function from line number (0-based) to the `// lib/...` section it falls in. */
function sectionsOf(url) {
  let text;
  try {
    text = fs.readFileSync(url.startsWith('file://') ? fileURLToPath(url) : url, 'utf8');
  } catch {
    return () => undefined;
  }
  const marks = [];
  text.split('\n').forEach((l, i) => {
    const m = /^\/\/ ((?:lib|rules|third_party|node_modules)\/\S+)$/.exec(l);
    if (m) marks.push([i, m[1]]);
  });
  return (line) => {
    let lo = 0;
    let hi = marks.length - 1;
    let best;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (marks[mid][0] <= line) {
        best = marks[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  };
}

/** { totalMs, self: [{ name, where, ms }], inclusive: Map name -> ms } from a .cpuprofile file. */
export function summarize(file) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map();
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  const sections = new Map();
  const where = (cf) => {
    if (!cf.url) return '';
    if (!sections.has(cf.url)) sections.set(cf.url, sectionsOf(cf.url));
    const sec = sections.get(cf.url)(cf.lineNumber);
    const short = cf.url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules)\//, '$1/');
    return sec ?? (cf.url.startsWith('node:') ? cf.url : short);
  };
  // Keyed by position too (two functions may share a name); shown with their source file only, since line
  // numbers would be the bundle's.
  const keyOf = (n) => `${n.callFrame.functionName || '(anonymous)'}\u0000${where(n.callFrame)}\u0000${n.callFrame.url}:${n.callFrame.lineNumber}`;
  const self = new Map();
  const incl = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    total += us;
    const n = byId.get(id);
    const k = keyOf(n);
    self.set(k, (self.get(k) ?? 0) + us);
    // Inclusive: credit each distinct function on the stack once (recursion counted once).
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const kk = keyOf(byId.get(cur));
      if (seen.has(kk)) continue;
      seen.add(kk);
      incl.set(kk, (incl.get(kk) ?? 0) + us);
    }
  }
  const split = (k) => {
    const [name, loc] = k.split('\u0000');
    return { name, where: loc };
  };
  return {
    totalMs: total / 1000,
    self: [...self].sort((a, b) => b[1] - a[1]).map(([k, us]) => ({ ...split(k), ms: us / 1000 })),
    inclusive: [...incl].sort((a, b) => b[1] - a[1]).map(([k, us]) => ({ ...split(k), ms: us / 1000 })),
  };
}
