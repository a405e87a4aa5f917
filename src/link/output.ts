/** What the links ask their driver to do, or tell it; the node layer adds its own outputs to these. */
import type { DropReason } from './stats.js';

/**
 * Timers are numbered: the links of peer p use 2p (retransmission) and 2p + 1 (ack delay); the
 * layer above numbers its own timers after those of its peers. Setting a key again replaces the
 * earlier timer of that key.
 */
export type TimerKey = number;

/** The retransmission timer of peer `p`. */
export function retransmitTimer(p: number): TimerKey {
  return 2 * p;
}

/** The ack-delay timer of peer `p`. */
export function ackTimer(p: number): TimerKey {
  return 2 * p + 1;
}

/** How many timer keys the links of `peers` peers use (the first key free for the layer above). */
export function linkTimerKeys(peers: number): number {
  return 2 * peers;
}

export type LinkOutput =
  | { readonly type: 'transmit'; readonly peer: number; readonly bytes: Uint8Array }
  | { readonly type: 'setTimer'; readonly key: TimerKey; readonly delayMs: number }
  | { readonly type: 'cancelTimer'; readonly key: TimerKey }
  | { readonly type: 'drop'; readonly reason: DropReason; readonly detail: string };
