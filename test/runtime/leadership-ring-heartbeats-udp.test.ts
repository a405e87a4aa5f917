/**
 * Heartbeats to the ring neighbours over real UDP: seven members on loopback with `heartbeats:
 * 'ring'` keep one leader, each follower heartbeats two members only, a killed leader is
 * replaced, and a member started with the other setting is refused as another ring.
 */
import test from 'ava';
import { performance } from 'node:perf_hooks';
import { DEFAULT_TIMING } from '../../src/core/leadership/settings.js';
import { createMember } from '../../src/runtime/leadership-member.js';
import { leadershipRing } from '../helpers/leadership-ring.js';
import { waitFor } from '../helpers/wait.js';

const IDS = [3, 9, 5, 7, 1, 8, 2];
const H = DEFAULT_TIMING.heartbeat;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.serial('udp ring heartbeats: seven members keep one leader; each follower heartbeats two members, none is suspected; a killed leader is replaced', async (t) => {
  const r = await leadershipRing(IDS, undefined, undefined, { heartbeats: 'ring' });
  t.teardown(() => r.closeAll());
  for (let i = 0; i < IDS.length; i++) await r.up(i);
  t.true(await waitFor(() => r.observer.current().length === 1 && r.members.every((m) => m!.status().leader === r.observer.current()[0]!.id), 5000), 'a leader every member follows');
  await sleep(1000);
  const leader = r.observer.current()[0]!;
  const followers = r.members.filter((m) => m!.id !== leader.id).map((m) => m!);
  const before = followers.map((m) => ({ heartbeats: m.status().datagramsByKind.sent.Heartbeat, suspicions: m.status().suspicions }));
  const windowStart = performance.now();
  await sleep(2000);
  const periods = (performance.now() - windowStart) / H;
  followers.forEach((m, i) => {
    const sent = m.status().datagramsByKind.sent.Heartbeat - before[i]!.heartbeats;
    // Two neighbours per period; all-to-all would be six. Slack for a Renew missed on a busy host (then it heartbeats everyone once).
    t.true(sent <= 2 * periods + 12, `member ${m.id} sent ${sent} heartbeats in ${periods.toFixed(0)} periods`);
    t.true(sent >= periods, `member ${m.id} sent only ${sent} heartbeats in ${periods.toFixed(0)} periods`);
    t.is(m.status().suspicions, before[i]!.suspicions, `member ${m.id} suspected a live member`);
  });
  t.is(r.observer.terms.length, 1, 'one term, never interrupted');
  const killedAt = performance.now();
  await r.down(r.members.findIndex((m) => m?.id === leader.id));
  t.true(await waitFor(() => r.observer.current().length === 1, 5000), 'a successor within 5 s');
  const next = r.observer.current()[0]!;
  t.true(next.epoch > leader.epoch);
  t.log(`failover ${(next.start - killedAt).toFixed(1)} ms from close() of the leader to the successor in office`);
  t.deepEqual(r.observer.violations(), []);
});

test.serial('udp ring heartbeats: a member started with heartbeats all on a ring of ring heartbeats is another ring: its frames are dropped as ring-mismatch', async (t) => {
  const r = await leadershipRing(IDS.slice(0, 3), undefined, undefined, { heartbeats: 'ring' });
  t.teardown(() => r.closeAll());
  await r.up(0);
  await r.up(1);
  const odd = await createMember({ ring: r.ring, self: IDS[2]!, stateDir: r.dirs[2]!, heartbeats: 'all' });
  t.teardown(() => odd.close());
  odd.start();
  t.true(await waitFor(() => r.members[0]!.status().drops['ring-mismatch'] > 0 && odd.status().drops['ring-mismatch'] > 0, 3000), 'both sides drop the other\'s frames by name');
  // The two that agree are a majority and elect; the odd member never hears of it.
  t.true(await waitFor(() => r.observer.current().length === 1, 5000));
  await sleep(4 * H);
  t.is(odd.status().leader, null);
  t.is(odd.status().datagrams.received, odd.status().drops['ring-mismatch']);
});
