/** Which channels the simulator runs over: the full link or ideal ones. */
import type { NetworkModel } from './network-model.js';

/**
 * How the simulator carries algorithm messages between neighbours:
 * - `full`: each node is the runtime's Endpoint, so every message is an encoded frame behind the
 *   reliable link (acks, retransmission, timers) over the simulated network, as over UDP;
 * - `ideal`: exactly-once channels, the model the HS analysis assumes: each message is handed to
 *   the neighbour's core once, after a seeded delay, FIFO per directed link unless reordering.
 *   No frames, acks, retransmissions or timers, so a datagram is exactly an algorithm message.
 */
export const LINK_MODES = ['full', 'ideal'] as const;
export type LinkMode = (typeof LINK_MODES)[number];

/** Why `model` cannot be simulated with ideal channels, or undefined: they never lose or duplicate. */
export function idealNetworkProblem(model: NetworkModel): string | undefined {
  if (model.loss > 0 || model.duplicate > 0) {
    return `ideal channels deliver every message exactly once, so loss (${model.loss}) and duplication (${model.duplicate}) must be 0; use the full link to simulate them`;
  }
  return undefined;
}
