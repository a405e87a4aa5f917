import { CoreUsageError, type HsState } from './hs.js';
import type { ElectionCore } from './election-core.js';
import { type Action, type Command, type Direction, type Message, type Status, type Step, isValidId, opposite } from './types.js';

/**
 * Le Lann / Chang–Roberts (LCR) election, the unidirectional baseline (Lynch §3.3), behind the
 * same interface as HsNode: each node sends its id rightwards once as a phase-0 probe; a node
 * relays larger ids, swallows smaller ones, and becomes leader when its own id comes back, then
 * the same announcement round as HS tells everyone. Worst case n(n+1)/2 + n messages (ids
 * descending in the direction of travel); mean about n·H_n + n for random orders.
 */
export class LcrNode implements ElectionCore {
  private status: Status = 'idle';
  private leader: number | undefined;

  constructor(readonly id: number) {
    if (!isValidId(id)) throw new CoreUsageError(`id ${id} is not an integer in 0..2^53-1`);
  }

  /** A snapshot; LCR has a single phase 0 and no replies. */
  state(): HsState {
    return { id: this.id, status: this.status, phase: 0, repliedLeft: false, repliedRight: false, leader: this.leader };
  }

  /** Sends this node's id rightwards. */
  start(): Step {
    if (this.status !== 'idle') throw new CoreUsageError('start() called twice');
    this.status = 'active';
    return step('Start', [{ type: 'phase', phase: 0 }, send('right', { kind: 'probe', origin: this.id, phase: 0, hops: 1 })]);
  }

  /** Handles `message`, which arrived on side `from` (always `left` between correct LCR peers). */
  receive(from: Direction, message: Message): Step {
    if (this.status === 'idle') throw new CoreUsageError('receive() before start()');
    switch (message.kind) {
      case 'probe':
        return this.onProbe(from, message.origin, message.hops);
      case 'reply':
        // LCR never sends replies; one could only come from a peer running another algorithm.
        return step('DiscardLate', []);
      case 'announcement':
        return this.onAnnouncement(from, message.leader);
    }
  }

  private onProbe(from: Direction, origin: number, hops: number): Step {
    if (this.leader !== undefined) return step('DiscardLate', []);
    if (origin === this.id) {
      // Every other node relayed our id, so each has a smaller one.
      this.status = 'leader';
      this.leader = this.id;
      return step('BecomeLeader', [
        { type: 'decide', leader: this.id, isLeader: true },
        send('right', { kind: 'announcement', leader: this.id }),
      ]);
    }
    if (origin < this.id) return step('SwallowProbe', []);
    return step('RelayProbe', [send(opposite(from), { kind: 'probe', origin, phase: 0, hops: hops + 1 })]);
  }

  private onAnnouncement(from: Direction, leader: number): Step {
    if (leader === this.id && this.status === 'leader') {
      this.status = 'done';
      return step('Finish', [{ type: 'done' }]);
    }
    if (this.status === 'done' || this.status === 'leader') return step('DiscardLate', []);
    this.status = 'done';
    this.leader = leader;
    return step('RelayAnnouncement', [
      { type: 'decide', leader, isLeader: false },
      send(opposite(from), { kind: 'announcement', leader }),
      { type: 'done' },
    ]);
  }
}

/** LCR's worst case: n(n+1)/2 probe hops (ids descending along the ring) plus the n announcements. */
export function lcrMessageBound(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`ring size ${n} must be a positive integer`);
  return (n * (n + 1)) / 2 + n;
}

function send(direction: Direction, message: Message): Command {
  return { type: 'send', direction, message };
}

function step(action: Action, commands: Command[]): Step {
  return { action, commands };
}
