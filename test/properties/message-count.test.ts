/** MessageCount: HS and LCR send exactly the counts an independent reference computes for each arrangement of ids. */
import test from 'ava';
import fc from 'fast-check';
import type { CoreFactory } from '../../src/core/election-core.js';
import { HsNode } from '../../src/core/hs.js';
import { LcrNode } from '../../src/core/lcr.js';
import type { NetworkModel } from '../../src/sim/network-model.js';
import { simulate } from '../../src/sim/simulator.js';
import { driveCores } from '../helpers/core-driver.js';
import { checkCounts, formatReport } from '../helpers/count-check.js';
import { TraceObserver } from '../helpers/observed-step.js';
import { type Journey, hsJourneys, lcrJourneys, referenceCounts } from '../helpers/reference-counts.js';
import { assertProperty, runs } from './harness.js';

// MessageCount, exact: on small rings every run's messages, per kind and hop by hop, are the naive
// reference's journeys (test/helpers/reference-counts.ts, computed from Lynch §3.4 and §3.3
// without the core); a schedule can only cut late traffic at a node that has already decided.

const ALGORITHMS: { name: 'hs' | 'lcr'; core: CoreFactory; journeys: (ids: readonly number[]) => Journey[] }[] = [
  { name: 'hs', core: (id) => new HsNode(id), journeys: hsJourneys },
  { name: 'lcr', core: (id) => new LcrNode(id), journeys: lcrJourneys },
];

/** Every arrangement of the ids 1..n, as rings read from position 0 rightwards. */
function* arrangements(n: number): Generator<number[]> {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const permute = function* (rest: number[], prefix: number[]): Generator<number[]> {
    if (rest.length === 0) yield prefix;
    for (let i = 0; i < rest.length; i++) yield* permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...prefix, rest[i]!]);
  };
  yield* permute(ids, []);
}

const GLOBAL_FIFO: NetworkModel = { loss: 0, duplicate: 0, reorder: false, delayMs: [1, 1], fifo: true };

/** Runs `ids` in the simulator and returns the exact-count problems, or undefined. */
function simCountProblem(ids: readonly number[], a: (typeof ALGORITHMS)[number], seed: number, network: NetworkModel, linkMode: 'ideal' | 'full', exactTotals: boolean): string | undefined {
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

test('MessageCount: the reference walks the ring as the paper does (hand-counted rings)', (t) => {
  // 3,1,2: phase 0, 3 bounces both ways (2 probes, 2 replies); 1 is swallowed both ways (2
  // probes); 2 bounces off 1 but is swallowed by 3 (2 probes, 1 reply). Phase 1: 3 goes 2 hops
  // each way (4 probes, 4 replies). Phase 2: 3 goes round both ways (3 + 3 probes).
  t.deepEqual(referenceCounts(hsJourneys([3, 1, 2]), 3), { probe: 2 + 2 + 2 + 4 + 6, reply: 2 + 1 + 4, announcement: 3 });
  t.deepEqual(referenceCounts(hsJourneys([7]), 1), { probe: 2, reply: 0, announcement: 1 });
  // LCR, ids descending rightwards: the worst case n(n+1)/2 probes.
  t.deepEqual(referenceCounts(lcrJourneys([4, 3, 2, 1]), 4), { probe: 10, reply: 0, announcement: 4 });
  t.deepEqual(referenceCounts(lcrJourneys([1, 2, 3, 4]), 4), { probe: 1 + 1 + 1 + 4, reply: 0, announcement: 4 });
});

test('MessageCount: every arrangement of 1-7 nodes sends exactly the reference counts per kind under a global FIFO (HS and LCR)', (t) => {
  let rings = 0;
  for (const a of ALGORITHMS) {
    for (let n = 1; n <= 7; n++) {
      for (const ids of arrangements(n)) {
        const problem = simCountProblem(ids, a, n, GLOBAL_FIFO, 'ideal', true);
        if (problem !== undefined) return t.fail(problem);
        rings += 1;
      }
    }
  }
  t.is(rings, 2 * (1 + 2 + 6 + 24 + 120 + 720 + 5040));
});

test('MessageCount: every arrangement of 1-5 nodes over the full link sends exactly the reference counts under a global FIFO', (t) => {
  for (const a of ALGORITHMS) {
    for (let n = 1; n <= 5; n++) {
      for (const ids of arrangements(n)) {
        const problem = simCountProblem(ids, a, n, GLOBAL_FIFO, 'full', true);
        if (problem !== undefined) return t.fail(problem);
      }
    }
  }
  t.pass();
});

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

test('MessageCount: under any delivery order (nodes starting at any time) every message is a reference hop, cut only at decided nodes', (t) => {
  for (const a of ALGORITHMS) {
    assertProperty(
      `MessageCount ${a.name} any order`,
      fc.property(ring, delays, (ids, ds) => {
        const run = driveCores(ids, a.core, ds);
        const report = checkCounts(ids, a.journeys(ids), run.steps, true);
        if (!run.allDone) report.problems.push('not every node finished');
        if (report.problems.length > 0) throw new Error(`${a.name} ring ${ids.join(',')}: ${formatReport(report)}`);
      }),
      runs(400),
      false,
    );
  }
  t.pass();
});

const network: fc.Arbitrary<NetworkModel> = fc.record({
  loss: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 400 }).map((k) => k / 1000)),
  duplicate: fc.integer({ min: 0, max: 300 }).map((k) => k / 1000),
  reorder: fc.boolean(),
  delayMs: fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 40 })).map(([lo, w]): [number, number] => [lo, lo + w]),
  fifo: fc.constant(false),
});

test('MessageCount: in the simulator, with any schedule, loss and duplication, the counts per kind are the reference less late traffic cut at decided nodes', (t) => {
  for (const a of ALGORITHMS) {
    assertProperty(
      `MessageCount ${a.name} simulator`,
      fc.property(ring, fc.integer({ min: 0, max: 2 ** 31 - 1 }), network, fc.boolean(), (ids, seed, net, ideal) => {
        const linkMode = ideal ? 'ideal' : 'full';
        const model = ideal ? { ...net, loss: 0, duplicate: 0 } : net;
        const problem = simCountProblem(ids, a, seed, model, linkMode, false);
        if (problem !== undefined) throw new Error(problem);
      }),
      runs(150),
      false,
    );
  }
  t.pass();
});
