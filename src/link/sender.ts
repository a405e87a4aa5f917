/** Outbound half of one reliable link: sequence numbers, retransmission with backoff, acknowledgements taken. */
import type { Ack } from '../wire/frame.js';
import { RttEstimator } from './rtt.js';
import type { LinkConfig } from './config.js';

interface InFlight<P> {
  readonly seq: number;
  readonly payload: P;
  readonly firstSentAt: number;
  lastSentAt: number;
  transmissions: number;
  deadline: number;
}

/**
 * Numbers payloads, keeps each until acknowledged and says which are
 * due for retransmission. Time is passed in, never read, so it runs under simulation too.
 */
export class LinkSender<P> {
  private nextSeq = 0;
  /**
   * Unacknowledged payloads in seq order (seqs are pushed ascending), in `inFlight[0..count)`;
   * slots past `count` are cleared but kept. Not a Map: a link has a payload or two in flight,
   * and a Map reallocates its table as entries come and go.
   */
  private readonly inFlight: (InFlight<P> | undefined)[] = [];
  private count = 0;
  private readonly rtt: RttEstimator;

  constructor(
    private readonly config: LinkConfig,
    private readonly random: () => number,
  ) {
    this.rtt = new RttEstimator(config.initialRtoMs, config.minRtoMs, config.maxRtoMs);
  }

  /** Assigns the next sequence number to `payload` and starts its retransmission clock. */
  push(now: number, payload: P): number {
    const seq = this.nextSeq;
    this.nextSeq += 1;
    this.inFlight[this.count++] = {
      seq,
      payload,
      firstSentAt: now,
      lastSentAt: now,
      transmissions: 1,
      deadline: now + this.jittered(this.rtt.rto()),
    };
    return seq;
  }

  /** Applies an acknowledgement; returns how many frames it newly acknowledged. */
  acknowledge(now: number, ack: Ack): number {
    // Only seqs we actually sent can be acknowledged; anything else in a forged ack is ignored.
    // The cumulative part covers a prefix of the seq-ordered list.
    let covered = 0;
    while (covered < this.count && this.inFlight[covered]!.seq < ack.cumulative) this.settle(now, this.inFlight[covered++]!);
    this.removeRange(0, covered);
    let acked = covered;
    for (const s of ack.selective) {
      const i = this.indexOf(s);
      if (i >= 0) {
        this.settle(now, this.inFlight[i]!);
        this.removeRange(i, i + 1);
        acked += 1;
      }
    }
    return acked;
  }

  private settle(now: number, f: InFlight<P>): void {
    if (f.transmissions === 1) this.rtt.sample(now - f.firstSentAt);
  }

  /**
   * Frames whose deadline has passed; their clocks restart with a doubled timeout, at most
   * `maxIntervalMs` (default: the configured ceiling).
   */
  due(now: number, maxIntervalMs = this.config.maxRtoMs): { seq: number; payload: P }[] {
    const out: { seq: number; payload: P }[] = [];
    for (let i = 0; i < this.count; i++) {
      const f = this.inFlight[i]!;
      if (f.deadline > now) continue;
      f.transmissions += 1;
      f.lastSentAt = now;
      const backoff = Math.min(maxIntervalMs, this.config.maxRtoMs, this.rtt.rto() * 2 ** (f.transmissions - 1));
      f.deadline = now + this.jittered(backoff);
      out.push({ seq: f.seq, payload: f.payload });
    }
    return out;
  }

  /**
   * Earliest retransmission deadline; Infinity (never) when nothing is in flight, the link's
   * own "no timer", so the two compare without a case for none.
   */
  nextDeadline(): number {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.count; i++) {
      const deadline = this.inFlight[i]!.deadline;
      if (deadline < min) min = deadline;
    }
    return min;
  }

  /** Stops retransmitting payloads for which `keep` is false (the receiver no longer needs them). */
  abandon(keep: (p: P) => boolean): number {
    let kept = 0;
    for (let i = 0; i < this.count; i++) {
      const f = this.inFlight[i]!;
      if (keep(f.payload)) this.inFlight[kept++] = f;
    }
    const dropped = this.count - kept;
    this.inFlight.fill(undefined, kept, this.count);
    this.count = kept;
    return dropped;
  }

  /** Number of unacknowledged payloads. */
  pending(): number {
    return this.count;
  }

  /** Age of the oldest unacknowledged payload, or 0 when none is pending. */
  oldestAge(now: number): number {
    let oldest = now;
    for (let i = 0; i < this.count; i++) oldest = Math.min(oldest, this.inFlight[i]!.firstSentAt);
    return now - oldest;
  }

  /** Smoothed round-trip time, once measured. */
  smoothedRtt(): number | undefined {
    return this.rtt.smoothed();
  }

  /** True if `seq` has been assigned by this sender (acks for other seqs are bogus). */
  hasSent(seq: number): boolean {
    return seq < this.nextSeq;
  }

  private indexOf(seq: number): number {
    for (let i = 0; i < this.count; i++) if (this.inFlight[i]!.seq === seq) return i;
    return -1;
  }

  /** Removes the payloads at places [from, to), keeping the others in order. */
  private removeRange(from: number, to: number): void {
    if (to === from) return;
    const list = this.inFlight;
    const count = this.count;
    for (let i = to; i < count; i++) list[from + i - to] = list[i];
    const left = count - (to - from);
    list.fill(undefined, left, count);
    this.count = left;
  }

  private jittered(ms: number): number {
    const j = this.config.jitter;
    return ms * (1 - j + 2 * j * this.random());
  }
}
