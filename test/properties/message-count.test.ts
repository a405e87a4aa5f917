/** MessageCount: HS and LCR send exactly the counts an independent reference computes for each arrangement of ids. */
import test from 'ava';
import { HsNode } from '../../src/core/hs.js';
import { LcrNode } from '../../src/core/lcr.js';
import { type CountedAlgorithm, anyOrderProperty, exactCountProblem, simulatorProperty } from '../helpers/message-count-checks.js';
import { hsJourneys, lcrJourneys, referenceCounts } from '../helpers/reference-counts.js';
import { assertProperty, runs } from './harness.js';

// MessageCount, exact: on small rings every run's messages, per kind and hop by hop, are the naive
// reference's journeys (test/helpers/reference-counts.ts, computed from Lynch §3.4 and §3.3
// without the core); a schedule can only cut late traffic at a node that has already decided.

const ALGORITHMS: CountedAlgorithm[] = [
  { name: 'hs', core: (id) => new HsNode(id), journeys: hsJourneys },
  { name: 'lcr', core: (id) => new LcrNode(id), journeys: lcrJourneys },
];

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
  for (const a of ALGORITHMS) {
    const { problem, rings } = exactCountProblem(a, 7, 'ideal');
    if (problem !== undefined) return t.fail(problem);
    t.is(rings, 1 + 2 + 6 + 24 + 120 + 720 + 5040, a.name);
  }
});

test('MessageCount: every arrangement of 1-5 nodes over the full link sends exactly the reference counts under a global FIFO', (t) => {
  for (const a of ALGORITHMS) {
    const { problem } = exactCountProblem(a, 5, 'full');
    if (problem !== undefined) return t.fail(problem);
  }
  t.pass();
});

test('MessageCount: under any delivery order (nodes starting at any time) every message is a reference hop, cut only at decided nodes', (t) => {
  for (const a of ALGORITHMS) assertProperty(`MessageCount ${a.name} any order`, anyOrderProperty(a), runs(400), false);
  t.pass();
});

test('MessageCount: a reply that comes home twice (a replayed datagram past the link) changes nothing: every message is still a reference hop', (t) => {
  // The link delivers exactly once; this is the origin's own guard should a copy ever get through. HS only: LCR sends no replies.
  const hs = ALGORITHMS[0]!;
  assertProperty('MessageCount hs reply home twice', anyOrderProperty(hs, true), runs(400), false);
  t.pass();
});

test('MessageCount: a driver that starts every node twice and hands nodes messages before their start changes nothing: the core refuses both, so every message is still a reference hop', (t) => {
  for (const a of ALGORITHMS) assertProperty(`MessageCount ${a.name} misusing driver`, anyOrderProperty(a, false, true), runs(400), false);
  t.pass();
});

test('MessageCount: in the simulator, with any schedule, loss and duplication, the counts per kind are the reference less late traffic cut at decided nodes', (t) => {
  for (const a of ALGORITHMS) assertProperty(`MessageCount ${a.name} simulator`, simulatorProperty(a), runs(150), false);
  t.pass();
});
