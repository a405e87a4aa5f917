/**
 * Failure detection over UDP on loopback: suspicions as typed events and counted in status(), a
 * peer whose host name moved followed by looking the name up again when it is suspected, and
 * vote-only members that never take office (with the one electable member dead, nobody leads).
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Lookup, systemLookup } from '../../src/config/resolve.js';
import { type HsRingMember, type MemberEvents, createMember } from '../../src/runtime/leadership-member.js';
import { reserveUdpPorts } from '../../src/transport/ports.js';
import { leadershipRing } from '../helpers/leadership-ring.js';
import { waitFor } from '../helpers/wait.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.serial('udp: a peer named in the ring that moved is suspected, its name looked up again, and from then on reached and recognised at its new address', async (t) => {
  const ports = await reserveUdpPorts('127.0.0.1', 3);
  const ring = [
    { id: 1, host: 'localhost', port: ports[0]! },
    { id: 2, host: 'localhost', port: ports[1]! },
    { id: 3, host: 'peer3.test', port: ports[2]! },
  ];
  // Members 1 and 2 first find peer3.test where it no longer is (127.0.0.2), then where it is.
  const lookups: string[] = [];
  const stale: Lookup = async (host) => {
    if (host !== 'peer3.test') return systemLookup(host);
    lookups.push(host);
    return [{ address: lookups.length <= 2 ? '127.0.0.2' : '127.0.0.1', family: 4 }];
  };
  const moved: Lookup = async (host) => (host === 'peer3.test' ? [{ address: '127.0.0.1', family: 4 }] : systemLookup(host));
  const base = mkdtempSync(join(tmpdir(), 'hs-ring-dns-'));
  const members: HsRingMember[] = [];
  t.teardown(async () => {
    for (const m of members) await m.close();
    rmSync(base, { recursive: true, force: true });
  });
  const seen: { id: number; event: string; detail: unknown }[] = [];
  for (const [id, lookup] of [[1, stale], [2, stale], [3, moved]] as const) {
    const m = await createMember({ ring, self: id, stateDir: join(base, `m${id}`), lookup });
    members.push(m);
    for (const event of ['suspect', 'trust', 'address'] as const) m.on(event, (d: MemberEvents[typeof event][0]) => seen.push({ id, event, detail: d }));
  }
  t.is(members[0]!.address.host, '127.0.0.1', 'localhost resolved to its IPv4 address');
  for (const m of members) m.start();
  const [one, two, three] = members as [HsRingMember, HsRingMember, HsRingMember];
  const agreed = () => {
    const leader = one.status().leader;
    return leader !== null && members.every((m) => m.status().leader === leader && m.status().suspected.length === 0);
  };
  t.true(await waitFor(agreed, 10_000), `the three agree on a leader: ${JSON.stringify(members.map((m) => m.status()))}`);
  for (const [m, id] of [[one, 1], [two, 2]] as const) {
    const mine = seen.filter((s) => s.id === id && (s.detail as { member: number }).member === 3).map((s) => s.event);
    t.deepEqual(mine.slice(0, 3), ['suspect', 'address', 'trust'], `member ${id}: ${mine.join(', ')}`);
    const moved = seen.find((s) => s.id === id && s.event === 'address')!.detail as MemberEvents['address'][0];
    t.like(moved, { member: 3, host: 'peer3.test', previous: { host: '127.0.0.2', port: ports[2] }, address: { host: '127.0.0.1', port: ports[2] } });
    t.true(m.status().suspicions >= 1);
    t.deepEqual(m.status().resolutions, { changed: 1, failed: 0 });
    t.true(m.status().drops['unknown-sender'] >= 1, 'before the lookup, datagrams from the new address were no member\'s');
  }
  t.true(three.status().datagrams.received > 0);
});

test.serial('udp: vote-only members never take office; the highest electable member leads, and with the one electable member dead nobody does', async (t) => {
  // Member 3, the highest id, is vote-only; so is 2. Only 1 may lead.
  const r = await leadershipRing([1, 2, 3], undefined, undefined, { voteOnly: [2, 3] });
  t.teardown(() => r.closeAll());
  const leaders = () => r.members.filter((m) => m?.isLeader()).map((m) => m!.id);
  for (let i = 0; i < 3; i++) await r.up(i);
  t.true(await waitFor(() => leaders().length === 1, 5000), 'a leader within 5 s');
  t.deepEqual(leaders(), [1]);
  const suspects: { id: number; member: number }[] = [];
  for (const m of r.members.slice(1)) m!.on('suspect', ({ member }) => suspects.push({ id: m!.id, member }));
  await r.down(0);
  t.true(await waitFor(() => suspects.filter((s) => s.member === 1).length === 2, 5000), 'both survivors suspect member 1');
  for (const m of r.members.slice(1)) t.deepEqual(m!.status().suspected, [1]);
  // Two of three are up, a majority, yet neither may stand: well past the failover bound, nobody leads.
  await sleep(1500);
  t.deepEqual(leaders(), []);
  t.deepEqual(r.observer.terms.map((x) => x.id), [1], 'only member 1 was ever in office');
  for (const m of r.members.slice(1)) t.is(m!.status().role, 'follower');
});

test('createMember: a ring whose every member is vote-only is refused, naming the ring', async (t) => {
  const ring = [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: 7100 + id, voteOnly: true }));
  await t.throwsAsync(createMember({ ring, self: 1, stateDir: join(tmpdir(), 'unused') }), { message: /^ring: every member is voteOnly/ });
  await t.throwsAsync(createMember({ ring: [{ id: 1, host: '127.0.0.1', port: 7101, voteOnly: 'yes' as never }], self: 1, stateDir: join(tmpdir(), 'unused') }), {
    message: /voteOnly must be true or false/,
  });
});
