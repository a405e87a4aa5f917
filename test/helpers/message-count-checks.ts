/**
 * The MessageCount checks of test/properties/message-count.test.ts, for any ring core: the exact
 * counts over every small arrangement, and the hop-by-hop check under any delivery order, in the
 * simulator, and with replies that come home twice. Each returns the first problem found, or
 * undefined, so the same checks can also be run against a deliberately wrong core.
 */
import fc from 'fast-check';
import type { CoreFactory } from '../../src/core/election-core.js';
import type { NetworkModel } from '../../src/sim/network-model.js';
import { simulate } from '../../src/sim/simulator.js';
import { driveCores } from './core-driver.js';
import { checkCounts, formatReport } from './count-check.js';
import { TraceObserver } from './observed-step.js';
import type { Journey } from './reference-counts.js';

/** A ring algorithm as the checks see it: a core and the reference's journeys for it. */
export interface CountedAlgorithm {
  readonly name: string;
  readonly core: CoreFactory;
  readonly journeys: (ids: readonly number[]) => Journey[];
}

/** Every arrangement of the ids 1..n, as rings read from position 0 rightwards. */
export function* arrangements(n: number): Generator<number[]> {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const permute = function* (rest: number[], prefix: number[]): Generator<number[]> {
    if (rest.length === 0) yield prefix;
    for (let i = 0; i < rest.length; i++) yield* permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...prefix, rest[i]!]);
  };
  yield* permute(ids, []);
}

const GLOBAL_FIFO: NetworkModel = { loss: 0, duplicate: 0, reorder: false, delayMs: [1, 1], fifo: true };

/** Runs `ids` in the simulator and returns the exact-count problems, or undefined. */
function simCountProblem(ids: readonly number[], a: CountedAlgorithm, seed: number, network: NetworkModel, linkMode: 'ideal' | 'full', exactTotals: boolean): string | undefined {
  const observer = new TraceObserver(ids);
  const run = simulate({ ids, seed, network, linkMode, core: a.core, onTrace: observer.onTrace });
  const report = checkCounts(ids, a.journeys(ids), observer.steps, linkMode === 'ideal');
  const problems = [...report.problems];
  const reported = { probe: 0, reply: 0, announcement: 0 };
  for (const r of run.results) for (const k of ['probe', 'reply', 'announcement'] as const) reported[k] += r.messages.sent[k];
  if (JSON.stringify(reported) !== JSON.stringify(report.sent)) problems.push(`the simulator reports ${JSON.stringify(reported)} sent, its trace shows ${JSON.stringify(report.sent)}`);
  if (run.results.some((r) => r.outcome !== 'ok')) problems.push('the run did not terminate');
  if (exactTotals && JSON.stringify(report.sent) !== JSON.stringify(report.reference)) problems.push('the counts per kind differ from the reference');
  return problems.length === 0 ? undefined : `${a.name} ring ${ids.join(',')} seed ${seed} ${linkMode}: ${formatReport({ ...report, problems })}`;
}

/**
 * Every arrangement of 1..maxNodes under a global FIFO: the counts per kind equal the reference
 * exactly, hop by hop. Returns the first ring's problems and how many rings were run.
 */
export function exactCountProblem(a: CountedAlgorithm, maxNodes: number, linkMode: 'ideal' | 'full'): { problem: string | undefined; rings: number } {
  let rings = 0;
  for (let n = 1; n <= maxNodes; n++) {
    for (const ids of arrangements(n)) {
      const problem = simCountProblem(ids, a, n, GLOBAL_FIFO, linkMode, true);
      if (problem !== undefined) return { problem, rings };
      rings += 1;
    }
  }
  return { problem: undefined, rings };
}

/** Small rings of distinct ids in any arrangement (readable when shrunk). */
const ring = fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { minLength: 1, maxLength: 8 });

/**
 * Delays per start and per message: mostly a few ticks, some longer, and now and then one that a
 * whole election overtakes (the late traffic that only a decided node's discard stops).
 */
const delays = fc.array(
  fc.oneof({ arbitrary: fc.nat(3), weight: 30 }, { arbitrary: fc.nat(2000), weight: 2 }, { arbitrary: fc.constant(1_000_000), weight: 1 }),
  { maxLength: 300, size: 'max' },
);

/**
 * Any delivery order over exactly-once channels, nodes starting at any time: every message is a
 * reference hop, cut only at decided nodes. With `replyHomeTwice`, every reply on its last hop
 * (to its origin) is delivered a second time at its own delay, as a link that let a replayed
 * datagram through would: the origin must ignore the copy, so the check stays the same. With
 * `misusingDriver`, every node is started twice and handed messages before its start (see
 * driveCores): the core must refuse both, so again the check stays the same.
 */
export function anyOrderProperty(a: CountedAlgorithm, replyHomeTwice = false, misusingDriver = false) {
  return fc.property(ring, delays, (ids, ds) => {
    const replay = replyHomeTwice ? (m: { kind: string; origin?: number }, to: number) => m.kind === 'reply' && m.origin === ids[to] : undefined;
    const run = driveCores(ids, a.core, ds, replay, misusingDriver);
    const report = checkCounts(ids, a.journeys(ids), run.steps, true);
    if (!run.allDone) report.problems.push('not every node finished');
    if (report.problems.length > 0) throw new Error(`${a.name} ring ${ids.join(',')}: ${formatReport(report)}`);
  });
}

const network: fc.Arbitrary<NetworkModel> = fc.record({
  loss: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 400 }).map((k) => k / 1000)),
  duplicate: fc.integer({ min: 0, max: 300 }).map((k) => k / 1000),
  reorder: fc.boolean(),
  delayMs: fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 40 })).map(([lo, w]): [number, number] => [lo, lo + w]),
  fifo: fc.constant(false),
});

/** The simulator with any schedule, loss and duplication (over the full link or ideal channels): the reference less late traffic cut at decided nodes. */
export function simulatorProperty(a: CountedAlgorithm) {
  return fc.property(ring, fc.integer({ min: 0, max: 2 ** 31 - 1 }), network, fc.boolean(), (ids, seed, net, ideal) => {
    const linkMode = ideal ? 'ideal' : 'full';
    const model = ideal ? { ...net, loss: 0, duplicate: 0 } : net;
    const problem = simCountProblem(ids, a, seed, model, linkMode, false);
    if (problem !== undefined) throw new Error(problem);
  });
}
