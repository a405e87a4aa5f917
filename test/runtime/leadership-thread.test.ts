/**
 * createMember({ thread: true }): the protocol in a worker thread, the events, the signal and the
 * work on the application's thread. Leaders take turns through runWhileLeader as in-thread ones
 * do; errors from the worker keep their class and code; and a long synchronous task on the
 * application's thread deposes an in-thread leader (another member takes office meanwhile) but
 * not one whose protocol runs in a worker, whose lease the application's isLeader() still reads.
 */
import test from 'ava';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptStateError, type HsRingError, NodeClosedError, OutputUnwritableError, PortInUseError, createMember } from '../../src/index.js';
import { ringDigest } from '../../src/config/ring-digest.js';
import { encodeLeadership } from '../../src/runtime/leadership-frames.js';
import { reserveUdpPorts } from '../../src/transport/ports.js';
import { blockWhileLeading } from '../helpers/event-loop-block.js';
import { leadershipRing } from '../helpers/leadership-ring.js';
import { waitFor } from '../helpers/wait.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.serial('thread: members in worker threads take turns through runWhileLeader, each work with its own token while isLeader() holds', async (t) => {
  const r = await leadershipRing([1, 2, 3], undefined, undefined, { thread: true });
  t.teardown(() => r.closeAll());
  for (let i = 0; i < 3; i++) await r.up(i);
  const works: { id: number; token: number; leading: boolean; signal: AbortSignal }[] = [];
  const runs = r.members.map((m) =>
    m!.runWhileLeader(async (token, signal) => {
      works.push({ id: m!.id, token, leading: m!.isLeader(), signal });
      await sleep(100);
      return token;
    }),
  );
  // A member that never leads before the teardown closes it rejects with NodeClosedError.
  for (const run of runs) run.catch(() => undefined);
  t.true(await waitFor(() => works.length >= 2, 15_000), 'two members ran their work in turn');
  const [first, second] = works as [(typeof works)[0], (typeof works)[0]];
  t.not(first.id, second.id);
  t.true(second.token > first.token, `token ${second.token} > ${first.token}`);
  t.true(first.leading && second.leading, 'isLeader() on this thread while the work ran');
  t.true(first.signal.aborted, 'the first office\'s signal aborted when its work returned');
  const firstRun = runs[r.members.findIndex((m) => m!.id === first.id)]!;
  t.is(await firstRun, first.token, 'runWhileLeader resolves with what the work returned');
  t.deepEqual(r.observer.violations(), []);
});

test.serial('thread: a member in a worker thread reports a closed peer suspected, and trusted again once it is back', async (t) => {
  const r = await leadershipRing([1, 2, 3], undefined, undefined, { thread: true });
  t.teardown(() => r.closeAll());
  for (let i = 0; i < 3; i++) await r.up(i);
  const seen: string[] = [];
  r.members[0]!.on('suspect', ({ member, atMs }) => seen.push(`suspect ${member} ${atMs > 0}`));
  r.members[0]!.on('trust', ({ member }) => seen.push(`trust ${member}`));
  t.true(await waitFor(() => r.members.some((m) => m?.isLeader()), 15_000), 'a leader');
  await r.down(2);
  t.true(await waitFor(() => seen.includes('suspect 3 true'), 10_000), `suspect event crossed the thread: ${seen.join(', ')}`);
  await r.up(2);
  t.true(await waitFor(() => seen.includes('trust 3'), 10_000), `trust event crossed the thread: ${seen.join(', ')}`);
  t.true(r.members[0]!.status().suspicions >= 1);
});

test.serial('thread: when the lease lapses while this thread is blocked, isLeader() is false as soon as it runs again, and the office ends once', async (t) => {
  const r = await leadershipRing([1, 2, 3], undefined, undefined, { thread: true });
  t.teardown(() => r.closeAll());
  for (let i = 0; i < 3; i++) await r.up(i);
  t.true(await waitFor(() => r.members.some((m) => m!.isLeader()), 15_000), 'a leader');
  const leader = r.members.find((m) => m!.isLeader())!;
  let signal: AbortSignal | undefined;
  // Work that runs until its signal aborts.
  const work = leader.runWhileLeader((_token, s) => {
    signal = s;
    return new Promise((resolve) => s.addEventListener('abort', resolve));
  });
  t.true(await waitFor(() => signal !== undefined, 5000), 'the work runs');
  const epoch = leader.status().epoch;
  const deposed: string[] = [];
  leader.on('deposed', (e) => deposed.push(`${e.epoch} ${e.reason}`));
  // The others crash: nobody renews the lease, which ends (500 ms at most) during the block.
  for (let i = 0; i < 3; i++) if (r.members[i] !== leader) await r.down(i);
  const end = performance.now() + 1500;
  while (performance.now() < end) {
    // a long synchronous task
  }
  t.false(leader.isLeader(), 'isLeader() reads the lease the worker shares, not the events still queued');
  await sleep(300);
  t.deepEqual(deposed, [`${epoch} lease`], 'one deposed event, for the lease');
  t.true(signal!.aborted, 'the office\'s signal aborted');
  await work;
});

test.serial('thread: errors of a member in a worker thread keep their class and code (CorruptStateError, PortInUseError)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hs-ring-thread-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const [port, other] = await reserveUdpPorts('127.0.0.1', 2);
  const ring = [
    { id: 1, host: '127.0.0.1', port: port! },
    { id: 2, host: '127.0.0.1', port: other! },
  ];
  mkdirSync(join(dir, 'corrupt'));
  writeFileSync(join(dir, 'corrupt', 'leadership.json'), '{"promised": 14');
  const corrupt = await t.throwsAsync(createMember({ ring, self: 1, stateDir: join(dir, 'corrupt'), thread: true }), { instanceOf: CorruptStateError });
  t.is(corrupt?.code, 'CorruptState');

  const taken = createSocket('udp4');
  t.teardown(() => taken.close());
  taken.bind(port, '127.0.0.1');
  await once(taken, 'listening');
  const inUse = await t.throwsAsync(createMember({ ring, self: 1, stateDir: join(dir, 'ok'), thread: true }), { instanceOf: PortInUseError });
  t.is(inUse?.code, 'PortInUse');
});

test.serial('thread: a member in a worker thread whose state cannot be saved fails with an OutputUnwritableError on this thread', async (t) => {
  const r = await leadershipRing([1, 2, 3], undefined, undefined, { thread: true });
  t.teardown(() => r.closeAll());
  const x = await r.up(0);
  const failed: HsRingError[] = [];
  x.on('failed', ({ error }) => failed.push(error));
  rmSync(r.dirs[0]!, { recursive: true, force: true });
  writeFileSync(r.dirs[0]!, 'not a directory');
  const peer = createSocket('udp4');
  t.teardown(() => peer.close());
  await new Promise<void>((res) => peer.bind(r.ring[1]!.port, '127.0.0.1', () => res()));
  // Past the quiet period, a Request asks for a grant, which must be saved first.
  await sleep(600);
  peer.send(encodeLeadership({ kind: 'Request', epoch: 6 }, 1, ringDigest(r.ring), undefined), x.address.port, '127.0.0.1');
  t.true(await waitFor(() => failed.length === 1, 5000), 'the failure reaches this thread');
  t.true(failed[0] instanceof OutputUnwritableError);
  t.is(failed[0]!.code, 'OutputUnwritable');
  t.is(x.status().state, 'failed');
  t.throws(() => x.start(), { instanceOf: NodeClosedError });
});

// A lease of 1 s and a block of 2 s: an in-thread leader's lease surely lapses, and a worker
// has 900 ms of slack per renewal on a loaded machine.
const timing = { heartbeat: 100, lease: 1000 };
const blockMs = 2000;

test.serial('thread: a 2 s synchronous task on this thread deposes an in-thread leader, and another member takes office meanwhile', async (t) => {
  const o = await blockWhileLeading({ thread: false, blockMs, timing, settleMs: 1000 });
  t.log(JSON.stringify(o));
  t.false(o.leaderRightAfter, 'isLeader() is false as soon as the block ends: the lease has run out');
  t.not(o.deposed, null, 'the leader was deposed');
  t.not(o.successor, null, 'another member took office');
  t.true(o.successor!.token > o.token, 'with a higher token: a resource that fences refuses the old leader\'s late writes');
  t.is(o.renewalsInBlock, 0, 'no renewal while blocked');
  t.true(o.eventLoopLagMaxMs >= blockMs / 2, `status().eventLoopLagMs.max ${o.eventLoopLagMaxMs.toFixed(0)} ms shows the block`);
  t.true(o.timerLagMaxMs >= blockMs / 4, `status().timerLagMs.max ${o.timerLagMaxMs.toFixed(0)} ms: the protocol timer was held up too`);
});

test.serial('thread: with thread: true the leader stays in office through the same block, and isLeader() reads its renewed lease', async (t) => {
  const o = await blockWhileLeading({ thread: true, blockMs, timing, settleMs: 1000 });
  t.log(JSON.stringify(o));
  t.true(o.leaderRightAfter, 'isLeader() is true as soon as the block ends, before any renewal event is read');
  t.is(o.deposed, null, 'not deposed');
  t.is(o.successor, null, 'no other member took office');
  t.true(o.renewalsInBlock > 0, 'the worker renewed the lease during the block');
  t.true(o.eventLoopLagMaxMs >= blockMs / 2, `status().eventLoopLagMs.max ${o.eventLoopLagMaxMs.toFixed(0)} ms shows the block on this thread`);
  t.true(o.timerLagMaxMs < blockMs / 4, `status().timerLagMs.max ${o.timerLagMaxMs.toFixed(0)} ms: the worker's timer was not held up`);
});
