import { summarize } from '../cli/summary.js';
import { randomIds } from '../config/ids.js';
import { spawnRing } from './procs.js';
import type { Progress } from './progress.js';
import { max, median, round } from './stats.js';

export interface MemoryRow {
  readonly processes: number;
  readonly nodesPerProcess: number;
  readonly outcome: string;
  /** Median over processes, MiB: idle after warm-up, after the election, and the peak. */
  readonly readyRssMiB: number | null;
  readonly decidedRssMiB: number | null;
  readonly peakRssMiB: number | null;
  readonly maxPeakRssMiB: number | null;
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
    const mib = (xs: (number | null)[]) => {
      const v = xs.filter((x): x is number => x !== null);
      return v.length ? round(median(v) / 1024, 1) : null;
    };
    const peaks = run.processes.map((p) => p.peakRssKiB).filter((x): x is number => x !== null);
    rows.push({
      processes,
      nodesPerProcess: nodes / processes,
      outcome: s.outcome,
      readyRssMiB: mib(run.processes.map((p) => p.readyRssKiB)),
      decidedRssMiB: mib(run.processes.map((p) => p.decidedRssKiB)),
      peakRssMiB: mib(run.processes.map((p) => p.peakRssKiB)),
      maxPeakRssMiB: peaks.length ? round(max(peaks) / 1024, 1) : null,
    });
    progress(`memory: ${nodes} nodes in ${processes} processes: ${s.outcome}`);
  }
  return rows;
}
