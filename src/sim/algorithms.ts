/** The ring algorithms the ring simulators can run, by name: a view of the core's registry. */
import { ALGORITHMS as REGISTRY, RING_ALGORITHM_NAMES, type RingAlgorithmName } from '../core/algorithms.js';
import type { CoreFactory } from '../core/election-core.js';

export const ALGORITHMS = RING_ALGORITHM_NAMES;
export type Algorithm = RingAlgorithmName;

/** The core factory for an algorithm. */
export function coreFor(algorithm: Algorithm): CoreFactory {
  return REGISTRY[algorithm].create;
}
