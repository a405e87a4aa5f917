/**
 * The link's building blocks by their public contracts, the ones the generic peer-keyed link keeps
 * whatever endpoint composes them: RFC 6298's estimator, the receiver's acks, the sender's
 * jitter, abandon and ages, the configuration's checks and the counters. Fast unit checks, so
 * `npm run mutation` can run them against every link mutant.
 */
import test from 'ava';
import type { Message } from '../../src/core/types.js';
import { DEFAULT_LINK_CONFIG, type LinkConfig, linkConfigProblem, ms, second } from '../../src/link/config.js';
import { LinkReceiver } from '../../src/link/receiver.js';
import { RttEstimator } from '../../src/link/rtt.js';
import { LinkSender } from '../../src/link/sender.js';
import { DROP_REASONS, total } from '../../src/link/stats.js';
import { emptyStats } from '../../src/node/stats.js';
import { MAX_SACKS } from '../../src/wire/frame.js';

const probe = (k: number): Message => ({ kind: 'probe', origin: 7, phase: k, hops: 1 });
const NO_JITTER: LinkConfig = { ...DEFAULT_LINK_CONFIG, jitter: 0 };

test('RTT (RFC 6298): the first sample sets srtt = R and rttvar = R/2; later ones smooth with 1/8 and 1/4', (t) => {
  const r = new RttEstimator(100, 20, 1000);
  t.is(r.smoothed(), undefined);
  t.is(r.rto(), 100, 'before any sample: the initial timeout');
  r.sample(40);
  t.is(r.smoothed(), 40);
  t.is(r.rto(), 40 + 4 * 20);
  r.sample(80);
  // rttvar = 3/4 * 20 + 1/4 * |40 - 80| = 25; srtt = 7/8 * 40 + 1/8 * 80 = 45.
  t.is(r.smoothed(), 45);
  t.is(r.rto(), 45 + 4 * 25);
});

test('RTT: the timeout stays between its floor and ceiling', (t) => {
  const r = new RttEstimator(100, 20, 1000);
  r.sample(1);
  t.is(r.rto(), 20, 'floor');
  const slow = new RttEstimator(100, 20, 1000);
  slow.sample(900);
  t.is(slow.rto(), 1000, 'ceiling');
  t.is(new RttEstimator(5000, 20, 1000).rto(), 1000, 'even the initial timeout');
  t.is(new RttEstimator(5, 20, 1000).rto(), 20);
});

test('receiver: in-order seqs advance the cumulative ack with no selective part; a gap is named selectively', (t) => {
  const r = new LinkReceiver();
  t.deepEqual(r.ack(), { cumulative: 0, selective: [] });
  t.true(r.accept(0));
  t.true(r.accept(1));
  t.deepEqual(r.ack(), { cumulative: 2, selective: [] });
  t.true(r.accept(3));
  t.true(r.accept(5));
  t.deepEqual(r.ack(), { cumulative: 2, selective: [3, 5] });
  t.true(r.accept(2), 'filling the gap');
  t.deepEqual(r.ack(), { cumulative: 4, selective: [5] });
  t.true(r.accept(4));
  t.deepEqual(r.ack(), { cumulative: 6, selective: [] });
  t.true(r.accept(6), 'in order again after the set emptied');
  t.false(r.accept(6));
  t.false(r.accept(0));
});

test(`receiver: with more than ${MAX_SACKS} seqs out of order, the ack names the newest ${MAX_SACKS}, ascending`, (t) => {
  const r = new LinkReceiver();
  const seqs = Array.from({ length: MAX_SACKS + 5 }, (_, i) => 2 * (MAX_SACKS + 5 - i)); // descending, all above a gap at 0
  for (const s of seqs) t.true(r.accept(s));
  const ack = r.ack();
  t.is(ack.cumulative, 0);
  t.deepEqual(ack.selective, [...seqs].sort((a, b) => a - b).slice(-MAX_SACKS));
});

test('sender: a timeout is scaled by a factor in [1 - jitter, 1 + jitter] drawn from the random source', (t) => {
  const config: LinkConfig = { ...DEFAULT_LINK_CONFIG, jitter: 0.2 };
  const low = new LinkSender<Message>(config, () => 0);
  low.push(0, probe(0));
  t.is(low.nextDeadline(), 80);
  const high = new LinkSender<Message>(config, () => 1);
  high.push(0, probe(0));
  t.true(Math.abs(high.nextDeadline() - 120) < 1e-9, `${high.nextDeadline()} is 100 * (1 + 0.2)`);
  const mid = new LinkSender<Message>(config, () => 0.5);
  mid.push(10, probe(0));
  t.is(mid.nextDeadline(), 110);
});

test('sender: seqs count from 0; only assigned seqs count as sent; a cap on the retry interval is honoured', (t) => {
  const s = new LinkSender<Message>(NO_JITTER, () => 0.5);
  t.false(s.hasSent(0));
  t.is(s.push(0, probe(0)), 0);
  t.is(s.push(0, probe(1)), 1);
  t.true(s.hasSent(1));
  t.false(s.hasSent(2));
  t.deepEqual(
    s.due(100, 150).map((f) => [f.seq, f.payload]),
    [
      [0, probe(0)],
      [1, probe(1)],
    ],
  );
  t.is(s.nextDeadline(), 250, 'doubled to 200, capped at 150');
  t.deepEqual(s.due(249), [], 'not yet due');
});

test('sender: the oldest unacknowledged message\'s age, 0 with none; abandon keeps the others in order and counts the dropped', (t) => {
  const s = new LinkSender<Message>(NO_JITTER, () => 0.5);
  t.is(s.oldestAge(50), 0);
  s.push(10, probe(0));
  s.push(20, { kind: 'announcement', leader: 9 });
  s.push(30, probe(2));
  s.push(40, { kind: 'announcement', leader: 9 });
  t.is(s.oldestAge(50), 40);
  t.is(s.abandon((m) => m.kind === 'announcement'), 2);
  t.is(s.pending(), 2);
  t.is(s.oldestAge(50), 30);
  t.is(s.nextDeadline(), 120);
  t.deepEqual(
    s.due(200).map((f) => f.seq),
    [1, 3],
  );
  t.is(s.abandon(() => true), 0);
  t.is(s.abandon(() => false), 2);
  t.is(s.nextDeadline(), Number.POSITIVE_INFINITY);
});

test('sender: acknowledging one in the middle keeps the rest, in order, with their deadlines', (t) => {
  const s = new LinkSender<Message>(NO_JITTER, () => 0.5);
  for (let k = 0; k < 4; k++) s.push(k, probe(k));
  t.is(s.acknowledge(5, { cumulative: 0, selective: [1] }), 1);
  t.deepEqual(
    s.due(102).map((f) => f.seq),
    [0, 2],
  );
  t.is(s.acknowledge(6, { cumulative: 0, selective: [] }), 0);
  t.is(s.pending(), 3);
  t.is(s.nextDeadline(), 103);
});

test('link config: the defaults are valid and each rule is named with the offending values', (t) => {
  t.is(ms, 1);
  t.is(second, 1000);
  t.is(linkConfigProblem(DEFAULT_LINK_CONFIG), undefined);
  const bad = (patch: Partial<Record<keyof LinkConfig, unknown>>) => linkConfigProblem({ ...DEFAULT_LINK_CONFIG, ...patch } as LinkConfig);
  t.is(bad({ lingerMs: -1 }), 'lingerMs must be a non-negative number, got -1');
  t.is(bad({ maxRtoMs: Number.POSITIVE_INFINITY }), 'maxRtoMs must be a non-negative number, got Infinity');
  t.is(bad({ jitter: '0.1' }), 'jitter must be a non-negative number, got 0.1');
  t.is(bad({ ackDelayMs: 0, minRtoMs: 0 }), 'minRtoMs (0) must exceed ackDelayMs (0)');
  t.is(bad({ jitter: 1 }), 'jitter must be below 1, got 1');
  t.is(bad({ jitter: 0.99 }), undefined);
  t.is(bad({ minRtoMs: 10, ackDelayMs: 10 }), 'minRtoMs (10) must exceed ackDelayMs (10)');
  t.is(bad({ minRtoMs: 11, ackDelayMs: 10 }), undefined);
  t.is(bad({ minRtoMs: 1001, maxRtoMs: 1000 }), 'minRtoMs (1001) exceeds maxRtoMs (1000)');
  t.is(bad({ minRtoMs: 1000, maxRtoMs: 1000 }), undefined);
  t.is(bad({ initialRtoMs: 0 }), undefined, 'zero is allowed');
});

test('stats: every counter starts at zero, per kind and per drop reason; total sums a record', (t) => {
  const s = emptyStats();
  t.deepEqual(s.algorithm, { sent: { probe: 0, reply: 0, announcement: 0 }, received: { probe: 0, reply: 0, announcement: 0 } });
  t.deepEqual(s.datagrams, {
    sent: 0,
    received: 0,
    retransmissions: 0,
    pureAcks: 0,
    duplicates: 0,
    abandoned: 0,
    dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])),
  });
  t.deepEqual([...DROP_REASONS], ['malformed', 'magic', 'version', 'unknown-sender', 'stale', 'no-mac', 'unexpected-mac', 'bad-mac', 'unverified', 'ring-mismatch']);
  s.algorithm.sent.probe += 1;
  t.is(emptyStats().algorithm.sent.probe, 0, 'each call builds fresh records');
  t.is(total({ probe: 3, reply: 2, announcement: 1 }), 6);
  t.is(total({}), 0);
});
