/**
 * `hs-ring bench --only compare`: HS, LCR, Bully and Raft-style election side by side in one run,
 * on the same ids. From the simulator (src/sim/compare.ts): election messages against n (to
 * 1,024), failover after the leader crashes, idle datagrams per second and leaders acting under a
 * partition. Over loopback UDP: the election time and, for the mesh algorithms (HS and LCR are
 * one-shot), the failover after the leader crashes; every node of a size in this one process on
 * its own socket (ring algorithms in a ring, mesh algorithms in a full mesh).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { MESH_ALGORITHMS, UDP_MESH_TIMING } from '../core/algorithms.js';
import { MeshGroup } from '../runtime/mesh-group.js';
import { NodeGroup } from '../runtime/multi.js';
import { COMPARED, type Compared, type CompareMessagesRow, type CompareRow, compareElections, compareMessages, shuffledIds } from '../sim/compare.js';
import type { Progress } from './progress.js';

export interface ComparePlan {
  /** Sizes of the simulated comparison (every question). */
  readonly simSizes: readonly number[];
  /** Sizes of the messages-per-election count alone. */
  readonly messageSizes: readonly number[];
  readonly seeds: readonly number[];
  /** Sizes of the UDP election-time runs. */
  readonly udpSizes: readonly number[];
  /** UDP runs per algorithm and size. */
  readonly udpRuns: number;
  /** Sizes of the UDP failover runs (mesh algorithms). */
  readonly failoverSizes: readonly number[];
  readonly failoverRuns: number;
}

export const FULL_COMPARE: ComparePlan = {
  simSizes: [5, 8, 16, 32, 64, 128, 256],
  messageSizes: [8, 16, 32, 64, 128, 256, 512, 1024],
  seeds: [1, 2, 3],
  udpSizes: [8, 16, 32, 64],
  udpRuns: 3,
  failoverSizes: [5, 16],
  failoverRuns: 3,
};
export const QUICK_COMPARE: ComparePlan = { simSizes: [5, 8], messageSizes: [8, 16], seeds: [1], udpSizes: [5], udpRuns: 1, failoverSizes: [5], failoverRuns: 1 };

export interface UdpCompareRow {
  readonly algorithm: Compared;
  readonly n: number;
  /** Runs in which every node agreed on one leader. */
  readonly elected: number;
  readonly runs: number;
  /** Median over the runs: from the common start to the moment all agreed (ring: last decision). */
  readonly electionMedianMs: number | null;
  readonly datagramsMedian: number;
  /** Most mesh nodes acting as leader at once in any run (ring runs: null, their nodes decide once). */
  readonly maxLeadersAtOnce: number | null;
  /**
   * Median over the runs of the longest event-loop delay of this process, ms: how late a timer
   * or datagram could be handled, against the mesh's delay bound (UDP_MESH_TIMING).
   */
  readonly loopDelayMaxMs: number;
}

export interface UdpFailoverRow {
  readonly algorithm: 'bully' | 'raft';
  readonly n: number;
  /** Runs in which the survivors agreed on a new leader after the crash. */
  readonly failedOver: number;
  readonly runs: number;
  /** Median over the runs: from the leader's crash to the survivors agreeing on a new leader alone in office, ms. */
  readonly failoverMedianMs: number | null;
}

export interface CompareResult {
  readonly sim: CompareRow[];
  readonly messages: CompareMessagesRow[];
  readonly udp: UdpCompareRow[];
  readonly udpFailover: UdpFailoverRow[];
}

/** How long after the agreement the leader is crashed: the followers have heard a few heartbeats. */
const CRASH_AFTER_MS = 200;

/** Runs the comparison: the simulated questions, messages alone to the largest size, then election and failover over UDP. */
export async function runCompareBench(plan: ComparePlan, progress: Progress): Promise<CompareResult> {
  const sim: CompareRow[] = [];
  for (const n of plan.simSizes) {
    sim.push(...compareElections({ sizes: [n], seeds: plan.seeds }));
    progress(`compare: simulated n=${n}`);
  }
  const messages: CompareMessagesRow[] = [];
  for (const n of plan.messageSizes) {
    messages.push(...compareMessages({ sizes: [n], seeds: plan.seeds }));
    progress(`compare: messages per election, n=${n}`);
  }
  const udp: UdpCompareRow[] = [];
  for (const n of plan.udpSizes) {
    for (const algorithm of COMPARED) {
      const runs: UdpRun[] = [];
      for (let run = 0; run < plan.udpRuns; run++) runs.push(await withLoopDelay(() => udpElection(algorithm, shuffledIds(n, run + 1))));
      const times = runs.flatMap((r) => (r.electionMs === null ? [] : [r.electionMs]));
      const leaders = runs.flatMap((r) => (r.maxLeadersAtOnce === null ? [] : [r.maxLeadersAtOnce]));
      udp.push({
        algorithm,
        n,
        elected: times.length,
        runs: plan.udpRuns,
        electionMedianMs: times.length ? round(median(times)) : null,
        datagramsMedian: median(runs.map((r) => r.datagrams)),
        maxLeadersAtOnce: leaders.length ? Math.max(...leaders) : null,
        loopDelayMaxMs: round(median(runs.map((r) => r.loopDelayMaxMs))),
      });
      progress(`compare: ${algorithm} over UDP, n=${n}`);
    }
  }
  const udpFailover: UdpFailoverRow[] = [];
  for (const n of plan.failoverSizes) {
    for (const algorithm of ['bully', 'raft'] as const) {
      const times: number[] = [];
      for (let run = 0; run < plan.failoverRuns; run++) {
        const ms = await udpFailoverRun(algorithm, shuffledIds(n, run + 1));
        if (ms !== null) times.push(ms);
      }
      udpFailover.push({ algorithm, n, failedOver: times.length, runs: plan.failoverRuns, failoverMedianMs: times.length ? round(median(times)) : null });
      progress(`compare: ${algorithm} failover over UDP, n=${n}`);
    }
  }
  return { sim, messages, udp, udpFailover };
}

type UdpRun = { electionMs: number | null; datagrams: number; maxLeadersAtOnce: number | null; loopDelayMaxMs: number };

/** Runs `body` while sampling this process's event-loop delay; adds the longest one seen, ms. */
async function withLoopDelay<T extends object>(body: () => Promise<T>): Promise<T & { loopDelayMaxMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  try {
    const r = await body();
    return { ...r, loopDelayMaxMs: h.max / 1e6 };
  } finally {
    h.disable();
  }
}

/**
 * One mesh over UDP: once every node knows one leader, that leader is crashed (its node stops
 * without a word, its socket closes); returns the ms from the crash to the survivors agreeing on
 * a new one, on this process's clock, or null if they did not.
 */
async function udpFailoverRun(algorithm: 'bully' | 'raft', ids: readonly number[]): Promise<number | null> {
  // A longer settle time than the election runs: nodes must not have finished when the crash comes.
  const group = await MeshGroup.local(ids, '127.0.0.1', { algorithm: MESH_ALGORITHMS[algorithm].algorithm(UDP_MESH_TIMING), settleMs: 2000, timeoutMs: 30_000 });
  const running = group.run();
  let leader: number | null = null;
  for (let waited = 0; waited < 10_000 && leader === null; waited += 5) {
    await sleep(5);
    leader = group.agreedLeader();
  }
  if (leader !== null) {
    await sleep(CRASH_AFTER_MS);
    await group.crash(group.agreedLeader() ?? leader);
  }
  const run = await running;
  return leader === null ? null : run.failoverMs;
}

async function udpElection(algorithm: Compared, ids: readonly number[]): Promise<{ electionMs: number | null; datagrams: number; maxLeadersAtOnce: number | null }> {
  if (algorithm === 'hs' || algorithm === 'lcr') {
    const group = await NodeGroup.localRing(ids, '127.0.0.1', { timeoutMs: 30_000, algorithm });
    const t0 = performance.now();
    let last = 0;
    for (const m of group.members) m.node.on('decide', () => (last = performance.now() - t0));
    const results = await group.run();
    const max = Math.max(...ids);
    const ok = results.every((r) => r.outcome === 'ok' && r.leader === max);
    return { electionMs: ok ? last : null, datagrams: results.reduce((s, r) => s + r.datagrams.sent, 0), maxLeadersAtOnce: null };
  }
  const group = await MeshGroup.local(ids, '127.0.0.1', { algorithm: MESH_ALGORITHMS[algorithm].algorithm(UDP_MESH_TIMING), settleMs: 1000, timeoutMs: 30_000 });
  const run = await group.run();
  return { electionMs: run.electionMs, datagrams: run.results.reduce((s, r) => s + r.datagrams.sent, 0), maxLeadersAtOnce: run.maxLeadersAtOnce };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor((s.length - 1) / 2)]!;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
