/**
 * Heartbeats to the ring neighbours (MemberConfig.heartbeats 'ring'): a follower heartbeats only
 * its nearest live member each way round the ring while its leader renews, and takes in the
 * leader's view from the Renews. Safety is untouched (no safety rule reads the view); what must
 * hold is liveness, the failover bound, ring repair, and fewer datagrams.
 */
import test from 'ava';
import { LeadershipMember } from '../../src/core/leadership/member.js';
import { View } from '../../src/core/leadership/view.js';
import { DEFAULT_TIMING, grantPeriod } from '../../src/core/leadership/settings.js';
import { FRESH, type LeadershipStep } from '../../src/core/leadership/types.js';
import { simulateLeadership } from '../../src/sim/leadership/simulator.js';
import { assertLeadership, caseArbitrary, keepsInvariants, reachesLeader, runs } from './harness.js';

const H = DEFAULT_TIMING.heartbeat;
const S = DEFAULT_TIMING.suspicion;
const D = grantPeriod(DEFAULT_TIMING);
const RING = [10, 20, 30, 40, 50, 60, 70];

/** Whom `step` sent a Heartbeat to, in ascending order. */
function heartbeatTargets(step: LeadershipStep): number[] {
  const to: number[] = [];
  for (const c of step.commands) if (c.type === 'send' && c.message.kind === 'Heartbeat') to.push(c.to);
  return to.sort((a, b) => a - b);
}

test('ring heartbeats: OneLeaderPerEpoch, EpochsIncrease, NoOverlappingLeases and fencing hold on random fault schedules of up to 7 members', (t) => {
  assertLeadership('ring heartbeats', keepsInvariants(caseArbitrary({ maxMembers: 7 }), { heartbeats: 'ring' }), runs(30));
  t.pass();
});

test('ring heartbeats: Liveness: once faults stop with a connected majority up, a leader is in office within livenessBound', (t) => {
  assertLeadership('ring Liveness', reachesLeader(caseArbitrary({ permanent: true, maxMembers: 7 }), { heartbeats: 'ring' }), runs(40));
  t.pass();
});

test('ring heartbeats: a crashed leader of 7 is replaced within failoverBound, and a resigned one hands over at once', (t) => {
  const crash: number[] = [];
  for (let seed = 1; seed <= runs(4); seed++) {
    const faults = [];
    for (let k = 0; k < 8; k++) faults.push({ at: 2000 + 2000 * k, kind: k % 2 === 0 ? ('crashLeader' as const) : ('resignLeader' as const), downFor: 900 });
    const r = simulateLeadership({ ids: RING, seed, faults, heartbeats: 'ring', network: { delayMin: 0.1, delayMax: 2 } });
    t.deepEqual(r.violations, []);
    for (const f of r.failovers) {
      t.not(f.after, null, `no leader after the ${f.kind} at ${f.at} ms (seed ${seed})`);
      if (f.kind === 'crash') {
        t.true(f.after! <= r.failoverBound, `crash failover ${f.after} ms > bound ${r.failoverBound} ms (seed ${seed})`);
        crash.push(f.after!);
      } else t.true(f.after! < 100, `resign handover ${f.after} ms (seed ${seed})`);
    }
  }
  t.true(crash.length >= runs(4) * 3);
  t.log(`crash failover max ${Math.max(...crash).toFixed(1)} ms`);
});

test('ring heartbeats: an idle ring of n sends about 4/(n+1) of the all-to-all datagrams (per H: n-1 Renews, n-1 RenewAcks, 2 heartbeats per follower)', (t) => {
  for (const n of [7, 16]) {
    const ids = Array.from({ length: n }, (_, i) => i + 1);
    const run = (heartbeats: 'all' | 'ring') => simulateLeadership({ ids, seed: 1, heartbeats, duration: 20_000, network: { delayMin: 0.1, delayMax: 2 } });
    const ring = run('ring');
    t.deepEqual(ring.suspicions.filter((s) => s.at > 2 * D), [], 'no member suspected once all are up');
    const ratio = ring.datagrams.sent / run('all').datagrams.sent;
    t.true(ratio <= 4 / (n + 1) + 0.05, `${n} members: ring/all = ${ratio.toFixed(3)}, expected about ${(4 / (n + 1)).toFixed(3)}`);
    t.log(`${n} members: ring/all datagrams = ${ratio.toFixed(3)} (4/(n+1) = ${(4 / (n + 1)).toFixed(3)})`);
  }
});

test('ring heartbeats: no false failover and no leader change in 60 s of 20 % loss with 7 members', (t) => {
  const r = simulateLeadership({ ids: RING, seed: 7, heartbeats: 'ring', duration: 60_000, lossyUntil: 60_000, network: { loss: 0.2, delayMin: 0.1, delayMax: 2 } });
  t.deepEqual(r.violations, []);
  t.is(r.terms.length, 1, `terms: ${JSON.stringify(r.terms)}`);
});

test('ring repair: a follower heartbeats its live ring neighbours, passes over a suspected one to the next live member, takes it back when heard, and heartbeats everyone once a Renew is missed', (t) => {
  const m = new LeadershipMember({ members: RING, self: 30, random: () => 0, heartbeats: 'ring' });
  m.start(0, FRESH);
  let now = D;
  const everyone = RING.filter((id) => id !== 30);
  const renew = (alive: readonly number[]) => m.receive(now, 70, { kind: 'Renew', epoch: 6, round: now, alive: alive.map((id) => RING.indexOf(id)) });
  for (const id of everyone) m.receive(now, id, { kind: 'Heartbeat', quietLeft: 0 });
  t.deepEqual(heartbeatTargets(renew(RING)), [], 'heartbeats just went to everyone');
  const targets: number[][] = [];
  // 40 falls silent; the leader's view drops it S after it last heard it.
  for (let k = 1; k <= 8; k++) {
    now += H;
    m.receive(now - 1, 20, { kind: 'Heartbeat', quietLeft: 0 });
    targets.push(heartbeatTargets(renew(k < 3 ? RING : RING.filter((id) => id !== 40))));
  }
  t.deepEqual(targets[0], [20, 40], 'its two neighbours');
  t.deepEqual(targets.at(-1), [20, 50], '40 suspected: the next live member that way');
  t.true(m.status().suspected.includes(40));
  now += 1;
  m.receive(now, 40, { kind: 'Heartbeat', quietLeft: 0 });
  now += H;
  t.deepEqual(heartbeatTargets(renew(RING)), [20, 40], '40 heard again: back to it');
  // The next regular heartbeat, one Renew late: still the neighbours, and a timer for the fallback.
  const late = m.tick(now + H);
  t.deepEqual(heartbeatTargets(late), [20, 40]);
  t.like(late.commands.at(-1), { type: 'timer', at: now + 1.5 * H });
  // No Renew for 1.5 H: heartbeats go to everyone at once, half a period before the regular one, and well before the leader is suspected.
  t.deepEqual(heartbeatTargets(m.tick(now + 1.5 * H)), everyone);
  t.false(m.status().suspected.includes(70));
  t.true(1.5 * H < S);
});

test('ring heartbeats: a Release ends the following without a burst (the next regular heartbeat goes to everyone), and a restarted member heartbeats everyone while more than H of its quiet period is left', (t) => {
  const m = new LeadershipMember({ members: RING, self: 30, random: () => 0, heartbeats: 'ring' });
  const everyone = RING.filter((id) => id !== 30);
  const quiet = heartbeatTargets(m.start(0, FRESH));
  t.deepEqual(quiet, everyone);
  for (const id of everyone) m.receive(1, id, { kind: 'Heartbeat', quietLeft: 0 });
  t.deepEqual(heartbeatTargets(m.receive(H, 70, { kind: 'Renew', epoch: 6, round: 1, alive: [] })), everyone, `following, but ${D - H} ms of its quiet period left`);
  let now = D;
  for (let k = 0; k < 3; k++, now += H) m.receive(now, 70, { kind: 'Renew', epoch: 6, round: 2 + k, alive: RING.map((_, r) => r) });
  t.deepEqual(heartbeatTargets(m.tick(now)), [20, 40], 'quiet period over: the neighbours');
  const release = m.receive(now + 1, 70, { kind: 'Release', epoch: 6, sitOut: true });
  t.deepEqual(heartbeatTargets(release), [], 'no burst on the Release');
  // The last Renew came at now - H: 1.5 H after it is when a missed Renew would have meant a burst.
  t.deepEqual(heartbeatTargets(m.tick(now + 0.5 * H)), [], 'nor when the Renews would have been missed');
  t.deepEqual(heartbeatTargets(m.tick(now + H)), everyone, 'the regular heartbeat goes to everyone');
});

test("ring heartbeats: a leader's view passes on only the members it heard itself, so a dead member leaves the views S after its last message reached the leader", (t) => {
  const v = new View(30, S, RING);
  v.start(0);
  v.heard(20, 0);
  v.heardThrough(40, 10);
  t.true(v.alive(40, 10) && v.alive(20, 10));
  t.true(v.heardDirectly(20, 10));
  t.false(v.heardDirectly(40, 10), 'known only through a leader: not passed on');
  t.false(v.heardDirectly(20, S), 'heard S ago: no longer');
});
