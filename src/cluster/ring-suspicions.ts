/**
 * Expected false suspicions on a ring of ring heartbeats (`"heartbeats": "ring"`). There a
 * follower hears most members only through the leader's Renews, and falls back to heartbeating
 * everyone after a missed Renew, so no closed formula is given: the expectation is what the
 * simulator, driving the same core on the same loss, counts. Without a leader every member
 * heartbeats everyone, and the formula of spec/leadership.md applies.
 */
import { falseSuspicionRate } from '../core/leadership/false-suspicion.js';
import { DEFAULT_TIMING, grantPeriod } from '../core/leadership/settings.js';
import { simulateLeadership } from '../sim/leadership/simulator.js';
import type { Suspicions } from './stay-report.js';

/** Simulated ms per estimate: long enough for a few hundred suspicions at 20 % loss. */
const SIMULATED_MS = 120_000;

/**
 * Suspicions per ms made by the followers of a leader on a calm ring of `n` members with ring
 * heartbeats and independent loss `loss` on every datagram, counted by the simulator (seeded,
 * timers on time) once every member is past its start.
 */
export function simulatedRingFollowerRate(n: number, loss: number, seed = 1): number {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const r = simulateLeadership({ ids, seed, heartbeats: 'ring', duration: SIMULATED_MS, lossyUntil: SIMULATED_MS, network: { loss, delayMin: 0.1, delayMax: 2 } });
  if (r.terms.length !== 1) throw new Error(`the simulated ring of ${n} changed leader ${r.terms.length - 1} times at loss ${loss}: no calm rate to measure`);
  const leader = r.terms[0]!;
  // After two grant periods every member is past its quiet period and follows the leader.
  const from = leader.at + 2 * grantPeriod(DEFAULT_TIMING);
  const counted = r.suspicions.filter((s) => s.at >= from && s.observer !== leader.member).length;
  return counted / (r.end - from);
}

/** Suspicions by followers expected in the calm time of `s` on a ring of `n` with ring heartbeats at independent loss `loss`. */
export function expectedRingFollowerSuspicions(n: number, loss: number, s: Suspicions): number {
  const withoutLeader = (falseSuspicionRate(DEFAULT_TIMING, loss) / 1000) * n * (n - 1) * (s.calmMs - s.calmWithLeaderMs);
  return simulatedRingFollowerRate(n, loss) * s.calmWithLeaderMs + withoutLeader;
}
