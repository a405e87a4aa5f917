import type { CoreFactory, CoreState, ElectionCore } from '../core/election-core.js';
import { HsNode } from '../core/hs.js';
import { traceEvent, type TraceEvent } from '../core/trace.js';
import { type Direction, type Message, type Step, opposite } from '../core/types.js';
import { decodeFrame, encodeFrame } from '../wire/codec.js';
import { isSealed, openFrame, sealFrame } from '../wire/auth.js';
import type { Frame } from '../wire/frame.js';
import { type LinkConfig, DEFAULT_LINK_CONFIG, linkConfigProblem } from './config.js';
import { LinkReceiver } from './receiver.js';
import { LinkSender } from './sender.js';
import { type DropReason, type NodeStats, emptyStats } from './stats.js';

/**
 * A finished node retries its last announcement at least RETRIES_PER_LINGER times per linger
 * period of the neighbour, and stops only after GIVE_UP_RETRIES retries in a row went unanswered.
 * A neighbour still alive and waiting decides on the first retry that reaches it, so giving up
 * wrongly needs GIVE_UP_RETRIES consecutive losses (0.9^128 ≈ 1e-6 at 90% loss); a neighbour that
 * already left after lingering costs us GIVE_UP_RETRIES × lingerMs / RETRIES_PER_LINGER of retrying.
 */
const RETRIES_PER_LINGER = 8;
const GIVE_UP_RETRIES = 128;

/** Keyed rings: frames of a not yet proven session held per side, at most (older ones are dropped). */
const MAX_HELD_FRAMES = 16;

const SIDES = ['left', 'right'] as const;

/** Timers an endpoint asks for; setting a key again replaces the earlier timer of that key. */
export type TimerKey = 'retransmit-left' | 'retransmit-right' | 'ack-left' | 'ack-right' | 'linger';

/** What an endpoint asks its runtime (UDP or simulator) to do, or tells it. */
export type Output =
  | { readonly type: 'transmit'; readonly side: Direction; readonly bytes: Uint8Array }
  | { readonly type: 'setTimer'; readonly key: TimerKey; readonly delayMs: number }
  | { readonly type: 'cancelTimer'; readonly key: TimerKey }
  | { readonly type: 'phase'; readonly phase: number }
  | { readonly type: 'decide'; readonly leader: number; readonly isLeader: boolean }
  | { readonly type: 'trace'; readonly event: TraceEvent }
  | { readonly type: 'drop'; readonly reason: DropReason; readonly detail: string }
  /** Finished, everything acknowledged, and quiet for the linger time: the node may close. */
  | { readonly type: 'exit' };

/** Which configured neighbours a datagram's source address matches (both for n = 2, n = 1). */
export interface SenderSides {
  readonly left: boolean;
  readonly right: boolean;
}

export interface EndpointOptions {
  readonly id: number;
  /** This process's incarnation, written into every frame. */
  readonly session: number;
  readonly config?: LinkConfig;
  /** Uniform in [0, 1); seeded in simulation. Used only for retransmission jitter. */
  readonly random: () => number;
  /** Emit a `trace` output for every core step. */
  readonly trace?: boolean;
  /** The election algorithm behind the link; Hirschberg–Sinclair unless given (e.g. LCR, or a broken core in tests). */
  readonly core?: CoreFactory;
  /**
   * Cluster key. With it every frame is authenticated (HMAC-SHA256) and a neighbour's session is
   * accepted only once one of its frames echoes our session (spec/protocol.md §4), so frames
   * replayed from an earlier run can never be taken for the neighbour. The session must be non-zero.
   */
  readonly key?: Uint8Array;
}

/** Per-side state of the link to one neighbour. */
interface Side {
  readonly sender: LinkSender;
  readonly receiver: LinkReceiver;
  /** The neighbour's session, learnt from its first frame; frames of another session are stale. */
  peerSession: number | undefined;
  /** Keyed: the session of the latest authentic but unproven frame; we echo it so the neighbour can prove itself. */
  candidateSession: number | undefined;
  /** Keyed: authentic frames held until their session is proven (then handled in order). */
  held: { frame: Frame; at: number }[];
  ackOwed: boolean;
  ackTimerSet: boolean;
  // A number for "none" (Infinity, NaN) rather than undefined: a field that always holds a number
  // is updated in place, while a number stored where undefined may be is boxed anew on every store.
  /** Deadline of the armed retransmission timer; Infinity when none is (nextDeadline's "nothing in flight"). */
  retransmitAt: number;
  /** When this neighbour was last heard, or NaN. */
  lastHeardAt: number;
  /** Retransmissions since we last heard from this neighbour, counted once we are finished. */
  unansweredRetries: number;
}

/** Where an endpoint is in its life. */
export type Lifecycle = 'idle' | 'running' | 'lingering' | 'exited';

/**
 * One ring node without I/O: the HS core behind a reliable link on each side. Datagrams and
 * timer firings go in, with the current time; datagrams to send and timers to set come out.
 * The UDP runtime and the simulator both drive this class, so they run the same protocol.
 */
export class Endpoint {
  readonly core: ElectionCore;
  readonly stats: NodeStats = emptyStats();
  // The counters bumped on every input, reached without going through `stats` (one object fewer
  // touched per input: on a big simulated ring each one is a cache miss).
  private readonly wireCounts = this.stats.datagrams;
  private readonly sentCounts = this.stats.algorithm.sent;
  private readonly receivedCounts = this.stats.algorithm.received;
  private readonly config: LinkConfig;
  // The options read on every input, held here rather than behind `options`: on a big simulated
  // ring each object an input touches is one more cache miss.
  private readonly session: number;
  private readonly key: Uint8Array | undefined;
  private readonly traceSteps: boolean;
  // Two fields, not a Record<Direction, Side>: one object fewer touched per input (see side()).
  private readonly left: Side;
  private readonly right: Side;
  /**
   * Outputs of the input being handled; created on the first one, so that no array waits in an
   * idle endpoint. (A fresh array per flush waited until the node's next input, long enough on a
   * big simulated ring to outlive young-generation collections: n = 20,000 promoted 730 MB to the
   * old generation with it, 140 MB without, and ran a third faster.)
   */
  private out: Output[] | undefined;
  private life: Lifecycle = 'idle';
  private now = 0;
  private decidedAt: number | undefined;
  private finishedAt: number | undefined;
  /** The core said `done` (cheaper to keep than to build its state snapshot on every input). */
  private coreDone = false;
  /** In the order they were given up; an array, as a Set per node weighs more than it saves. */
  private readonly unconfirmedSides: Direction[] = [];

  constructor(options: EndpointOptions) {
    this.config = options.config ?? DEFAULT_LINK_CONFIG;
    this.session = options.session;
    this.key = options.key;
    this.traceSteps = options.trace ?? false;
    const problem = linkConfigProblem(this.config);
    if (problem) throw new RangeError(problem);
    // Session 0 is the echo of "no session known yet": a keyed node with it would verify anyone.
    if (options.key && options.session === 0) throw new RangeError('a keyed endpoint needs a non-zero session');
    this.core = options.core ? options.core(options.id) : new HsNode(options.id);
    const side = (): Side => ({
      sender: new LinkSender(this.config, options.random),
      receiver: new LinkReceiver(),
      peerSession: undefined,
      candidateSession: undefined,
      held: [],
      ackOwed: false,
      ackTimerSet: false,
      retransmitAt: Number.POSITIVE_INFINITY,
      lastHeardAt: Number.NaN,
      unansweredRetries: 0,
    });
    this.left = side();
    this.right = side();
  }

  /** Starts the election at this node. */
  start(now: number): Output[] {
    this.now = now;
    this.life = 'running';
    this.applyStep(this.core.start());
    // Arm the retransmission timers now: if every first datagram is lost and nothing arrives,
    // no later input would ever arm them.
    this.afterInput();
    return this.flush();
  }

  /** Handles one datagram; `from` says which neighbours its source address belongs to. */
  onDatagram(now: number, bytes: Uint8Array, from: SenderSides): Output[] {
    this.now = now;
    this.wireCounts.received += 1;
    // Not started: neither deliver nor acknowledge, so the sender keeps the message and retries.
    if (this.life === 'idle' || this.life === 'exited') return this.flush();
    const key = this.key;
    let echo = 0;
    if (key) {
      const opened = openFrame(bytes, key);
      if (!opened.ok) return this.drop(opened.reason, opened.detail);
      bytes = opened.plain;
      echo = opened.echo;
    } else if (isSealed(bytes)) return this.drop('unexpected-mac', 'authenticated frame, but this node has no key');
    const decoded = decodeFrame(bytes);
    if (!decoded.ok) return this.drop(decoded.reason, decoded.detail);
    const frame = decoded.frame;
    const arrival = opposite(frame.side);
    if (!from[arrival]) return this.drop('unknown-sender', `frame for the ${arrival} link from another address`);
    const side = this.side(arrival);
    if (side.peerSession === undefined) {
      if (key && echo !== this.session) {
        this.hold(arrival, frame, now);
        this.afterInput();
        return this.flush();
      }
      side.peerSession = frame.session;
      if (key) this.releaseHeld(arrival);
    } else if (side.peerSession !== frame.session) {
      return this.drop('stale', `session ${frame.session} on the ${arrival} link, expected ${side.peerSession}`);
    }
    this.accept(arrival, frame, now);
    this.afterInput();
    return this.flush();
  }

  /** A frame of the link's session: take its acknowledgement and its message. */
  private accept(arrival: Direction, frame: Frame, at: number): void {
    const side = this.side(arrival);
    side.lastHeardAt = at;
    side.unansweredRetries = 0;
    side.sender.acknowledge(at, frame.ack);
    if (frame.data) this.onData(arrival, frame.data.seq, frame.data.message);
  }

  /**
   * Keyed ring, session not yet proven: the frame is authentic but may be a replay of an earlier
   * run. Hold it, and answer at once with an echo of its session: a live neighbour then proves
   * itself within one round trip, while a replayed one never can (it cannot echo our new session).
   */
  private hold(arrival: Direction, frame: Frame, at: number): void {
    const side = this.side(arrival);
    side.candidateSession = frame.session;
    side.held.push({ frame, at });
    if (side.held.length > MAX_HELD_FRAMES) {
      const old = side.held.shift()!;
      this.noteDrop('unverified', `held frame of unproven session ${old.frame.session} on the ${arrival} link given up`);
    }
    this.transmit(arrival, undefined);
  }

  /**
   * The link's session is now proven. Held frames of that session come from the same live
   * incarnation (at worst duplicates, which the receiver suppresses), so they are handled now;
   * held frames of any other session are an earlier run's and are dropped as stale.
   */
  private releaseHeld(arrival: Direction): void {
    const side = this.side(arrival);
    const held = side.held;
    side.held = [];
    for (const { frame, at } of held) {
      if (frame.session === side.peerSession) this.accept(arrival, frame, at);
      else this.noteDrop('stale', `held frame of session ${frame.session} on the ${arrival} link, proven session is ${side.peerSession}`);
    }
  }

  /** Handles a timer this endpoint asked for. */
  onTimer(now: number, key: TimerKey): Output[] {
    this.now = now;
    switch (key) {
      case 'retransmit-left':
      case 'retransmit-right': {
        const d: Direction = key === 'retransmit-left' ? 'left' : 'right';
        const side = this.side(d);
        side.retransmitAt = Number.POSITIVE_INFINITY;
        const finishedAt = this.finishedAt;
        // A finished node's last announcement goes to a neighbour that lingers for lingerMs of
        // quiet: retry often enough that several retries fall inside that window.
        const cap = finishedAt === undefined ? undefined : this.config.lingerMs / RETRIES_PER_LINGER;
        for (const { seq, message } of side.sender.due(now, cap)) {
          this.wireCounts.retransmissions += 1;
          if (finishedAt !== undefined) side.unansweredRetries += 1;
          this.transmit(d, { seq, message });
        }
        if (finishedAt !== undefined) this.maybeGiveUp(d);
        break;
      }
      case 'ack-left':
      case 'ack-right': {
        const d: Direction = key === 'ack-left' ? 'left' : 'right';
        this.side(d).ackTimerSet = false;
        if (this.side(d).ackOwed) this.transmit(d, undefined);
        break;
      }
      case 'linger':
        if (this.life === 'lingering') {
          this.life = 'exited';
          this.emit({ type: 'exit' });
          return this.flush();
        }
        break;
    }
    this.afterInput();
    return this.flush();
  }

  /** The core's state. */
  state(): CoreState {
    return this.core.state();
  }

  /** Where the endpoint is in its life. */
  lifecycle(): Lifecycle {
    return this.life;
  }

  /** When the leader became known here, in the caller's clock, or undefined. */
  decidedTime(): number | undefined {
    return this.decidedAt;
  }

  /** What is still unfinished per side, for a stall report. */
  diagnose(now: number): Record<Direction, { unacked: number; oldestUnackedMs: number; lastHeardMs: number | null }> {
    const d = (s: Side) => ({
      unacked: s.sender.pending(),
      oldestUnackedMs: s.sender.oldestAge(now),
      lastHeardMs: Number.isNaN(s.lastHeardAt) ? null : now - s.lastHeardAt,
    });
    return { left: d(this.left), right: d(this.right) };
  }

  /**
   * The neighbour on `d` has answered none of GIVE_UP_RETRIES retries of our final announcement.
   * It is done only once it has that announcement, so it has lingered and left, or crashed;
   * retrying longer helps no one. We stop and report the delivery as unconfirmed.
   */
  private maybeGiveUp(d: Direction): void {
    const side = this.side(d);
    if (side.sender.pending() === 0 || side.unansweredRetries < GIVE_UP_RETRIES) return;
    this.wireCounts.abandoned += side.sender.abandon(() => false);
    if (!this.unconfirmedSides.includes(d)) this.unconfirmedSides.push(d);
  }

  /** Sides whose final announcement was never acknowledged (see maybeGiveUp). */
  unconfirmed(): Direction[] {
    return [...this.unconfirmedSides];
  }

  private onData(arrival: Direction, seq: number, message: Message): void {
    const side = this.side(arrival);
    side.ackOwed = true;
    if (!side.receiver.accept(seq)) {
      // A duplicate means our earlier ack may be lost: answer at once rather than after a delay.
      this.wireCounts.duplicates += 1;
      this.transmit(arrival, undefined);
      return;
    }
    if (this.life !== 'running') return;
    this.receivedCounts[message.kind] += 1;
    this.applyStep(this.core.receive(arrival, message), { from: arrival, message });
  }

  private applyStep(step: Step, input?: { from: Direction; message: Message }): void {
    if (this.traceSteps) this.emit({ type: 'trace', event: traceEvent(this.now, this.core.state(), step, input) });
    for (const c of step.commands) {
      switch (c.type) {
        case 'send': {
          this.sentCounts[c.message.kind] += 1;
          const seq = this.side(c.direction).sender.push(this.now, c.message);
          this.transmit(c.direction, { seq, message: c.message });
          break;
        }
        case 'decide':
          this.decidedAt = this.now;
          // Once the leader is known, probes and replies still unacknowledged are useless to the
          // neighbours (they learn the leader from the announcement); stop retrying them so no
          // node waits on a neighbour that has already finished and left.
          for (const d of SIDES) {
            this.wireCounts.abandoned += this.side(d).sender.abandon((m) => m.kind === 'announcement');
          }
          this.emit({ type: 'decide', leader: c.leader, isLeader: c.isLeader });
          break;
        case 'phase':
          this.emit({ type: 'phase', phase: c.phase });
          break;
        case 'done':
          this.coreDone = true;
          break;
      }
    }
  }

  /** Sends a frame on `d`, carrying the current ack for that side, and with data if given. */
  private transmit(d: Direction, data: { seq: number; message: Message } | undefined): void {
    const side = this.side(d);
    const ack = side.receiver.ack();
    const frame: Frame = data ? { side: d, session: this.session, ack, data } : { side: d, session: this.session, ack };
    side.ackOwed = false;
    if (side.ackTimerSet) {
      // The ack rides on this frame: a timer left to fire would only wake the process for nothing.
      side.ackTimerSet = false;
      this.emit({ type: 'cancelTimer', key: d === 'left' ? 'ack-left' : 'ack-right' });
    }
    if (!data) this.wireCounts.pureAcks += 1;
    this.wireCounts.sent += 1;
    const key = this.key;
    const bytes = encodeFrame(frame);
    // Keyed: echo the neighbour's session (proven, else the latest seen) so it can accept ours.
    const sealed = key ? sealFrame(bytes, side.peerSession ?? side.candidateSession ?? 0, key) : bytes;
    this.emit({ type: 'transmit', side: d, bytes: sealed });
  }

  /** Re-arms timers after any input, and moves to lingering when the work is over. */
  private afterInput(): void {
    const finished = this.coreDone;
    if (finished && this.finishedAt === undefined) this.finishedAt = this.now;
    for (const d of SIDES) {
      const side = this.side(d);
      if (side.ackOwed) {
        // A finished node will not send data that an ack could ride on: answer now.
        if (finished || this.config.ackDelayMs === 0) this.transmit(d, undefined);
        else if (!side.ackTimerSet) {
          side.ackTimerSet = true;
          this.emit({ type: 'setTimer', key: d === 'left' ? 'ack-left' : 'ack-right', delayMs: this.config.ackDelayMs });
        }
      }
      const next = side.sender.nextDeadline();
      if (next !== side.retransmitAt) {
        const key = d === 'left' ? 'retransmit-left' : 'retransmit-right';
        side.retransmitAt = next;
        if (next === Number.POSITIVE_INFINITY) this.emit({ type: 'cancelTimer', key });
        else this.emit({ type: 'setTimer', key, delayMs: Math.max(0, next - this.now) });
      }
    }
    const allAcked = this.left.sender.pending() === 0 && this.right.sender.pending() === 0;
    if (finished && allAcked && this.life === 'running') this.life = 'lingering';
    if (this.life === 'lingering') {
      // Every datagram heard restarts the quiet period: a neighbour still retransmitting has not
      // seen our ack, and would retry forever if we were gone.
      this.emit({ type: 'setTimer', key: 'linger', delayMs: this.config.lingerMs });
    }
  }

  private drop(reason: DropReason, detail: string): Output[] {
    this.noteDrop(reason, detail);
    return this.flush();
  }

  /** Counts and reports a dropped frame without ending the current input. */
  private noteDrop(reason: DropReason, detail: string): void {
    this.wireCounts.dropped[reason] += 1;
    this.emit({ type: 'drop', reason, detail });
  }

  private side(d: Direction): Side {
    return d === 'left' ? this.left : this.right;
  }

  private emit(output: Output): void {
    (this.out ??= []).push(output);
  }

  private flush(): Output[] {
    const out = this.out ?? [];
    this.out = undefined;
    return out;
  }
}
