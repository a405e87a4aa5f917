/**
 * Clock drift over UDP: a leader cut off from the others just after it was renewed. Within the
 * drift bound (rates 1 -+ rho/2) its lease ends before the others' grants do, and no two leases
 * overlap; far beyond it (leader 0.5x, the others 1.5x) the successor takes office inside the old
 * lease, by no more than the spec's bound L / r_leader - D / r_member (driftOverlapBound).
 * Judged on the test's one real clock (the members' own clocks are the skewed ones).
 */
import test from 'ava';
import { DEFAULT_TIMING, driftOverlapBound, grantPeriod } from '../../src/core/leadership/settings.js';
import { LeaseObserver, leadershipRing } from '../helpers/leadership-ring.js';
import { waitFor } from '../helpers/wait.js';

const IDS = [1, 2, 3];
/** The slow-clock member: the highest id, so every view names it the candidate and it leads. */
const SLOW = 3;
/**
 * Suspicion long enough that the slow member's heartbeats (every H on its clock) keep it in the
 * fast members' views; it plays no part in the overlap, which lease and grant period decide.
 */
const TIMING = { suspicion: 600 };

interface DriftRun {
  readonly violations: string[];
  /** Real ms from the successor's taking office to the end of the old leader's lease (<= 0: none). */
  readonly leaseOverlapMs: number;
  /** Real ms during which both were in office by their events (leader to deposed). */
  readonly officeOverlapMs: number;
  readonly bound: number;
}

async function cutOffTheSlowLeader(slowRate: number, fastRate: number): Promise<DriftRun> {
  let isolated = false;
  const r = await leadershipRing(IDS, undefined, (id) => ({ clockRate: id === SLOW ? slowRate : fastRate }), {
    timing: TIMING,
    // The leader's every datagram, sent or received, is lost: a partition of it from the others.
    internals: (id) => ({ cut: (peer) => isolated && (id === SLOW || peer === SLOW) }),
  });
  try {
    // The slow member first, and the others once its quiet period (long in real time on its slow
    // clock) is over: no view passes over it as quiet, so it is every view's pick and leads.
    const slowAt = IDS.indexOf(SLOW);
    await r.up(slowAt);
    await new Promise((resolve) => setTimeout(resolve, grantPeriod({ ...DEFAULT_TIMING, ...TIMING }) / slowRate + 100));
    for (let i = 0; i < IDS.length; i++) if (i !== slowAt) await r.up(i);
    const slow = r.members[slowAt]!;
    if (!(await waitFor(() => slow.isLeader(), 20_000))) throw new Error(`member ${SLOW} never led: ${JSON.stringify(r.observer.terms)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Cut just after a renewal: its lease then runs longest past the others' grants.
    await new Promise<void>((resolve) => slow.once('lease', () => resolve()));
    isolated = true;
    const old = r.observer.current().find((x) => x.id === SLOW);
    if (!old) throw new Error('the slow leader left office before the cut');
    if (!(await waitFor(() => old.end !== undefined && r.observer.terms.some((x) => x.id !== SLOW && x.start > old.start), 20_000))) throw new Error('no successor');
    const next = r.observer.terms.find((x) => x.id !== SLOW && x.start > old.start)!;
    const t = { ...DEFAULT_TIMING, ...TIMING };
    return {
      violations: r.observer.violations(),
      leaseOverlapMs: old.leaseEnd - next.start,
      officeOverlapMs: LeaseObserver.overlapMs(old, next),
      bound: driftOverlapBound(t, slowRate, fastRate),
    };
  } finally {
    await r.closeAll();
  }
}

const rho = DEFAULT_TIMING.rho;

test.serial(`udp drift within the bound: leader at ${1 - rho / 2}x, the others at ${1 + rho / 2}x, leader cut off: no overlap`, async (t) => {
  t.timeout(60_000);
  const run = await cutOffTheSlowLeader(1 - rho / 2, 1 + rho / 2);
  t.log(`the spec's bound: L/r_leader - D/r_member = ${run.bound.toFixed(1)} ms (no overlap possible); measured: the successor took office ${(-run.leaseOverlapMs).toFixed(1)} ms after the old lease ended`);
  t.true(run.bound < 0, 'within the drift bound the spec allows no overlap');
  t.deepEqual(run.violations, []);
  t.true(run.leaseOverlapMs < 0, 'the successor took office after the old lease ended');
});

test.serial('udp drift beyond the bound: leader at 0.5x, the others at 1.5x, leader cut off: the leases overlap as the spec predicts', async (t) => {
  t.timeout(60_000);
  const run = await cutOffTheSlowLeader(0.5, 1.5);
  const d = grantPeriod({ ...DEFAULT_TIMING, ...TIMING });
  t.log(`the spec's bound: L/r_leader - D/r_member = ${DEFAULT_TIMING.lease}/0.5 - ${d}/1.5 = ${run.bound.toFixed(1)} ms`);
  t.log(`measured: leases overlapped ${run.leaseOverlapMs.toFixed(1)} ms, terms (leader to deposed) ${run.officeOverlapMs.toFixed(1)} ms`);
  t.log(run.violations.join('\n'));
  t.true(run.violations.some((v) => v.startsWith('NoOverlappingLeases')), 'the observer reports the overlap');
  t.true(run.leaseOverlapMs > 0);
  // The successor needs a grant given after the old lease's round was sent: it cannot come sooner.
  t.true(run.leaseOverlapMs <= run.bound + 1, `overlap ${run.leaseOverlapMs.toFixed(1)} ms within the bound ${run.bound.toFixed(1)} ms`);
});
