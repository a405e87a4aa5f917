/**
 * Placements of ids on the ring (position 0 first, rightwards). The adversarial ones are those
 * REFERENCES.md lists: sorted rings (LCR's best and worst), bit-reversal (many survivors in
 * every HS phase) and zig-zag (a local maximum at every other node).
 */
export const ORDERS = ['random', 'ascending', 'descending', 'bit-reversal', 'zigzag'] as const;
export type Order = (typeof ORDERS)[number];

/** `ids` placed in `order`; `random` keeps the given order, which callers draw at random. */
export function arrange(ids: readonly number[], order: Order): number[] {
  if (order === 'random') return [...ids];
  const sorted = [...ids].sort((a, b) => a - b);
  return ranks(sorted.length, order).map((r) => sorted[r]!);
}

/** For each ring position, the rank (0 = smallest) of the id placed there. */
export function ranks(n: number, order: Exclude<Order, 'random'>): number[] {
  const positions = Array.from({ length: n }, (_, i) => i);
  switch (order) {
    case 'ascending':
      return positions;
    case 'descending':
      return positions.map((i) => n - 1 - i);
    case 'zigzag':
      // 0, n-1, 1, n-2, ...: every large id sits between two small ones.
      return positions.map((i) => (i % 2 === 0 ? i / 2 : n - 1 - (i - 1) / 2));
    case 'bit-reversal': {
      // Bit-reversal permutation of the next power of two, restricted to ranks below n.
      let bits = 0;
      while (2 ** bits < n) bits += 1;
      const out: number[] = [];
      for (let i = 0; out.length < n; i++) {
        const r = reverseBits(i, bits);
        if (r < n) out.push(r);
      }
      return out;
    }
  }
}

function reverseBits(x: number, bits: number): number {
  let r = 0;
  for (let b = 0; b < bits; b++) r = r * 2 + (Math.floor(x / 2 ** b) % 2);
  return r;
}
