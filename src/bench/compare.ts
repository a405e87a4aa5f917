/**
 * `hs-ring bench --only compare`: HS, LCR, Bully and Raft-style election side by side in one run,
 * on the same ids. From the simulator (src/sim/compare.ts): election messages against n, failover
 * after the leader crashes, idle datagrams per second and leaders acting under a partition. Over
 * loopback UDP: the election time, every node of a size in this one process on its own socket
 * (ring algorithms in a ring, mesh algorithms in a full mesh).
 */
import { MESH_ALGORITHMS, UDP_MESH_TIMING } from '../core/algorithms.js';
import { MeshGroup } from '../runtime/mesh-group.js';
import { NodeGroup } from '../runtime/multi.js';
import { COMPARED, type Compared, type CompareRow, compareElections, shuffledIds } from '../sim/compare.js';
import type { Progress } from './progress.js';

export interface ComparePlan {
  /** Sizes of the simulated comparison. */
  readonly simSizes: readonly number[];
  readonly seeds: readonly number[];
  /** Sizes of the UDP election-time runs. */
  readonly udpSizes: readonly number[];
  /** UDP runs per algorithm and size. */
  readonly udpRuns: number;
}

export const FULL_COMPARE: ComparePlan = { simSizes: [5, 8, 16, 32, 64, 128, 256], seeds: [1, 2, 3], udpSizes: [8, 16, 32, 64], udpRuns: 3 };
export const QUICK_COMPARE: ComparePlan = { simSizes: [5, 8], seeds: [1], udpSizes: [5], udpRuns: 1 };

export interface UdpCompareRow {
  readonly algorithm: Compared;
  readonly n: number;
  /** Runs in which every node agreed on one leader. */
  readonly elected: number;
  readonly runs: number;
  /** Median over the runs: from the common start to the moment all agreed (ring: last decision). */
  readonly electionMedianMs: number | null;
  readonly datagramsMedian: number;
}

export interface CompareResult {
  readonly sim: CompareRow[];
  readonly udp: UdpCompareRow[];
}

/** Runs the comparison: the simulated questions, then election time over UDP. */
export async function runCompareBench(plan: ComparePlan, progress: Progress): Promise<CompareResult> {
  const sim: CompareRow[] = [];
  for (const n of plan.simSizes) {
    sim.push(...compareElections({ sizes: [n], seeds: plan.seeds }));
    progress(`compare: simulated n=${n}`);
  }
  const udp: UdpCompareRow[] = [];
  for (const n of plan.udpSizes) {
    for (const algorithm of COMPARED) {
      const times: number[] = [];
      const datagrams: number[] = [];
      for (let run = 0; run < plan.udpRuns; run++) {
        const r = await udpElection(algorithm, shuffledIds(n, run + 1));
        if (r.electionMs !== null) times.push(r.electionMs);
        datagrams.push(r.datagrams);
      }
      udp.push({ algorithm, n, elected: times.length, runs: plan.udpRuns, electionMedianMs: times.length ? round(median(times)) : null, datagramsMedian: median(datagrams) });
      progress(`compare: ${algorithm} over UDP, n=${n}`);
    }
  }
  return { sim, udp };
}

async function udpElection(algorithm: Compared, ids: readonly number[]): Promise<{ electionMs: number | null; datagrams: number }> {
  if (algorithm === 'hs' || algorithm === 'lcr') {
    const group = await NodeGroup.localRing(ids, '127.0.0.1', { timeoutMs: 30_000, algorithm });
    const t0 = performance.now();
    let last = 0;
    for (const m of group.members) m.node.on('decide', () => (last = performance.now() - t0));
    const results = await group.run();
    const max = Math.max(...ids);
    const ok = results.every((r) => r.outcome === 'ok' && r.leader === max);
    return { electionMs: ok ? last : null, datagrams: results.reduce((s, r) => s + r.datagrams.sent, 0) };
  }
  const group = await MeshGroup.local(ids, '127.0.0.1', { algorithm: MESH_ALGORITHMS[algorithm].algorithm(UDP_MESH_TIMING), settleMs: 1000, timeoutMs: 30_000 });
  const run = await group.run();
  return { electionMs: run.electionMs, datagrams: run.results.reduce((s, r) => s + r.datagrams.sent, 0) };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor((s.length - 1) / 2)]!;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
