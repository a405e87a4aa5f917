/** The messages part: HS messages against the bound and LCR, over sizes and id orders (simulator). */
import { ALGORITHMS } from '../core/algorithms.js';
import { randomIds } from '../config/ids.js';
import { ORDERS, type Order, arrange } from '../sim/orders.js';
import { type Algorithm, simElection } from './sim-run.js';
import { harmonic, max, mean, min, round } from './stats.js';
import type { Progress } from './progress.js';

/** What the message benchmark sweeps. */
export interface MessagesPlan {
  readonly sizes: readonly number[];
  /** Seeds per random-order size (each seed draws other ids, so another permutation). */
  readonly randomSeeds: (n: number) => number;
  /** Seeds per adversarial order (the placement is fixed; the seed varies the schedule). */
  readonly adversarialSeeds: number;
  /** LCR runs predicted to need more messages than this are computed, not simulated (too slow). */
  readonly maxSimulatedLcrMessages: number;
}

export const FULL_MESSAGES: MessagesPlan = {
  sizes: [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096],
  randomSeeds: (n) => (n <= 256 ? 30 : n <= 1024 ? 10 : 4),
  adversarialSeeds: 2,
  maxSimulatedLcrMessages: 2_500_000,
};

export const QUICK_MESSAGES: MessagesPlan = {
  sizes: [8, 16, 32],
  randomSeeds: () => 3,
  adversarialSeeds: 1,
  maxSimulatedLcrMessages: 100_000,
};

/** Messages of one algorithm on one id order and ring size, over its seeds. */
export interface MessagesRow {
  readonly algorithm: Algorithm;
  readonly order: Order;
  readonly n: number;
  readonly runs: number;
  /** Runs whose count came from the exact LCR formula instead of the simulator (the registry's exactMessages). */
  readonly computed: number;
  readonly mean: number;
  readonly max: number;
  readonly min: number;
  /** HS: 8n(1+ceil(log2 n))+n. LCR: its worst case n(n+1)/2 + n. */
  readonly bound: number;
  readonly maxOverBound: number;
  /** Messages divided by n·log2 n: flat for an O(n log n) algorithm. */
  readonly meanPerNLogN: number;
  readonly maxPerNLogN: number;
}

/** Per ring size: HS against its bound and against LCR. */
export interface MessagesComparison {
  readonly n: number;
  readonly bound: number;
  /** Largest HS count over every order and seed. */
  readonly hsMax: number;
  readonly hsMaxOrder: Order;
  readonly hsMaxOverBound: number;
  /** Mean over random orders. */
  readonly hsMeanRandom: number;
  readonly lcrMeanRandom: number;
  /** LCR's expected mean for random orders: n·H_n probe hops + n announcements. */
  readonly lcrMeanTheory: number;
  /** Largest LCR count over every order (descending: n(n+1)/2 + n). */
  readonly lcrMax: number;
  readonly lcrMaxOrder: Order;
  readonly hsOverLcrMean: number;
  readonly hsOverLcrWorst: number;
}

export interface MessagesResult {
  readonly rows: MessagesRow[];
  readonly comparison: MessagesComparison[];
}


/** Sweeps ring sizes, id orders and seeds for HS and LCR in the simulator. */
export function runMessagesBench(plan: MessagesPlan, progress: Progress): MessagesResult {
  const rows: MessagesRow[] = [];
  for (const n of plan.sizes) {
    for (const order of ORDERS) {
      const seeds = order === 'random' ? plan.randomSeeds(n) : plan.adversarialSeeds;
      for (const algorithm of ['hs', 'lcr'] as const) {
        const counts: number[] = [];
        let computed = 0;
        for (let s = 1; s <= seeds; s++) {
          const ids = arrange(randomIds(n, s), order);
          const exact = ALGORITHMS[algorithm].exactMessages?.(ids);
          if (exact !== undefined && exact > plan.maxSimulatedLcrMessages) {
            counts.push(exact);
            computed += 1;
            continue;
          }
          const run = simElection(ids, s, { algorithm });
          counts.push(run.summary.messages.total);
          if (exact !== undefined && run.summary.messages.total !== exact) {
            throw new Error(`${algorithm} on ${n} (${order}, seed ${s}): simulator counted ${run.summary.messages.total}, formula ${exact}`);
          }
        }
        rows.push(row(algorithm, order, n, counts, computed));
      }
    }
    progress(`messages: n = ${n} done`);
  }
  return { rows, comparison: plan.sizes.map((n) => compare(n, rows.filter((r) => r.n === n))) };
}

function row(algorithm: Algorithm, order: Order, n: number, counts: number[], computed: number): MessagesRow {
  const bound = ALGORITHMS[algorithm].messageBound(n);
  const nlogn = n * Math.log2(n);
  return {
    algorithm,
    order,
    n,
    runs: counts.length,
    computed,
    mean: round(mean(counts), 1),
    max: max(counts),
    min: min(counts),
    bound,
    maxOverBound: round(max(counts) / bound),
    meanPerNLogN: round(mean(counts) / nlogn),
    maxPerNLogN: round(max(counts) / nlogn),
  };
}

function compare(n: number, rows: MessagesRow[]): MessagesComparison {
  const hs = rows.filter((r) => r.algorithm === 'hs');
  const lcr = rows.filter((r) => r.algorithm === 'lcr');
  const worst = (rs: MessagesRow[]) => rs.reduce((a, b) => (b.max > a.max ? b : a));
  const hsW = worst(hs);
  const lcrW = worst(lcr);
  const hsRandom = hs.find((r) => r.order === 'random')!;
  const lcrRandom = lcr.find((r) => r.order === 'random')!;
  return {
    n,
    bound: ALGORITHMS.hs.messageBound(n),
    hsMax: hsW.max,
    hsMaxOrder: hsW.order,
    hsMaxOverBound: round(hsW.max / ALGORITHMS.hs.messageBound(n)),
    hsMeanRandom: hsRandom.mean,
    lcrMeanRandom: lcrRandom.mean,
    lcrMeanTheory: round(n * harmonic(n) + n, 1),
    lcrMax: lcrW.max,
    lcrMaxOrder: lcrW.order,
    hsOverLcrMean: round(hsRandom.mean / lcrRandom.mean),
    hsOverLcrWorst: round(hsW.max / lcrW.max),
  };
}
