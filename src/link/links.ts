/**
 * The way in for a node's datagrams: authenticate, decode, find the link the frame belongs to
 * (by its lane and its source address) and hand it over. Knows nothing of what payloads mean.
 */
import { decodeFrame } from '../wire/codec.js';
import { isSealed, openFrame } from '../wire/auth.js';
import { NO_RING_DIGEST } from '../wire/frame.js';
import { type Link, type LinkContext, type PeerSpec, noteDrop } from './link.js';
import type { DropReason } from './stats.js';

export type { PeerSpec } from './link.js';

/**
 * Which peers a datagram's source address belongs to, as a bit set (bit p: peer p). Several bits
 * when peers share an address (both neighbours on a ring of two, ourselves on a ring of one).
 */
export type PeerSet = number;

/** For each incoming lane, the index of the peer whose frames carry it (-1: none); built once per peer list. */
export function laneTable(peers: readonly PeerSpec[]): readonly number[] {
  const table: number[] = new Array<number>(256).fill(-1);
  peers.forEach((p, i) => (table[p.receiveLane] = i));
  return table;
}

/**
 * Handles one datagram from a source matching the peers in `from`. Returns false if it was
 * dropped before reaching a link's session (nothing changed), true otherwise.
 */
export function receiveDatagram<P>(
  ctx: LinkContext<P>,
  links: readonly Link<P>[],
  lanes: readonly number[],
  now: number,
  bytes: Uint8Array,
  from: PeerSet,
): boolean {
  const key = ctx.key;
  let echo = 0;
  if (key) {
    const opened = openFrame(bytes, key);
    if (!opened.ok) return drop(ctx, opened.reason, opened.detail);
    bytes = opened.plain;
    echo = opened.echo;
  } else if (isSealed(bytes)) return drop(ctx, 'unexpected-mac', 'authenticated frame, but this node has no key');
  const decoded = decodeFrame(bytes, ctx.codec);
  if (!decoded.ok) return drop(ctx, decoded.reason, decoded.detail);
  const frame = decoded.frame;
  // Before the lane and address checks: a member of another ring is best named as such.
  const ring = ctx.ringDigest;
  if (ring !== NO_RING_DIGEST && frame.ring !== NO_RING_DIGEST && frame.ring !== ring) {
    return drop(ctx, 'ring-mismatch', `ring digest ${hex(frame.ring)}, ours is ${hex(ring)}: the sender was started from another ring file`);
  }
  const peer = lanes[frame.lane]!;
  if (peer < 0) return drop(ctx, 'unknown-sender', `frame on lane ${frame.lane}, which no peer sends on`);
  const link = links[peer]!;
  if ((from & (1 << peer)) === 0) return drop(ctx, 'unknown-sender', `frame for the ${link.spec.name} link from another address`);
  return link.receive(now, frame, echo);
}

function drop(ctx: Pick<LinkContext<unknown>, 'counts' | 'emit'>, reason: DropReason, detail: string): false {
  noteDrop(ctx, reason, detail);
  return false;
}

function hex(digest: number): string {
  return digest.toString(16).padStart(8, '0');
}
