/** The frame codec: every frame decodes to itself, and every malformed one is rejected with a reason, never a throw. */
import test from 'ava';
import fc from 'fast-check';
import type { Message } from '../../src/core/types.js';
import { HEADER_BYTES, NO_RING_DIGEST, VERSION, decodeFrame, encodeFrame } from '../../src/wire/index.js';
import { frameArbitrary } from '../helpers/arbitraries.js';

const frame = frameArbitrary();

test('codec: every frame decodes to itself', (t) => {
  fc.assert(
    fc.property(frame, (f) => {
      const r = decodeFrame(encodeFrame(f));
      return r.ok && JSON.stringify(r.frame) === JSON.stringify(f);
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

const valid = encodeFrame({
  lane: 1,
  session: 7,
  epoch: 2 ** 40 + 3,
  ring: 0xdead_beef,
  ack: { cumulative: 3, selective: [5] },
  data: { seq: 4, payload: { kind: 'probe', origin: 42, phase: 1, hops: 2 } },
});

test('codec: truncated frames are rejected as malformed', (t) => {
  for (let len = 0; len < valid.length; len++) {
    const r = decodeFrame(valid.slice(0, len));
    t.false(r.ok, `prefix of ${len} bytes`);
    if (!r.ok) t.is(r.reason, 'malformed');
  }
});

test('codec: wrong magic, wrong version, trailing bytes and bad fields are rejected with a reason', (t) => {
  const mutate = (at: number, v: number) => {
    const b = valid.slice();
    b[at] = v;
    return decodeFrame(b);
  };
  t.like(mutate(0, 0), { ok: false, reason: 'magic' });
  t.like(mutate(2, 1), { ok: false, reason: 'version' });
  t.like(mutate(3, 9), { ok: false, reason: 'malformed' });
  // Any lane decodes: which lanes a node's links listen on is the link layer's business (a lane no
  // link uses is dropped there as unknown-sender).
  t.like(mutate(4, 2), { ok: true, frame: { lane: 2 } });
  t.like(decodeFrame(new Uint8Array([...valid, 0])), { ok: false, reason: 'malformed' });
  // Message kind byte follows the header (26), one sack (4) and the seq (4).
  t.like(mutate(34, 0), { ok: false, reason: 'malformed' });
  // An origin id above 2^53-1: high word 0xff.
  t.like(mutate(35, 0xff), { ok: false, reason: 'malformed' });
  // An epoch above 2^53-1 (its high word starts at byte 10).
  t.like(mutate(10, 0xff), { ok: false, reason: 'malformed' });
  t.like(decodeFrame(new Uint8Array(5000)), { ok: false, reason: 'malformed' });
});

test('codec: random bytes never throw', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      decodeFrame(bytes);
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

test('codec: more than 64 selective acks, and a probe that has travelled 0 hops, are malformed', (t) => {
  const sacks = Array.from({ length: 64 }, (_, i) => i + 2);
  const max = encodeFrame({ lane: 0, session: 1, ack: { cumulative: 0, selective: sacks } });
  t.true(decodeFrame(max).ok, '64 is the limit');
  const over = new Uint8Array(max.length + 4);
  over.set(max);
  over[5] = 65;
  t.like(decodeFrame(over), { ok: false, reason: 'malformed' });
  const probe = (hops: number) =>
    encodeFrame({ lane: 0, session: 1, ack: { cumulative: 0, selective: [] }, data: { seq: 0, payload: { kind: 'probe', origin: 9, phase: 0, hops } } });
  t.true(decodeFrame(probe(1)).ok);
  t.like(decodeFrame(probe(0)), { ok: false, reason: 'malformed' });
});

test('codec: ids stop at 2^53 - 1, phases at 32', (t) => {
  const frame = (message: Message) =>
    encodeFrame({ lane: 1, session: 1, ack: { cumulative: 0, selective: [] }, data: { seq: 0, payload: message } }).slice();
  const top = frame({ kind: 'announcement', leader: 2 ** 53 - 1 });
  t.true(decodeFrame(top).ok);
  // Header 26 bytes, seq 4, kind 1: the u64 id starts at byte 31; its high word 2^21 is 2^53.
  const over = top.slice();
  over.set([0x00, 0x20, 0x00, 0x00, 0, 0, 0, 0], 31);
  t.like(decodeFrame(over), { ok: false, reason: 'malformed' });
  const probe = frame({ kind: 'probe', origin: 9, phase: 32, hops: 1 });
  t.true(decodeFrame(probe).ok, 'phase 32 is the largest');
  const phase33 = probe.slice();
  phase33[39] = 33;
  t.like(decodeFrame(phase33), { ok: false, reason: 'malformed' });
});

test('codec: every header field is at its offset in the spec, big-endian', (t) => {
  const bytes = encodeFrame({ lane: 1, session: 0x0102_0304, epoch: 0x0005_0607_0809_0a0b, ring: 0x0c0d_0e0f, ack: { cumulative: 0x1011_1213, selective: [0x1415_1617] } });
  t.is(HEADER_BYTES, 26);
  t.deepEqual(
    [...bytes],
    [0x48, 0x53, VERSION, 1, 1, 1, 1, 2, 3, 4, 0, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23],
  );
  t.like(decodeFrame(bytes), { ok: true, frame: { lane: 1, session: 0x0102_0304, epoch: 0x0005_0607_0809_0a0b, ring: 0x0c0d_0e0f } });
});

test('codec: an epoch or ring digest left out is 0 (a plain election, no ring file)', (t) => {
  const r = decodeFrame(encodeFrame({ lane: 0, session: 1, ack: { cumulative: 0, selective: [] } }));
  t.like(r, { ok: true, frame: { epoch: 0, ring: NO_RING_DIGEST } });
  t.throws(() => encodeFrame({ lane: 0, session: 1, epoch: 2 ** 53, ack: { cumulative: 0, selective: [] } }), { instanceOf: RangeError });
  t.throws(() => encodeFrame({ lane: 0, session: 1, ring: 2 ** 32, ack: { cumulative: 0, selective: [] } }), { instanceOf: RangeError });
});

test('codec: a frame of the previous version (a 14-byte header) is refused as version, whatever its length', (t) => {
  // Version 1's ack frame: magic, version 1, type, lane, 0 sacks, session, cumulative ack.
  const v1Ack = new Uint8Array([0x48, 0x53, 1, 1, 0, 0, 0, 0, 0, 7, 0, 0, 0, 3]);
  t.like(decodeFrame(v1Ack), { ok: false, reason: 'version' });
  t.like(decodeFrame(v1Ack.slice(0, 3)), { ok: false, reason: 'version' });
  const next = valid.slice();
  next[2] = VERSION + 1;
  t.like(decodeFrame(next), { ok: false, reason: 'version' });
  t.like(decodeFrame(new Uint8Array([0x48, 0x53])), { ok: false, reason: 'malformed' });
});
