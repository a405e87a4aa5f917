import type { CoreFactory } from '../core/election-core.js';
import { LcrNode } from '../core/lcr.js';

/** The election algorithms the simulator and CLI can run. */
export const ALGORITHMS = ['hs', 'lcr'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

/** The core factory for an algorithm; undefined means Endpoint's default, Hirschberg–Sinclair. */
export function coreFor(algorithm: Algorithm): CoreFactory | undefined {
  return algorithm === 'lcr' ? (id) => new LcrNode(id) : undefined;
}
