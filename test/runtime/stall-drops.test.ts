/**
 * Issue 15 item 4: a neighbour whose datagrams arrive but are dropped (it restarted, so its
 * frames carry a new session: `stale`; or its ring file differs, so they claim a link from another
 * address: `unknown-sender`, or carry another ring file's digest: `ring-mismatch`) is not merely
 * "unreachable": the stall report names the drop reason.
 */
import test from 'ava';
import { encodeNodeFrame } from '../helpers/node-frames.js';
import { RingNode } from '../../src/runtime/node.js';
import { MemoryNetwork } from '../../src/transport/memory.js';

const noAck = { cumulative: 0, selective: [] };

async function stalledWith(frames: (send: (bytes: Uint8Array, from: 'right' | 'stranger') => void) => void, ringDigest?: number) {
  const network = new MemoryNetwork();
  const self = network.bind({ host: 'node', port: 1 });
  const left = network.bind({ host: 'node', port: 0 });
  const right = network.bind({ host: 'node', port: 2 });
  const stranger = network.bind({ host: 'node', port: 9 });
  const node = new RingNode({ id: 5, transport: self, left: left.local, right: right.local, timeoutMs: 300, random: () => 0.5, ...(ringDigest === undefined ? {} : { ringDigest }) });
  const done = node.run();
  frames((bytes, from) => (from === 'right' ? right : stranger).send(bytes, self.local));
  const result = await done;
  await Promise.all([self, left, right, stranger].map((t) => t.close()));
  return result;
}

test('stall report: a restarted neighbour, whose frames are dropped as stale, is named by that reason', async (t) => {
  const r = await stalledWith((send) => {
    // The right neighbour's first incarnation (session 77) is learnt; then it restarts as 78.
    send(encodeNodeFrame({ lane: 0, session: 77, ack: noAck }).slice(), 'right');
    for (let i = 0; i < 3; i++) send(encodeNodeFrame({ lane: 0, session: 78, ack: noAck, data: { seq: i, payload: { kind: 'probe', origin: 9, phase: 0, hops: 1 } } }).slice(), 'right');
  });
  t.is(r.outcome, 'stalled');
  t.is(r.datagrams.dropped.stale, 3);
  t.regex(r.stall!.reason, /3 frames dropped as stale/);
});

test('stall report: frames claiming a neighbour\'s link from another address are named as unknown-sender', async (t) => {
  const r = await stalledWith((send) => send(encodeNodeFrame({ lane: 0, session: 77, ack: noAck }).slice(), 'stranger'));
  t.is(r.outcome, 'stalled');
  t.regex(r.stall!.reason, /1 frames dropped as unknown-sender/);
});

test('stall report: frames of a neighbour started from another ring file are named as ring-mismatch', async (t) => {
  const probe = { kind: 'probe', origin: 9, phase: 0, hops: 1 } as const;
  const r = await stalledWith((send) => {
    for (let i = 0; i < 2; i++) send(encodeNodeFrame({ lane: 0, session: 77, ring: 0x2222, ack: noAck, data: { seq: i, payload: probe } }).slice(), 'right');
  }, 0x1111);
  t.is(r.outcome, 'stalled');
  t.is(r.datagrams.dropped['ring-mismatch'], 2);
  t.regex(r.stall!.reason, /2 frames dropped as ring-mismatch \(a neighbour was started from another ring file/);
  t.is(r.messages.received.probe, 0);
});

test('ring digest 0 (started from flags, no ring file) is checked by no one, either way', async (t) => {
  const probe = { kind: 'probe', origin: 9, phase: 0, hops: 1 } as const;
  // A node with a ring file hears a node started from flags, and a node from flags hears one with a ring file.
  for (const [ours, theirs] of [[0x1111, 0], [undefined, 0x2222]] as const) {
    const r = await stalledWith((send) => send(encodeNodeFrame({ lane: 0, session: 77, ring: theirs, ack: noAck, data: { seq: 0, payload: probe } }).slice(), 'right'), ours);
    t.is(r.datagrams.dropped['ring-mismatch'], 0);
    t.is(r.messages.received.probe, 1, `ours ${ours}, theirs ${theirs}`);
  }
});
