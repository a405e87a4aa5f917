/** One simulated election for the bench, checked to have elected the maximum. */
import { summarize, type RingSummary } from '../cluster/ring-summary.js';
import type { LinkConfig } from '../link/config.js';
import { type Algorithm, coreFor } from '../sim/algorithms.js';
import { type NetworkModel, RELIABLE } from '../sim/network-model.js';
import { simulate } from '../sim/simulator.js';

export type { Algorithm };

/** One simulated election, summarised like a launched ring, with the simulator's own counts. */
export interface SimRun {
  readonly summary: RingSummary;
  readonly events: number;
  readonly wallMs: number;
  readonly virtualMs: number | null;
}

/**
 * Runs one simulated election and fails loudly if it did not elect the maximum: a benchmark
 * of a wrong run would measure nothing.
 */
export function simElection(
  ids: readonly number[],
  seed: number,
  opts: { algorithm?: Algorithm; network?: NetworkModel; link?: LinkConfig } = {},
): SimRun {
  const algorithm = opts.algorithm ?? 'hs';
  const core = coreFor(algorithm);
  const t0 = performance.now();
  const r = simulate({
    ids,
    seed,
    network: opts.network ?? RELIABLE,
    core,
    ...(opts.link ? { link: opts.link } : {}),
  });
  const wallMs = performance.now() - t0;
  const summary = summarize(ids, seed, r.results, { electionMs: r.electionMs, elapsedMs: r.elapsedMs }, algorithm);
  if (summary.outcome !== 'elected') {
    throw new Error(`simulated ${algorithm} election of ${ids.length} (seed ${seed}) ended ${summary.outcome}`);
  }
  return { summary, events: r.events, wallMs, virtualMs: r.electionMs };
}
