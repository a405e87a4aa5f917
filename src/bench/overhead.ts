/** The overhead part: datagrams per algorithm message under loss, for several ack delays (simulator). */
import { randomIds } from '../config/ids.js';
import { DEFAULT_LINK_CONFIG, type LinkConfig } from '../link/config.js';
import { type NetworkModel, RELIABLE } from '../sim/network-model.js';
import { simElection } from './sim-run.js';
import { mean, round } from './stats.js';
import type { Progress } from './progress.js';

export interface OverheadPlan {
  readonly sizes: readonly number[];
  readonly losses: readonly number[];
  /** Ack delays to compare; the configured default is always included and marked. */
  readonly ackDelaysMs: readonly number[];
  readonly seeds: number;
  /** Simulated one-way delay ranges (ms) to compare: loopback-like and the simulator's default. */
  readonly delays: readonly (readonly [number, number])[];
}

/** One-way delays like those of loopback UDP between processes (the latency part measures the real ones). */
export const LOOPBACK_DELAY_MS: readonly [number, number] = [0.05, 0.3];

export const FULL_OVERHEAD: OverheadPlan = {
  sizes: [64, 256],
  losses: [0, 0.1, 0.3],
  ackDelaysMs: [0, 5, 9, 20, 50],
  seeds: 10,
  delays: [LOOPBACK_DELAY_MS, RELIABLE.delayMs],
};

export const QUICK_OVERHEAD: OverheadPlan = {
  sizes: [16],
  losses: [0, 0.1, 0.3],
  ackDelaysMs: [],
  seeds: 2,
  delays: [LOOPBACK_DELAY_MS],
};

/** Wire cost of the algorithm messages at one loss rate and ack delay, averaged over seeds. */
export interface OverheadRow {
  readonly n: number;
  /** The simulated one-way delay range, ms. */
  readonly delayMs: readonly [number, number];
  readonly loss: number;
  readonly ackDelayMs: number;
  readonly isDefault: boolean;
  readonly runs: number;
  readonly algorithmMessages: number;
  /** Datagrams sent (data, retransmissions and pure acks) per algorithm message. */
  readonly datagramsPerMessage: number;
  readonly pureAcksPerMessage: number;
  readonly retransmissionsPerMessage: number;
  /** Mean virtual time to the last decision: what a longer ack delay costs under loss. */
  readonly electionMs: number;
}

/** Targets from the issue, reported beside the measurement and never asserted. */
export const OVERHEAD_TARGETS: Readonly<Record<string, number>> = { '0': 1.3, '0.1': 2.0 };

/** The link config with another ack delay, keeping the retransmission floor above twice the delay. */
export function withAckDelay(base: LinkConfig, ackDelayMs: number): LinkConfig {
  return { ...base, ackDelayMs, minRtoMs: Math.max(base.minRtoMs, 2 * ackDelayMs + 1) };
}

/** Datagrams per algorithm message in the simulator under loss, for each ack delay. */
export function runOverheadBench(plan: OverheadPlan, progress: Progress, base: LinkConfig = DEFAULT_LINK_CONFIG): OverheadRow[] {
  const delays = [...new Set([base.ackDelayMs, ...plan.ackDelaysMs])].sort((a, b) => a - b);
  const rows: OverheadRow[] = [];
  for (const delayMs of plan.delays) for (const n of plan.sizes) {
    for (const loss of plan.losses) {
      const network: NetworkModel = { ...RELIABLE, loss, delayMs };
      for (const ackDelayMs of delays) {
        const link = withAckDelay(base, ackDelayMs);
        const runs = Array.from({ length: plan.seeds }, (_, k) => simElection(randomIds(n, k + 1), k + 1, { network, link }));
        const msgs = runs.reduce((s, r) => s + r.summary.messages.total, 0);
        const d = (f: (r: (typeof runs)[number]) => number) => round(runs.reduce((s, r) => s + f(r), 0) / msgs);
        rows.push({
          n,
          delayMs,
          loss,
          ackDelayMs,
          isDefault: ackDelayMs === base.ackDelayMs,
          runs: runs.length,
          algorithmMessages: round(msgs / runs.length, 1),
          datagramsPerMessage: d((r) => r.summary.datagrams.sent),
          pureAcksPerMessage: d((r) => r.summary.datagrams.pureAcks),
          retransmissionsPerMessage: d((r) => r.summary.datagrams.retransmissions),
          electionMs: round(mean(runs.map((r) => r.virtualMs ?? Number.NaN)), 1),
        });
      }
      progress(`overhead: delay ${delayMs.join('-')} ms, n = ${n}, loss ${loss * 100}% done`);
    }
  }
  return rows;
}
