/** The scale part: the simulator at large n, and a big ring over UDP in a few processes. */
import { summarize } from '../cluster/ring-summary.js';
import { defaultNodeSettings } from '../cluster/node-config.js';
import { randomIds } from '../config/ids.js';
import type { LinkMode } from '../sim/link-mode.js';
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
  /** `ideal`: the cores over exactly-once channels; `full`: every node behind the reliable link (frames, acks, timers). */
  readonly link: LinkMode;
  readonly algorithmMessages: number;
  /** What the network carried: equal to the algorithm messages over ideal channels. */
  readonly datagrams: number;
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

/** Events between progress lines of one simulated run; a full-link run of 10^5 has some 18 million. */
const PROGRESS_EVENTS = 2_000_000;

/**
 * Big simulated rings: wall time, throughput and memory of the simulator itself, for each size
 * over ideal channels and then over the full link (same ids and seed). The full link at 10^5
 * takes about a minute; it reports progress as it goes.
 */
export function runSimScale(sizes: readonly number[], progress: Progress): SimScaleRow[] {
  return sizes.flatMap((n) => MODES.map((link) => simScaleRow(n, link, progress)));
}

/** Ideal first: it is the quick one, and the table reads from the model to the real link. */
const MODES: readonly LinkMode[] = ['ideal', 'full'];

function simScaleRow(n: number, link: LinkMode, progress: Progress): SimScaleRow {
  const ids = randomIds(n, 1);
  const heap0 = process.memoryUsage().heapUsed;
  let peakHeap = heap0;
  let peakRss = process.memoryUsage().rss;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
  };
  const label = `scale: sim n = ${n}, ${link === 'ideal' ? 'ideal channels' : 'full link'}`;
  progress(`${label}: starting`);
  const t0 = performance.now();
  const r = simulate({
    ids,
    seed: 1,
    network: RELIABLE,
    linkMode: link,
    progress: {
      everyEvents: 200_000,
      report: (p) => {
        sample();
        if (p.events % PROGRESS_EVENTS === 0) {
          progress(`${label}: ${p.events} events, virtual ${(p.virtualMs / 1000).toFixed(1)} s, ${p.decided}/${n} decided`);
        }
      },
    },
  });
  const wallMs = performance.now() - t0;
  sample();
  const s = summarize(ids, 1, r.results, { electionMs: r.electionMs, elapsedMs: r.elapsedMs });
  if (s.outcome !== 'elected') throw new Error(`simulated election of ${n} (${link}) ended ${s.outcome}`);
  progress(`${label}: ${(wallMs / 1000).toFixed(1)} s, ${s.messages.total} algorithm messages`);
  return {
    n,
    link,
    algorithmMessages: s.messages.total,
    datagrams: s.datagrams.sent,
    events: r.events,
    wallMs: round(wallMs, 0),
    messagesPerSecond: Math.round(s.messages.total / (wallMs / 1000)),
    eventsPerSecond: Math.round(r.events / (wallMs / 1000)),
    peakHeapMiB: round(peakHeap / 2 ** 20, 1),
    peakRssMiB: round(peakRss / 2 ** 20, 1),
    heapBytesPerNode: Math.round((peakHeap - heap0) / n),
    virtualElectionMs: r.electionMs === null ? null : round(r.electionMs, 1),
  };
}

/** Many nodes per process over real UDP on loopback (one socket per node). */
export async function runUdpScale(plan: ScalePlan['udp'], progress: Progress): Promise<UdpScaleRow[]> {
  const rows: UdpScaleRow[] = [];
  for (const { nodes, processes } of plan) {
    const ids = randomIds(nodes, 7);
    const run = await spawnRing(ids, processes, { node: defaultNodeSettings(60_000 + 100 * nodes) });
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
