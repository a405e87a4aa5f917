import type { MessageKind } from '../core/types.js';

/** Reasons a datagram is dropped without reaching the core. */
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
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/**
 * What one node counted. Algorithm messages (what the HS analysis bounds) and wire datagrams
 * (what the network carried, with acks and retransmissions) are kept apart on purpose.
 */
export interface NodeStats {
  readonly algorithm: {
    readonly sent: Record<MessageKind, number>;
    readonly received: Record<MessageKind, number>;
  };
  readonly datagrams: {
    sent: number;
    received: number;
    /** Data frames sent again after a timeout. */
    retransmissions: number;
    /** Frames that carried only an acknowledgement. */
    pureAcks: number;
    /** Data frames received again and not delivered a second time. */
    duplicates: number;
    /** Unacknowledged election messages given up once the leader was known. */
    abandoned: number;
    readonly dropped: Record<DropReason, number>;
  };
}

export function emptyStats(): NodeStats {
  // A literal, not built from MESSAGE_KINDS: counted on every message, it keeps one fixed shape.
  const perKind = (): Record<MessageKind, number> => ({ probe: 0, reply: 0, announcement: 0 });
  return {
    algorithm: { sent: perKind(), received: perKind() },
    datagrams: {
      sent: 0,
      received: 0,
      retransmissions: 0,
      pureAcks: 0,
      duplicates: 0,
      abandoned: 0,
      dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
    },
  };
}

/** Sum of a per-kind record. */
export function total(counts: Record<string, number>): number {
  let s = 0;
  for (const v of Object.values(counts)) s += v;
  return s;
}
