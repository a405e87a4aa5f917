/** Hirschberg–Sinclair leader election for one node, as a pure state machine. */
import { AnnouncingNode, discard, send, step } from './announcing-node.js';
import type { CoreState, ElectionCore } from './election-core.js';
import { type Command, type Direction, type Message, type Step, opposite } from './types.js';

/** The state of one HS node in the spec's variables; `phase`: probes of phase k travel to distance 2^k. */
export interface HsState extends CoreState {
  /** Which sides have replied in the current phase. */
  readonly repliedLeft: boolean;
  readonly repliedRight: boolean;
}

/**
 * Hirschberg–Sinclair leader election for one node, as a deterministic state machine.
 *
 * Inputs: `start()` and `receive(direction, message)`, where `direction` is the side the message
 * arrived on. Each returns the action taken (named as in the TLA+ spec) and the commands to carry
 * out. It assumes each message is delivered exactly once but in any order: the link layer gives
 * that. It never throws on a message that could arrive from a correct peer.
 */
export class HsNode extends AnnouncingNode implements ElectionCore<HsState> {
  private phase = 0;
  private repliedLeft = false;
  private repliedRight = false;

  /** A snapshot of the node's state. */
  state(): HsState {
    return {
      id: this.id,
      status: this.status,
      phase: this.phase,
      repliedLeft: this.repliedLeft,
      repliedRight: this.repliedRight,
      leader: this.leader,
    };
  }

  /** Begin phase 0: probe both neighbours. */
  start(): Step {
    this.begin();
    return { action: 'Start', commands: [{ type: 'phase', phase: 0 }, ...this.probeBothWays()] };
  }

  /** Handle `message`, which arrived on side `from`. */
  receive(from: Direction, message: Message): Step {
    this.checkStarted();
    switch (message.kind) {
      case 'probe':
        return this.onProbe(from, message.origin, message.phase, message.hops);
      case 'reply':
        return this.onReply(from, message.origin, message.phase);
      case 'announcement':
        return this.onAnnouncement(from, message.leader);
    }
  }

  private onProbe(from: Direction, origin: number, phase: number, hops: number): Step {
    if (this.knowsLeader()) return discard();
    if (origin === this.id) {
      // Our own probe went all the way round: no larger id exists. Both of our final probes come
      // back; the second one finds us already leader and is discarded above.
      return this.becomeLeader();
    }
    if (origin < this.id) return step('SwallowProbe', []);
    const to = opposite(from);
    if (hops < probeDistance(phase)) {
      return step('RelayProbe', [send(to, { kind: 'probe', origin, phase, hops: hops + 1 })]);
    }
    return step('BounceProbe', [send(from, { kind: 'reply', origin, phase })]);
  }

  private onReply(from: Direction, origin: number, phase: number): Step {
    if (this.knowsLeader()) return discard();
    if (origin !== this.id) {
      return step('RelayReply', [send(opposite(from), { kind: 'reply', origin, phase })]);
    }
    // Only the current phase can have replies outstanding: the next phase starts after both.
    if (phase !== this.phase) return discard();
    if (from === 'left') this.repliedLeft = true;
    else this.repliedRight = true;
    if (!(this.repliedLeft && this.repliedRight)) return step('ReceiveReply', []);
    this.phase += 1;
    this.repliedLeft = false;
    this.repliedRight = false;
    return step('AdvancePhase', [{ type: 'phase', phase: this.phase }, ...this.probeBothWays()]);
  }

  private probeBothWays(): Command[] {
    const probe: Message = { kind: 'probe', origin: this.id, phase: this.phase, hops: 1 };
    return [send('left', probe), send('right', probe)];
  }
}

/** 2^phase, how far a probe of that phase travels: a shift for every phase a real ring reaches (`**` costs ~20× as much here). */
function probeDistance(phase: number): number {
  return phase < 31 ? 1 << phase : 2 ** phase;
}
