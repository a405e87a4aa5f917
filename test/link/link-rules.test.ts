/**
 * The link layer's rules one at a time (spec/protocol.md §4), each by the behaviour it exists for:
 * backoff, Karn's rule, duplicate suppression, delayed and immediate acks, linger. Whole-ring
 * tests pass without most of them (a ring elects anyway), so each needs its own check.
 */
import test from 'ava';
import type { Message } from '../../src/core/types.js';
import { DEFAULT_LINK_CONFIG, type LinkConfig } from '../../src/link/config.js';
import { ackTimer, retransmitTimer } from '../../src/link/output.js';
import { ElectionNode, LINGER_TIMER, type Output } from '../../src/node/election-node.js';
import { FROM_BOTH, FROM_LEFT, FROM_RIGHT, LEFT_PEER, RIGHT_PEER, peerOn } from '../../src/node/ring.js';
import { LinkReceiver } from '../../src/link/receiver.js';
import { LinkSender } from '../../src/link/sender.js';
import { decodeNodeFrame, encodeNodeFrame } from '../helpers/node-frames.js';
import { type FrameInput, NO_RING_DIGEST } from '../../src/wire/frame.js';
import { openFrame, sealFrame } from '../../src/wire/index.js';

const NO_JITTER: LinkConfig = { ...DEFAULT_LINK_CONFIG, jitter: 0 };
const announcement: Message = { kind: 'announcement', leader: 9 };
const noAck = { cumulative: 0, selective: [] };

test('link sender: each retransmission of an unacknowledged message waits twice as long, up to the ceiling', (t) => {
  const s = new LinkSender(NO_JITTER, () => 0.5);
  s.push(0, announcement);
  const gaps: number[] = [];
  let last = 0;
  for (let i = 0; i < 6; i++) {
    const at = s.nextDeadline()!;
    t.is(s.due(at).length, 1);
    gaps.push(at - last);
    last = at;
  }
  // Initial 100 ms, then doubled per retry: 200, 400, 800, then the 1 s ceiling.
  t.deepEqual(gaps, [100, 200, 400, 800, 1000, 1000]);
});

test("link sender: Karn's rule, an ack of a retransmitted message gives no round-trip sample", (t) => {
  const s = new LinkSender(NO_JITTER, () => 0.5);
  s.push(0, announcement);
  t.is(s.due(100).length, 1, 'retransmitted at the initial timeout');
  // The ack arrives 1 ms after the retry: it may answer either copy, so it must not count as a
  // 101 ms (or 1 ms) round trip.
  s.acknowledge(101, { cumulative: 1, selective: [] });
  t.is(s.smoothedRtt(), undefined);
  // A message sent once does give a sample.
  s.push(200, announcement);
  s.acknowledge(230, { cumulative: 2, selective: [] });
  t.is(s.smoothedRtt(), 30);
});

test('link sender: selective acks settle exactly the seqs they name that are still in flight; cumulative acks settle a prefix', (t) => {
  const s = new LinkSender(NO_JITTER, () => 0.5);
  const phase = (k: number): Message => ({ kind: 'probe', origin: 7, phase: k, hops: 1 });
  for (let k = 0; k < 5; k++) s.push(k, phase(k)); // seqs 0..4, due at 100..104
  // A gap, a seq named twice, and one never sent: only 2 and 4 are settled, once each.
  t.is(s.acknowledge(10, { cumulative: 0, selective: [2, 2, 4, 9] }), 2);
  t.is(s.pending(), 3);
  // 2 again (already settled) and a cumulative ack covering 0 and 1.
  t.is(s.acknowledge(11, { cumulative: 2, selective: [2] }), 2);
  t.is(s.pending(), 1);
  t.is(s.nextDeadline(), 103, 'what is left is seq 3, sent at 3');
  t.deepEqual(
    s.due(103).map((f) => f.seq),
    [3],
  );
  t.is(s.acknowledge(12, { cumulative: 5, selective: [] }), 1);
  t.is(s.pending(), 0);
  t.is(s.nextDeadline(), Number.POSITIVE_INFINITY, 'nothing in flight: no deadline');
});

test('link sender: with nothing in flight the next deadline is Infinity (never), the link\'s "no timer", before the first message and after the last', (t) => {
  const s = new LinkSender(NO_JITTER, () => 0.5);
  t.is(s.nextDeadline(), Number.POSITIVE_INFINITY);
  s.push(0, announcement);
  t.is(s.nextDeadline(), 100);
  s.acknowledge(5, { cumulative: 1, selective: [] });
  t.is(s.nextDeadline(), Number.POSITIVE_INFINITY);
});

test('link receiver: a message received out of order is delivered once, however often it comes again', (t) => {
  const r = new LinkReceiver();
  t.true(r.accept(2), 'seq 2 before 0 and 1');
  t.false(r.accept(2), 'seq 2 again, while 0 and 1 are still missing');
  t.deepEqual(r.ack(), { cumulative: 0, selective: [2] });
  t.true(r.accept(0));
  t.true(r.accept(1));
  t.false(r.accept(2));
  t.false(r.accept(1));
  t.deepEqual(r.ack(), { cumulative: 3, selective: [] });
});

const transmits = (outs: Output[], side: 'left' | 'right') =>
  outs.flatMap((o) => (o.type === 'transmit' && o.peer === peerOn(side) ? [decodeNodeFrame(o.bytes)] : [])).map((d) => (d.ok ? d.frame : undefined));

/** A data frame from the left neighbour (it left through that neighbour's right side). */
function fromLeft(seq: number, message: Message, session = 77): Uint8Array {
  const frame: FrameInput = { lane: 1, session, ack: noAck, data: { seq, payload: message } };
  return encodeNodeFrame(frame).slice();
}

test('node: an ack waits up to the ack delay for data to ride on, and a duplicate is answered at once', (t) => {
  const e = new ElectionNode({ id: 5, session: 1, random: () => 0.5 });
  e.start(0);
  // Node 3's probe: node 5 swallows it, so nothing goes back left to carry the ack.
  const probe = fromLeft(0, { kind: 'probe', origin: 3, phase: 0, hops: 1 });
  const first = e.onDatagram(1, probe, FROM_LEFT);
  t.deepEqual(transmits(first, 'left'), [], 'no pure ack at once');
  t.true(first.some((o) => o.type === 'setTimer' && o.key === ackTimer(LEFT_PEER) && o.delayMs === DEFAULT_LINK_CONFIG.ackDelayMs));
  // The same frame again: our ack may have been lost, so answer now rather than after a delay.
  const again = e.onDatagram(2, probe, FROM_LEFT);
  const acks = transmits(again, 'left');
  t.is(acks.length, 1);
  t.deepEqual(acks[0]?.ack, { cumulative: 1, selective: [] });
  t.is(acks[0]?.data, undefined);
  t.is(e.stats.datagrams.duplicates, 1);
  t.is(e.stats.algorithm.received.probe, 1, 'delivered to the core once');
});

test('node: an owed ack rides on the next data frame that way, and its timer is cancelled', (t) => {
  const e = new ElectionNode({ id: 5, session: 1, random: () => 0.5 });
  e.start(0);
  e.onDatagram(1, fromLeft(0, { kind: 'probe', origin: 3, phase: 0, hops: 1 }), FROM_LEFT);
  // Node 5's own phase 0 reply comes back from the left: it relays nothing, but a reply from the
  // right completes the phase and sends phase 1 probes both ways, the left one carrying the ack.
  e.onDatagram(2, fromLeft(1, { kind: 'reply', origin: 5, phase: 0 }), FROM_LEFT);
  const right: FrameInput = { lane: 0, session: 88, ack: noAck, data: { seq: 0, payload: { kind: 'reply', origin: 5, phase: 0 } } };
  const outs = e.onDatagram(3, encodeNodeFrame(right).slice(), FROM_RIGHT);
  const left = transmits(outs, 'left');
  t.is(left.length, 1);
  t.like(left[0], { ack: { cumulative: 2 }, data: { payload: { kind: 'probe', phase: 1 } } });
  t.true(outs.some((o) => o.type === 'cancelTimer' && o.key === ackTimer(LEFT_PEER)));
  // The timer is cancelled, so the next data frame from the left must arm it again.
  const next = e.onDatagram(4, fromLeft(2, { kind: 'probe', origin: 2, phase: 0, hops: 1 }), FROM_LEFT);
  t.true(next.some((o) => o.type === 'setTimer' && o.key === ackTimer(LEFT_PEER) && o.delayMs === DEFAULT_LINK_CONFIG.ackDelayMs));
});

test('node: when the last message on a side is acknowledged its retransmission timer is cancelled, never set to a delay of Infinity', (t) => {
  const e = new ElectionNode({ id: 5, session: 1, config: NO_JITTER, random: () => 0.5 });
  const started = e.start(0);
  // Phase 0 probes go both ways, each with its retransmission timer.
  t.true(started.some((o) => o.type === 'setTimer' && o.key === retransmitTimer(LEFT_PEER) && o.delayMs === 100));
  // The left neighbour acknowledges our probe (seq 0) with a pure ack.
  const ack: FrameInput = { lane: 1, session: 77, ack: { cumulative: 1, selective: [] } };
  const outs = e.onDatagram(10, encodeNodeFrame(ack).slice(), FROM_LEFT);
  t.deepEqual(
    outs.filter((o) => (o.type === 'setTimer' || o.type === 'cancelTimer') && (o.key === retransmitTimer(LEFT_PEER) || o.key === retransmitTimer(RIGHT_PEER))),
    [{ type: 'cancelTimer', key: retransmitTimer(LEFT_PEER) }],
    'the left timer cancelled once; the right one, still needed, untouched',
  );
  // Nothing in flight on the left any more: a later input leaves that timer alone.
  const again = e.onDatagram(11, encodeNodeFrame(ack).slice(), FROM_LEFT);
  t.false(again.some((o) => (o.type === 'setTimer' || o.type === 'cancelTimer') && o.key === retransmitTimer(LEFT_PEER)));
});

/**
 * A ring of one: both neighbours are the node itself, so its own frames come back to it. Runs it
 * until it lingers, firing timers in order; returns the node and the first frame it sent.
 */
function lingeringRingOfOne(): { e: ElectionNode; early: Uint8Array; now: number } {
  const e = new ElectionNode({ id: 4, session: 1, random: () => 0.5 });
  const queue: Uint8Array[] = [];
  const timers = new Map<number, number>();
  let now = 0;
  const take = (outs: Output[]) => {
    for (const o of outs) {
      if (o.type === 'transmit') queue.push(o.bytes.slice());
      else if (o.type === 'setTimer') timers.set(o.key, now + o.delayMs);
      else if (o.type === 'cancelTimer') timers.delete(o.key);
    }
  };
  take(e.start(now));
  const early = queue[0]!;
  for (let steps = 0; steps < 1000 && e.lifecycle() !== 'lingering'; steps++) {
    const bytes = queue.shift();
    if (bytes) {
      now += 1;
      take(e.onDatagram(now, bytes, FROM_BOTH));
      continue;
    }
    const [key, at] = [...timers].filter(([k]) => k !== LINGER_TIMER).sort((a, b) => a[1] - b[1])[0] ?? [];
    if (key === undefined) break;
    timers.delete(key);
    now = Math.max(now, at!);
    take(e.onTimer(now, key));
  }
  return { e, early, now };
}

test('node: a lingering node restarts its quiet period on every datagram, and acks at once', (t) => {
  const { e, early, now } = lingeringRingOfOne();
  t.is(e.lifecycle(), 'lingering');
  t.is(e.state().leader, 4);
  // A retransmission of an old frame: the neighbour has not seen our ack. Exiting on the old
  // schedule could leave it retrying forever.
  const outs = e.onDatagram(now + 100, early, FROM_BOTH);
  t.true(outs.some((o) => o.type === 'setTimer' && o.key === LINGER_TIMER && o.delayMs === DEFAULT_LINK_CONFIG.lingerMs));
  t.true(outs.some((o) => o.type === 'transmit'), 'the ack goes out at once: a finished node sends no data it could ride on');
});

/** The give-up rule as spec/protocol.md §4 states it: written out, so a change to election-node.ts's constant fails here. */
const GIVE_UP_RETRIES = 128;

/**
 * Node 5, finished: it relayed leader 9's announcement to the right and waits for the right
 * neighbour (session 88) to acknowledge it. Drives its timers with a scripted clock; `answerAfter`
 * says, after each retry of the announcement (counted from 1), whether the right neighbour answers
 * it with a frame that does not acknowledge the announcement (a neighbour alive, hearing us only
 * sometimes, or whose acks are lost), and of which session. Stops at `maxRetries` retries or when
 * the node stops retrying. Returns the retries made, and at which retry the side became unconfirmed.
 */
function finishedNodeRetrying(maxRetries: number, answerAfter: (retry: number) => number | undefined) {
  const e = new ElectionNode({ id: 5, session: 1, config: NO_JITTER, random: () => 0.5 });
  const timers = new Map<number, number>();
  let now = 0;
  let retries = 0;
  const take = (outs: Output[]) => {
    for (const o of outs) {
      if (o.type === 'setTimer') timers.set(o.key, now + o.delayMs);
      else if (o.type === 'cancelTimer') timers.delete(o.key);
    }
    return outs;
  };
  take(e.start(now));
  now += 1;
  take(e.onDatagram(now, fromLeft(0, { kind: 'announcement', leader: 9 }), FROM_LEFT));
  const finishedWith = e.state();
  let unconfirmedAt: number | undefined;
  while (retries < maxRetries) {
    const at = timers.get(retransmitTimer(RIGHT_PEER));
    if (at === undefined) break;
    timers.delete(retransmitTimer(RIGHT_PEER));
    now = Math.max(now, at);
    const sent = transmits(take(e.onTimer(now, retransmitTimer(RIGHT_PEER))), 'right');
    if (sent.length === 0) continue;
    retries += 1;
    if (!sent.every((f) => f?.data?.payload.kind === 'announcement')) throw new Error('a finished node retries only its announcement');
    if (unconfirmedAt === undefined && e.unconfirmed().includes('right')) unconfirmedAt = retries;
    const session = answerAfter(retries);
    if (session !== undefined) {
      now += 1;
      // seq 0 (the probe, abandoned on deciding) acknowledged; seq 1, the announcement, not.
      const answer: FrameInput = { lane: 0, session, ack: { cumulative: 1, selective: [] } };
      take(e.onDatagram(now, encodeNodeFrame(answer).slice(), FROM_RIGHT));
    }
  }
  return { e, finishedWith, retries, unconfirmedAt, stillRetrying: timers.has(retransmitTimer(RIGHT_PEER)) };
}

test('node: a finished node gives up its announcement after 128 unanswered retries in a row, never while the neighbour answers', (t) => {
  // Never answered: unconfirmed at exactly the 128th retry, then no more retries, and it lingers.
  const silent = finishedNodeRetrying(10_000, () => undefined);
  t.like(silent.finishedWith, { status: 'done', leader: 9 });
  t.is(silent.unconfirmedAt, GIVE_UP_RETRIES);
  t.is(silent.retries, GIVE_UP_RETRIES);
  t.false(silent.stillRetrying);
  t.deepEqual(silent.e.unconfirmed(), ['right']);
  t.is(silent.e.lifecycle(), 'lingering');

  // Answered after every k-th retry, for 1000 retries: each answer starts the count again, so the
  // node keeps retrying; k = 127 is the longest silence that must not end it.
  const answeredRetries = 1000;
  for (const k of [1, 100, GIVE_UP_RETRIES - 1]) {
    const answered = finishedNodeRetrying(answeredRetries, (r) => (r % k === 0 ? 88 : undefined));
    t.is(answered.unconfirmedAt, undefined, `answered every ${k} retries`);
    t.is(answered.retries, answeredRetries, `answered every ${k} retries`);
    t.true(answered.stillRetrying, `answered every ${k} retries`);
    t.is(answered.e.lifecycle(), 'running');
  }

  // Answered every 100 retries, then silent: given up 128 retries after the last answer.
  const lastAnswer = 500;
  const fallsSilent = finishedNodeRetrying(10_000, (r) => (r % 100 === 0 && r <= lastAnswer ? 88 : undefined));
  t.is(fallsSilent.unconfirmedAt, lastAnswer + GIVE_UP_RETRIES);
  t.false(fallsSilent.stillRetrying);

  // Only a frame of the link's session counts as an answer: a stale one (an earlier incarnation
  // of the neighbour, say) is dropped and does not keep the node retrying.
  const stale = finishedNodeRetrying(10_000, (r) => (r === 1 ? 88 : r % 10 === 0 ? 87 : undefined));
  t.is(stale.unconfirmedAt, 1 + GIVE_UP_RETRIES);
  t.true(stale.e.stats.datagrams.dropped.stale > 0);
});

test('node: a frame on a lane no peer sends on is dropped as unknown-sender, even from a neighbour\'s address', (t) => {
  const e = new ElectionNode({ id: 5, session: 1, random: () => 0.5 });
  e.start(0);
  const frame: FrameInput = { lane: 7, session: 77, ack: noAck, data: { seq: 0, payload: announcement } };
  const outs = e.onDatagram(1, encodeNodeFrame(frame).slice(), FROM_BOTH);
  t.true(outs.some((o) => o.type === 'drop' && o.reason === 'unknown-sender'));
  t.is(e.stats.datagrams.dropped['unknown-sender'], 1);
  t.is(e.stats.algorithm.received.announcement, 0);
});

const drops = (outs: Output[]) => outs.flatMap((o) => (o.type === 'drop' ? [{ reason: o.reason, detail: o.detail }] : []));
const swallowed = (origin: number): Message => ({ kind: 'probe', origin, phase: 0, hops: 1 });

test('link session: once a neighbour\'s session is heard, frames of another are dropped as stale, naming the link and both sessions', (t) => {
  const e = new ElectionNode({ id: 5, session: 1, random: () => 0.5 });
  e.start(0);
  e.onDatagram(1, fromLeft(0, swallowed(3), 77), FROM_LEFT);
  const outs = e.onDatagram(2, fromLeft(1, swallowed(4), 78), FROM_LEFT);
  t.deepEqual(drops(outs), [{ reason: 'stale', detail: 'session 78 on the left link, expected 77' }]);
  t.is(e.stats.datagrams.dropped.stale, 1);
  t.is(e.stats.algorithm.received.probe, 1);
  t.is(e.diagnose(2).left.lastHeardMs, 1, 'a stale frame is not hearing from the neighbour');
  // The neighbour's own session keeps flowing.
  e.onDatagram(3, fromLeft(1, swallowed(4), 77), FROM_LEFT);
  t.is(e.stats.algorithm.received.probe, 2);
  // The same on the right link, named as such.
  const right = (session: number): Uint8Array => encodeNodeFrame({ lane: 0, session, ack: noAck, data: { seq: 0, payload: swallowed(2) } }).slice();
  e.onDatagram(4, right(88), FROM_RIGHT);
  t.deepEqual(drops(e.onDatagram(5, right(89), FROM_RIGHT)), [{ reason: 'stale', detail: 'session 89 on the right link, expected 88' }]);
});

test('link: frames are taken only from the neighbour\'s address and lane, and bytes that are no frame are dropped, each with a detail', (t) => {
  const e = new ElectionNode({ id: 5, session: 1, random: () => 0.5 });
  e.start(0);
  t.deepEqual(drops(e.onDatagram(1, fromLeft(0, swallowed(3)), FROM_RIGHT)), [{ reason: 'unknown-sender', detail: 'frame for the left link from another address' }]);
  t.deepEqual(drops(e.onDatagram(1, fromLeft(0, swallowed(3)), 0)), [{ reason: 'unknown-sender', detail: 'frame for the left link from another address' }]);
  const lane7: FrameInput<Message> = { lane: 7, session: 77, ack: noAck, data: { seq: 0, payload: announcement } };
  t.deepEqual(drops(e.onDatagram(1, encodeNodeFrame(lane7).slice(), FROM_BOTH)), [{ reason: 'unknown-sender', detail: 'frame on lane 7, which no peer sends on' }]);
  const garbage = e.onDatagram(2, new Uint8Array([1, 2, 3]), FROM_LEFT);
  t.is(drops(garbage).length, 1);
  t.is(e.stats.datagrams.dropped.malformed + e.stats.datagrams.dropped.magic, 1);
  const sealed = sealFrame(fromLeft(0, swallowed(3)), 1, new TextEncoder().encode('a-cluster-key-of-some-length'));
  t.deepEqual(drops(e.onDatagram(3, sealed, FROM_LEFT)), [{ reason: 'unexpected-mac', detail: 'authenticated frame, but this node has no key' }]);
  t.is(e.stats.datagrams.received, 5);
  t.is(e.stats.algorithm.received.probe, 0, 'none of them reached the core');
  t.is(e.diagnose(3).left.lastHeardMs, null, 'nor counts as hearing from the neighbour');
  // The right lane from the right address is taken.
  e.onDatagram(4, fromLeft(0, swallowed(3)), FROM_LEFT);
  t.is(e.stats.algorithm.received.probe, 1);
});

const KEY = new TextEncoder().encode('link-rules-cluster-key');

/** A sealed data frame from the left neighbour, echoing `echo` (0: it does not know our session yet). */
function sealedFromLeft(seq: number, session: number, echo: number): Uint8Array {
  return sealFrame(fromLeft(seq, swallowed(3), session), echo, KEY);
}

test('keyed link: frames of an unproven session are held and answered with an echo of the latest one; at most 16, older ones given up as unverified', (t) => {
  const e = new ElectionNode({ id: 5, session: 5, random: () => 0.5, key: KEY });
  e.start(0);
  const echoes: number[] = [];
  for (let seq = 0; seq < 17; seq++) {
    const outs = e.onDatagram(1 + seq, sealedFromLeft(seq, 77, 0), FROM_LEFT);
    for (const o of outs) {
      if (o.type !== 'transmit' || o.peer !== LEFT_PEER) continue;
      const opened = openFrame(o.bytes, KEY);
      echoes.push(opened.ok ? opened.echo : -1);
    }
    if (seq === 16) t.deepEqual(drops(outs), [{ reason: 'unverified', detail: 'held frame of unproven session 77 on the left link given up' }]);
    else t.deepEqual(drops(outs), []);
  }
  t.is(echoes.length, 17, 'each held frame answered at once');
  t.true(echoes.every((x) => x === 77));
  t.is(e.stats.algorithm.received.probe, 0, 'nothing delivered before the proof');
  // The neighbour echoes our session: the 16 frames still held are delivered, the first was given up.
  e.onDatagram(20, sealFrame(encodeNodeFrame({ lane: 1, session: 77, ack: noAck }), 5, KEY), FROM_LEFT);
  t.is(e.stats.algorithm.received.probe, 16);
  t.is(e.stats.datagrams.dropped.unverified, 1);
});

test('keyed link: when a session is proven, frames held from another session are dropped as stale; later frames echo the proven session', (t) => {
  const e = new ElectionNode({ id: 5, session: 5, random: () => 0.5, key: KEY });
  e.start(0);
  e.onDatagram(1, sealedFromLeft(0, 66, 0), FROM_LEFT);
  const second = e.onDatagram(2, sealedFromLeft(0, 77, 0), FROM_LEFT);
  const answer = second.find((o) => o.type === 'transmit' && o.peer === LEFT_PEER);
  t.like(answer && answer.type === 'transmit' ? openFrame(answer.bytes, KEY) : undefined, { ok: true, echo: 77 }, 'the latest session seen is echoed');
  const proof = e.onDatagram(3, sealedFromLeft(1, 77, 5), FROM_LEFT);
  t.deepEqual(drops(proof), [{ reason: 'stale', detail: 'held frame of session 66 on the left link, proven session is 77' }]);
  t.is(e.stats.algorithm.received.probe, 2, 'the held frame of 77 and the proving frame');
  // An earlier run's frame echoing our session cannot change the proven session.
  t.deepEqual(drops(e.onDatagram(4, sealedFromLeft(2, 66, 5), FROM_LEFT)), [{ reason: 'stale', detail: 'session 66 on the left link, expected 77' }]);
  const later = e.onDatagram(5, sealedFromLeft(1, 77, 5), FROM_LEFT);
  const ack = later.find((o) => o.type === 'transmit' && o.peer === LEFT_PEER);
  t.like(ack && ack.type === 'transmit' ? openFrame(ack.bytes, KEY) : undefined, { ok: true, echo: 77 });
  // Before anything is heard, frames echo 0 ("no session known").
  const fresh = new ElectionNode({ id: 6, session: 9, random: () => 0.5, key: KEY });
  const first = fresh.start(0).find((o) => o.type === 'transmit');
  t.like(first && first.type === 'transmit' ? openFrame(first.bytes, KEY) : undefined, { ok: true, echo: 0 });
});

test('link acks: with no ack delay every data frame is acknowledged at once; a fired ack timer sends a pure ack only if one is still owed', (t) => {
  const config: LinkConfig = { ...NO_JITTER, ackDelayMs: 0 };
  const e = new ElectionNode({ id: 5, session: 1, config, random: () => 0.5 });
  e.start(0);
  const outs = e.onDatagram(1, fromLeft(0, swallowed(3)), FROM_LEFT);
  t.deepEqual(transmits(outs, 'left').map((f) => f?.ack), [{ cumulative: 1, selective: [] }]);
  t.false(outs.some((o) => o.type === 'setTimer' && o.key === ackTimer(LEFT_PEER)));

  const d = new ElectionNode({ id: 5, session: 1, config: NO_JITTER, random: () => 0.5 });
  d.start(0);
  d.onDatagram(1, fromLeft(0, swallowed(3)), FROM_LEFT);
  const pureAcksBefore = d.stats.datagrams.pureAcks;
  const fired = d.onTimer(1 + NO_JITTER.ackDelayMs, ackTimer(LEFT_PEER));
  t.deepEqual(transmits(fired, 'left'), [{ lane: 0, session: 1, epoch: 0, ring: 0, ack: { cumulative: 1, selective: [] } }]);
  t.is(d.stats.datagrams.pureAcks, pureAcksBefore + 1);
  t.deepEqual(transmits(d.onTimer(30, ackTimer(LEFT_PEER)), 'left'), [], 'nothing owed: no frame');
  // A second data frame after the timer fired arms it again.
  const again = d.onDatagram(40, fromLeft(1, swallowed(4)), FROM_LEFT);
  t.true(again.some((o) => o.type === 'setTimer' && o.key === ackTimer(LEFT_PEER) && o.delayMs === NO_JITTER.ackDelayMs));
  const third = d.onDatagram(41, fromLeft(2, swallowed(2)), FROM_LEFT);
  t.false(third.some((o) => o.type === 'setTimer' && o.key === ackTimer(LEFT_PEER)), 'already armed: not set again');
});

test('link retransmission: the timer is set for the time left to the earliest deadline, and a retry counts as a retransmission, never as a pure ack', (t) => {
  const e = new ElectionNode({ id: 5, session: 1, config: NO_JITTER, random: () => 0.5 });
  const started = e.start(0);
  t.is(e.stats.datagrams.sent, 2);
  t.is(e.stats.datagrams.pureAcks, 0);
  t.true(started.some((o) => o.type === 'setTimer' && o.key === retransmitTimer(RIGHT_PEER) && o.delayMs === 100));
  // Fired early (a driver's timer may): nothing due, and the timer is set again for the 60 ms left.
  const early = e.onTimer(40, retransmitTimer(RIGHT_PEER));
  t.deepEqual(transmits(early, 'right'), []);
  t.true(early.some((o) => o.type === 'setTimer' && o.key === retransmitTimer(RIGHT_PEER) && o.delayMs === 60));
  // Fired late: the probe goes again and the next try waits the doubled timeout from now.
  const late = e.onTimer(130, retransmitTimer(RIGHT_PEER));
  t.deepEqual(transmits(late, 'right').map((f) => f?.data?.seq), [0]);
  t.true(late.some((o) => o.type === 'setTimer' && o.key === retransmitTimer(RIGHT_PEER) && o.delayMs === 200));
  t.is(e.stats.datagrams.retransmissions, 1);
  t.is(e.stats.datagrams.sent, 3);
  t.is(e.stats.datagrams.pureAcks, 0);
  t.like(e.diagnose(150).right, { unacked: 1, oldestUnackedMs: 150, lastHeardMs: null });
  // Heard from the right at 160: 40 ms ago at 200.
  e.onDatagram(160, encodeNodeFrame({ lane: 0, session: 88, ack: noAck }).slice(), FROM_RIGHT);
  t.is(e.diagnose(200).right.lastHeardMs, 40);
});

test('keyed link: a frame without a MAC or under another key is dropped with its reason and never held', (t) => {
  const e = new ElectionNode({ id: 5, session: 5, random: () => 0.5, key: KEY });
  e.start(0);
  t.deepEqual(drops(e.onDatagram(1, fromLeft(0, swallowed(3), 77), FROM_LEFT)).map((d) => d.reason), ['no-mac']);
  const other = sealFrame(fromLeft(0, swallowed(3), 77), 5, new TextEncoder().encode('another-cluster-key'));
  t.deepEqual(drops(e.onDatagram(2, other, FROM_LEFT)).map((d) => d.reason), ['bad-mac']);
  t.is(e.stats.algorithm.received.probe, 0);
  t.is(e.diagnose(3).left.lastHeardMs, null);
});

test('link: a frame carrying another ring file\'s digest is dropped as ring-mismatch, naming both digests; a node or frame without a digest skips the check', (t) => {
  const framed = (ring: number, seq = 0) => encodeNodeFrame({ lane: 1, session: 77, ring, ack: noAck, data: { seq, payload: swallowed(3) } }).slice();
  const ours = new ElectionNode({ id: 5, session: 1, random: () => 0.5, ringDigest: 0xab });
  ours.start(0);
  t.deepEqual(drops(ours.onDatagram(1, framed(0x1234), FROM_LEFT)), [{ reason: 'ring-mismatch', detail: 'ring digest 00001234, ours is 000000ab: the sender was started from another ring file' }]);
  t.is(ours.stats.datagrams.dropped['ring-mismatch'], 1);
  // Checked before the address: a member of another ring is named as such wherever it sends from.
  t.deepEqual(drops(ours.onDatagram(2, framed(0x1234), 0)).map((d) => d.reason), ['ring-mismatch']);
  t.deepEqual(drops(ours.onDatagram(3, framed(0xab), FROM_LEFT)), [], 'the same digest passes');
  t.deepEqual(drops(ours.onDatagram(4, framed(NO_RING_DIGEST, 1), FROM_LEFT)), [], 'a frame without a digest passes');
  t.is(ours.stats.algorithm.received.probe, 2);
  const none = new ElectionNode({ id: 5, session: 1, random: () => 0.5 });
  none.start(0);
  t.deepEqual(drops(none.onDatagram(1, framed(0x1234), FROM_LEFT)), [], 'a node without a digest takes any');
});
