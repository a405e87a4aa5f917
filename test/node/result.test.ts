/**
 * A node's result (src/node/result.ts): what `hs-ring launch` and the simulators print for a node
 * that finished or stalled. A stall report must name what the node still waits on, and why.
 */
import test from 'ava';
import type { CoreState } from '../../src/core/election-core.js';
import { type ResultInput, nodeResult } from '../../src/node/result.js';
import { emptyStats } from '../../src/node/stats.js';

const done: CoreState = { id: 9, status: 'done', phase: 3, leader: 9 };
const quiet = { unacked: 0, lastHeardMs: 5 };

function input(extra: Partial<ResultInput> = {}): ResultInput {
  return {
    outcome: 'ok',
    state: done,
    lastPhase: 3,
    stats: emptyStats(),
    decidedMs: 12.34567,
    elapsedMs: 40.5,
    unconfirmed: [],
    neighbour: (side) => (side === 'left' ? '127.0.0.1:4001' : '127.0.0.1:4003'),
    when: 'after 3000 ms',
    ...extra,
  };
}

test('result: a finished node reports its leader, whether it is the leader, phases started, counts and times, and no stall', (t) => {
  const stats = emptyStats();
  stats.algorithm.sent.probe = 4;
  stats.datagrams.sent = 7;
  const r = nodeResult(input({ stats, unconfirmed: ['right'] }));
  t.deepEqual(r, {
    id: 9,
    outcome: 'ok',
    leader: 9,
    isLeader: true,
    phases: 4,
    messages: stats.algorithm,
    datagrams: stats.datagrams,
    decidedMs: 12.34567,
    elapsedMs: 40.5,
    unconfirmed: ['right'],
  });
  const follower = nodeResult(input({ state: { id: 3, status: 'done', phase: 0, leader: 9 }, lastPhase: 0 }));
  t.like(follower, { id: 3, leader: 9, isLeader: false, phases: 1 });
});

test('result: an undecided node reports leader null and decidedMs null; the time function applies to every time', (t) => {
  const r = nodeResult(input({ state: { id: 3, status: 'active', phase: 1, leader: undefined }, decidedMs: null }));
  t.like(r, { leader: null, isLeader: false, decidedMs: null });
  const round = (ms: number) => Math.round(ms);
  t.like(nodeResult(input({ time: round })), { decidedMs: 12, elapsedMs: 41 });
  const stalled = nodeResult(input({ outcome: 'stalled', time: round, diagnosis: { left: { unacked: 1, lastHeardMs: 2.6 }, right: quiet } }));
  t.deepEqual(stalled.stall!.unreachable, [{ side: 'left', address: '127.0.0.1:4001', unacked: 1, lastHeardMs: 3 }]);
  const neverHeard = nodeResult(input({ outcome: 'stalled', time: round, diagnosis: { left: { unacked: 0, lastHeardMs: null }, right: quiet } }));
  t.is(neverHeard.stall!.unreachable[0]!.lastHeardMs, null, 'never heard stays null, not a time of 0');
});

test('result: a stall names each side that has messages unacknowledged or was never heard, with its address, and no other', (t) => {
  const r = nodeResult(
    input({
      outcome: 'stalled',
      state: { id: 3, status: 'active', phase: 1, leader: undefined },
      diagnosis: { left: { unacked: 0, lastHeardMs: null }, right: { unacked: 2, lastHeardMs: 8 } },
    }),
  );
  t.is(r.outcome, 'stalled');
  t.deepEqual(r.stall!.unreachable, [
    { side: 'left', address: '127.0.0.1:4001', unacked: 0, lastHeardMs: null },
    { side: 'right', address: '127.0.0.1:4003', unacked: 2, lastHeardMs: 8 },
  ]);
  const fine = nodeResult(input({ outcome: 'stalled', diagnosis: { left: quiet, right: quiet } }));
  t.deepEqual(fine.stall!.unreachable, []);
  t.deepEqual(nodeResult(input({ outcome: 'stalled' })).stall!.unreachable, [], 'no diagnosis (ideal channels): nobody named');
});

test('result: the stall reason says from the node\'s own state how far it got', (t) => {
  const reason = (state: CoreState, diagnosis?: ResultInput['diagnosis']) =>
    nodeResult(input({ outcome: 'stalled', state, ...(diagnosis ? { diagnosis } : {}) })).stall!.reason;
  t.is(reason({ id: 3, status: 'active', phase: 1, leader: undefined }), 'no leader known after 3000 ms');
  t.is(reason({ id: 3, status: 'done', phase: 0, leader: 9 }, { left: quiet, right: { unacked: 1, lastHeardMs: 5 } }), 'leader 9 known, but messages unacknowledged after 3000 ms');
  t.is(reason({ id: 3, status: 'done', phase: 0, leader: 9 }, { left: { unacked: 1, lastHeardMs: 5 }, right: quiet }), 'leader 9 known, but messages unacknowledged after 3000 ms');
  t.is(reason({ id: 9, status: 'leader', phase: 3, leader: 9 }, { left: quiet, right: quiet }), 'leader 9, its announcement not back yet after 3000 ms');
  t.is(reason({ id: 9, status: 'leader', phase: 3, leader: 9 }), 'leader 9, its announcement not back yet after 3000 ms', 'no diagnosis: nothing unacknowledged');
  t.is(reason({ id: 3, status: 'done', phase: 0, leader: 9 }, { left: quiet, right: quiet }), 'leader 9 known, still lingering after 3000 ms');
});

test('result: a stall reason ends with the refused frames that explain it, each with its count and cause, in the order to check them', (t) => {
  const stats = emptyStats();
  t.notRegex(nodeResult(input({ outcome: 'stalled', stats })).stall!.reason, /dropped/, 'no drops, no hint');
  stats.datagrams.dropped['bad-mac'] = 2;
  stats.datagrams.dropped.stale = 1;
  stats.datagrams.dropped.malformed = 5;
  const r = nodeResult(input({ outcome: 'stalled', stats })).stall!.reason;
  t.is(
    r,
    'leader 9 known, still lingering after 3000 ms; 1 frames dropped as stale (a neighbour restarted: its frames carry a session other than the one first heard); 2 frames dropped as bad-mac (bad MAC: a neighbour has another key?)',
  );
  for (const [reason, words] of [
    ['ring-mismatch', /started from another ring file: give every member the same one/],
    ['unknown-sender', /ring files or flags differ/],
    ['version', /another wire format version/],
    ['no-mac', /a neighbour has no key/],
    ['unexpected-mac', /a neighbour has a key, we have none/],
    ['unverified', /never proved its session/],
  ] as const) {
    const s = emptyStats();
    s.datagrams.dropped[reason] = 3;
    t.regex(nodeResult(input({ outcome: 'stalled', stats: s })).stall!.reason, new RegExp(`; 3 frames dropped as ${reason} \\(.*${words.source}`), reason);
  }
});
