/**
 * Expected false suspicions beside the observed ones. With heartbeats to every member the formula
 * of spec/leadership.md applies. On a ring of ring heartbeats (`"heartbeats": "ring"`) a follower
 * hears most members only through the leader's Renews, and falls back to heartbeating everyone
 * after a missed Renew, so no closed formula is given: the expectation is what the simulator,
 * driving the same core on the same loss, counts. Without a leader every member heartbeats
 * everyone, and the formula applies there too.
 */
import type { HeartbeatTargets } from '../core/leadership/member.js';
import { DEFAULT_TIMING, grantPeriod } from '../core/leadership/settings.js';
import { simulateLeadership } from '../sim/leadership/simulator.js';
import { type Suspicions, expectedFollowerSuspicions } from './stay-report.js';

/** Simulated ms per estimate: long enough for a few hundred suspicions at 20 % loss. */
const SIMULATED_MS = 120_000;
/** Seeds tried until one simulated ring keeps its first leader throughout. */
const SEEDS = [1, 2, 3];

const rates = new Map<string, number | null>();

/**
 * Suspicions per ms made by the followers of a leader on a calm ring of `n` members with ring
 * heartbeats and independent loss `loss` on every datagram, counted by the simulator (seeded,
 * timers on time) once every member is past its start; null when at that loss no simulated ring
 * kept one leader throughout (no calm stretch to count over).
 */
export function simulatedRingFollowerRate(n: number, loss: number): number | null {
  const key = `${n}/${loss}`;
  if (!rates.has(key)) rates.set(key, simulateRate(n, loss));
  return rates.get(key)!;
}

function simulateRate(n: number, loss: number): number | null {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  for (const seed of SEEDS) {
    const r = simulateLeadership({ ids, seed, heartbeats: 'ring', duration: SIMULATED_MS, lossyUntil: SIMULATED_MS, network: { loss, delayMin: 0.1, delayMax: 2 } });
    if (r.terms.length !== 1) continue;
    const leader = r.terms[0]!;
    // After two grant periods every member is past its quiet period and follows the leader.
    const from = leader.at + 2 * grantPeriod(DEFAULT_TIMING);
    return r.suspicions.filter((s) => s.at >= from && s.observer !== leader.member).length / (r.end - from);
  }
  return null;
}

/** Suspicions by followers expected in the calm time of `s` on a ring of `n` with ring heartbeats at independent loss `loss`; null if none can be simulated. */
export function expectedRingFollowerSuspicions(n: number, loss: number, s: Suspicions): number | null {
  const rate = simulatedRingFollowerRate(n, loss);
  if (rate === null) return null;
  const withoutLeader = expectedFollowerSuspicions(n, loss, { ...s, calmWithLeaderMs: 0, calmMs: s.calmMs - s.calmWithLeaderMs });
  return rate * s.calmWithLeaderMs + withoutLeader;
}

/**
 * What `launch --stay` and the failover bench print beside the suspicions followers made:
 * `expected` from independent loss (null under burst loss, or if the simulator has none), and
 * `ifLate`, the formula with every heartbeat due at the deadline late (heartbeats to every member only).
 */
export function expectedSuspicions(heartbeats: HeartbeatTargets, n: number, loss: number, s: Suspicions, burstLoss = false): { expected: number | null; ifLate: number | null } {
  if (burstLoss) return { expected: null, ifLate: null };
  if (heartbeats === 'ring') return { expected: expectedRingFollowerSuspicions(n, loss, s), ifLate: null };
  return { expected: expectedFollowerSuspicions(n, loss, s), ifLate: expectedFollowerSuspicions(n, loss, s, 0) };
}
