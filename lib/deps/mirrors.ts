// Which URLs to try for a pin, in order: mirrors first (named by sha256), then the pin's own URLs.

/**
 * Mirror base URLs: `opts.mirrors` when given (even empty, so a caller can switch mirrors off), otherwise
 * POGOGEN_MIRRORS, space- or comma-separated.
 */
export function mirrorBases(mirrors: readonly string[] | undefined, env: string | undefined = process.env['POGOGEN_MIRRORS']): string[] {
  const list = mirrors ?? (env ?? '').split(/[\s,]+/);
  return list.map((m) => m.trim()).filter((m) => m !== '');
}

/**
 * A mirror holds files named by their sha256: `<mirror>/<sha256>`. Unlike the URL's basename, the hash cannot
 * collide (every GitHub release is some `v1.0.tar.gz`), and <cacheDir>/archives/sha256/ served over HTTP is a
 * mirror as it is.
 */
export function mirrorUrl(base: string, sha256: string): string {
  return `${base.replace(/\/+$/, '')}/${sha256}`;
}

/**
 * Mirrors go before the pinned URLs: a mirror is the near, fast copy that still works when upstream is gone, and
 * the sha256 check means a mirror can only fail, never substitute other bytes.
 */
export function candidateUrls(urls: readonly string[], sha256: string, bases: readonly string[]): string[] {
  const all = [...bases.map((b) => mirrorUrl(b, sha256)), ...urls];
  return [...new Set(all)];
}
