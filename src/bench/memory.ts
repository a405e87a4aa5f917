/** The memory part: resident memory of node processes while they elect. */
import { summarize } from '../cluster/ring-summary.js';
import { randomIds } from '../config/ids.js';
import { spawnRing } from './procs.js';
import type { Progress } from './progress.js';
import { max, median, round } from './stats.js';

/** The target: at most this many MB (10^6 bytes) resident per one-node process, at its peak. */
export const MEMORY_TARGET_MB = 60;

/** A resident-memory figure in both units, so it compares with a target in either. */
export interface Rss {
  /** Mebibytes, 2^20 bytes (what /proc and most tools show). */
  readonly mib: number;
  /** Megabytes, 10^6 bytes (the unit of MEMORY_TARGET_MB). */
  readonly mb: number;
}

export interface MemoryRow {
  readonly processes: number;
  readonly nodesPerProcess: number;
  readonly outcome: string;
  /** Median over processes, from spawn to the process's last "ready" line (start-up, bind, warm-up), ms. */
  readonly startupMedianMs: number | null;
  /** Median over processes of VmRSS idle after warm-up, VmRSS after the election, and VmHWM (the peak). */
  readonly readyRss: Rss | null;
  readonly decidedRss: Rss | null;
  readonly peakRss: Rss | null;
  /** The largest peak of any process. */
  readonly maxPeakRss: Rss | null;
  /** One-node processes: whether every process stayed within MEMORY_TARGET_MB; null for shared processes. */
  readonly targetMet: boolean | null;
}

/**
 * Resident memory of node processes, read from /proc/PID/status while they run: one node per
 * process, then many per process to show what a node costs beyond the Node.js runtime.
 */
export async function runMemoryBench(configs: readonly { nodes: number; processes: number }[], progress: Progress): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  for (const { nodes, processes } of configs) {
    const ids = randomIds(nodes, 11);
    const run = await spawnRing(ids, processes);
    const s = summarize(ids, 11, run.results, { electionMs: run.electionMs, elapsedMs: 0 });
    const known = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null);
    const medianOf = (xs: (number | null)[]) => (known(xs).length ? median(known(xs)) : null);
    const peaks = known(run.processes.map((p) => p.peakRssKiB));
    const maxPeak = peaks.length ? rss(max(peaks)) : null;
    const startup = medianOf(run.processes.map((p) => p.startupMs));
    rows.push({
      processes,
      nodesPerProcess: nodes / processes,
      outcome: s.outcome,
      startupMedianMs: startup === null ? null : round(startup, 0),
      readyRss: rss(medianOf(run.processes.map((p) => p.readyRssKiB))),
      decidedRss: rss(medianOf(run.processes.map((p) => p.decidedRssKiB))),
      peakRss: rss(medianOf(peaks)),
      maxPeakRss: maxPeak,
      targetMet: nodes === processes && maxPeak ? maxPeak.mb <= MEMORY_TARGET_MB : null,
    });
    progress(`memory: ${nodes} nodes in ${processes} processes: ${s.outcome}`);
  }
  return rows;
}

export function rss(kib: number): Rss;
export function rss(kib: number | null): Rss | null;
export function rss(kib: number | null): Rss | null {
  return kib === null ? null : { mib: round(kib / 1024, 1), mb: round((kib * 1024) / 1e6, 1) };
}
