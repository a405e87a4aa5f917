import type { Message } from '../core/types.js';
import type { Ack } from '../wire/frame.js';
import { RttEstimator } from './rtt.js';
import type { LinkConfig } from './config.js';

interface InFlight {
  readonly seq: number;
  readonly message: Message;
  readonly firstSentAt: number;
  lastSentAt: number;
  transmissions: number;
  deadline: number;
}

/**
 * Outbound half of one link: numbers messages, keeps each until acknowledged and says which are
 * due for retransmission. Time is passed in, never read, so it runs under simulation too.
 */
export class LinkSender {
  private nextSeq = 0;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly rtt: RttEstimator;

  constructor(
    private readonly config: LinkConfig,
    private readonly random: () => number,
  ) {
    this.rtt = new RttEstimator(config.initialRtoMs, config.minRtoMs, config.maxRtoMs);
  }

  /** Assigns the next sequence number to `message` and starts its retransmission clock. */
  push(now: number, message: Message): number {
    const seq = this.nextSeq;
    this.nextSeq += 1;
    this.inFlight.set(seq, {
      seq,
      message,
      firstSentAt: now,
      lastSentAt: now,
      transmissions: 1,
      deadline: now + this.jittered(this.rtt.rto()),
    });
    return seq;
  }

  /** Applies an acknowledgement; returns how many frames it newly acknowledged. */
  acknowledge(now: number, ack: Ack): number {
    let acked = 0;
    // Only seqs we actually sent can be acknowledged; anything else in a forged ack is ignored.
    // The map is in seq order (seqs are pushed ascending and never re-inserted), so the
    // cumulative part stops at the first seq it does not cover; deleting the entry being
    // visited is safe during Map iteration.
    for (const f of this.inFlight.values()) {
      if (f.seq >= ack.cumulative) break;
      this.settle(now, f);
      acked += 1;
    }
    for (const s of ack.selective) {
      const f = this.inFlight.get(s);
      if (f) {
        this.settle(now, f);
        acked += 1;
      }
    }
    return acked;
  }

  private settle(now: number, f: InFlight): void {
    if (f.transmissions === 1) this.rtt.sample(now - f.firstSentAt);
    this.inFlight.delete(f.seq);
  }

  /**
   * Frames whose deadline has passed; their clocks restart with a doubled timeout, at most
   * `maxIntervalMs` (default: the configured ceiling).
   */
  due(now: number, maxIntervalMs = this.config.maxRtoMs): { seq: number; message: Message }[] {
    const out: { seq: number; message: Message }[] = [];
    for (const f of this.inFlight.values()) {
      if (f.deadline > now) continue;
      f.transmissions += 1;
      f.lastSentAt = now;
      const backoff = Math.min(maxIntervalMs, this.config.maxRtoMs, this.rtt.rto() * 2 ** (f.transmissions - 1));
      f.deadline = now + this.jittered(backoff);
      out.push({ seq: f.seq, message: f.message });
    }
    return out;
  }

  /** Earliest retransmission deadline, if anything is in flight. */
  nextDeadline(): number | undefined {
    let min: number | undefined;
    for (const f of this.inFlight.values()) if (min === undefined || f.deadline < min) min = f.deadline;
    return min;
  }

  /** Stops retransmitting messages for which `keep` is false (the receiver no longer needs them). */
  abandon(keep: (m: Message) => boolean): number {
    let dropped = 0;
    for (const [seq, f] of this.inFlight) {
      if (!keep(f.message)) {
        this.inFlight.delete(seq);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** Number of unacknowledged messages. */
  pending(): number {
    return this.inFlight.size;
  }

  /** Age of the oldest unacknowledged message, or 0 when none is pending. */
  oldestAge(now: number): number {
    let oldest = now;
    for (const f of this.inFlight.values()) oldest = Math.min(oldest, f.firstSentAt);
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

  private jittered(ms: number): number {
    const j = this.config.jitter;
    return ms * (1 - j + 2 * j * this.random());
  }
}
