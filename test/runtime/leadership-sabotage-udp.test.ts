/**
 * The UDP observer can fail: a sabotaged core run inside real UDP members (through the test-only
 * createMemberWithCore) lets two leaders be in office at once, and the observer says so; the same
 * scenario with the real core shows no overlap.
 */
import test from 'ava';
import type { LeadershipMember, MemberConfig } from '../../src/core/leadership/member.js';
import * as library from '../../src/index.js';
import { LeaseObserver, leadershipRing } from '../helpers/leadership-ring.js';
import { waitFor } from '../helpers/wait.js';
import { NoHeldGrantWait, NoLeaseWait } from '../leadership/sabotaged-members.js';

const IDS = [1, 2, 3];

/** The observer's violations, and the longest overlap of two terms in real ms. */
interface Outcome {
  readonly violations: string[];
  readonly overlapMs: number;
  readonly terms: number;
}

function outcome(o: LeaseObserver): Outcome {
  let overlapMs = 0;
  for (const a of o.terms) for (const b of o.terms) if (a !== b) overlapMs = Math.max(overlapMs, LeaseObserver.overlapMs(a, b));
  return { violations: o.violations(), overlapMs, terms: o.terms.length };
}

/** Kill: the leader is closed without resigning, after a second in steady office; the run ends once a successor led for a while. */
async function killTheLeader(core?: (c: MemberConfig) => LeadershipMember): Promise<Outcome> {
  const r = await leadershipRing(IDS, undefined, undefined, core ? { internals: () => ({ core }) } : {});
  try {
    for (let i = 0; i < IDS.length; i++) await r.up(i);
    if (!(await waitFor(() => r.members.some((m) => m?.isLeader()), 20_000))) throw new Error('no first leader');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const old = r.members.findIndex((m) => m?.isLeader());
    await r.down(old);
    if (!(await waitFor(() => r.observer.current().some((x) => x.id !== IDS[old]), 20_000))) throw new Error('no successor');
    await new Promise((resolve) => setTimeout(resolve, 500));
    return outcome(r.observer);
  } finally {
    await r.closeAll();
  }
}

/**
 * Partition: the links between the leader and one follower are cut both ways, after a second
 * in steady office. The cut-off follower sees a majority (itself and the third member) and
 * stands once its grant to the leader expired; the third member still acks the leader.
 */
async function cutOneLink(core?: (c: MemberConfig) => LeadershipMember): Promise<Outcome> {
  let cut: [number, number] | null = null;
  const cutBetween = (self: number) => (peer: number) => cut !== null && ((cut[0] === self && cut[1] === peer) || (cut[1] === self && cut[0] === peer));
  const r = await leadershipRing(IDS, undefined, undefined, { internals: (id) => ({ ...(core ? { core } : {}), cut: cutBetween(id) }) });
  try {
    for (let i = 0; i < IDS.length; i++) await r.up(i);
    if (!(await waitFor(() => r.members.some((m) => m?.isLeader()), 20_000))) throw new Error('no first leader');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const leader = r.members.find((m) => m?.isLeader())!.id;
    // The highest other member: the one whose view makes it the candidate.
    const follower = Math.max(...IDS.filter((id) => id !== leader));
    cut = [leader, follower];
    await new Promise((resolve) => setTimeout(resolve, 3000));
    return outcome(r.observer);
  } finally {
    await r.closeAll();
  }
}

test.serial('udp sabotage: members that keep a grant for a fifth of a lease let the next leader take office inside a closed leader\'s lease (NoOverlappingLeases violated)', async (t) => {
  t.timeout(60_000);
  const o = await killTheLeader((c) => new NoLeaseWait(c));
  t.log(o.violations.join('\n'));
  t.log(`overlap ${o.overlapMs.toFixed(1)} ms`);
  t.true(o.violations.some((v) => v.startsWith('NoOverlappingLeases')), 'the observer reports the overlap');
  t.true(o.overlapMs > 0);
});

test.serial('udp: the same kill with the real core: the successor takes office after the lease, no overlap', async (t) => {
  t.timeout(60_000);
  const o = await killTheLeader();
  t.deepEqual(o.violations, []);
  t.is(o.overlapMs, 0);
  t.true(o.terms >= 2, 'a successor took office');
});

test.serial('udp sabotage: members that grant while holding a grant let a member cut off from the leader alone take office beside it (NoOverlappingLeases violated)', async (t) => {
  t.timeout(60_000);
  const o = await cutOneLink((c) => new NoHeldGrantWait(c));
  t.log(o.violations.join('\n'));
  t.log(`overlap ${o.overlapMs.toFixed(1)} ms`);
  t.true(o.violations.some((v) => v.startsWith('NoOverlappingLeases')), 'the observer reports the overlap');
});

test.serial('udp: the same cut link with the real core: no overlap', async (t) => {
  t.timeout(60_000);
  const o = await cutOneLink();
  // The leader, still acked by a majority, keeps office (one term, unless a starved timer ended it).
  t.log(`${o.terms} term(s) in office`);
  t.deepEqual(o.violations, []);
});

test('the way in for a sabotaged core is not part of the library', (t) => {
  t.false('createMemberWithCore' in library);
  t.true('createMember' in library);
});
