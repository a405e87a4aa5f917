/**
 * Leadership members over real UDP on loopback, judged by an outside observer (this process's
 * clock): one leader with a token, failover when the leader dies, a handover after its work
 * returned, no election in a minority, and promises kept across a restart from the state directory.
 */
import test from 'ava';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { LeadershipMessage } from '../../src/core/leadership/types.js';
import { ringDigest } from '../../src/config/ring-digest.js';
import { NodeClosedError } from '../../src/errors.js';
import { createMember } from '../../src/runtime/leadership-member.js';
import { decodeLeadership, encodeLeadership } from '../../src/runtime/leadership-frames.js';
import { loadState } from '../../src/runtime/leadership-state.js';
import { type LeadershipRing, advertised, leadershipRing } from '../helpers/leadership-ring.js';
import { waitFor } from '../helpers/wait.js';

const IDS = [3, 9, 5, 7, 1];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fiveUp(t: { teardown(fn: () => Promise<void>): void }): Promise<LeadershipRing> {
  const r = await leadershipRing(IDS);
  t.teardown(() => r.closeAll());
  for (let i = 0; i < IDS.length; i++) await r.up(i);
  return r;
}

/** The members in office now, by isLeader(). */
function leaders(r: LeadershipRing) {
  return r.members.filter((m) => m?.isLeader());
}

test.serial('udp: five members on loopback elect exactly one leader, with a token the others follow and the value it advertises', async (t) => {
  const r = await fiveUp(t);
  const follows: { id: number; leader: number; epoch: number; advertise: string | null }[] = [];
  for (const m of r.members) m!.on('follower', (f) => follows.push({ id: m!.id, ...f }));
  t.true(await waitFor(() => leaders(r).length === 1, 5000), 'a leader within 5 s');
  const leader = leaders(r)[0]!;
  const token = leader.status().epoch;
  t.true(token >= 0);
  t.true(await waitFor(() => r.members.every((m) => m!.status().leader === leader.id), 2000), 'every member knows the leader');
  for (const m of r.members) t.is(m!.status().leaderAdvertise, advertised(leader.id));
  const last = new Map(follows.map((f) => [f.id, f]));
  t.deepEqual([...last.values()].filter((f) => f.leader === leader.id && f.epoch === token && f.advertise === advertised(leader.id)).length, 4, 'four follower events name the leader, its epoch and its value');
  // Several lease lengths later: still one leader, the same one, with the same token.
  await sleep(1200);
  t.deepEqual(leaders(r).map((m) => m!.id), [leader.id]);
  t.is(leader.status().epoch, token);
  t.is(r.observer.terms.length, 1, 'one term in office, never interrupted');
  t.deepEqual(r.observer.violations(), []);
  t.deepEqual(Object.values(leader.status().drops).reduce((a, b) => a + b, 0), 0, 'no datagram dropped');
});

test.serial('udp: closing the leader yields a new leader in office with a higher token, the old one\'s signal aborted', async (t) => {
  const r = await fiveUp(t);
  t.true(await waitFor(() => leaders(r).length === 1, 5000));
  const old = leaders(r)[0]!;
  const oldToken = old.status().epoch;
  const oldSignal = await signalOf(old);
  const killedAt = performance.now();
  await r.down(r.members.indexOf(old));
  t.true(oldSignal.aborted, 'the closed leader\'s signal aborted');
  t.true(await waitFor(() => r.observer.current().length === 1, 5000), 'a successor within 5 s');
  const next = r.observer.current()[0]!;
  t.not(next.id, old.id);
  t.true(next.epoch > oldToken, `token ${next.epoch} > ${oldToken}`);
  t.log(`failover: ${(next.start - killedAt).toFixed(1)} ms from close() of the leader to the successor in office`);
  t.deepEqual(r.observer.violations(), []);
});

test.serial('udp: resign hands over to another member, and the resigner\'s work returned before the successor took office', async (t) => {
  const r = await fiveUp(t);
  const returned = new Map<number, number>();
  const started = new Map<number, number>();
  for (const m of r.members) {
    // Work that stops when told, taking a while to wind down as real work does.
    m!.runWhileLeader(async (token, signal) => {
      started.set(m!.id, performance.now());
      t.is(token, m!.status().epoch);
      if (!signal.aborted) await once(signal, 'abort');
      await sleep(30);
      returned.set(m!.id, performance.now());
    }).catch((err: unknown) => {
      if (!(err instanceof NodeClosedError)) throw err;
    });
  }
  t.true(await waitFor(() => started.size === 1, 5000), 'one member runs the work');
  const first = [...started.keys()][0]!;
  const resigner = r.members.find((m) => m!.id === first)!;
  const resignAt = performance.now();
  await resigner.resign();
  t.false(resigner.isLeader());
  t.true(await waitFor(() => started.size === 2, 5000), 'a successor runs the work');
  const successor = [...started.keys()].find((id) => id !== first)!;
  const term = r.observer.terms.find((x) => x.id === successor)!;
  t.true(returned.get(first)! < term.start, 'the work returned before the successor took office');
  t.log(`handover: ${(term.start - returned.get(first)!).toFixed(1)} ms from the work's return to the successor in office (${(term.start - resignAt).toFixed(1)} ms from resign())`);
  t.deepEqual(r.observer.violations(), []);
});

test.serial('udp: a leader whose event loop is blocked past its lease is no leader by isLeader() at once, and its timer and event-loop lag say so', async (t) => {
  const r = await fiveUp(t);
  t.true(await waitFor(() => leaders(r).length === 1, 5000));
  const leader = leaders(r)[0]!;
  const leaseEnd = leader.status().leaseEndMs!;
  // A long synchronous task on the application's event loop: no timer, no datagram is handled.
  const until = performance.now() + 700;
  while (performance.now() < until) {
    // busy
  }
  t.true(performance.now() > leaseEnd);
  t.false(leader.isLeader(), 'the lease ended on the monotonic clock, whatever the timers did');
  t.true(await waitFor(() => leader.status().timerLagMs.max >= 500, 1000), `timer lag ${leader.status().timerLagMs.max.toFixed(1)} ms`);
  t.true(await waitFor(() => leader.status().eventLoopLagMs.max >= 500, 1000), `event-loop lag ${leader.status().eventLoopLagMs.max.toFixed(1)} ms`);
  t.true(await waitFor(() => leaders(r).length === 1, 5000), 'a leader again afterwards');
  t.deepEqual(r.observer.violations(), []);
});

test.serial('udp: a minority (2 of 5 up) never elects', async (t) => {
  const r = await leadershipRing(IDS);
  t.teardown(() => r.closeAll());
  await r.up(1);
  await r.up(3);
  // Beyond the liveness bound of the default timing (about 1.6 s) with room to spare.
  await sleep(2500);
  t.deepEqual(r.observer.terms, []);
  t.false(r.members[1]!.isLeader() || r.members[3]!.isLeader());
  t.true(r.members[1]!.status().datagrams.received > 10, 'the two did hear each other');
});

test.serial('udp: a member restarted from its state directory never grants an epoch it promised, or a lower one', async (t) => {
  const r = await leadershipRing(IDS);
  t.teardown(() => r.closeAll());
  for (const i of [0, 1, 2]) await r.up(i);
  t.true(await waitFor(() => leaders(r).length === 1, 5000), 'three of five elect');
  const follower = [0, 1, 2].find((i) => !r.members[i]!.isLeader())!;
  t.true(await waitFor(() => r.members[follower]!.status().promised >= 0, 2000));
  for (const i of [0, 1, 2]) await r.down(i);
  const promised = loadState(r.dirs[follower]!).promised;

  const x = await createMember({ ring: r.ring, self: IDS[follower]!, stateDir: r.dirs[follower]! });
  t.teardown(() => x.close());
  t.is(x.status().promised, promised, 'the promise is loaded back');
  // A peer this test plays, at member 4's address (rank 4 of 5): it speaks the wire directly.
  const peer = createSocket('udp4');
  t.teardown(() => peer.close());
  await new Promise<void>((res) => peer.bind(r.ring[4]!.port, '127.0.0.1', () => res()));
  const replies: LeadershipMessage[] = [];
  const digest = ringDigest(r.ring);
  peer.on('message', (bytes) => {
    const d = decodeLeadership(bytes, digest, undefined);
    if (d.ok && d.message.kind !== 'Heartbeat') replies.push(d.message);
  });
  const ask = async (epoch: number): Promise<LeadershipMessage | undefined> => {
    replies.length = 0;
    peer.send(encodeLeadership({ kind: 'Request', epoch }, 1, digest, undefined), x.address.port, '127.0.0.1');
    await waitFor(() => replies.length > 0, 1000);
    return replies[0];
  };
  const above = (Math.floor(promised / 5) + 1) * 5 + 4;
  x.start();
  t.like(await ask(above), { kind: 'Refuse', reason: 'quiet' }, 'nothing granted in the first grant period');
  await sleep(600);
  t.like(await ask(promised), { kind: 'Refuse', reason: 'stale', promised }, 'the promised epoch is not granted again to another member');
  if (promised > 0) t.like(await ask(promised - 1), { kind: 'Refuse', reason: 'stale', promised });
  t.like(await ask(above), { kind: 'Grant', epoch: above });
  t.is(loadState(r.dirs[follower]!).promised, above, 'the new promise was on the disk when the Grant arrived');
});

test.serial('udp: on a keyed ring members elect through sealed frames, and an unsealed datagram is dropped as no-mac', async (t) => {
  const key = new Uint8Array(32).fill(7);
  const r = await leadershipRing([2, 6, 4], key);
  t.teardown(() => r.closeAll());
  for (const i of [0, 1, 2]) await r.up(i);
  t.true(await waitFor(() => leaders(r).length === 1, 5000), 'a leader within 5 s');
  const peer = createSocket('udp4');
  t.teardown(() => peer.close());
  const m = r.members[0]!;
  peer.send(encodeLeadership({ kind: 'Heartbeat', quietLeft: 0 }, 1, ringDigest(r.ring), undefined), m.address.port, '127.0.0.1');
  t.true(await waitFor(() => m.status().drops['no-mac'] === 1, 2000));
  t.deepEqual(r.observer.violations(), []);
});

test.serial('udp: a member whose state cannot be saved stops before the Grant that needed it leaves', async (t) => {
  const r = await leadershipRing(IDS);
  t.teardown(() => r.closeAll());
  const x = await r.up(0);
  const failed: string[] = [];
  x.on('failed', ({ error }) => failed.push(error.code));
  // The directory is replaced by a file: every save now fails (root ignores permissions, not this).
  rmSync(r.dirs[0]!, { recursive: true, force: true });
  writeFileSync(r.dirs[0]!, 'not a directory');
  const peer = createSocket('udp4');
  t.teardown(() => peer.close());
  await new Promise<void>((res) => peer.bind(r.ring[1]!.port, '127.0.0.1', () => res()));
  const replies: LeadershipMessage[] = [];
  const digest = ringDigest(r.ring);
  peer.on('message', (bytes) => {
    const d = decodeLeadership(bytes, digest, undefined);
    if (d.ok && d.message.kind !== 'Heartbeat') replies.push(d.message);
  });
  await sleep(600);
  peer.send(encodeLeadership({ kind: 'Request', epoch: 6 }, 1, digest, undefined), x.address.port, '127.0.0.1');
  t.true(await waitFor(() => failed.length === 1, 2000), 'the member reports the failure');
  await sleep(100);
  t.deepEqual(failed, ['OutputUnwritable']);
  t.deepEqual(replies, [], 'no Grant left without its promise on the disk');
  t.is(x.status().state, 'failed');
  t.false(x.isLeader());
});

/** The signal of `m`'s current office, through runWhileLeader (which resolves at once for a leader). */
function signalOf(m: { runWhileLeader<T>(w: (token: number, signal: AbortSignal) => T): Promise<T> }): Promise<AbortSignal> {
  let got: (s: AbortSignal) => void = () => undefined;
  const result = new Promise<AbortSignal>((res) => (got = res));
  // Work that holds office until its signal aborts: it must not resign (that would be a handover).
  void m.runWhileLeader((_token, signal) => {
    got(signal);
    return new Promise<void>(() => undefined);
  });
  return result;
}
