/**
 * The simulated cases the properties are checked on (fast-check arbitraries), and the case a
 * failing property's seed and path stand for. Test-side: fast-check is a dev dependency;
 * `hs-ring sim --replay` loads this module from a checkout's build.
 */
import fc from 'fast-check';
import type { Algorithm } from '../../src/sim/algorithms.js';
import { type Order, ORDERS } from '../../src/sim/orders.js';
import type { NetworkModel } from '../../src/sim/network-model.js';
import { type SimCase, parseReplay } from '../../src/sim/sim-case.js';

export type { SimCase } from '../../src/sim/sim-case.js';

const ids = (minLength: number, maxLength: number) =>
  fc.uniqueArray(fc.maxSafeNat(), { minLength, maxLength, size: 'max' });

/** Delays in whole ms, so a case prints as a command line that parses back exactly. */
const delayRange = fc
  .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 30 }))
  .map(([lo, width]): [number, number] => [lo, lo + width]);

const permille = (min: number, max: number) => fc.integer({ min, max }).map((k) => k / 1000);

/** A network that only delays: arbitrary interleavings across links, optionally reordering or global FIFO. */
const reliable: fc.Arbitrary<NetworkModel> = fc.record({
  loss: fc.constant(0),
  duplicate: fc.constant(0),
  reorder: fc.boolean(),
  delayMs: delayRange,
  fifo: fc.boolean(),
});

/** Loss up to 50%, duplication up to 30%, reordering and delay. */
const faulty: fc.Arbitrary<NetworkModel> = fc.record({
  loss: permille(0, 500),
  duplicate: permille(0, 300),
  reorder: fc.boolean(),
  delayMs: delayRange,
  fifo: fc.constant(false),
});

/**
 * The cases every simulator property is checked on: HS mostly, LCR sometimes; 1 to 64 nodes,
 * sometimes up to 512; ids anywhere in 0..2^53-1, placed at random or in an adversarial order;
 * any scheduler seed; a reliable or a faulty network. `hs-ring sim --replay SEED:PATH` rebuilds
 * a case from fast-check's seed and path with this same arbitrary, so keep them in one place.
 */
export const simCaseArbitrary: fc.Arbitrary<SimCase> = fc.record({
  algorithm: fc.oneof({ weight: 3, arbitrary: fc.constant<Algorithm>('hs') }, { weight: 1, arbitrary: fc.constant<Algorithm>('lcr') }),
  ids: fc.oneof({ weight: 12, arbitrary: ids(1, 64) }, { weight: 1, arbitrary: ids(65, 512) }),
  order: fc.constantFrom<Order>(...ORDERS),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  network: fc.oneof(reliable, faulty),
});

/** An ideal-channel case of `algorithm` on 1 to 64 nodes, sometimes up to `maxNodes`. */
function idealCase(algorithm: Algorithm, maxNodes: number): fc.Arbitrary<SimCase> {
  return fc.record({
    algorithm: fc.constant(algorithm),
    ids: fc.oneof({ weight: 6, arbitrary: ids(1, 64) }, { weight: 1, arbitrary: ids(65, maxNodes) }),
    order: fc.constantFrom<Order>(...ORDERS),
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    network: reliable,
  });
}

/**
 * Cases for ideal exactly-once channels (linkMode 'ideal'): reliable networks only, and bigger
 * rings, since a run costs only the algorithm's messages: HS on up to 2048 nodes, LCR on up to
 * 256. LCR's worst orders cost n(n+1)/2 messages, 2.1 million at 2048 nodes and 2.5 s a case,
 * and a few such cases in one run of the property outlasted ava's two-minute timeout.
 */
export const idealCaseArbitrary: fc.Arbitrary<SimCase> = fc.oneof(
  { weight: 3, arbitrary: idealCase('hs', 2048) },
  { weight: 1, arbitrary: idealCase('lcr', 256) },
);

/** The case fast-check generated for `seed` and `path` (as printed by a failing property). */
export function replayCase(replay: string): SimCase {
  const { seed, path } = parseReplay(replay);
  const [value] = fc.sample(simCaseArbitrary, { seed, path, numRuns: 1 });
  if (value === undefined) throw new Error(`no case at seed ${seed}, path ${path}`);
  return value;
}

