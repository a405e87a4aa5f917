/** "0-20" or "5" (ms) as a delay range [min, max], or undefined if malformed or min > max. */
export function parseDelayRange(text: string): [number, number] | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*$/.exec(text);
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return hi >= lo ? [lo, hi] : undefined;
}
