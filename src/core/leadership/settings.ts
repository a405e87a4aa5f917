/**
 * The protocol's settings, their defaults and the formulas the guarantees are stated with
 * (spec/leadership.md): the grant period a member keeps its promise for, the drift condition
 * that makes leases disjoint, and the liveness bound once faults stop.
 */

const ms = 1;

/** Timing settings, all in milliseconds of a member's monotonic clock. */
export interface LeadershipTiming {
  /** H: heartbeat and renewal interval; a candidate also re-sends its requests every H. */
  readonly heartbeat: number;
  /** L: lease length, measured by the leader from the moment it sent its request (or renewal). */
  readonly lease: number;
  /** rho: drift bound: while two members run, one's monotonic clock advances at most (1 + rho) times the other's. */
  readonly rho: number;
  /** m: extra time a member keeps a grant beyond L(1 + rho) (timer granularity, scheduling jitter). */
  readonly grantMargin: number;
  /** B: back-off unit after a failed attempt, scaled by rank so the higher ranks retry first. */
  readonly backoff: number;
  /** The leader stops acting this long before its lease ends unless renewed (the application's AbortSignal). */
  readonly stepDownMargin: number;
  /** S: a member not heard from for S is out of this member's view (liveness only). */
  readonly suspicion: number;
  /** A: an attempt without a majority of grants after A is abandoned. Must leave room in L. */
  readonly attemptTimeout: number;
}

/** Defaults of spec/leadership.md, chosen for crash failover well under a second. */
export const DEFAULT_TIMING: LeadershipTiming = {
  heartbeat: 50 * ms,
  lease: 500 * ms,
  rho: 0.01,
  grantMargin: 20 * ms,
  backoff: 100 * ms,
  stepDownMargin: 40 * ms,
  suspicion: 150 * ms,
  attemptTimeout: 250 * ms,
};

/** D = L(1 + rho) + m: how long a member keeps a grant, and how long a restarted member grants nothing. */
export function grantPeriod(t: LeadershipTiming): number {
  return t.lease * (1 + t.rho) + t.grantMargin;
}

/**
 * The back-off after a failed attempt for `rank` of `n`: B (N - r) / N, so the highest rank tries
 * again first, plus up to B / N of jitter (`jitter` in [0, 1) from the caller's seeded source).
 */
export function backoffFor(t: LeadershipTiming, rank: number, n: number, jitter: number): number {
  return (t.backoff * (n - rank + jitter)) / n;
}

/** The longest back-off of any rank: B (N + 1) / N <= 2B. */
export function maxBackoff(t: LeadershipTiming): number {
  return 2 * t.backoff;
}

/**
 * Beyond the drift bound (spec/leadership.md, NoOverlappingLeases): a leader whose clock runs at
 * `leaderRate` times real time holds a lease for L / leaderRate real ms after the send of the
 * round that gave it, while a member at `memberRate` that granted after that send keeps its
 * grant for D / memberRate real ms. A successor needs that member's grant, so two leases overlap
 * by at most L / leaderRate - D / memberRate real ms: none while memberRate / leaderRate <= D / L.
 * Returns that bound (<= 0: no overlap possible).
 */
export function driftOverlapBound(t: LeadershipTiming, leaderRate: number, memberRate: number): number {
  return t.lease / leaderRate - grantPeriod(t) / memberRate;
}

/**
 * Crash failover bound of spec/leadership.md (Liveness) with the view-based pick (no HS run):
 * once a stable leader dies, the next is in office within
 *
 *   max(S, delta + D) / minRate + H / minRate + 4 delta
 *
 * real ms, where every message and persist completes within `delta` and no member's clock runs
 * slower than `minRate` times real time: each grant expires D after its last RenewAck, the dead
 * leader leaves every view after S, and the pick's request round (re-sent every H) is granted
 * as soon as the old grants have expired.
 */
export function failoverBound(t: LeadershipTiming, delta: number, minRate = 1): number {
  return (Math.max(t.suspicion, delta + grantPeriod(t)) + t.heartbeat) / minRate + 4 * delta;
}

/**
 * Liveness bound from an arbitrary state: once faults stop at T0 (partitions healed, no loss, a
 * majority up, every message and persist done within `delta` real ms, clocks no slower than
 * `minRate`), a leader is in office by T0 plus
 *
 *   (max(D, S + H) + 2A + 2Bmax + 3H) / minRate + 6 delta
 *
 * max(D, S + H): stale grants, quiet periods and sit-outs end, and every view holds exactly the
 * live members; 2A + 2Bmax: an attempt begun on an older view ends, and the one candidate all
 * views now name may need one round refused as stale (members promised epochs it had not heard
 * of) and its back-off; 3H + 6 delta: its request round trips, with re-sends every H to members
 * still holding a grant from an abandoned attempt until its Release arrives.
 */
export function livenessBound(t: LeadershipTiming, delta: number, minRate = 1): number {
  const local = Math.max(grantPeriod(t), t.suspicion + t.heartbeat) + 2 * t.attemptTimeout + 2 * maxBackoff(t) + 3 * t.heartbeat;
  return local / minRate + 6 * delta;
}

/** The first problem with `t`, or undefined when the settings are usable. */
export function timingProblem(t: LeadershipTiming): string | undefined {
  const positive = ['heartbeat', 'lease', 'backoff', 'suspicion', 'attemptTimeout'] as const;
  for (const k of positive) if (!(t[k] > 0) || !Number.isFinite(t[k])) return `${k} must be a positive number of ms, got ${t[k]}`;
  if (!(t.rho >= 0 && t.rho < 1)) return `rho must be in [0, 1), got ${t.rho}`;
  // NoOverlappingLeases: while the leader's clock advances L a member's advances at most
  // L(1 + rho), so a grant kept for L(1 + rho) + m with m > 0 outlasts the lease it backs.
  if (!(t.grantMargin > 0)) return `grantMargin must be > 0 ms, got ${t.grantMargin}`;
  if (!(t.stepDownMargin >= 0 && t.stepDownMargin < t.lease)) return `stepDownMargin must be in [0, lease), got ${t.stepDownMargin}`;
  if (t.attemptTimeout + t.stepDownMargin >= t.lease) return `attemptTimeout + stepDownMargin must be below lease so a won attempt still has a lease`;
  return undefined;
}
