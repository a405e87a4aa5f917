/**
 * The registry of election algorithms: each one's name, description, topology, core factory and
 * message bound. Everything that runs or judges an algorithm (node layer, simulators, CLI, bench,
 * verdict) looks it up here by name, so adding an algorithm means adding an entry, not branches
 * elsewhere. Ring algorithms (HS, LCR) run on a ring of two links per node; mesh algorithms
 * (Bully, Raft-style) on a full mesh, a link to every other member.
 */
import { messageBound } from './bound.js';
import { bullyAlgorithm, bullyMessageBound } from './bully.js';
import type { CoreFactory } from './election-core.js';
import { HsNode } from './hs.js';
import { LcrNode, lcrExactMessages, lcrMessageBound } from './lcr.js';
import type { MeshAlgorithm } from './mesh-core.js';
import { raftAlgorithm } from './raft-election.js';

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

/**
 * Timing of a mesh algorithm's failure detector (ms): the leader's heartbeat period and the
 * longest one-way delay the network is assumed to keep to.
 */
export interface MeshTiming {
  readonly heartbeatMs: number;
  readonly delayBoundMs: number;
}

/** The timing of the simulator's network (delays 1-10 ms): each core's published defaults. */
export const SIM_MESH_TIMING: MeshTiming = { heartbeatMs: 50, delayBoundMs: 10 };
/**
 * Over UDP the delay bound must cover scheduling on a busy machine too (tens of processes on a
 * few cores), not just loopback's microseconds.
 */
export const UDP_MESH_TIMING: MeshTiming = { heartbeatMs: 50, delayBoundMs: 50 };

/**
 * A mesh algorithm: it never stops messaging (the leader heartbeats), so "done" is a leader that
 * every live member knows. `promises` are the observer's properties it guarantees on every step
 * with the network inside its assumptions; tests show counterexamples for the others.
 */
export interface MeshAlgorithmEntry {
  readonly name: string;
  readonly topology: 'mesh';
  readonly title: string;
  /** The core with the given timing. */
  readonly algorithm: (timing: MeshTiming) => AnyMeshAlgorithm;
  /** Step properties it keeps (named as in spec/elections.md and the observer). */
  readonly promises: readonly string[];
  /** What the promises assume, for reports. */
  readonly assumption: string;
  /** Most election messages (heartbeats aside) of one election among n started together, where one exists. */
  readonly messageBound?: (n: number) => number;
  readonly boundFormula?: string;
}

/** A mesh algorithm with its message and state types erased, as the generic drivers take it. */
export type AnyMeshAlgorithm = MeshAlgorithm<{ readonly kind: string }, unknown>;

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

const bully: MeshAlgorithmEntry = {
  name: 'bully',
  topology: 'mesh',
  title: 'Bully (Garcia-Molina)',
  algorithm: (t) => bullyAlgorithm({ delayBound: t.delayBoundMs, heartbeatEvery: t.heartbeatMs }) as AnyMeshAlgorithm,
  promises: ['AtMostOneLeader', 'LeaderIsMaxLive'],
  assumption: 'every message delivered within the delay bound (no loss, no partition)',
  messageBound: bullyMessageBound,
  boundFormula: '(n-1)(n+2)',
};

const raft: MeshAlgorithmEntry = {
  name: 'raft',
  topology: 'mesh',
  title: 'Raft-style election (PreVote, CheckQuorum)',
  // etcd's ratio: an election timeout of ten heartbeats would be slow here; six keeps the
  // simulator's published default (300 ms for 50 ms heartbeats).
  algorithm: (t) => raftAlgorithm({ electionTimeout: 6 * t.heartbeatMs, heartbeatEvery: t.heartbeatMs, preVote: true, checkQuorum: true }) as AnyMeshAlgorithm,
  promises: ['OneLeaderPerTerm', 'KnownLeaderIsTermLeader'],
  assumption: 'none for safety; a majority up and a stable network for a leader to be elected',
};

/** The ring algorithms' names, the default first. */
export const RING_ALGORITHM_NAMES = ['hs', 'lcr'] as const;
export type RingAlgorithmName = (typeof RING_ALGORITHM_NAMES)[number];
/** The mesh algorithms' names. */
export const MESH_ALGORITHM_NAMES = ['bully', 'raft'] as const;
export type MeshAlgorithmName = (typeof MESH_ALGORITHM_NAMES)[number];

/** Every algorithm's name, the default first. */
export const ALGORITHM_NAMES = [...RING_ALGORITHM_NAMES, ...MESH_ALGORITHM_NAMES] as const;
export type AlgorithmName = (typeof ALGORITHM_NAMES)[number];

/** The ring algorithms by name. */
export const ALGORITHMS: Readonly<Record<RingAlgorithmName, AlgorithmEntry>> = { hs, lcr };
/** The mesh algorithms by name. */
export const MESH_ALGORITHMS: Readonly<Record<MeshAlgorithmName, MeshAlgorithmEntry>> = { bully, raft };

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
