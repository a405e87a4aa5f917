/**
 * The mesh algorithms' registry entries (Bully, Raft-style), the comparison cores: each one's
 * name, timing, the step properties it promises and its message bound. algorithms.ts looks them
 * up with the ring algorithms by name.
 */
import { bullyAlgorithm, bullyMessageBound } from './bully.js';
import type { MeshAlgorithm } from './mesh-core.js';
import { raftAlgorithm } from './raft-election.js';

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

/** The mesh algorithms' names. */
export const MESH_ALGORITHM_NAMES = ['bully', 'raft'] as const;
export type MeshAlgorithmName = (typeof MESH_ALGORITHM_NAMES)[number];

/** The mesh algorithms by name. */
export const MESH_ALGORITHMS: Readonly<Record<MeshAlgorithmName, MeshAlgorithmEntry>> = { bully, raft };
