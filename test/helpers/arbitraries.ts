/** fast-check generators for ids, messages and frames, shared by the property and codec tests. */
import fc from 'fast-check';
import { MAX_ID, type Message } from '../../src/core/types.js';
import { type Frame, MAX_SACKS } from '../../src/wire/index.js';

/** Generators of wire values shared by the codec and fuzz tests. */
export const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });

/** Small ids (readable counterexamples) and ids anywhere in 0..2^53-1. */
export const id = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: MAX_ID }));

export const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ kind: fc.constant('probe' as const), origin: id, phase: fc.integer({ min: 0, max: 32 }), hops: fc.integer({ min: 1, max: 2 ** 32 - 1 }) }),
  fc.record({ kind: fc.constant('reply' as const), origin: id, phase: fc.integer({ min: 0, max: 32 }) }),
  fc.record({ kind: fc.constant('announcement' as const), leader: id }),
);

/** Any well-formed frame, with up to `maxSacks` selective acks. */
export function frameArbitrary(maxSacks = MAX_SACKS): fc.Arbitrary<Frame> {
  return fc
    .record({
      lane: fc.integer({ min: 0, max: 255 }),
      session: u32,
      epoch: fc.maxSafeNat(),
      ring: u32,
      ack: fc.record({ cumulative: u32, selective: fc.array(u32, { maxLength: maxSacks }) }),
      data: fc.option(fc.record({ seq: u32, payload: message }), { nil: undefined }),
    })
    .map((f) => (f.data === undefined ? { lane: f.lane, session: f.session, epoch: f.epoch, ring: f.ring, ack: f.ack } : f));
}
