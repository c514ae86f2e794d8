// Running one phase of a dependency build (`pogogen dep-step <phase> <plan.json>`): the commands each build kind
// needs (built in commands.ts), the job budget handed to nested builds, logs per phase, and a stamp only after success.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DependencyBuildPlan } from '../plan/deps.ts';
import { discardEntry, keepUnchangedTimes, restoreEntry, storeEntry, verifyEntry } from './built.ts';
import { buildEnv, phaseWork, serial, type Command, type JobArgs } from './commands.ts';
import { messageOf } from './errors.ts';
import { extractArchive } from './extract.ts';
import { copyLocalTree } from './local.ts';

export class StepError extends Error {
  override name = 'StepError';
}

export type Phase = 'extract' | 'configure' | 'headers' | 'build' | 'install' | 'restore';

/** The stamp a phase writes when it succeeded. */
export function stampOf(plan: DependencyBuildPlan, phase: Phase): string {
  if (phase === 'headers') return `${plan.prefix}.headers.stamp`;
  return phase === 'install' || phase === 'restore' ? `${plan.prefix}.stamp` : path.join(plan.logDir, `${phase}.stamp`);
}

/**
 * The job-budget arguments and extra fds for a nested make. Under a fifo jobserver (`pogogen build`), the fifo is
 * opened and handed to make 4.3 as the pipe-style descriptors it understands; under a parent make's pipe
 * jobserver, its descriptors pass through; otherwise a fixed -j.
 */
export function jobserver(plan: DependencyBuildPlan, env: NodeJS.ProcessEnv): { args: string[]; env: Record<string, string>; fds: number[] } {
  const flags = env.MAKEFLAGS ?? '';
  const fifo = /--jobserver-auth=fifo:(\S+)/.exec(flags);
  if (fifo !== null) {
    const fd = fs.openSync(fifo[1]!, 'r+');
    // No -j argument: a -jN on make's command line would turn its jobserver off.
    return { args: [], env: { MAKEFLAGS: `-j${plan.jobs} --jobserver-auth=3,4` }, fds: [fd, fd] };
  }
  const pipe = /--jobserver-(?:auth|fds)=(\d+),(\d+)/.exec(flags);
  if (pipe !== null) {
    const r = Number(pipe[1]);
    const w = Number(pipe[2]);
    try {
      fs.fstatSync(r);
      fs.fstatSync(w);
      return { args: [], env: { MAKEFLAGS: flags.replace(/--jobserver-(?:auth|fds)=\d+,\d+/, '--jobserver-auth=3,4') }, fds: [r, w] };
    } catch {
      // descriptors not inherited (recipe without '+'): fall back to a fixed -j
    }
  }
  return { args: [`-j${plan.jobs}`], env: { MAKEFLAGS: '' }, fds: [] };
}

function run(plan: DependencyBuildPlan, phase: Phase, c: Command, env: NodeJS.ProcessEnv): void {
  const log = path.join(plan.logDir, `${phase}.log`);
  fs.appendFileSync(log, `$ (cd ${c.cwd} && ${c.argv.join(' ')})\n`);
  const out = fs.openSync(log, 'a');
  try {
    const r = spawnSync(c.argv[0]!, c.argv.slice(1), {
      cwd: c.cwd,
      stdio: ['ignore', out, out, ...(c.fds ?? [])],
      env: buildEnv(plan, env, c.env),
    });
    if (r.error !== undefined) throw new StepError(`${plan.name}: could not run ${c.argv[0]}: ${r.error.message}`);
    if (r.status !== 0) {
      const tail = fs.readFileSync(log, 'utf8').split('\n').slice(-30).join('\n');
      throw new StepError(`${plan.name}: ${phase} failed (${c.argv.join(' ')} exited ${r.status ?? r.signal}); last lines of ${log}:\n${tail}`);
    }
  } finally {
    fs.closeSync(out);
  }
}

/** Writes a phase's files, then runs its commands in order. */
function work(plan: DependencyBuildPlan, phase: 'configure' | 'headers' | 'build' | 'install', jobs: JobArgs, env: NodeJS.ProcessEnv): void {
  const w = phaseWork(plan, phase, jobs);
  for (const [file, text] of w.files) fs.writeFileSync(file, text);
  for (const c of w.commands) run(plan, phase, c, env);
}

export async function runPhase(phase: Phase, plan: DependencyBuildPlan, env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = () => {}): Promise<void> {
  fs.mkdirSync(plan.logDir, { recursive: true });
  const stamp = stampOf(plan, phase);
  fs.rmSync(stamp, { force: true });
  fs.writeFileSync(path.join(plan.logDir, `${phase}.log`), '');
  switch (phase) {
    case 'restore': {
      const entry = plan.cacheEntry;
      if (!verifyEntry(entry)) {
        // Never used, and not left for the next generation to plan a restore from again: it then builds instead.
        discardEntry(entry);
        throw new StepError(`${plan.name}: the cached build ${entry} is missing or corrupt (a file no longer has the hash its manifest recorded), so it was not used and has been removed; run pogogen again to rebuild it`);
      }
      restoreEntry(entry, plan.prefix);
      if (plan.headers !== undefined) fs.writeFileSync(stampOf(plan, 'headers'), `${plan.key}\n`);
      break;
    }
    case 'headers': {
      const h = plan.headers;
      if (h === undefined) throw new StepError(`${plan.name}: the recipe stages no headers`);
      work(plan, phase, jobserver(plan, env), env);
      const staged = stageHeaders(plan);
      fs.writeFileSync(path.join(plan.logDir, 'headers.list'), `${staged.join('\n')}\n`);
      break;
    }
    case 'extract': {
      if (plan.localSource !== undefined) {
        await copyLocal(plan);
        break;
      }
      if (plan.archive === undefined) throw new StepError(`${plan.name}: no archive to extract`);
      fs.rmSync(plan.sourceDir, { recursive: true, force: true });
      fs.rmSync(plan.buildDir, { recursive: true, force: true });
      const r = await extractArchive(plan.archive, plan.sourceDir, { stripComponents: plan.strip });
      if (plan.treeSha256 !== undefined && r.treeHash !== plan.treeSha256) {
        throw new StepError(`${plan.name}: extracted tree hash ${r.treeHash} does not match the pinned treeSha256 ${plan.treeSha256}`);
      }
      break;
    }
    case 'configure': {
      fs.mkdirSync(plan.buildDir, { recursive: true });
      work(plan, phase, serial, env);
      break;
    }
    case 'build': {
      // meson compile takes its own -j; make and cmake --build share the budget (only they open the jobserver).
      work(plan, phase, plan.build.kind === 'meson' ? serial : jobserver(plan, env), env);
      break;
    }
    case 'install': {
      // Files already in the prefix (staged headers, a previous install) keep their mtimes when the install
      // writes them again unchanged: objects compiled against staged headers are not rebuilt next time.
      const keepTimes = keepUnchangedTimes(plan.prefix);
      fs.rmSync(plan.prefix, { recursive: true, force: true });
      work(plan, phase, serial, env);
      const missing = plan.expect.filter((f) => !fs.existsSync(path.join(plan.prefix, f)));
      if (missing.length > 0) throw new StepError(`${plan.name}: the install did not produce ${missing.join(', ')} (check the recipe's provides)`);
      keepTimes();
      if (plan.headers !== undefined) {
        const list = path.join(plan.logDir, 'headers.list');
        const staged = fs.existsSync(list) ? fs.readFileSync(list, 'utf8').split('\n').filter((l) => l !== '') : [];
        const notInstalled = staged.filter((f) => !fs.existsSync(path.join(plan.prefix, f)));
        if (notInstalled.length > 0) throw new StepError(`${plan.name}: the recipe's headers step staged ${notInstalled.join(', ')}, which the install does not write (the headers must be a subset of the install)`);
      }
      storeEntry(plan.prefix, plan.cacheEntry);
      await shareBuilt(plan, env, warn);
      break;
    }
  }
  fs.writeFileSync(stamp, `${plan.key}\n`);
}

/**
 * A local source: the project's vendored directory copied to the source directory (the build then runs there, as
 * on an extracted archive, and never writes into the project's tree), checked to be the tree the generation hashed.
 */
async function copyLocal(plan: DependencyBuildPlan): Promise<void> {
  fs.rmSync(plan.buildDir, { recursive: true, force: true });
  const treeHash = await copyLocalTree(plan.localSource!, plan.sourceDir);
  if (plan.treeSha256 !== undefined && treeHash !== plan.treeSha256) {
    throw new StepError(`${plan.name}: ${plan.localSource} changed after pogogen generated this build (tree hash ${treeHash}, planned ${plan.treeSha256}); run the build again, which regenerates first`);
  }
}

/**
 * Uploads what the install stored to the remote cache, when the environment names one and gives the credential to
 * write it (read from the environment the build runs in, never from the plan). Whatever goes wrong is a warning: the
 * build has succeeded, and sharing it is a favour to the next machine.
 */
async function shareBuilt(plan: DependencyBuildPlan, env: NodeJS.ProcessEnv, warn: (message: string) => void): Promise<void> {
  if (env.POGOGEN_REMOTE_CACHE === undefined || env.POGOGEN_REMOTE_CACHE.trim() === '' || env.POGOGEN_REMOTE_CACHE_TOKEN === undefined) return;
  try {
    const { RemoteCache, remoteCacheConfig } = await import('./remote.ts');
    const config = remoteCacheConfig(env);
    if (config?.token === undefined) return;
    await new RemoteCache(config, { warn }).shareBuilt(plan.key, plan.cacheEntry, `${plan.name} ${plan.version}`);
  } catch (err) {
    warn(`${plan.name}: not uploaded to the remote cache: ${messageOf(err)}`);
  }
}

/** Copies the recipe's headers into the prefix, rewriting only files whose content differs; returns them prefix-relative. */
function stageHeaders(plan: DependencyBuildPlan): string[] {
  const staged: string[] = [];
  const place = (src: string, rel: string): void => {
    const dest = path.join(plan.prefix, rel);
    const data = fs.readFileSync(src);
    staged.push(rel);
    if (fs.existsSync(dest) && fs.readFileSync(dest).equals(data)) return;
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, dest);
  };
  for (const { from, to } of plan.headers?.copy ?? []) {
    const src = from.startsWith('{build}/') ? path.join(plan.buildDir, from.slice('{build}/'.length)) : path.join(plan.sourceDir, from);
    if (!fs.existsSync(src)) throw new StepError(`${plan.name}: the recipe's headers step copies ${from}, which does not exist in the ${from.startsWith('{build}/') ? 'build' : 'source'} tree`);
    if (fs.statSync(src).isDirectory()) {
      const walk = (dir: string, rel: string): void => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
          if (e.isDirectory()) walk(path.join(dir, e.name), path.posix.join(rel, e.name));
          else if (e.name.endsWith('.h')) place(path.join(dir, e.name), path.posix.join(rel, e.name));
        }
      };
      walk(src, to);
    } else place(src, to);
  }
  return staged;
}
