/**
 * One reliable link to one peer, carrying opaque payloads: sequence numbers, acknowledgements
 * (ack-policy.ts), retransmission with backoff (sender.ts), duplicate suppression (receiver.ts)
 * and the peer's session (session.ts). Pure: time comes in, outputs go to the context.
 */
import type { Frame, PayloadCodec } from '../wire/frame.js';
import { encodeFrame } from '../wire/codec.js';
import { sealFrame } from '../wire/auth.js';
import { type AckState, ackAfterInput, ackOnData, ackSent, ackTimerFired } from './ack-policy.js';
import type { LinkConfig } from './config.js';
import { type LinkOutput, ackTimer, retransmitTimer } from './output.js';
import { LinkReceiver } from './receiver.js';
import { LinkSender } from './sender.js';
import { type HeldFrame, type SessionState, echoOf, holdFrame, proveSession } from './session.js';
import type { DropReason, LinkCounts } from './stats.js';

/** What the links of one node share: their settings, counters, and where outputs and payloads go. */
export interface LinkContext<P> {
  readonly config: LinkConfig;
  /** This process's incarnation, written into every frame. */
  readonly session: number;
  /** The leadership epoch written into every frame; 0 in a plain election. */
  readonly epoch: number;
  /** Digest of this node's ring configuration, written into every frame and checked on arrival (links.ts). */
  readonly ringDigest: number;
  readonly key: Uint8Array | undefined;
  readonly codec: PayloadCodec<P>;
  /** Uniform in [0, 1); used only for retransmission jitter. */
  readonly random: () => number;
  readonly counts: LinkCounts;
  emit(output: LinkOutput): void;
  /** A payload delivered for the first time on the link to `peer`. */
  deliver(peer: number, payload: P): void;
}

/** One peer of a node: its name, the lane its frames carry to us, and the lane ours carry to it. */
export interface PeerSpec {
  /** The peer in drop details, e.g. `left`. */
  readonly name: string;
  /** Written into the frames we send this peer. */
  readonly sendLane: number;
  /** Frames from this peer carry this lane. */
  readonly receiveLane: number;
}

export class Link<P> implements AckState, SessionState<P> {
  readonly sender: LinkSender<P>;
  private readonly receiver = new LinkReceiver();
  peerSession: number | undefined = undefined;
  candidateSession: number | undefined = undefined;
  held: HeldFrame<P>[] | undefined = undefined;
  ackOwed = false;
  ackTimerSet = false;
  // A number for "none" (Infinity, NaN) rather than undefined: a field that always holds a number
  // is updated in place, while a number stored where undefined may be is boxed anew on every store.
  /** Deadline of the armed retransmission timer; Infinity when none is (the sender's "nothing in flight"). */
  private retransmitAt = Number.POSITIVE_INFINITY;
  /** When this peer was last heard, or NaN. */
  private lastHeardAt = Number.NaN;
  /** Retransmissions since we last heard from this peer, counted only when asked to (see retransmit()). */
  unansweredRetries = 0;

  /** `peer` is this link's index among its node's peers. */
  constructor(
    private readonly ctx: LinkContext<P>,
    readonly peer: number,
    readonly spec: PeerSpec,
  ) {
    this.sender = new LinkSender<P>(ctx.config, ctx.random);
  }

  /** Sends `payload` reliably. */
  send(now: number, payload: P): void {
    const seq = this.sender.push(now, payload);
    this.transmit({ seq, payload });
  }

  /**
   * A decoded frame that claims this link; `echo` is the session it echoes (keyed rings).
   * Returns false if it was dropped (stale session), true otherwise.
   */
  receive(now: number, frame: Frame<P>, echo: number): boolean {
    if (this.peerSession === undefined) {
      if (this.ctx.key && echo !== this.ctx.session) {
        this.hold(frame, now);
        return true;
      }
      for (const h of proveSession(this, frame.session)) {
        if (h.frame.session === this.peerSession) this.accept(h.frame, h.at);
        else this.noteDrop('stale', `held frame of session ${h.frame.session} on the ${this.spec.name} link, proven session is ${this.peerSession}`);
      }
    } else if (this.peerSession !== frame.session) {
      this.noteDrop('stale', `session ${frame.session} on the ${this.spec.name} link, expected ${this.peerSession}`);
      return false;
    }
    this.accept(frame, now);
    return true;
  }

  /** A frame of the link's session: take its acknowledgement and its payload. */
  private accept(frame: Frame<P>, at: number): void {
    this.lastHeardAt = at;
    this.unansweredRetries = 0;
    this.sender.acknowledge(at, frame.ack);
    const data = frame.data;
    if (!data) return;
    const fresh = this.receiver.accept(data.seq);
    if (ackOnData(this, !fresh)) this.transmit(undefined);
    if (fresh) this.ctx.deliver(this.peer, data.payload);
    else this.ctx.counts.duplicates += 1;
  }

  /**
   * Keyed ring, session not yet proven: the frame is authentic but may be a replay of an earlier
   * run. Hold it, and answer at once with an echo of its session: a live peer then proves itself
   * within one round trip, while a replayed one never can (it cannot echo our new session).
   */
  private hold(frame: Frame<P>, at: number): void {
    const old = holdFrame(this, frame, at);
    if (old) this.noteDrop('unverified', `held frame of unproven session ${old.frame.session} on the ${this.spec.name} link given up`);
    this.transmit(undefined);
  }

  /**
   * The retransmission timer fired: send again what is due, each retry at most `capMs` after the
   * last if given; `countUnanswered` counts the retries toward unansweredRetries.
   */
  retransmit(now: number, capMs: number | undefined, countUnanswered: boolean): void {
    this.retransmitAt = Number.POSITIVE_INFINITY;
    for (const due of this.sender.due(now, capMs)) {
      this.ctx.counts.retransmissions += 1;
      if (countUnanswered) this.unansweredRetries += 1;
      this.transmit(due);
    }
  }

  /** The ack timer fired. */
  ackDue(): void {
    if (ackTimerFired(this)) this.transmit(undefined);
  }

  /** Re-arms this link's timers after any input of its node; `finished`: nothing more will be sent but retries. */
  afterInput(now: number, finished: boolean): void {
    const ctx = this.ctx;
    const ack = ackAfterInput(this, finished, ctx.config.ackDelayMs);
    if (ack === 'now') this.transmit(undefined);
    else if (ack === 'arm') ctx.emit({ type: 'setTimer', key: ackTimer(this.peer), delayMs: ctx.config.ackDelayMs });
    const next = this.sender.nextDeadline();
    if (next !== this.retransmitAt) {
      const key = retransmitTimer(this.peer);
      this.retransmitAt = next;
      if (next === Number.POSITIVE_INFINITY) ctx.emit({ type: 'cancelTimer', key });
      else ctx.emit({ type: 'setTimer', key, delayMs: Math.max(0, next - now) });
    }
  }

  /** Unacknowledged payloads. */
  pending(): number {
    return this.sender.pending();
  }

  /** Stops retransmitting payloads for which `keep` is false (counted as abandoned). */
  abandon(keep: (p: P) => boolean): void {
    this.ctx.counts.abandoned += this.sender.abandon(keep);
  }

  /** What is unfinished on this link, for a stall report. */
  diagnose(now: number): { unacked: number; oldestUnackedMs: number; lastHeardMs: number | null } {
    return {
      unacked: this.sender.pending(),
      oldestUnackedMs: this.sender.oldestAge(now),
      lastHeardMs: Number.isNaN(this.lastHeardAt) ? null : now - this.lastHeardAt,
    };
  }

  /** Sends a frame carrying the current ack, and data if given. */
  private transmit(data: { seq: number; payload: P } | undefined): void {
    const ctx = this.ctx;
    const ack = this.receiver.ack();
    const lane = this.spec.sendLane;
    const session = ctx.session;
    const epoch = ctx.epoch;
    const ring = ctx.ringDigest;
    const frame: Frame<P> = data ? { lane, session, epoch, ring, ack, data } : { lane, session, epoch, ring, ack };
    if (ackSent(this)) ctx.emit({ type: 'cancelTimer', key: ackTimer(this.peer) });
    if (!data) ctx.counts.pureAcks += 1;
    ctx.counts.sent += 1;
    const key = ctx.key;
    const bytes = encodeFrame(frame, ctx.codec);
    // Keyed: echo the peer's session (proven, else the latest seen) so it can accept ours.
    const sealed = key ? sealFrame(bytes, echoOf(this), key) : bytes;
    ctx.emit({ type: 'transmit', peer: this.peer, bytes: sealed });
  }

  private noteDrop(reason: DropReason, detail: string): void {
    noteDrop(this.ctx, reason, detail);
  }
}

/** Counts and reports a dropped frame. */
export function noteDrop(ctx: Pick<LinkContext<unknown>, 'counts' | 'emit'>, reason: DropReason, detail: string): void {
  ctx.counts.dropped[reason] += 1;
  ctx.emit({ type: 'drop', reason, detail });
}
