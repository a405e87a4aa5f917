/** LCR (Le Lann / Chang–Roberts), the unidirectional baseline, behind the same interface as HS. */
import { AnnouncingNode, discard, send, step } from './announcing-node.js';
import type { CoreState, ElectionCore } from './election-core.js';
import { type Direction, type Message, type Step, opposite } from './types.js';

/**
 * Le Lann / Chang–Roberts (LCR) election, the unidirectional baseline (Lynch §3.3), behind the
 * same interface as HsNode: each node sends its id rightwards once as a phase-0 probe; a node
 * relays larger ids, swallows smaller ones, and becomes leader when its own id comes back, then
 * the same announcement round as HS tells everyone. Worst case n(n+1)/2 + n messages (ids
 * descending in the direction of travel); mean about n·H_n + n for random orders.
 */
/** LCR's state: the shared fields only, with a single phase 0. */
export type LcrState = CoreState;

export class LcrNode extends AnnouncingNode implements ElectionCore<LcrState> {
  /** A snapshot; LCR has a single phase 0 and no replies. */
  state(): LcrState {
    return { id: this.id, status: this.status, phase: 0, leader: this.leader };
  }

  /** Sends this node's id rightwards. */
  start(): Step {
    this.begin();
    return step('Start', [{ type: 'phase', phase: 0 }, send('right', { kind: 'probe', origin: this.id, phase: 0, hops: 1 })]);
  }

  /** Handles `message`, which arrived on side `from` (always `left` between correct LCR peers). */
  receive(from: Direction, message: Message): Step {
    this.checkStarted();
    switch (message.kind) {
      case 'probe':
        return this.onProbe(from, message.origin, message.hops);
      case 'reply':
        // LCR never sends replies; one could only come from a peer running another algorithm.
        return discard();
      case 'announcement':
        return this.onAnnouncement(from, message.leader);
    }
  }

  private onProbe(from: Direction, origin: number, hops: number): Step {
    if (this.knowsLeader()) return discard();
    // Every other node relayed our id, so each has a smaller one.
    if (origin === this.id) return this.becomeLeader();
    if (origin < this.id) return step('SwallowProbe', []);
    return step('RelayProbe', [send(opposite(from), { kind: 'probe', origin, phase: 0, hops: hops + 1 })]);
  }
}

/** LCR's worst case: n(n+1)/2 probe hops (ids descending along the ring) plus the n announcements. */
export function lcrMessageBound(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`ring size ${n} must be a positive integer`);
  return (n * (n + 1)) / 2 + n;
}

/**
 * LCR's exact message count for ids in ring order, independent of the schedule: each id travels
 * rightwards until it meets a larger one (the maximum goes all the way round), plus n
 * announcements. Used to predict run cost and for runs too long to simulate.
 */
export function lcrExactMessages(ids: readonly number[]): number {
  const n = ids.length;
  // Next larger id to the right (cyclic) by a monotonic stack over two passes.
  const dist = new Array<number>(n).fill(n);
  const stack: number[] = [];
  for (let k = 2 * n - 1; k >= 0; k--) {
    const i = k % n;
    while (stack.length > 0 && ids[stack[stack.length - 1]! % n]! <= ids[i]!) stack.pop();
    if (k < n && stack.length > 0) dist[i] = stack[stack.length - 1]! - k;
    stack.push(k);
  }
  return dist.reduce((s, d) => s + d, 0) + n;
}
