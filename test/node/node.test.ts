/**
 * The ring node (src/node): what a driver relies on from an ElectionNode, input by input, and
 * from a whole ring of them without I/O. Fast enough to run against every mutant of src/node.
 */
import test from 'ava';
import { ALGORITHMS } from '../../src/core/algorithms.js';
import type { Message } from '../../src/core/types.js';
import { DEFAULT_LINK_CONFIG } from '../../src/link/config.js';
import { ackTimer, retransmitTimer } from '../../src/link/output.js';
import { ElectionNode, LINGER_TIMER, TIMER_KEYS, type Output } from '../../src/node/election-node.js';
import { FROM_BOTH, FROM_LEFT, FROM_NEITHER, FROM_RIGHT, LEFT_PEER, RIGHT_PEER, RING_LANES, fromSides, peerOn, sideOf } from '../../src/node/ring.js';
import { emptyStats } from '../../src/node/stats.js';
import type { FrameInput } from '../../src/wire/frame.js';
import { decodeNodeFrame, encodeNodeFrame } from '../helpers/node-frames.js';
import { runEndpointRing } from '../helpers/endpoint-ring.js';

const noAck = { cumulative: 0, selective: [] };

/** A data frame as the left neighbour (session 77) sends it: out of its right side, lane 1. */
function fromLeft(seq: number, message: Message): Uint8Array {
  const frame: FrameInput<Message> = { lane: 1, session: 77, ack: noAck, data: { seq, payload: message } };
  return encodeNodeFrame(frame).slice();
}

/** The algorithm messages a node put on the wire, per side, in order. */
function sent(outs: readonly Output[]): { side: string; message: Message }[] {
  const r: { side: string; message: Message }[] = [];
  for (const o of outs) {
    if (o.type !== 'transmit') continue;
    const f = decodeNodeFrame(o.bytes);
    if (f.ok && f.frame.data) r.push({ side: o.peer === LEFT_PEER ? 'left' : 'right', message: f.frame.data.payload as Message });
  }
  return r;
}

test('ring sides: the left neighbour is peer 0 and the right peer 1; a frame sent out of a right side arrives on the left link', (t) => {
  t.is(peerOn('left'), LEFT_PEER);
  t.is(peerOn('right'), RIGHT_PEER);
  t.is(sideOf(LEFT_PEER), 'left');
  t.is(sideOf(RIGHT_PEER), 'right');
  t.is(RING_LANES[1], LEFT_PEER, 'lane 1 (a neighbour\'s right side) is our left link');
  t.is(RING_LANES[0], RIGHT_PEER);
  t.deepEqual([fromSides(true, false), fromSides(false, true), fromSides(true, true), fromSides(false, false)], [FROM_LEFT, FROM_RIGHT, FROM_BOTH, FROM_NEITHER]);
  t.not(FROM_LEFT, FROM_RIGHT);
  // Timer keys are small integers a driver may index by: 2p and 2p + 1 per link, then the node's.
  t.deepEqual([retransmitTimer(LEFT_PEER), ackTimer(LEFT_PEER), retransmitTimer(RIGHT_PEER), ackTimer(RIGHT_PEER), LINGER_TIMER], [0, 1, 2, 3, 4]);
  t.is(FROM_NEITHER, 0);
});

test('node stats: algorithm messages sent and received start at zero per kind, apart from the datagram counters', (t) => {
  const s = emptyStats();
  t.deepEqual(s.algorithm.sent, { probe: 0, reply: 0, announcement: 0 });
  t.deepEqual(s.algorithm.received, { probe: 0, reply: 0, announcement: 0 });
  s.algorithm.sent.probe += 1;
  t.is(s.algorithm.received.probe, 0, 'sent and received are separate records');
  t.is(emptyStats().algorithm.sent.probe, 0, 'each node gets its own counters');
  t.is(s.datagrams.received, 0);
});

test('node: a bad link config or a keyed node with session 0 is refused at construction with a RangeError naming the problem', (t) => {
  const bad = t.throws(() => new ElectionNode({ id: 1, session: 1, random: () => 0.5, config: { ...DEFAULT_LINK_CONFIG, jitter: 2 } }), { instanceOf: RangeError });
  t.regex(bad!.message, /jitter/);
  t.throws(() => new ElectionNode({ id: 1, session: 0, random: () => 0.5, key: new Uint8Array(32) }), { instanceOf: RangeError, message: /session/ });
  t.throws(() => new ElectionNode({ id: 1, session: 1, random: () => 0.5, config: { ...DEFAULT_LINK_CONFIG, lingerMs: Number.NaN } }), { instanceOf: RangeError, message: 'lingerMs must be a non-negative number, got NaN' });
  t.throws(() => new ElectionNode({ id: 1, session: 1, random: () => 0.5, config: { ...DEFAULT_LINK_CONFIG, lingerMs: -1 } }), { instanceOf: RangeError, message: /lingerMs must be a non-negative number/ });
  t.notThrows(() => new ElectionNode({ id: 1, session: 0, random: () => 0.5 }), 'session 0 is fine without a key');
  t.notThrows(() => new ElectionNode({ id: 1, session: 5, random: () => 0.5, key: new Uint8Array(32) }));
});

test('node: start sends the phase 0 probes both ways, says phase 0, and arms both retransmission timers', (t) => {
  const e = new ElectionNode({ id: 5, session: 1, random: () => 0.5 });
  t.is(e.lifecycle(), 'idle');
  const outs = e.start(0);
  t.is(e.lifecycle(), 'running');
  t.deepEqual(
    sent(outs).sort((a, b) => a.side.localeCompare(b.side)),
    [
      { side: 'left', message: { kind: 'probe', origin: 5, phase: 0, hops: 1 } },
      { side: 'right', message: { kind: 'probe', origin: 5, phase: 0, hops: 1 } },
    ],
  );
  t.true(outs.some((o) => o.type === 'phase' && o.phase === 0));
  for (const peer of [LEFT_PEER, RIGHT_PEER]) t.true(outs.some((o) => o.type === 'setTimer' && o.key === retransmitTimer(peer)));
  t.deepEqual(e.stats.algorithm.sent, { probe: 2, reply: 0, announcement: 0 });
  t.is(e.decidedTime(), undefined);
  t.is(TIMER_KEYS, LINGER_TIMER + 1);
  t.true(LINGER_TIMER > retransmitTimer(RIGHT_PEER), 'the linger timer is numbered after every link timer');
});

test('node: a datagram before start is counted but neither delivered nor acknowledged, so its sender keeps it and retries', (t) => {
  const e = new ElectionNode({ id: 5, session: 1, random: () => 0.5 });
  const outs = e.onDatagram(1, fromLeft(0, { kind: 'probe', origin: 3, phase: 0, hops: 1 }), FROM_LEFT);
  t.deepEqual(outs, []);
  t.is(e.stats.datagrams.received, 1);
  t.is(e.stats.algorithm.received.probe, 0);
  // Started later, the same datagram is taken.
  e.start(2);
  e.onDatagram(3, fromLeft(0, { kind: 'probe', origin: 3, phase: 0, hops: 1 }), FROM_LEFT);
  t.is(e.stats.algorithm.received.probe, 1);
});

test('node: the leader\'s announcement decides, says so once with the time, and stops retrying probes and replies', (t) => {
  const e = new ElectionNode({ id: 5, session: 1, random: () => 0.5 });
  e.start(0);
  const outs = e.onDatagram(7, fromLeft(0, { kind: 'announcement', leader: 9 }), FROM_LEFT);
  t.deepEqual(outs.filter((o) => o.type === 'decide'), [{ type: 'decide', leader: 9, isLeader: false }]);
  t.is(e.decidedTime(), 7);
  t.like(e.state(), { leader: 9, status: 'done' });
  t.deepEqual(sent(outs), [{ side: 'right', message: { kind: 'announcement', leader: 9 } }], 'relayed onwards');
  t.deepEqual(e.stats.algorithm.received, { probe: 0, reply: 0, announcement: 1 });
  t.deepEqual(e.stats.algorithm.sent, { probe: 2, reply: 0, announcement: 1 });
  t.is(e.stats.datagrams.abandoned, 2, 'both phase 0 probes given up, counted');
  // The left link has only our phase 0 probe, now useless: nothing is left to retry there.
  t.is(e.diagnose(8).left.unacked, 0);
  // The right link keeps the announcement (the neighbour learns the leader from it), not the probe.
  const retry = e.onTimer(500, retransmitTimer(RIGHT_PEER));
  t.deepEqual(sent(retry).map((s) => s.message.kind), ['announcement']);
  t.is(e.diagnose(500).right.unacked, 1);
});

test('node: once finished, a new probe is acknowledged but never reaches the core', (t) => {
  const e = new ElectionNode({ id: 5, session: 1, random: () => 0.5 });
  e.start(0);
  e.onDatagram(1, fromLeft(0, { kind: 'announcement', leader: 9 }), FROM_LEFT);
  // Acknowledge our announcement (seq 1 on the right) so the node lingers.
  const ack: FrameInput<Message> = { lane: 0, session: 88, ack: { cumulative: 2, selective: [] } };
  e.onDatagram(2, encodeNodeFrame(ack).slice(), FROM_RIGHT);
  t.is(e.lifecycle(), 'lingering');
  const late = e.onDatagram(3, fromLeft(1, { kind: 'probe', origin: 3, phase: 2, hops: 1 }), FROM_LEFT);
  t.deepEqual(e.stats.algorithm.received, { probe: 0, reply: 0, announcement: 1 });
  t.deepEqual(sent(late), [], 'nothing relayed');
});

test('node: the linger timer ends a lingering node with exit; after exit it ignores datagrams, and the timer does nothing while running', (t) => {
  const e = new ElectionNode({ id: 5, session: 1, random: () => 0.5 });
  e.start(0);
  t.deepEqual(e.onTimer(1, LINGER_TIMER).filter((o) => o.type === 'exit'), []);
  t.is(e.lifecycle(), 'running');
  e.onDatagram(2, fromLeft(0, { kind: 'announcement', leader: 9 }), FROM_LEFT);
  t.is(e.lifecycle(), 'running', 'the announcement is not acknowledged yet: still running');
  const ack: FrameInput<Message> = { lane: 0, session: 88, ack: { cumulative: 2, selective: [] } };
  const lingering = e.onDatagram(3, encodeNodeFrame(ack).slice(), FROM_RIGHT);
  t.is(e.lifecycle(), 'lingering');
  t.true(lingering.some((o) => o.type === 'setTimer' && o.key === LINGER_TIMER && o.delayMs === DEFAULT_LINK_CONFIG.lingerMs));
  const end = e.onTimer(3 + DEFAULT_LINK_CONFIG.lingerMs, LINGER_TIMER);
  t.deepEqual(end, [{ type: 'exit' }]);
  t.is(e.lifecycle(), 'exited');
  const after = e.onDatagram(9_999, fromLeft(1, { kind: 'announcement', leader: 9 }), FROM_LEFT);
  t.deepEqual(after, [], 'an exited node answers nothing');
});

test('node: with trace on, every core step is a trace output naming its action; without, none', (t) => {
  const traced = new ElectionNode({ id: 5, session: 1, random: () => 0.5, trace: true });
  const started = traced.start(0);
  t.like(started.find((o) => o.type === 'trace'), { type: 'trace', event: { action: 'Start' } });
  const outs = traced.onDatagram(1, fromLeft(0, { kind: 'probe', origin: 3, phase: 0, hops: 1 }), FROM_LEFT);
  t.is(outs.filter((o) => o.type === 'trace').length, 1);
  const quiet = new ElectionNode({ id: 5, session: 1, random: () => 0.5 });
  t.false([...quiet.start(0), ...quiet.onDatagram(1, fromLeft(0, { kind: 'probe', origin: 3, phase: 0, hops: 1 }), FROM_LEFT)].some((o) => o.type === 'trace'));
});

test('node: the algorithm is the one given (LCR sends one probe, rightwards only)', (t) => {
  const e = new ElectionNode({ id: 5, session: 1, random: () => 0.5, core: ALGORITHMS.lcr.create });
  t.deepEqual(sent(e.start(0)).map((s) => s.side), ['right']);
  t.deepEqual(e.stats.algorithm.sent, { probe: 1, reply: 0, announcement: 0 });
});

for (const [name, loss] of [['no loss', 0], ['30 % loss', 0.3]] as const) {
  test(`node ring (${name}): every node decides the maximum, exits with every delivery confirmed, and no message is delivered twice`, (t) => {
    const ids = [3, 9, 5, 7, 1, 8, 2, 6];
    const r = runEndpointRing({ ids, seed: 11, loss });
    t.true(r.terminated);
    t.deepEqual(r.leaders, ids.map(() => 9));
    for (const e of r.endpoints) {
      t.is(e.lifecycle(), 'exited');
      t.true(e.decidedTime() !== undefined && e.decidedTime()! > 0);
      t.deepEqual(e.unconfirmed(), []);
    }
    const total = (pick: (e: ElectionNode) => Record<string, number>) => {
      const sum: Record<string, number> = {};
      for (const e of r.endpoints) for (const [k, v] of Object.entries(pick(e))) sum[k] = (sum[k] ?? 0) + v;
      return sum;
    };
    const s = total((e) => e.stats.algorithm.sent);
    const received = total((e) => e.stats.algorithm.received);
    // Never delivered twice; under loss a probe or reply still unacknowledged at a decided node is
    // given up, so only the announcements are sure to arrive.
    if (loss === 0) t.deepEqual(received, s, 'each message delivered once');
    for (const kind of ['probe', 'reply'] as const) t.true(received[kind]! <= s[kind]!, kind);
    t.is(s.announcement, ids.length);
    t.is(received.announcement, ids.length);
    t.true(s.probe! > 0 && s.reply! > 0);
  });
}

test('node: nothing is acknowledged before anything arrives, and the first data frame on a side that has sent nothing arms its ack timer', (t) => {
  // LCR sends only rightwards, so its left link has sent no frame when the first probe arrives there.
  const e = new ElectionNode({ id: 5, session: 1, random: () => 0.5, core: ALGORITHMS.lcr.create });
  const started = e.start(0);
  t.false(started.some((o) => (o.type === 'setTimer' || o.type === 'cancelTimer') && (o.key === ackTimer(LEFT_PEER) || o.key === ackTimer(RIGHT_PEER))), 'no ack owed, none armed or cancelled');
  t.is(e.stats.datagrams.pureAcks, 0);
  const outs = e.onDatagram(1, fromLeft(0, { kind: 'probe', origin: 3, phase: 0, hops: 1 }), FROM_LEFT);
  t.true(outs.some((o) => o.type === 'setTimer' && o.key === ackTimer(LEFT_PEER) && o.delayMs === DEFAULT_LINK_CONFIG.ackDelayMs));
  // The timer fires: one pure ack. The next data frame arms it again, as the flag was cleared when the ack left.
  t.is(sent(e.onTimer(10, ackTimer(LEFT_PEER))).length, 0);
  t.is(e.stats.datagrams.pureAcks, 1);
  const next = e.onDatagram(20, fromLeft(1, { kind: 'probe', origin: 2, phase: 0, hops: 1 }), FROM_LEFT);
  t.true(next.some((o) => o.type === 'setTimer' && o.key === ackTimer(LEFT_PEER)));
});

test('node: an ack that rides on a data frame leaves no ack timer to cancel unless one was armed', (t) => {
  const e = new ElectionNode({ id: 5, session: 1, random: () => 0.5 });
  const started = e.start(0);
  t.false(started.some((o) => o.type === 'cancelTimer'), 'the first probes cancel no timer');
});

test('node: retries of probes before deciding do not count toward giving up the final announcement', (t) => {
  const e = new ElectionNode({ id: 5, session: 1, random: () => 0.5 });
  e.start(0);
  // The right neighbour stays silent through 200 retries of our probe.
  let now = 0;
  for (let i = 0; i < 200; i++) {
    now += 1_000;
    e.onTimer(now, retransmitTimer(RIGHT_PEER));
  }
  t.true(e.stats.datagrams.retransmissions >= 200);
  // Then the announcement arrives from the left: we decide and retry our relay of it to the right.
  e.onDatagram(now + 1, fromLeft(0, { kind: 'announcement', leader: 9 }), FROM_LEFT);
  e.onTimer(now + 1_000, retransmitTimer(RIGHT_PEER));
  t.deepEqual(e.unconfirmed(), [], 'one unanswered retry of the announcement is not 128');
  t.is(e.lifecycle(), 'running');
});

test('node: a lingering node keeps its quiet period running through stale and undecodable datagrams', (t) => {
  // Ring of one: the node's neighbours are itself (session 1).
  const e = new ElectionNode({ id: 4, session: 1, random: () => 0.5 });
  const queue: Uint8Array[] = [];
  let now = 0;
  const take = (outs: Output[]) => {
    for (const o of outs) if (o.type === 'transmit') queue.push(o.bytes.slice());
  };
  take(e.start(now));
  while (queue.length > 0 && e.lifecycle() !== 'lingering') take(e.onDatagram((now += 1), queue.shift()!, FROM_BOTH));
  t.is(e.lifecycle(), 'lingering');
  const lingerSet = (outs: Output[]) => outs.some((o) => o.type === 'setTimer' && o.key === LINGER_TIMER);
  const stale: FrameInput<Message> = { lane: 1, session: 2, ack: noAck };
  t.false(lingerSet(e.onDatagram(now + 1, encodeNodeFrame(stale).slice(), FROM_BOTH)), 'a frame of another session is not the neighbour');
  t.false(lingerSet(e.onDatagram(now + 2, new Uint8Array([0, 1, 2]), FROM_BOTH)), 'nor are bytes that are no frame');
  t.true(lingerSet(e.onDatagram(now + 3, encodeNodeFrame({ lane: 1, session: 1, ack: noAck }).slice(), FROM_BOTH)), 'a frame of the neighbour is');
});
