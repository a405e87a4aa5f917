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
  /** rho: bound on clock-rate drift: every monotonic clock runs at a rate in [1 - rho, 1 + rho]. */
  readonly rho: number;
  /** m: extra time a member keeps a grant beyond L(1 + rho). */
  readonly grantMargin: number;
  /** B: back-off unit after a failed attempt, scaled by rank so the higher ranks retry first. */
  readonly backoff: number;
  /** The leader stops acting this long before its lease ends unless renewed. */
  readonly stepDownMargin: number;
  /** S: a member not heard from for S is out of this member's view (liveness only). */
  readonly suspicion: number;
  /** A: an attempt without a majority of grants after A is abandoned. Must leave room in L. */
  readonly attemptTimeout: number;
}

/** Defaults chosen for crash failover well under a second (spec/leadership.md, Liveness). */
export const DEFAULT_TIMING: LeadershipTiming = {
  heartbeat: 50 * ms,
  lease: 500 * ms,
  rho: 0.01,
  grantMargin: 20 * ms,
  backoff: 50 * ms,
  stepDownMargin: 50 * ms,
  suspicion: 200 * ms,
  attemptTimeout: 250 * ms,
};

/** G = L(1 + rho) + m: how long a member keeps a grant, and how long a restarted member grants nothing. */
export function grantPeriod(t: LeadershipTiming): number {
  return t.lease * (1 + t.rho) + t.grantMargin;
}

/**
 * NoOverlappingLeases needs a grant to outlast, in real time, the lease it backs: the shortest
 * real duration of G (on a clock at rate 1 + rho) must be at least the longest real duration of L
 * (on a clock at rate 1 - rho): G / (1 + rho) >= L / (1 - rho).
 */
export function leasesDisjointUnderDrift(t: LeadershipTiming): boolean {
  return grantPeriod(t) / (1 + t.rho) >= t.lease / (1 - t.rho);
}

/** The longest back-off: B (1 + (N - 1) / N) for the lowest rank plus up to B of jitter. */
export function maxBackoff(t: LeadershipTiming): number {
  return 3 * t.backoff;
}

/** The back-off after a failed attempt for `rank` of `n`, with `jitter` in [0, 1) from the caller's seeded source. */
export function backoffFor(t: LeadershipTiming, rank: number, n: number, jitter: number): number {
  return t.backoff * (1 + (n - 1 - rank) / n + jitter);
}

/**
 * Liveness bound: once faults stop at T0 (partitions healed, no loss, a majority up and connected,
 * every message and every persist done within `delivery` ms of real time, drift within rho), a
 * leader is in office by T0 plus this many real milliseconds:
 *
 *   (max(G, S + H) + 2A + 2Bmax + 3H) / (1 - rho) + 6 delivery
 *
 * max(G, S + H): stale grants, quiet periods and sit-outs end, and every view holds exactly the
 * live members; 2A + 2Bmax: an attempt begun on an older view ends, and the one candidate all
 * views now name may need one round refused as stale (members promised epochs it had not heard
 * of) and its back-off; 3H + 6 delivery: its request round trips, with re-sends every H to members
 * still holding a grant from an abandoned attempt until its Release arrives.
 */
export function livenessBound(t: LeadershipTiming, delivery: number): number {
  const G = grantPeriod(t);
  const local = Math.max(G, t.suspicion + t.heartbeat) + 2 * t.attemptTimeout + 2 * maxBackoff(t) + 3 * t.heartbeat;
  return local / (1 - t.rho) + 6 * delivery;
}

/** The first problem with `t`, or undefined when the settings are usable. */
export function timingProblem(t: LeadershipTiming): string | undefined {
  const positive = ['heartbeat', 'lease', 'backoff', 'suspicion', 'attemptTimeout'] as const;
  for (const k of positive) if (!(t[k] > 0) || !Number.isFinite(t[k])) return `${k} must be a positive number of ms, got ${t[k]}`;
  if (!(t.rho >= 0 && t.rho < 1)) return `rho must be in [0, 1), got ${t.rho}`;
  if (!(t.grantMargin >= 0)) return `grantMargin must be >= 0, got ${t.grantMargin}`;
  if (!(t.stepDownMargin >= 0 && t.stepDownMargin < t.lease)) return `stepDownMargin must be in [0, lease), got ${t.stepDownMargin}`;
  if (t.attemptTimeout + t.stepDownMargin >= t.lease) return `attemptTimeout + stepDownMargin must be below lease so a won attempt still has a lease`;
  if (!leasesDisjointUnderDrift(t)) {
    return `grantMargin ${t.grantMargin} ms is too small for lease ${t.lease} ms at rho ${t.rho}: need G / (1 + rho) >= L / (1 - rho)`;
  }
  return undefined;
}
