import { summarize } from '../cli/summary.js';
import { randomIds } from '../config/ids.js';
import { RELIABLE } from '../sim/network-model.js';
import { simulate } from '../sim/simulator.js';
import { spawnRing } from './procs.js';
import type { Progress } from './progress.js';
import { round } from './stats.js';

export interface ScalePlan {
  readonly simSizes: readonly number[];
  /** Nodes multiplexed over UDP, and how many processes host them. */
  readonly udp: readonly { readonly nodes: number; readonly processes: number }[];
}

export const FULL_SCALE: ScalePlan = {
  simSizes: [1_000, 10_000, 100_000],
  udp: [
    { nodes: 256, processes: 4 },
    { nodes: 1024, processes: 8 },
  ],
};

export const QUICK_SCALE: ScalePlan = { simSizes: [1_000], udp: [{ nodes: 32, processes: 2 }] };

export interface SimScaleRow {
  readonly n: number;
  readonly algorithmMessages: number;
  readonly events: number;
  readonly wallMs: number;
  readonly messagesPerSecond: number;
  readonly eventsPerSecond: number;
  /** Largest heap in use and resident set seen during the run (sampled), MiB. */
  readonly peakHeapMiB: number;
  readonly peakRssMiB: number;
  readonly heapBytesPerNode: number;
  readonly virtualElectionMs: number | null;
}

export interface UdpScaleRow {
  readonly nodes: number;
  readonly processes: number;
  readonly outcome: string;
  readonly electionMs: number | null;
  readonly algorithmMessages: number;
  readonly datagrams: number;
  readonly retransmissions: number;
  /** Resident set per process after the election, MiB (mean), and per hosted node, KiB. */
  readonly rssPerProcessMiB: number | null;
  readonly rssPerNodeKiB: number | null;
}

/** Big simulated rings: wall time, throughput and memory of the simulator itself. */
export function runSimScale(sizes: readonly number[], progress: Progress): SimScaleRow[] {
  return sizes.map((n) => {
    const ids = randomIds(n, 1);
    const heap0 = process.memoryUsage().heapUsed;
    let peakHeap = heap0;
    let peakRss = process.memoryUsage().rss;
    const sample = () => {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakRss = Math.max(peakRss, m.rss);
    };
    const t0 = performance.now();
    const r = simulate({
      ids,
      seed: 1,
      network: RELIABLE,
      progress: {
        everyEvents: 200_000,
        report: (p) => {
          sample();
          if (p.events % 2_000_000 === 0) progress(`scale: sim n = ${n}: ${p.events} events, ${p.decided} decided`);
        },
      },
    });
    const wallMs = performance.now() - t0;
    sample();
    const s = summarize(ids, 1, r.results, { electionMs: r.electionMs, elapsedMs: r.elapsedMs });
    if (s.outcome !== 'elected') throw new Error(`simulated election of ${n} ended ${s.outcome}`);
    progress(`scale: sim n = ${n} in ${(wallMs / 1000).toFixed(1)} s`);
    return {
      n,
      algorithmMessages: s.messages.total,
      events: r.events,
      wallMs: round(wallMs, 0),
      messagesPerSecond: Math.round(s.messages.total / (wallMs / 1000)),
      eventsPerSecond: Math.round(r.events / (wallMs / 1000)),
      peakHeapMiB: round(peakHeap / 2 ** 20, 1),
      peakRssMiB: round(peakRss / 2 ** 20, 1),
      heapBytesPerNode: Math.round((peakHeap - heap0) / n),
      virtualElectionMs: r.electionMs === null ? null : round(r.electionMs, 1),
    };
  });
}

/** Many nodes per process over real UDP on loopback (one socket per node). */
export async function runUdpScale(plan: ScalePlan['udp'], progress: Progress): Promise<UdpScaleRow[]> {
  const rows: UdpScaleRow[] = [];
  for (const { nodes, processes } of plan) {
    const ids = randomIds(nodes, 7);
    const run = await spawnRing(ids, processes, { nodeArgs: ['--timeout', String(60_000 + 100 * nodes)] });
    const s = summarize(ids, 7, run.results, { electionMs: run.electionMs, elapsedMs: 0 });
    const rss = run.processes.map((p) => p.decidedRssKiB).filter((x): x is number => x !== null);
    const rssMean = rss.length ? rss.reduce((a, b) => a + b, 0) / rss.length : null;
    rows.push({
      nodes,
      processes,
      outcome: s.outcome,
      electionMs: run.electionMs === null ? null : round(run.electionMs, 1),
      algorithmMessages: s.messages.total,
      datagrams: s.datagrams.sent,
      retransmissions: s.datagrams.retransmissions,
      rssPerProcessMiB: rssMean === null ? null : round(rssMean / 1024, 1),
      rssPerNodeKiB: rssMean === null ? null : round(rssMean / (nodes / processes), 1),
    });
    progress(`scale: ${nodes} nodes in ${processes} processes over UDP: ${s.outcome}, ${run.electionMs?.toFixed(0)} ms`);
  }
  return rows;
}
