/**
 * How often the failure detector suspects a live peer on a lossy network (spec/leadership.md,
 * "False suspicions"): a peer sends one message every H, each lost independently with probability
 * p, and is suspected once nothing arrived for S. Derived there; checked against the detector and
 * the simulator in test/leadership/false-suspicion.test.ts.
 */
import type { LeadershipTiming } from './settings.js';

/** The heartbeats whose loss makes a suspicion, counted from the last one heard. */
export interface MissedHeartbeats {
  /** Heartbeats due strictly within S of the last one heard: all of them must be lost. */
  readonly lost: number;
  /**
   * True when S is a whole number of heartbeat periods: the next heartbeat is due at the very
   * instant of the suspicion, and it must also be lost, or arrive late.
   */
  readonly boundary: boolean;
}

/** Which heartbeats must go missing for a suspicion, for heartbeat period H and suspicion time S. */
export function missedHeartbeats(t: Pick<LeadershipTiming, 'heartbeat' | 'suspicion'>): MissedHeartbeats {
  const ratio = t.suspicion / t.heartbeat;
  const whole = Math.round(ratio);
  // Rounding error of the division only: 150 / 50 is a boundary, 140 / 50 is not.
  if (Math.abs(ratio - whole) < 1e-9) return { lost: whole - 1, boundary: true };
  return { lost: Math.floor(ratio), boundary: false };
}

/**
 * The probability that the heartbeats after one heard are missed long enough for a suspicion:
 * p^k, or p^(n-1) (p + (1-p)(1-q)) when S = nH, where q is the probability that a heartbeat due
 * exactly at the deadline beats it (1/2 with independent, continuously distributed delays).
 */
export function suspicionChance(t: Pick<LeadershipTiming, 'heartbeat' | 'suspicion'>, loss: number, boundaryOnTime = 0.5): number {
  checkProbability('loss', loss);
  checkProbability('boundaryOnTime', boundaryOnTime);
  const m = missedHeartbeats(t);
  const certain = loss ** m.lost;
  return m.boundary ? certain * (loss + (1 - loss) * (1 - boundaryOnTime)) : certain;
}

/**
 * Expected false suspicions per second of one member by one other (an ordered pair; a pair of
 * members suspect each other twice as often) with one-way loss `loss` on the peer's messages:
 * (1000 / H) (1 - p) P, where P is suspicionChance: a suspicion starts at each heartbeat heard
 * that is followed by a long enough run of missed ones, and each such run makes exactly one.
 */
export function falseSuspicionRate(t: Pick<LeadershipTiming, 'heartbeat' | 'suspicion'>, loss: number, boundaryOnTime = 0.5): number {
  return (1000 / t.heartbeat) * (1 - loss) * suspicionChance(t, loss, boundaryOnTime);
}

/**
 * Expected suspicions in the first `heartbeats` heartbeats after one heard at time 0, observed
 * until the next heartbeat would be due: the exact finite form of the rate, P (1 + (h - w)(1 - p))
 * where w heartbeats (k, or n on a boundary) make one suspicion.
 */
export function expectedSuspicions(t: Pick<LeadershipTiming, 'heartbeat' | 'suspicion'>, loss: number, heartbeats: number, boundaryOnTime = 0.5): number {
  const m = missedHeartbeats(t);
  const window = m.lost + (m.boundary ? 1 : 0);
  if (heartbeats < window) return 0;
  return suspicionChance(t, loss, boundaryOnTime) * (1 + (heartbeats - window) * (1 - loss));
}

function checkProbability(name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} must be a probability in [0, 1], got ${p}`);
}
