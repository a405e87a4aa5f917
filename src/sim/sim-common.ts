/** What both simulators share: option checks, seeded scheduling, result assembly, time limits. */
import type { LinkConfig } from '../link/config.js';
import { SeededRandom } from '../util/random.js';
import { type NetworkModel, RELIABLE, networkModelProblem } from './network-model.js';
import type { SimOptions, SimResult } from './simulator.js';

/**
 * Checks what every simulator needs of `options` (at least one node, unique ids, a sound network
 * model, and whatever `extra` asks of the model) and returns the network model to use.
 */
export function checkSimOptions(options: SimOptions, extra?: (model: NetworkModel) => string | undefined): NetworkModel {
  const n = options.ids.length;
  if (n < 1) throw new RangeError('a ring needs at least one node');
  if (new Set(options.ids).size !== n) throw new RangeError('ids must be unique');
  const model = options.network ?? RELIABLE;
  const problem = networkModelProblem(model) ?? extra?.(model);
  if (problem) throw new RangeError(problem);
  return model;
}

/**
 * The seeded draws both simulators make, in one place so that they draw alike: the same seed and
 * the same sends give the same delays and tie-breaks over the full link and over ideal channels.
 */
export class Scheduler {
  /** The network's stream: delays, ties, and (full link only) loss and duplication. */
  readonly rng: SeededRandom;
  private counter = 0;
  private readonly lo: number;
  private readonly hi: number;
  private readonly fifo: boolean;
  private readonly reorder: boolean;

  constructor(model: NetworkModel, seed: number) {
    this.rng = new SeededRandom(seed);
    [this.lo, this.hi] = model.delayMs;
    this.fifo = model.fifo;
    this.reorder = model.reorder;
  }

  /** Tie-break among events due at one instant: seeded random, or queue order under fifo. */
  nextOrder(): number {
    this.counter += 1;
    return this.fifo ? this.counter : this.rng.next();
  }

  /** A message's delay: fixed at the shortest under global FIFO, else drawn from the range. */
  delay(): number {
    return this.fifo || this.hi === this.lo ? this.lo : this.lo + (this.hi - this.lo) * this.rng.next();
  }

  /**
   * When a message sent at `now` arrives: after a drawn delay, but unless the network reorders,
   * never before the previous message on its link, whose arrival `last[link]` holds (and is updated).
   */
  arrival(now: number, last: Float64Array, link: number): number {
    let at = now + this.delay();
    if (!this.reorder) {
      // Never overtake the previous message on this link; the small step keeps the order strict.
      const previous = last[link]!;
      if (at <= previous) at = previous + 1e-3;
      last[link] = at;
    }
    return at;
  }
}

/** When a simulated node stopped, as its stall reason ends. */
export function virtualTime(now: number): string {
  return `at virtual time ${now} ms`;
}

/** What a simulator hands simResult(): the result's own parts, and what electionMs and timedOut come from. */
export interface ResultParts {
  readonly linkMode: SimResult['linkMode'];
  readonly results: SimResult['results'];
  /** Nodes that decided, and the virtual time of the last decision. */
  readonly decisions: number;
  readonly lastDecisionMs: number;
  readonly now: number;
  readonly inFlight: SimResult['inFlight'];
  readonly network: SimResult['network'];
  readonly events: number;
  /** The time limit stopped the run (it counts only if something was left unfinished). */
  readonly stopped: boolean;
}

/** Assembles a result, alike for both simulators. */
export function simResult(options: SimOptions, p: ResultParts): SimResult {
  return {
    ids: options.ids,
    seed: options.seed,
    linkMode: p.linkMode,
    results: p.results,
    electionMs: p.decisions === options.ids.length ? p.lastDecisionMs : null,
    elapsedMs: p.now,
    inFlight: p.inFlight,
    network: p.network,
    events: p.events,
    timedOut: p.stopped && (p.inFlight.datagrams > 0 || p.results.some((r) => r.outcome !== 'ok')),
  };
}

/**
 * A virtual-time budget no correct run should need. An election's longest causal chain is some
 * 5n sequential hops for LCR and about 6n for HS (criticalPathHops in src/bench/latency.ts), each
 * costing a delay plus, under loss, retries of up to maxRto; twenty times n hops (over three
 * times HS's chain), plus time for the final acknowledgements and linger. Without a `link` the
 * channels are ideal (exactly once, no acks, retries, timers or linger), so a hop is just the
 * longest delay and a millisecond.
 */
export function defaultTimeLimitMs(n: number, model: NetworkModel, link?: LinkConfig): number {
  const retries = model.loss / (1 - model.loss);
  const hopMs = model.delayMs[1] + 1 + (link ? link.ackDelayMs + retries * link.maxRtoMs * (1 + link.jitter) : 0);
  const finishMs = link ? 10 * (link.lingerMs + link.maxRtoMs) : 0;
  return Math.ceil(4 * 5 * n * hopMs + finishMs + 60_000);
}
