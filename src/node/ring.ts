/**
 * A ring node's two peers: its left and right neighbours as peers 0 and 1 of its links. A frame
 * carries the side its sender sent it out of as its lane, so what a neighbour sends out of its
 * right side arrives on our left link.
 */
import type { Direction } from '../core/types.js';
import { type PeerSet, type PeerSpec, laneTable } from '../link/links.js';

export const LEFT_PEER = 0;
export const RIGHT_PEER = 1;

export const RING_PEERS: readonly PeerSpec[] = [
  { name: 'left', sendLane: 0, receiveLane: 1 },
  { name: 'right', sendLane: 1, receiveLane: 0 },
];

/** The peer each incoming lane belongs to, shared by every ring node. */
export const RING_LANES = laneTable(RING_PEERS);

/** The peer on side `d`. */
export function peerOn(d: Direction): number {
  return d === 'left' ? LEFT_PEER : RIGHT_PEER;
}

/** The side of peer `p`. */
export function sideOf(p: number): Direction {
  return p === LEFT_PEER ? 'left' : 'right';
}

/** Sources matching the left neighbour, the right one, both (rings of one or two), or neither. */
export const FROM_LEFT: PeerSet = 1 << LEFT_PEER;
export const FROM_RIGHT: PeerSet = 1 << RIGHT_PEER;
export const FROM_BOTH: PeerSet = FROM_LEFT | FROM_RIGHT;
export const FROM_NEITHER: PeerSet = 0;

/** The peer set of a source that matches the left and/or right neighbour's address. */
export function fromSides(left: boolean, right: boolean): PeerSet {
  return (left ? FROM_LEFT : 0) | (right ? FROM_RIGHT : 0);
}
