/** The simulated network: loss, duplication, reordering, delays. */
import { delayRangeProblem } from '../config/delay.js';

/**
 * How the simulated network treats each datagram. Loss and duplication are independent per
 * datagram; delay is drawn uniformly from `delayMs`; without `reorder` each directed link
 * delivers in the order it was given datagrams (a datagram never overtakes an earlier one on
 * the same link), with it they overtake freely. Across links the interleaving is always the
 * scheduler's: random delays, and a seeded random order among events due at the same instant
 * unless `fifo` asks for queue order with a fixed delay.
 */
export interface NetworkModel {
  /** Probability in [0, 1) that a datagram is lost. */
  readonly loss: number;
  /** Probability in [0, 1] that a datagram is delivered twice (each copy delayed independently). */
  readonly duplicate: number;
  readonly reorder: boolean;
  /** Inclusive range of one-way delays, virtual ms. */
  readonly delayMs: readonly [number, number];
  /** Deliver everything in the order it was sent, after exactly delayMs[0]: a global FIFO. */
  readonly fifo: boolean;
}

/** A reliable network with random small delays: arbitrary interleavings across links, FIFO per link. */
export const RELIABLE: NetworkModel = { loss: 0, duplicate: 0, reorder: false, delayMs: [1, 10], fifo: false };

/** Why a model is unusable, or undefined. Loss must stay below 1, or nothing could ever finish. */
export function networkModelProblem(m: NetworkModel): string | undefined {
  if (!(m.loss >= 0 && m.loss < 1)) return `loss must be in [0, 1), got ${m.loss}`;
  if (!(m.duplicate >= 0 && m.duplicate <= 1)) return `duplication must be in [0, 1], got ${m.duplicate}`;
  return delayRangeProblem(m.delayMs[0], m.delayMs[1]);
}

