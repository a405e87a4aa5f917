/** The expected false suspicions on a ring of ring heartbeats: the simulator's count, scaled to the calm time observed. */
import test from 'ava';
import { expectedRingFollowerSuspicions, expectedSuspicions, simulatedRingFollowerRate } from '../../src/cluster/expected-suspicions.js';
import { expectedFollowerSuspicions } from '../../src/cluster/stay-report.js';

const calm = (withLeaderMs: number, withoutMs = 0) => ({ total: 0, calm: { byFollowers: 0, byLeaders: 0 }, calmMs: withLeaderMs + withoutMs, calmWithLeaderMs: withLeaderMs });

test('ring suspicions: none expected without loss; at 20 % loss fewer than with heartbeats to every member, and in proportion to the calm time', (t) => {
  t.is(simulatedRingFollowerRate(7, 0), 0);
  const minute = expectedRingFollowerSuspicions(7, 0.2, calm(60_000))!;
  t.true(minute > 0);
  t.true(minute < expectedFollowerSuspicions(7, 0.2, calm(60_000)), `${minute.toFixed(1)} with ring heartbeats`);
  t.is(expectedRingFollowerSuspicions(7, 0.2, calm(120_000)), 2 * minute);
  // Without a leader every member heartbeats everyone: the formula's share.
  const leaderless = expectedFollowerSuspicions(7, 0.2, calm(0, 60_000));
  t.true(Math.abs(expectedRingFollowerSuspicions(7, 0.2, calm(0, 60_000))! - leaderless) < 1e-9 * leaderless);
  t.log(`7 members, 20 % loss, one minute with a leader: ${minute.toFixed(1)} expected (all-to-all: ${expectedFollowerSuspicions(7, 0.2, calm(60_000)).toFixed(1)})`);
});

test('expected suspicions: the formula and its late variant for heartbeats to every member, the simulator alone for ring heartbeats, nothing under burst loss or where no simulated ring keeps a leader', (t) => {
  const s = calm(60_000);
  t.deepEqual(expectedSuspicions('all', 5, 0.2, s), { expected: expectedFollowerSuspicions(5, 0.2, s), ifLate: expectedFollowerSuspicions(5, 0.2, s, 0) });
  t.deepEqual(expectedSuspicions('ring', 5, 0.2, s), { expected: expectedRingFollowerSuspicions(5, 0.2, s), ifLate: null });
  t.deepEqual(expectedSuspicions('all', 5, 0.2, s, true), { expected: null, ifLate: null });
  // At 95 % loss no simulated ring keeps one leader for two minutes: no rate, no crash.
  t.deepEqual(expectedSuspicions('ring', 3, 0.95, s), { expected: null, ifLate: null });
});
