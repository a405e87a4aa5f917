/** What HS and LCR share: id, status, leader, and the announcement round that ends both. */
import { type Action, type Command, type Direction, type Message, type Status, type Step, isValidId, opposite } from './types.js';

/** Thrown for a programming error by the caller (e.g. a message before start), never for network input. */
export class CoreUsageError extends Error {
  override readonly name = 'CoreUsageError';
}

/**
 * What HS and LCR share: the id, the status and known leader, and the announcement round that
 * ends both (the leader sends its id rightwards once round the ring; everyone records and
 * forwards it; its return ends the election at the leader).
 */
export abstract class AnnouncingNode {
  protected status: Status = 'idle';
  protected leader: number | undefined;

  constructor(readonly id: number) {
    if (!isValidId(id)) throw new CoreUsageError(`id ${id} is not an integer in 0..2^53-1`);
  }

  /** Marks the start; throws if called twice. */
  protected begin(): void {
    if (this.status !== 'idle') throw new CoreUsageError('start() called twice');
    this.status = 'active';
  }

  /** Throws if a message arrives before start(). */
  protected checkStarted(): void {
    if (this.status === 'idle') throw new CoreUsageError('receive() before start()');
  }

  protected knowsLeader(): boolean {
    return this.leader !== undefined;
  }

  /** Our own probe came back: decide, and start the announcement round. */
  protected becomeLeader(): Step {
    this.status = 'leader';
    this.leader = this.id;
    return step('BecomeLeader', [
      { type: 'decide', leader: this.id, isLeader: true },
      send('right', { kind: 'announcement', leader: this.id }),
    ]);
  }

  protected onAnnouncement(from: Direction, leader: number): Step {
    if (leader === this.id && this.status === 'leader') {
      this.status = 'done';
      return step('Finish', [{ type: 'done' }]);
    }
    if (this.status === 'done' || this.status === 'leader') return discard();
    this.status = 'done';
    this.leader = leader;
    return step('RelayAnnouncement', [
      { type: 'decide', leader, isLeader: false },
      send(opposite(from), { kind: 'announcement', leader }),
      { type: 'done' },
    ]);
  }
}

export function send(direction: Direction, message: Message): Command {
  return { type: 'send', direction, message };
}

export function step(action: Action, commands: Command[]): Step {
  return { action, commands };
}

/** Late election traffic at a node that already knows the leader cannot change anything. */
export function discard(): Step {
  return { action: 'DiscardLate', commands: [] };
}
