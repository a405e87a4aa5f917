/** The algorithms the simulator and CLI can run, by name: a view of the core's registry. */
import { ALGORITHMS as REGISTRY, ALGORITHM_NAMES, type AlgorithmName } from '../core/algorithms.js';
import type { CoreFactory } from '../core/election-core.js';

export const ALGORITHMS = ALGORITHM_NAMES;
export type Algorithm = AlgorithmName;

/** The core factory for an algorithm. */
export function coreFor(algorithm: Algorithm): CoreFactory {
  return REGISTRY[algorithm].create;
}
