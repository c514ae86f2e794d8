// The bounds of one download, from the environment: POGOGEN_MAX_DOWNLOAD (the largest archive accepted) and
// POGOGEN_DOWNLOAD_DEADLINE (the time one download may take in all), with generous defaults.
import { FetchError } from './errors.ts';

export interface DownloadLimits {
  readonly maxBytes: number;
  readonly deadlineMs: number;
}

/** 2 GiB: bigger than any source archive pogogen builds, small enough to refuse an endless stream early. */
export const defaultMaxBytes = 2 * 1024 ** 3;
/** One hour: 2 GiB at 600 kB/s; a trickle of a byte every few seconds never gets there. */
export const defaultDeadlineMs = 3600 * 1000;

const units: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Reads the limits; a value that is not a positive size or number of seconds is an error naming the variable. */
export function downloadLimits(env: NodeJS.ProcessEnv = process.env): DownloadLimits {
  return { maxBytes: size(env.POGOGEN_MAX_DOWNLOAD), deadlineMs: seconds(env.POGOGEN_DOWNLOAD_DEADLINE) };
}

function size(v: string | undefined): number {
  if (v === undefined || v.trim() === '') return defaultMaxBytes;
  // 4G, 512M, 512MiB, 1048576: binary units, as du and ls -h count.
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(v.trim());
  const bytes = m === null ? NaN : Math.floor(Number(m[1]) * units[m[2]!.toLowerCase()]!);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new FetchError(`POGOGEN_MAX_DOWNLOAD="${v}" is not a size: give a number of bytes, or one with K, M, G or T (e.g. 4G)`);
  return bytes;
}

function seconds(v: string | undefined): number {
  if (v === undefined || v.trim() === '') return defaultDeadlineMs;
  const n = /^\d+(?:\.\d+)?$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isFinite(n) || n <= 0 || n > 2_000_000) throw new FetchError(`POGOGEN_DOWNLOAD_DEADLINE="${v}" is not a number of seconds: give one such as 600 (the time one download may take in all)`);
  return Math.max(1, Math.round(n * 1000));
}
