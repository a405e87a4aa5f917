/**
 * Bursty loss over UDP: five members lose everything they send for `forMs` of every 3 s, all in
 * the same spells (the phase is the host clock). Leases never overlap and tokens increase
 * whatever the bursts do; the test logs how many leader changes they caused. A 300 ms silence is
 * longer than the suspicion S (150 ms) but shorter than what is left of a renewed lease (at least
 * L - stepDownMargin - H = 410 ms at the burst's start): followers stop hearing the leader, yet
 * they still hold their grants (D = 525 ms) and so may not stand, and the first renewal after the
 * burst extends the lease. A silence longer than that lease ends the term at every burst.
 */
import test from 'ava';
import { leadershipRing } from '../helpers/leadership-ring.js';
import { waitFor } from '../helpers/wait.js';

const IDS = [4, 9, 2, 7, 5];
const EVERY_MS = 3000;

async function bursts(forMs: number, runMs: number): Promise<{ violations: string[]; changes: number; bursts: number; lost: number }> {
  const r = await leadershipRing(IDS, undefined, () => ({ burst: { everyMs: EVERY_MS, forMs } }));
  try {
    for (let i = 0; i < IDS.length; i++) await r.up(i);
    if (!(await waitFor(() => r.members.some((m) => m?.isLeader()), 20_000))) throw new Error('no first leader');
    const first = r.observer.terms.length;
    await new Promise((resolve) => setTimeout(resolve, runMs));
    const lost = r.members.reduce((sum, m) => sum + (m?.status().datagrams.lost ?? 0), 0);
    return { violations: r.observer.violations(), changes: r.observer.terms.length - first, bursts: Math.floor(runMs / EVERY_MS), lost };
  } finally {
    await r.closeAll();
  }
}

test.serial('udp bursts: all datagrams lost for 300 ms every 3 s for 15 s: no overlap, tokens increase; the leader changes this caused are logged', async (t) => {
  t.timeout(90_000);
  const run = await bursts(300, 15_000);
  t.log(`${run.bursts} bursts of 300 ms, ${run.lost} datagrams lost, ${run.changes} new terms after the first (leader changes)`);
  t.deepEqual(run.violations, []);
  t.true(run.lost > 0, 'the bursts did silence the members');
});

test.serial('udp bursts: all datagrams lost for 700 ms every 3 s (longer than a lease): a new term after the bursts, still no overlap', async (t) => {
  t.timeout(90_000);
  const run = await bursts(700, 9000);
  t.log(`${run.bursts} bursts of 700 ms, ${run.lost} datagrams lost, ${run.changes} new terms after the first (leader changes)`);
  t.deepEqual(run.violations, []);
  // Each such burst outlasts the lease: the leader must step down, and a leader takes office again.
  t.true(run.changes >= 1, 'a burst longer than the lease ends the term');
});
