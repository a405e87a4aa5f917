/**
 * Longest added one-way delay accepted anywhere (fault injection, simulator), ms. Longer is no
 * test of anything: every retransmission timer fires in vain and datagrams in flight pile up.
 */
export const MAX_DELAY_MS = 60_000;

/** Why [lo, hi] is no delay range (negative, reversed, not finite, over MAX_DELAY_MS), or undefined. */
export function delayRangeProblem(lo: number, hi: number): string | undefined {
  if (Number.isFinite(lo) && Number.isFinite(hi) && lo >= 0 && hi >= lo && hi <= MAX_DELAY_MS) return undefined;
  return `--delay must be MIN-MAX ms with 0 <= MIN <= MAX <= ${MAX_DELAY_MS}, got ${lo}-${hi}`;
}

/** "0-20" or "5" (ms) as a delay range [min, max], or undefined if malformed or min > max. */
export function parseDelayRange(text: string): [number, number] | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*$/.exec(text);
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return hi >= lo ? [lo, hi] : undefined;
}
