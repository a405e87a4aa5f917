/** The election cores' contracts, rule by rule: what a correct core must do with each message, and usage errors. */
import test from 'ava';
import { CoreUsageError, HsNode, ceilLog2, messageBound, opposite, traceEvent, type Message } from '../../src/core/index.js';
import { LcrNode, lcrMessageBound } from '../../src/core/lcr.js';

// The core's contract beyond the transitions hs.test.ts walks through: usage errors are named,
// input a correct peer never sends changes nothing, the bounds are the paper's formulas, and a
// trace event records exactly the step. Each test here kills mutants that the message counts
// cannot see, because no correct run over the reliable link reaches them.

const reply = (origin: number, phase: number): Message => ({ kind: 'reply', origin, phase });

for (const [name, make] of [
  ['HS', (id: number) => new HsNode(id)],
  ['LCR', (id: number) => new LcrNode(id)],
] as const) {
  test(`${name}: start() twice is a CoreUsageError that says so`, (t) => {
    const node = make(3);
    node.start();
    const e = t.throws(() => node.start(), { instanceOf: CoreUsageError, message: 'start() called twice' });
    t.is(e?.name, 'CoreUsageError');
  });

  test(`${name}: receive() before start() is a CoreUsageError that says so`, (t) => {
    t.throws(() => make(3).receive('left', { kind: 'announcement', leader: 9 }), { instanceOf: CoreUsageError, message: 'receive() before start()' });
  });

  test(`${name}: an id outside 0..2^53-1 is a CoreUsageError naming it`, (t) => {
    t.throws(() => make(-1), { instanceOf: CoreUsageError, message: 'id -1 is not an integer in 0..2^53-1' });
  });

  test(`${name}: the announcement of another leader is relayed once; a second copy changes nothing`, (t) => {
    const node = make(3);
    node.start();
    t.is(node.receive('left', { kind: 'announcement', leader: 9 }).action, 'RelayAnnouncement');
    const again = node.receive('left', { kind: 'announcement', leader: 9 });
    t.deepEqual(again, { action: 'DiscardLate', commands: [] });
    t.is(node.state().status, 'done');
  });
}

test('HS: a reply of an earlier phase (a correct peer never sends one) neither counts nor advances the phase', (t) => {
  const n = new HsNode(5);
  n.start();
  n.receive('left', reply(5, 0));
  n.receive('right', reply(5, 0));
  t.is(n.state().phase, 1);
  const stale = n.receive('left', reply(5, 0));
  t.deepEqual(stale, { action: 'DiscardLate', commands: [] });
  t.false(n.state().repliedLeft, 'the stale reply must not stand in for the phase-1 reply from the left');
  t.is(n.receive('right', reply(5, 1)).action, 'ReceiveReply');
  t.is(n.state().phase, 1);
});

test('HS: after a phase change both sides start unreplied, whichever side answers first', (t) => {
  const n = new HsNode(5);
  n.start();
  n.receive('right', reply(5, 0));
  t.is(n.receive('left', reply(5, 0)).action, 'AdvancePhase');
  t.deepEqual([n.state().repliedLeft, n.state().repliedRight], [false, false]);
  t.is(n.receive('right', reply(5, 1)).action, 'ReceiveReply', 'one reply of phase 1 is not enough');
  t.deepEqual([n.state().repliedLeft, n.state().repliedRight], [false, true]);
});

test('HS: once a node knows the leader, late probes and replies for others are dropped, not passed on', (t) => {
  const n = new HsNode(5);
  n.start();
  n.receive('left', { kind: 'announcement', leader: 9 });
  t.deepEqual(n.receive('right', reply(7, 2)), { action: 'DiscardLate', commands: [] });
  t.deepEqual(n.receive('right', reply(5, 0)), { action: 'DiscardLate', commands: [] });
  t.deepEqual(n.receive('left', { kind: 'probe', origin: 7, phase: 1, hops: 1 }), { action: 'DiscardLate', commands: [] });
  t.is(n.state().phase, 0);
});

test('HS: the state snapshot names every spec variable', (t) => {
  const n = new HsNode(5);
  t.deepEqual(n.state(), { id: 5, status: 'idle', phase: 0, repliedLeft: false, repliedRight: false, leader: undefined });
  n.start();
  n.receive('left', reply(5, 0));
  t.deepEqual(n.state(), { id: 5, status: 'active', phase: 0, repliedLeft: true, repliedRight: false, leader: undefined });
});

test('HS: phase 31 and beyond probe 2^k hops exactly (past the 32-bit shift)', (t) => {
  const n = new HsNode(1);
  n.start();
  t.is(n.receive('left', { kind: 'probe', origin: 9, phase: 31, hops: 2 ** 31 - 1 }).action, 'RelayProbe');
  t.is(n.receive('left', { kind: 'probe', origin: 9, phase: 31, hops: 2 ** 31 }).action, 'BounceProbe');
  t.is(n.receive('left', { kind: 'probe', origin: 9, phase: 30, hops: 2 ** 30 }).action, 'BounceProbe');
  t.is(n.receive('left', { kind: 'probe', origin: 9, phase: 30, hops: 2 ** 30 - 1 }).action, 'RelayProbe');
});

test('LCR: a reply (LCR never sends one) is dropped; larger ids are relayed rightwards one hop further', (t) => {
  const n = new LcrNode(5);
  t.deepEqual(n.state(), { id: 5, status: 'idle', phase: 0, leader: undefined }, 'its own state shape: no HS reply flags');
  t.deepEqual(n.start(), {
    action: 'Start',
    commands: [
      { type: 'phase', phase: 0 },
      { type: 'send', direction: 'right', message: { kind: 'probe', origin: 5, phase: 0, hops: 1 } },
    ],
  });
  t.deepEqual(n.receive('left', reply(9, 0)), { action: 'DiscardLate', commands: [] });
  t.deepEqual(n.receive('left', { kind: 'probe', origin: 9, phase: 0, hops: 2 }), {
    action: 'RelayProbe',
    commands: [{ type: 'send', direction: 'right', message: { kind: 'probe', origin: 9, phase: 0, hops: 3 } }],
  });
  t.deepEqual(n.receive('left', { kind: 'probe', origin: 2, phase: 0, hops: 1 }), { action: 'SwallowProbe', commands: [] });
  t.is(n.receive('left', { kind: 'probe', origin: 5, phase: 0, hops: 4 }).action, 'BecomeLeader');
  t.deepEqual(n.receive('left', { kind: 'probe', origin: 9, phase: 0, hops: 2 }), { action: 'DiscardLate', commands: [] });
});

test('MessageBound: the paper\'s formulas, exact at and around powers of two', (t) => {
  t.deepEqual([1, 2, 3, 4, 5, 8, 9, 1024, 1025].map(ceilLog2), [0, 1, 2, 2, 3, 3, 4, 10, 11]);
  t.is(messageBound(1), 8 * 1 * 1 + 1);
  t.is(messageBound(8), 8 * 8 * 4 + 8);
  t.is(messageBound(9), 8 * 9 * 5 + 9);
  t.is(lcrMessageBound(1), 2);
  t.is(lcrMessageBound(4), 10 + 4);
  for (const bad of [0, -1, 2.5, Number.NaN]) {
    t.throws(() => messageBound(bad), { instanceOf: RangeError, message: `ring size ${bad} must be a positive integer` });
    t.throws(() => lcrMessageBound(bad), { instanceOf: RangeError, message: `ring size ${bad} must be a positive integer` });
  }
});

test('opposite: a message sent rightwards arrives on the left, and back', (t) => {
  t.is(opposite('left'), 'right');
  t.is(opposite('right'), 'left');
});

test('traceEvent: records the step, its input only when there is one, and the state after it', (t) => {
  const n = new HsNode(5);
  const start = n.start();
  t.deepEqual(traceEvent(3, n.state(), start), {
    t: 3,
    node: 5,
    action: 'Start',
    sent: [
      { direction: 'left', message: { kind: 'probe', origin: 5, phase: 0, hops: 1 } },
      { direction: 'right', message: { kind: 'probe', origin: 5, phase: 0, hops: 1 } },
    ],
    state: { status: 'active', phase: 0, leader: null },
  });
  const message: Message = { kind: 'announcement', leader: 9 };
  const step = n.receive('left', message);
  t.deepEqual(traceEvent(4, n.state(), step, { from: 'left', message }), {
    t: 4,
    node: 5,
    action: 'RelayAnnouncement',
    from: 'left',
    received: message,
    sent: [{ direction: 'right', message }],
    state: { status: 'done', phase: 0, leader: 9 },
  });
});
