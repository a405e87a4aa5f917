/**
 * HS, LCR, Bully and Raft-style election side by side in simulated time, on the same ids, seeds
 * and delays: messages per election against n, time to a leader, failover after the leader
 * crashes, idle traffic, and how many leaders act under a partition. Pure and deterministic, so
 * the bench can call it and a test can pin what it says.
 *
 * HS and LCR run on exactly-once ring channels (the ideal simulator: algorithm messages only);
 * Bully and Raft-style on the full-mesh simulator with a network inside Bully's delay bound.
 * HS and LCR elect once and stop, so failover, idle traffic and partitions are null for them.
 */
import { messageBound } from '../core/bound.js';
import { bullyAlgorithm, bullyMessageBound } from '../core/bully.js';
import { lcrMessageBound } from '../core/lcr.js';
import type { MeshAlgorithm } from '../core/mesh-core.js';
import { raftAlgorithm } from '../core/raft-election.js';
import { SeededRandom } from '../util/random.js';
import { coreFor } from './algorithms.js';
import { simulateIdeal } from './ideal-simulator.js';
import { type MeshNetwork, simulateMesh } from './mesh/mesh-simulator.js';

export const COMPARED = ['hs', 'lcr', 'bully', 'raft'] as const;
export type Compared = (typeof COMPARED)[number];

export interface CompareRow {
  readonly algorithm: Compared;
  readonly n: number;
  /** Means over the seeds. Algorithm messages of the first election, heartbeats aside (late answers included). */
  readonly electionMessages: number;
  /** Heartbeats (and replies) sent before that leader was known to all. */
  readonly heartbeatsDuringElection: number;
  /** Simulated ms from the start to the first leader that every node knows. */
  readonly electionMs: number;
  /** Simulated ms from the leader's crash to a new leader that every live node knows. */
  readonly failoverMs: number | null;
  /** Datagrams per second while a leader is in office and nothing fails. */
  readonly idleDatagramsPerSecond: number | null;
  /** Most leaders acting at once after the leader is cut off with a minority. */
  readonly leadersUnderPartition: number | null;
}

export interface CompareOptions {
  readonly sizes: readonly number[];
  readonly seeds: readonly number[];
  readonly algorithms?: readonly Compared[];
}

/** Delays 1-10 ms: within Bully's default delay bound, the ring simulator's default range. */
const NETWORK: MeshNetwork = { loss: 0, duplicate: 0, minDelay: 1, maxDelay: 10 };
const second = 1000;
/** The undisturbed run: long enough for the first election and its late answers, and some idle time. */
const QUIET_MS = 3 * second;

/** One row per algorithm and size, averaged over the seeds. */
export function compareElections(o: CompareOptions): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const algorithm of o.algorithms ?? COMPARED) {
    for (const n of o.sizes) {
      const runs = o.seeds.map((seed) => (algorithm === 'hs' || algorithm === 'lcr' ? ringRun(algorithm, n, seed) : meshRun(algorithm, n, seed)));
      rows.push({
        algorithm,
        n,
        electionMessages: mean(runs.map((r) => r.electionMessages)),
        heartbeatsDuringElection: mean(runs.map((r) => r.heartbeatsDuringElection)),
        electionMs: mean(runs.map((r) => r.electionMs)),
        failoverMs: meanOrNull(runs.map((r) => r.failoverMs)),
        idleDatagramsPerSecond: meanOrNull(runs.map((r) => r.idleDatagramsPerSecond)),
        leadersUnderPartition: maxOrNull(runs.map((r) => r.leadersUnderPartition)),
      });
    }
  }
  return rows;
}

type Run = Omit<CompareRow, 'algorithm' | 'n'>;

/** Messages of one election, for sizes where the other questions would take too long to simulate. */
export interface CompareMessagesRow {
  readonly algorithm: Compared;
  readonly n: number;
  /** Mean over the seeds: algorithm messages of the first election, heartbeats aside (late answers included). */
  readonly electionMessages: number;
  /** Most messages of one election the algorithm allows, where it has such a bound (Raft-style has none: votes can split). */
  readonly bound: number | null;
  /** Seeds whose run ended with one leader in office; in the others the count is of an election still going on. */
  readonly elected: number;
  readonly runs: number;
}

/**
 * Messages per election only, one row per algorithm and size, averaged over the seeds: the same
 * runs as compareElections' first question, without the observer, so n = 1,024 takes seconds.
 */
export function compareMessages(o: CompareOptions): CompareMessagesRow[] {
  const rows: CompareMessagesRow[] = [];
  for (const algorithm of o.algorithms ?? COMPARED) {
    for (const n of o.sizes) {
      // A ring run that does not elect throws: every ring run counted elected.
      const runs = o.seeds.map((seed) => (algorithm === 'hs' || algorithm === 'lcr' ? { messages: ringRun(algorithm, n, seed).electionMessages, elected: true } : meshMessages(algorithm, n, seed)));
      rows.push({
        algorithm,
        n,
        electionMessages: mean(runs.map((r) => r.messages)),
        bound: BOUNDS[algorithm]?.(n) ?? null,
        elected: runs.filter((r) => r.elected).length,
        runs: runs.length,
      });
    }
  }
  return rows;
}

const BOUNDS: Partial<Record<Compared, (n: number) => number>> = { hs: messageBound, lcr: lcrMessageBound, bully: bullyMessageBound };

/** The election messages of the quiet run of meshRun, counted without observing, and whether it ended with one leader. */
function meshMessages(algorithm: 'bully' | 'raft', n: number, seed: number): { messages: number; elected: boolean } {
  const alg = (algorithm === 'bully' ? bullyAlgorithm() : raftAlgorithm()) as MeshAlgorithm<{ kind: string }, unknown>;
  const maxEvents = 4_000_000;
  const r = simulateMesh({ algorithm: alg, ids: shuffledIds(n, seed), seed, network: NETWORK, until: QUIET_MS, observe: false, maxEvents });
  if (r.events >= maxEvents) throw new Error(`${algorithm} n=${n} seed ${seed}: over ${maxEvents} events in ${QUIET_MS} ms, the count would be cut short`);
  return { messages: r.messages.election, elected: r.finalLeaders.length === 1 };
}

/** Distinct ids 1..n in an order drawn from the seed, so every algorithm sees the same members. */
export function shuffledIds(n: number, seed: number): number[] {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const rng = new SeededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids;
}

function ringRun(algorithm: 'hs' | 'lcr', n: number, seed: number): Run {
  const core = coreFor(algorithm);
  const r = simulateIdeal({ ids: shuffledIds(n, seed), seed, core });
  let messages = 0;
  for (const x of r.results) messages += x.messages.sent.probe + x.messages.sent.reply + x.messages.sent.announcement;
  if (r.electionMs === null) throw new Error(`${algorithm} n=${n} seed ${seed} did not elect`);
  return { electionMessages: messages, heartbeatsDuringElection: 0, electionMs: r.electionMs, failoverMs: null, idleDatagramsPerSecond: null, leadersUnderPartition: null };
}

function meshRun(algorithm: 'bully' | 'raft', n: number, seed: number): Run {
  const alg = (algorithm === 'bully' ? bullyAlgorithm() : raftAlgorithm()) as MeshAlgorithm<{ kind: string }, unknown>;
  const ids = shuffledIds(n, seed);
  const base = { algorithm: alg, ids, seed, network: NETWORK };
  const quiet = simulateMesh({ ...base, until: QUIET_MS });
  const first = quiet.toFirstSettlement;
  if (quiet.firstSettledAt === null || first === null || quiet.settled === null) throw new Error(`${algorithm} n=${n} seed ${seed} did not elect`);
  const leader = quiet.settled.leader;
  const idleFrom = quiet.settled.since;
  // All traffic between two instants well after the election: the idle rate (the runs share their prefix).
  const sent = (until: number) => {
    const m = simulateMesh({ ...base, until }).messages;
    return m.election + m.heartbeat;
  };
  const idleRate = (sent(idleFrom + 3 * second) - sent(idleFrom + second)) / 2;
  const crashAt = idleFrom + 500;
  const failed = simulateMesh({ ...base, faults: [{ at: crashAt, type: 'crash', node: leader }], until: crashAt + 5 * second });
  const failoverMs = failed.settled && failed.settled.leader !== leader ? failed.settled.since - crashAt : null;
  // The leader and a minority on one side: how many act at once while the cut lasts.
  const minority = [leader, ...ids.filter((id) => id !== leader).slice(0, Math.floor((n - 1) / 2))];
  const cutAt = idleFrom + 500;
  const cut = simulateMesh({ ...base, faults: [{ at: cutAt, type: 'partition', groups: [minority] }], until: cutAt + 5 * second });
  return {
    electionMessages: quiet.messages.election,
    heartbeatsDuringElection: first.heartbeat,
    electionMs: quiet.firstSettledAt,
    failoverMs,
    idleDatagramsPerSecond: idleRate,
    leadersUnderPartition: cut.maxLeadersAtOnce,
  };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function meanOrNull(xs: readonly (number | null)[]): number | null {
  const known = xs.filter((x): x is number => x !== null);
  return known.length === xs.length && known.length > 0 ? mean(known) : null;
}

function maxOrNull(xs: readonly (number | null)[]): number | null {
  const known = xs.filter((x): x is number => x !== null);
  return known.length === 0 ? null : Math.max(...known);
}
