/**
 * Issue 15 item 4: a neighbour whose datagrams arrive but are dropped (it restarted, so its
 * frames carry a new session: `stale`; or its ring file differs, so they claim a link from another
 * address: `unknown-sender`) is not merely "unreachable": the stall report names the drop reason.
 */
import test from 'ava';
import { encodeFrame } from '../../src/wire/index.js';
import { RingNode } from '../../src/runtime/node.js';
import { MemoryNetwork } from '../../src/transport/memory.js';

const noAck = { cumulative: 0, selective: [] };

async function stalledWith(frames: (send: (bytes: Uint8Array, from: 'right' | 'stranger') => void) => void) {
  const network = new MemoryNetwork();
  const self = network.bind({ host: 'node', port: 1 });
  const left = network.bind({ host: 'node', port: 0 });
  const right = network.bind({ host: 'node', port: 2 });
  const stranger = network.bind({ host: 'node', port: 9 });
  const node = new RingNode({ id: 5, transport: self, left: left.local, right: right.local, timeoutMs: 300, random: () => 0.5 });
  const done = node.run();
  frames((bytes, from) => (from === 'right' ? right : stranger).send(bytes, self.local));
  const result = await done;
  await Promise.all([self, left, right, stranger].map((t) => t.close()));
  return result;
}

test('stall report: a restarted neighbour, whose frames are dropped as stale, is named by that reason', async (t) => {
  const r = await stalledWith((send) => {
    // The right neighbour's first incarnation (session 77) is learnt; then it restarts as 78.
    send(encodeFrame({ lane: 0, session: 77, ack: noAck }).slice(), 'right');
    for (let i = 0; i < 3; i++) send(encodeFrame({ lane: 0, session: 78, ack: noAck, data: { seq: i, payload: { kind: 'probe', origin: 9, phase: 0, hops: 1 } } }).slice(), 'right');
  });
  t.is(r.outcome, 'stalled');
  t.is(r.datagrams.dropped.stale, 3);
  t.regex(r.stall!.reason, /3 frames dropped as stale/);
});

test('stall report: frames claiming a neighbour\'s link from another address are named as unknown-sender', async (t) => {
  const r = await stalledWith((send) => send(encodeFrame({ lane: 0, session: 77, ack: noAck }).slice(), 'stranger'));
  t.is(r.outcome, 'stalled');
  t.regex(r.stall!.reason, /1 frames dropped as unknown-sender/);
});
