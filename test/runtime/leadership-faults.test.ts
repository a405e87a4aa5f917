/**
 * The faults a member inflicts on itself for chaos runs: seeded loss at the rate asked, bursts
 * that silence it in step with the host's clock, a drifting clock whose timers keep its pace,
 * each bad setting named; and members that lose a fifth of what they send still elect one leader.
 */
import test from 'ava';
import { InvalidConfigError } from '../../src/errors.js';
import type { Clock } from '../../src/runtime/clock.js';
import { SendFaults, checkMemberFaults, driftingClock } from '../../src/runtime/leadership-faults.js';
import { leadershipRing } from '../helpers/leadership-ring.js';
import { waitFor } from '../helpers/wait.js';

test('loss: a seeded fraction of datagrams is lost, the same for the same seed', (t) => {
  const draw = (seed: number) => {
    const f = new SendFaults({ loss: 0.2, seed }, () => 0);
    return Array.from({ length: 20_000 }, () => f.loses());
  };
  const a = draw(7);
  const lost = a.filter(Boolean).length;
  // Binomial(20000, 0.2): standard deviation ~57, so +-400 is a seven-sigma band.
  t.true(Math.abs(lost - 4000) < 400, `${lost} of 20000 lost`);
  t.deepEqual(draw(7), a);
  t.notDeepEqual(draw(8), a);
});

test('burst: everything is lost for forMs of every everyMs of the host clock, nothing outside', (t) => {
  let host = 0;
  const f = new SendFaults({ burst: { everyMs: 3000, forMs: 300 } }, () => host);
  const lostAt = (ms: number) => {
    host = ms;
    return f.loses();
  };
  t.true(lostAt(0));
  t.true(lostAt(299.9));
  t.false(lostAt(300));
  t.false(lostAt(2999));
  t.true(lostAt(6100));
  t.is(f.lost, 3);
});

test('driftingClock: time and timers run at the rate asked', (t) => {
  let now = 1000;
  const delays: number[] = [];
  const real: Clock = { now: () => now, setTimer: (_fn, d) => delays.push(d), clearTimer: () => {} };
  const fast = driftingClock(1.5, real);
  t.is(fast.now(), 1000);
  now = 1200;
  t.is(fast.now(), 1300);
  fast.setTimer(() => {}, 300);
  t.deepEqual(delays, [200]);
  t.is(driftingClock(1, real), real);
});

test('faults: each bad setting is an InvalidConfigError naming it', (t) => {
  const cases: [unknown, RegExp][] = [
    ['loss', /^faults: must be an object/],
    [{ loss: 1 }, /^faults\.loss must be a probability in \[0, 1\)/],
    [{ burst: { everyMs: 0, forMs: 0 } }, /^faults\.burst\.everyMs must be a positive/],
    [{ burst: { everyMs: 100, forMs: 100 } }, /^faults\.burst\.forMs must be in \[0, everyMs\)/],
    [{ clockRate: 0 }, /^faults\.clockRate must be in \(0, 10\)/],
    [{ seed: -1 }, /^faults\.seed must be an integer/],
  ];
  for (const [f, message] of cases) t.throws(() => checkMemberFaults(f), { instanceOf: InvalidConfigError, message }, JSON.stringify(f));
  t.is(checkMemberFaults(undefined), undefined);
});

test('members that lose 20 % of what they send elect one leader; the losses are counted', async (t) => {
  t.timeout(60_000);
  const r = await leadershipRing([1, 2, 3], undefined, (id) => ({ loss: 0.2, seed: id }));
  t.teardown(() => r.closeAll());
  for (let i = 0; i < 3; i++) await r.up(i);
  t.true(await waitFor(() => r.members.some((m) => m?.isLeader()), 20_000), 'a leader in office');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  t.deepEqual(r.observer.violations(), []);
  const lost = r.members.reduce((sum, m) => sum + (m?.status().datagrams.lost ?? 0), 0);
  const sent = r.members.reduce((sum, m) => sum + (m?.status().datagrams.sent ?? 0), 0);
  t.log(`${lost} lost beside ${sent} sent`);
  t.true(lost > 0 && sent > 0);
});
