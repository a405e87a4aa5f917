/**
 * Lynch, Distributed Algorithms §3.4: at most 1 + ceil(log2 n) phases, each costing at most 8n
 * probe and reply messages; the leader announcement adds n. This is the MessageBound property.
 */
export function messageBound(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`ring size ${n} must be a positive integer`);
  return 8 * n * (1 + ceilLog2(n)) + n;
}

/** ceil(log2 n) for n >= 1, exactly (no floating-point rounding at powers of two). */
export function ceilLog2(n: number): number {
  let k = 0;
  while (2 ** k < n) k += 1;
  return k;
}
