/** What the links of one node count on the wire, and the reasons a datagram is dropped. */

/** Reasons a datagram is dropped without reaching the node above the links. */
export const DROP_REASONS = [
  'malformed',
  'magic',
  'version',
  'unknown-sender',
  'stale',
  /** Keyed ring: the frame carries no MAC. */
  'no-mac',
  /** Keyless node: the frame carries a MAC (the sender has a key we lack). */
  'unexpected-mac',
  /** Keyed ring: the MAC is wrong (another key, or the frame was altered). */
  'bad-mac',
  /** Keyed ring: a frame held until its sender's session is proven fresh, then given up (too many held). */
  'unverified',
  /** The frame's ring digest is not ours: the sender was started from another ring file. */
  'ring-mismatch',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/**
 * Datagrams of all the links of one node: what the network carried, with acks and
 * retransmissions, kept apart from the algorithm messages the node above counts.
 */
export interface LinkCounts {
  sent: number;
  received: number;
  /** Data frames sent again after a timeout. */
  retransmissions: number;
  /** Frames that carried only an acknowledgement. */
  pureAcks: number;
  /** Data frames received again and not delivered a second time. */
  duplicates: number;
  /** Unacknowledged payloads given up (no longer needed, or the peer went silent). */
  abandoned: number;
  readonly dropped: Record<DropReason, number>;
}

export function emptyLinkCounts(): LinkCounts {
  return {
    sent: 0,
    received: 0,
    retransmissions: 0,
    pureAcks: 0,
    duplicates: 0,
    abandoned: 0,
    dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
  };
}

/** Sum of a per-kind record. */
export function total(counts: Record<string, number>): number {
  let s = 0;
  for (const v of Object.values(counts)) s += v;
  return s;
}
