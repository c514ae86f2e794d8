// Failed downloads of optional (`auto`) dependencies, remembered between generations: without them a project whose
// optional dependency cannot be fetched (offline, upstream gone) waits on every attempt and retry each time it
// generates. A failure holds for the attempt it was: the pin's URLs and hash, the mirrors tried, and the proxies and
// download limits it was tried with.
import { createHash } from 'node:crypto';
import { mirrorBases } from './mirrors.ts';
import { proxyEnv } from './proxy.ts';

export interface FailedDownload {
  /** What was tried: the pin and the mirrors (see attemptKey). */
  readonly attempt: string;
  readonly message: string;
}

/**
 * The same text for the same attempt: another URL, hash or mirror list is another attempt, tried again; so is one
 * through another proxy (setting HTTPS_PROXY after a failure) or with other limits (raising POGOGEN_MAX_DOWNLOAD).
 */
export function attemptKey(pin: { readonly urls: readonly string[]; readonly sha256: string }, mirrors: readonly string[] = mirrorBases(undefined), env: NodeJS.ProcessEnv = process.env): string {
  const route = [proxyEnv(env), env.POGOGEN_MAX_DOWNLOAD ?? '', env.POGOGEN_DOWNLOAD_DEADLINE ?? ''];
  // A digest: a proxy URL may hold a password, which has no business in out/.
  const via = JSON.stringify(route) === JSON.stringify([{}, '', '']) ? undefined : createHash('sha256').update(JSON.stringify(route)).digest('hex').slice(0, 16);
  return JSON.stringify({ sha256: pin.sha256.toLowerCase(), urls: pin.urls, mirrors, ...(via === undefined ? {} : { via }) });
}

/** The remembered failures by dependency name; an unreadable file remembers nothing. */
export function parseFailures(text: string | undefined): Map<string, FailedDownload> {
  const out = new Map<string, FailedDownload>();
  if (text === undefined) return out;
  try {
    const v = JSON.parse(text) as { failed?: Record<string, FailedDownload> };
    for (const [name, f] of Object.entries(v.failed ?? {})) if (typeof f?.attempt === 'string' && typeof f.message === 'string') out.set(name, { attempt: f.attempt, message: f.message });
  } catch {
    // start over: the next generation tries again
  }
  return out;
}

export function formatFailures(failed: ReadonlyMap<string, FailedDownload>): string {
  const sorted = Object.fromEntries([...failed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify({ failed: sorted }, null, 2)}\n`;
}
