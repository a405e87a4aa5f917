/**
 * Faults a leadership member inflicts on itself, for chaos runs and tests: random loss and
 * bursts of total loss on what it sends, and a clock that runs at a constant rate off real time
 * (drift). The guarantees hold for loss of any kind, and for clock rates within the stated drift
 * bound rho; a rate beyond it is how a run shows the overlap the spec predicts.
 */
import { InvalidConfigError } from '../errors.js';
import { SeededRandom } from '../util/random.js';
import { type Clock, systemClock } from './clock.js';

/** What a member does to itself. Every field is optional; none means no fault. */
export interface MemberFaults {
  /** Probability in [0, 1) that each datagram this member sends is lost. */
  readonly loss?: number;
  /**
   * Every `everyMs`, everything this member sends is lost for `forMs`. The phase is the host's
   * monotonic clock, so members on one host lose their datagrams in the same spells: a burst
   * silences the whole network.
   */
  readonly burst?: { readonly everyMs: number; readonly forMs: number };
  /** This member's clock advances `clockRate` ms per real ms (1: no drift). */
  readonly clockRate?: number;
  /** Seed of the loss draws (default 1). */
  readonly seed?: number;
  /**
   * Consulted for every datagram sent and received: while it returns true, the member is cut off
   * both ways (a partition of this member alone, switched on and off at a chosen moment).
   */
  readonly isolated?: () => boolean;
}

/** The first problem with `f`, naming the field, or undefined. */
export function memberFaultsProblem(f: MemberFaults): string | undefined {
  if (f.loss !== undefined && !(f.loss >= 0 && f.loss < 1)) return `faults.loss must be a probability in [0, 1), got ${f.loss}`;
  if (f.burst !== undefined) {
    const { everyMs, forMs } = f.burst;
    if (!(everyMs > 0 && Number.isFinite(everyMs))) return `faults.burst.everyMs must be a positive number of ms, got ${everyMs}`;
    if (!(forMs >= 0 && forMs < everyMs)) return `faults.burst.forMs must be in [0, everyMs), got ${forMs}`;
  }
  if (f.clockRate !== undefined && !(f.clockRate > 0 && f.clockRate < 10)) return `faults.clockRate must be in (0, 10), got ${f.clockRate}`;
  if (f.isolated !== undefined && typeof f.isolated !== 'function') return 'faults.isolated must be a function returning true while the member is cut off';
  if (f.seed !== undefined && !(Number.isInteger(f.seed) && f.seed >= 0 && f.seed < 2 ** 32)) return `faults.seed must be an integer in 0..2^32-1, got ${f.seed}`;
  return undefined;
}

/** `f` checked: InvalidConfigError naming the first problem. */
export function checkMemberFaults(f: unknown): MemberFaults | undefined {
  if (f === undefined) return undefined;
  if (typeof f !== 'object' || f === null) throw new InvalidConfigError('faults: must be an object such as { loss: 0.2 }');
  const problem = memberFaultsProblem(f as MemberFaults);
  if (problem) throw new InvalidConfigError(problem);
  return f as MemberFaults;
}

/** The host's monotonic clock in ms: one timeline for every process on the machine. */
export function hostMonotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Decides, datagram by datagram, whether the member's own faults lose it. */
export class SendFaults {
  private readonly random: SeededRandom;
  lost = 0;

  constructor(private readonly f: MemberFaults, private readonly hostNow: () => number = hostMonotonicMs) {
    this.random = new SeededRandom(f.seed ?? 1);
  }

  /** True if the next datagram is lost (and counts it). */
  loses(): boolean {
    const b = this.f.burst;
    const inBurst = b !== undefined && this.hostNow() % b.everyMs < b.forMs;
    // The draw is made for every datagram, so a burst does not shift the loss sequence after it.
    const dropped = (this.f.loss !== undefined && this.random.next() < this.f.loss) || inBurst || this.isolated();
    if (dropped) this.lost += 1;
    return dropped;
  }

  /** True while the member is cut off both ways: what it receives is lost too. */
  isolated(): boolean {
    return this.f.isolated?.() === true;
  }
}

/**
 * A clock that advances `rate` ms per real ms from the moment it is made, with timers scaled to
 * match: a timer for `d` ms of this clock fires after d / rate real ms.
 */
export function driftingClock(rate: number, real: Clock = systemClock): Clock {
  if (rate === 1) return real;
  const origin = real.now();
  return {
    now: () => origin + (real.now() - origin) * rate,
    setTimer: (fn, delayMs) => real.setTimer(fn, delayMs / rate),
    clearTimer: (h) => real.clearTimer(h),
  };
}
