/** The leadership payload codec: every message of every kind decodes to itself inside a frame; malformed bytes get a reason, never a throw. */
import test from 'ava';
import fc from 'fast-check';
import type { LeadershipMessage } from '../../src/core/leadership/types.js';
import { LEADERSHIP_CODEC, LEADERSHIP_ENVELOPE_CODEC, MAX_ADVERTISE_BYTES, decodeFrame, encodeFrame, headerEpochOf } from '../../src/wire/index.js';

const epoch = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
/** Epochs that may be NO_EPOCH (-1): written plus one, so at most 2^53 - 2. */
const maybeEpoch = fc.oneof(fc.constant(-1), fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER - 1 }));
const id = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.maxSafeNat());
const round = fc.integer({ min: 0, max: 2 ** 32 - 1 });

const leadershipMessage: fc.Arbitrary<LeadershipMessage> = fc.oneof(
  fc.record({ kind: fc.constant('Request' as const), epoch }),
  fc.record({ kind: fc.constant('Grant' as const), epoch }),
  fc.record({
    kind: fc.constant('Refuse' as const),
    epoch,
    reason: fc.constantFrom('quiet' as const, 'held' as const, 'stale' as const),
    promised: maybeEpoch,
    leader: fc.option(id, { nil: null }),
    leaderEpoch: maybeEpoch,
  }),
  fc.record({ kind: fc.constant('Renew' as const), epoch, round, alive: fc.uniqueArray(fc.nat({ max: 255 * 8 - 1 }), { maxLength: 40 }).map((r) => r.sort((a, b) => a - b)) }),
  fc.record({ kind: fc.constant('RenewAck' as const), epoch, round }),
  fc.record({ kind: fc.constant('Release' as const), epoch, sitOut: fc.boolean() }),
  fc.nat({ max: 2 ** 32 - 1 }).map((quietLeft) => ({ kind: 'Heartbeat' as const, quietLeft })),
);

function frameOf(m: LeadershipMessage): Uint8Array {
  return encodeFrame({ lane: 0, session: 7, epoch: headerEpochOf(m), ring: 0xabcd, ack: { cumulative: 0, selective: [] }, data: { seq: 0, payload: m } }, LEADERSHIP_CODEC).slice();
}

test('leadership codec: every message of every kind, all fields, decodes to itself inside a frame', (t) => {
  fc.assert(
    fc.property(leadershipMessage, (m) => {
      const bytes = frameOf(m);
      t.is(LEADERSHIP_CODEC.size(m), bytes.length - 30, 'size() is what write() wrote');
      const r = decodeFrame(bytes, LEADERSHIP_CODEC);
      return r.ok && JSON.stringify(r.frame.data?.payload) === JSON.stringify(m) && r.frame.epoch === headerEpochOf(m);
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

test('leadership codec: every proper prefix of a frame is rejected as malformed with a reason', (t) => {
  fc.assert(
    fc.property(leadershipMessage, (m) => {
      const bytes = frameOf(m);
      for (let len = 0; len < bytes.length; len++) {
        const r = decodeFrame(bytes.slice(0, len), LEADERSHIP_CODEC);
        if (r.ok || r.reason !== 'malformed' || r.detail.length === 0) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('leadership codec: random bytes never throw, inside a frame header (message or envelope) or alone', (t) => {
  const header = frameOf({ kind: 'Heartbeat', quietLeft: 0 }).slice(0, 30);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (body) => {
      const framed = new Uint8Array(header.length + body.length);
      framed.set(header);
      framed.set(body, header.length);
      for (const codec of [LEADERSHIP_CODEC, LEADERSHIP_ENVELOPE_CODEC] as const) {
        const r = decodeFrame<unknown>(framed, codec as never);
        if (!r.ok && r.detail.length === 0) return false;
      }
      const bare = LEADERSHIP_CODEC.read(body, 0);
      return typeof bare === 'string' ? bare.length > 0 : bare.end <= body.length;
    }),
    { numRuns: 5000 },
  );
  t.pass();
});

test('leadership codec: unknown kinds, reasons and flags, and out-of-range fields are refused by name', (t) => {
  const refuse = frameOf({ kind: 'Refuse', epoch: 9, reason: 'held', promised: 9, leader: 4, leaderEpoch: 9 });
  const mutate = (bytes: Uint8Array, at: number, v: number) => {
    const b = bytes.slice();
    b[at] = v;
    return decodeFrame(b, LEADERSHIP_CODEC);
  };
  // Header 26 bytes, seq 4: the kind byte is byte 30.
  t.like(mutate(refuse, 30, 0), { ok: false, detail: 'unknown leadership message kind 0' });
  t.like(mutate(refuse, 30, 8), { ok: false, detail: 'unknown leadership message kind 8' });
  t.like(mutate(refuse, 39, 4), { ok: false, detail: 'unknown refuse reason 4' });
  t.like(mutate(refuse, 48, 2), { ok: false, detail: 'leader flag 2 is neither 0 nor 1' });
  t.like(mutate(refuse, 31, 0xff), { ok: false, detail: 'epoch above 2^53-1' });
  t.like(mutate(refuse, 49, 0xff), { ok: false, detail: 'leader id above 2^53-1' });
  const release = frameOf({ kind: 'Release', epoch: 3, sitOut: true });
  t.like(mutate(release, 39, 2), { ok: false, detail: 'sitOut 2 is neither 0 nor 1' });
  t.like(decodeFrame(frameOf({ kind: 'Heartbeat', quietLeft: 525 }).slice(0, -1), LEADERSHIP_CODEC), { ok: false, detail: 'truncated Heartbeat' });
  t.like(decodeFrame(new Uint8Array([...frameOf({ kind: 'Heartbeat', quietLeft: 0 }), 0]), LEADERSHIP_CODEC), { ok: false, detail: 'trailing bytes after payload' });
  t.throws(() => frameOf({ kind: 'Grant', epoch: -1 }), { instanceOf: RangeError });
  t.throws(() => frameOf({ kind: 'Renew', epoch: 1, round: 2 ** 32, alive: [] }), { instanceOf: RangeError });
  t.throws(() => frameOf({ kind: 'Heartbeat', quietLeft: 0.5 }), { instanceOf: RangeError });
  t.throws(() => frameOf({ kind: 'Renew', epoch: 1, round: 1, alive: [255 * 8] }), { instanceOf: RangeError });
  // The bitmap of ranks 0 and 9 takes two bytes; one of them cut off is refused by name.
  const alive = frameOf({ kind: 'Renew', epoch: 1, round: 1, alive: [0, 9] });
  t.deepEqual([...alive.slice(-3)], [2, 0x80, 0x40]);
  t.like(decodeFrame(alive.slice(0, -1), LEADERSHIP_CODEC), { ok: false, detail: 'truncated Renew bitmap' });
});

test('leadership codec: NO_EPOCH in promised and leaderEpoch survives the trip', (t) => {
  const m: LeadershipMessage = { kind: 'Refuse', epoch: 0, reason: 'quiet', promised: -1, leader: null, leaderEpoch: -1 };
  t.like(decodeFrame(frameOf(m), LEADERSHIP_CODEC), { ok: true, frame: { data: { payload: m } } });
});

test('leadership envelope: a message with or without an advertised value decodes to itself; a bad value is refused by reason', (t) => {
  const advertised = fc.option(fc.string({ unit: 'grapheme', maxLength: 60 }).filter((v) => new TextEncoder().encode(v).length <= MAX_ADVERTISE_BYTES), { nil: undefined });
  fc.assert(
    fc.property(leadershipMessage, advertised, (message, advertise) => {
      const payload = advertise === undefined ? { message } : { message, advertise };
      const bytes = encodeFrame({ lane: 0, session: 1, epoch: headerEpochOf(message), ring: 5, ack: { cumulative: 0, selective: [] }, data: { seq: 0, payload } }, LEADERSHIP_ENVELOPE_CODEC).slice();
      const r = decodeFrame(bytes, LEADERSHIP_ENVELOPE_CODEC);
      return r.ok && JSON.stringify(r.frame.data?.payload) === JSON.stringify(payload);
    }),
    { numRuns: 2000 },
  );
  const frame = (payload: { message: LeadershipMessage; advertise?: string }) =>
    encodeFrame({ lane: 0, session: 1, epoch: 2, ring: 5, ack: { cumulative: 0, selective: [] }, data: { seq: 0, payload } }, LEADERSHIP_ENVELOPE_CODEC).slice();
  const renew = frame({ message: { kind: 'Renew', epoch: 2, round: 1, alive: [] }, advertise: 'ab' });
  // Header 26, seq 4, Renew 14 (no bitmap): the length byte is byte 44, the value bytes 45 and 46.
  t.like(decodeFrame(renew.slice(0, 46), LEADERSHIP_ENVELOPE_CODEC), { ok: false, detail: 'truncated advertised value' });
  const bad = renew.slice();
  bad[45] = 0xff;
  t.like(decodeFrame(bad, LEADERSHIP_ENVELOPE_CODEC), { ok: false, detail: 'advertised value is not UTF-8' });
  t.throws(() => frame({ message: { kind: 'Heartbeat', quietLeft: 0 }, advertise: 'x'.repeat(MAX_ADVERTISE_BYTES + 1) }), { instanceOf: RangeError });
});
