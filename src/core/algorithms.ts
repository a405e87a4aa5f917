/**
 * The registry of election algorithms: each one's name, description, core factory and message
 * bound. Everything that runs or judges an algorithm (node layer, simulators, CLI, bench, verdict)
 * looks it up here by name, so adding an algorithm means adding an entry, not branches elsewhere.
 */
import { messageBound } from './bound.js';
import type { CoreFactory } from './election-core.js';
import { HsNode } from './hs.js';
import { LcrNode, lcrExactMessages, lcrMessageBound } from './lcr.js';

export interface AlgorithmEntry {
  readonly name: string;
  /** For help texts and reports. */
  readonly title: string;
  readonly create: CoreFactory;
  /** Most algorithm messages a correct run on a ring of n sends (the MessageBound property). */
  readonly messageBound: (n: number) => number;
  /** The bound as a formula, for reports. */
  readonly boundFormula: string;
  /** The exact message count for ids in ring order, where it does not depend on the schedule. */
  readonly exactMessages?: (idsInRingOrder: readonly number[]) => number;
}

const hs: AlgorithmEntry = {
  name: 'hs',
  title: 'Hirschberg–Sinclair',
  create: (id) => new HsNode(id),
  messageBound,
  boundFormula: '8n(1+ceil(log2 n))+n',
};

const lcr: AlgorithmEntry = {
  name: 'lcr',
  title: 'LCR (Le Lann / Chang–Roberts)',
  create: (id) => new LcrNode(id),
  messageBound: lcrMessageBound,
  boundFormula: 'n(n+1)/2+n',
  exactMessages: lcrExactMessages,
};

/** Every algorithm's name, the default first. */
export const ALGORITHM_NAMES = ['hs', 'lcr'] as const;
export type AlgorithmName = (typeof ALGORITHM_NAMES)[number];

export const ALGORITHMS: Readonly<Record<AlgorithmName, AlgorithmEntry>> = { hs, lcr };

/** The algorithm nodes run unless told otherwise. */
export const DEFAULT_ALGORITHM: AlgorithmName = 'hs';

/** True for a registered algorithm's name. */
export function isAlgorithmName(name: string): name is AlgorithmName {
  return (ALGORITHM_NAMES as readonly string[]).includes(name);
}

/** The registry entry of `name`. */
export function algorithm(name: AlgorithmName): AlgorithmEntry {
  return ALGORITHMS[name];
}
