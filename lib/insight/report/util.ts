// Small helpers the report's modules share: grouping, ordering, rounding, min and max over long lists.

export function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}

export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
export const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Math.min/max over a list without spreading it into arguments (a 200,000-step build would overflow the stack). */
export function minOf(xs: readonly number[], empty = 0): number {
  if (xs.length === 0) return empty;
  let m = Infinity;
  for (const x of xs) if (x < m) m = x;
  return m;
}
export function maxOf(xs: readonly number[], floor = -Infinity): number {
  let m = floor;
  for (const x of xs) if (x > m) m = x;
  return xs.length === 0 && floor === -Infinity ? 0 : m;
}
