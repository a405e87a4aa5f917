/**
 * The registry of election algorithms: each one's name, description, topology, core factory and
 * message bound. Everything that runs or judges an algorithm (node layer, simulators, CLI, bench,
 * verdict) looks it up here by name, so adding an algorithm means adding an entry, not branches
 * elsewhere. Ring algorithms (HS, LCR) run on a ring of two links per node; mesh algorithms
 * (Bully, Raft-style, entered in mesh-algorithms.ts) on a full mesh, a link to every other member.
 */
import { messageBound } from './bound.js';
import type { CoreFactory } from './election-core.js';
import { HsNode } from './hs.js';
import { LcrNode, lcrExactMessages, lcrMessageBound } from './lcr.js';
import { MESH_ALGORITHMS, MESH_ALGORITHM_NAMES, type MeshAlgorithmEntry, type MeshAlgorithmName } from './mesh-algorithms.js';

export { type AnyMeshAlgorithm, MESH_ALGORITHMS, MESH_ALGORITHM_NAMES, type MeshAlgorithmEntry, type MeshAlgorithmName, type MeshTiming, SIM_MESH_TIMING, UDP_MESH_TIMING } from './mesh-algorithms.js';

/** The network an algorithm assumes: a bidirectional ring, or every member linked to every other. */
export type Topology = 'ring' | 'mesh';

/** A ring algorithm: elects once and stops, within a message bound. */
export interface AlgorithmEntry {
  readonly name: string;
  readonly topology: 'ring';
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
  topology: 'ring',
  title: 'Hirschberg–Sinclair',
  create: (id) => new HsNode(id),
  messageBound,
  boundFormula: '8n(1+ceil(log2 n))+n',
};

const lcr: AlgorithmEntry = {
  name: 'lcr',
  topology: 'ring',
  title: 'LCR (Le Lann / Chang–Roberts)',
  create: (id) => new LcrNode(id),
  messageBound: lcrMessageBound,
  boundFormula: 'n(n+1)/2+n',
  exactMessages: lcrExactMessages,
};

/** The ring algorithms' names, the default first. */
export const RING_ALGORITHM_NAMES = ['hs', 'lcr'] as const;
export type RingAlgorithmName = (typeof RING_ALGORITHM_NAMES)[number];

/** Every algorithm's name, the default first. */
export const ALGORITHM_NAMES = [...RING_ALGORITHM_NAMES, ...MESH_ALGORITHM_NAMES] as const;
export type AlgorithmName = (typeof ALGORITHM_NAMES)[number];

/** The ring algorithms by name. */
export const ALGORITHMS: Readonly<Record<RingAlgorithmName, AlgorithmEntry>> = { hs, lcr };

/** The algorithm nodes run unless told otherwise. */
export const DEFAULT_ALGORITHM: RingAlgorithmName = 'hs';

/** True for a registered algorithm's name. */
export function isAlgorithmName(name: string): name is AlgorithmName {
  return (ALGORITHM_NAMES as readonly string[]).includes(name);
}

/** True when `name` runs on a ring. */
export function isRingAlgorithm(name: AlgorithmName): name is RingAlgorithmName {
  return algorithm(name).topology === 'ring';
}

/** The registry entry of `name`. */
export function algorithm(name: AlgorithmName): AlgorithmEntry | MeshAlgorithmEntry {
  return (ALGORITHMS as Record<string, AlgorithmEntry>)[name] ?? MESH_ALGORITHMS[name as MeshAlgorithmName];
}

/** The registry entry of a mesh algorithm's name (RangeError for a ring algorithm). */
export function meshAlgorithm(name: AlgorithmName): MeshAlgorithmEntry {
  const e = algorithm(name);
  if (e.topology !== 'mesh') throw new RangeError(`${name} is a ring algorithm`);
  return e;
}

/** The registry entry of a ring algorithm's name (RangeError for a mesh algorithm). */
export function ringAlgorithm(name: AlgorithmName): AlgorithmEntry {
  const e = algorithm(name);
  if (e.topology !== 'ring') throw new RangeError(`${name} is a mesh algorithm`);
  return e;
}
