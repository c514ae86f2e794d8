// `pogogen pgo train|collect FILE`: running an instrumented program's training runs, and putting the profiles
// they recorded where the optimising compiles read them (only rewriting what changed, for ninja's restat).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { readManifest } from './manifests.ts';
import path from 'node:path';

interface TrainPlan {
  readonly root: string;
  readonly binary: string;
  readonly training: readonly { readonly args: readonly string[]; readonly env: Readonly<Record<string, string>> }[];
  readonly format: 'gcda' | 'profdata';
  readonly objDir: string;
  readonly rawDir: string;
  readonly profdata: string;
  readonly llvmProfdata: readonly string[];
  readonly pairs: readonly (readonly [string, string])[];
  readonly trained: string;
  readonly collected: string;
}

function removeGcda(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.gcda')) fs.rmSync(path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
  }
}

/** Runs every training; a failing training fails the step. Returns an error message or undefined. */
export function train(file: string, baseEnv: NodeJS.ProcessEnv = process.env): string | undefined {
  const p: TrainPlan = readManifest('pgo', file);
  const abs = (f: string): string => path.resolve(p.root, f);
  fs.rmSync(abs(p.trained), { force: true });
  // Counts from an earlier binary must not mix with this one's.
  if (p.format === 'gcda') removeGcda(abs(p.objDir));
  else fs.rmSync(abs(p.rawDir), { recursive: true, force: true });
  for (const [i, run] of p.training.entries()) {
    const env = { ...baseEnv, ...run.env, ...(p.format === 'profdata' ? { LLVM_PROFILE_FILE: path.join(abs(p.rawDir), `${i}-%p.profraw`) } : {}) };
    const r = spawnSync(abs(p.binary), [...run.args], { cwd: p.root, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) return `training run ${i + 1} (${[p.binary, ...run.args].join(' ')}) failed with ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').slice(-5).join('\n')}`;
  }
  if (p.format === 'profdata') {
    const raws = fs.readdirSync(abs(p.rawDir)).filter((f) => f.endsWith('.profraw')).map((f) => path.join(abs(p.rawDir), f));
    const r = spawnSync(p.llvmProfdata[0]!, [...p.llvmProfdata.slice(1), 'merge', '-o', abs(p.profdata), ...raws], { encoding: 'utf8' });
    if (r.status !== 0) return `llvm-profdata merge failed: ${r.stderr || r.error?.message}`;
  }
  fs.writeFileSync(abs(p.trained), '');
  return undefined;
}

/** Copies each .gcda to the name the optimising compile reads; touches the stamp only when one changed. */
export function collect(file: string): string | undefined {
  const p: TrainPlan = readManifest('pgo', file);
  const abs = (f: string): string => path.resolve(p.root, f);
  let changed = !fs.existsSync(abs(p.collected));
  for (const [from, to] of p.pairs) {
    const src = abs(from);
    const dst = abs(to);
    if (!fs.existsSync(src)) {
      // Code the training never loaded has no profile; the compile then optimises it without one.
      if (fs.existsSync(dst)) {
        fs.rmSync(dst);
        changed = true;
      }
      continue;
    }
    const data = fs.readFileSync(src);
    if (fs.existsSync(dst) && fs.readFileSync(dst).equals(data)) continue;
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.writeFileSync(`${dst}.tmp`, data);
    fs.renameSync(`${dst}.tmp`, dst);
    changed = true;
  }
  if (changed) fs.writeFileSync(abs(p.collected), '');
  return undefined;
}
