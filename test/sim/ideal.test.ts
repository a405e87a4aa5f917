/** The simulator over ideal channels: every property on random rings, and counts that do not depend on the schedule. */
import test from 'ava';
import fc from 'fast-check';
import { summarize } from '../../src/cluster/ring-summary.js';
import { LcrNode, lcrMessageBound } from '../../src/core/lcr.js';
import type { TraceEvent } from '../../src/core/trace.js';
import { randomIds } from '../../src/config/ids.js';
import { coreFor } from '../../src/sim/algorithms.js';
import { arrange } from '../../src/sim/orders.js';
import { type SimCase, idealCaseArbitrary } from '../properties/cases.js';
import { simCommandFor, simOptionsFor } from '../../src/sim/sim-case.js';
import { type SimOptions, simulate } from '../../src/sim/simulator.js';
import { assertProperty, runCase, runs, violation } from '../properties/harness.js';

// Ideal exactly-once channels (`linkMode: 'ideal'`): the cores alone, with the full simulator's
// delays. The same requirements as over the full link, named as in the spec, and agreement with
// the full link wherever the delivery order is the same.

const HS_RUNS = runs(150);
const SAME_STEPS_RUNS = runs(60);

/**
 * Every invariant of the full link's properties (harness.ts), and what only ideal channels
 * promise: a datagram per algorithm message, no more.
 */
function idealViolation(c: SimCase): string | undefined {
  const o = runCase(c, undefined, 'ideal');
  const problem = violation(o);
  if (problem !== undefined) return problem;
  const datagrams = o.run.results.reduce((s, r) => s + r.datagrams.sent, 0);
  return datagrams === o.messages ? undefined : `ideal channels: ${datagrams} datagrams for ${o.messages} algorithm messages`;
}

/**
 * Checks a property over idealCaseArbitrary: on failure the harness reports fast-check's seed,
 * path and shrunk case (as a `--link ideal` command) and HS_REPLAY=SEED:PATH to rerun it here;
 * `hs-ring sim --replay` draws from the full link's arbitrary, so it is not offered.
 */
function check(name: string, property: fc.IProperty<[SimCase]>, numRuns: number): void {
  assertProperty(name, property, numRuns, false, {}, 'ideal');
}

test('ideal: AtMostOneLeader, LeaderIsMax, Agreement, Termination and MessageBound on random rings and orders', (t) => {
  check(
    'ideal',
    fc.property(idealCaseArbitrary, (c) => {
      const problem = idealViolation(c);
      if (problem) throw new Error(problem);
    }),
    HS_RUNS,
  );
  t.pass();
});

test('ideal: MessageBound for HS at sizes around powers of two, every order', (t) => {
  for (const n of [1, 2, 3, 7, 8, 9, 255, 256, 257, 1000, 1025]) {
    for (const order of ['random', 'ascending', 'descending', 'bit-reversal', 'zigzag'] as const) {
      const c: SimCase = { algorithm: 'hs', ids: randomIds(n, n), order, seed: n, network: { loss: 0, duplicate: 0, reorder: false, delayMs: [1, 10], fifo: false } };
      const problem = idealViolation(c);
      t.is(problem, undefined, `n=${n} ${order}: ${simCommandFor(c, true)}`);
    }
  }
});

/** A run's core steps without DiscardLate, which the full link never shows once a node has finished. */
function steps(options: SimOptions): { trace: Omit<TraceEvent, 't'>[]; sent: number[] } {
  const trace: Omit<TraceEvent, 't'>[] = [];
  const run = simulate({
    ...options,
    onTrace: (e) => {
      if (e.action === 'DiscardLate') return;
      const { t: _t, ...rest } = e;
      trace.push(rest);
    },
  });
  return { trace, sent: run.results.map((r) => r.messages.sent.probe + r.messages.sent.reply + r.messages.sent.announcement) };
}

test("ideal: under a global FIFO it takes exactly the full link's steps and counts the same messages per node", (t) => {
  // With a fixed delay and ties in send order, both modes deliver the algorithm messages in the
  // same order (acks and timers never reorder them), so every core step must be the same.
  check(
    'same steps',
    fc.property(idealCaseArbitrary, (c) => {
      const options: SimOptions = { ...simOptionsFor(c), network: { ...c.network, fifo: true, reorder: true } };
      const full = steps(options);
      const ideal = steps({ ...options, linkMode: 'ideal' });
      if (JSON.stringify(full.sent) !== JSON.stringify(ideal.sent)) throw new Error(`messages per node differ: full ${full.sent}, ideal ${ideal.sent}`);
      if (JSON.stringify(full.trace) !== JSON.stringify(ideal.trace)) throw new Error('the core steps differ');
    }),
    SAME_STEPS_RUNS,
  );
  t.pass();
});

test('ideal: LCR message counts do not depend on the schedule, and match the full link', (t) => {
  // Per-link FIFO keeps every LCR probe ahead of the announcement that follows it, so each probe
  // travels exactly to the next larger id: the count is fixed by the ring alone.
  for (const order of ['random', 'descending', 'zigzag'] as const) {
    const ids = arrange(randomIds(60, 4), order);
    const core = coreFor('lcr')!;
    const counts = [1, 2].map((seed) => summarize(ids, seed, simulate({ ids, seed, core, linkMode: 'ideal' }).results, { electionMs: 0, elapsedMs: 0 }).messages.total);
    const full = summarize(ids, 1, simulate({ ids, seed: 1, core }).results, { electionMs: 0, elapsedMs: 0 }).messages.total;
    t.deepEqual(counts, [full, full], order);
  }
  const descending = arrange(Array.from({ length: 500 }, (_, i) => i + 1), 'descending');
  const run = simulate({ ids: descending, seed: 9, core: (id) => new LcrNode(id), linkMode: 'ideal' });
  t.is(run.results.reduce((s, r) => s + r.messages.sent.probe + r.messages.sent.announcement, 0), lcrMessageBound(500));
});

test('ideal: the same seed gives an identical result and trace; results feed summarize()', (t) => {
  const options: SimOptions = { ids: randomIds(300, 2), seed: 77, network: { loss: 0, duplicate: 0, reorder: true, delayMs: [0, 5], fifo: false }, linkMode: 'ideal' };
  const runTraced = () => {
    const trace: TraceEvent[] = [];
    return { run: simulate({ ...options, onTrace: (e) => trace.push(e) }), trace };
  };
  const a = runTraced();
  const b = runTraced();
  t.deepEqual(a.run, b.run);
  t.deepEqual(a.trace, b.trace);
  t.deepEqual(simulate(options), a.run, 'tracing does not change the run');
  const s = summarize(options.ids, 77, a.run.results, a.run);
  t.is(s.outcome, 'elected');
  t.is(a.run.linkMode, 'ideal');
  t.is(s.datagrams.sent, s.messages.total);
  t.deepEqual([s.datagrams.retransmissions, s.datagrams.pureAcks, s.datagrams.duplicates], [0, 0, 0]);
  t.is(a.run.network.delivered, s.messages.total);
});

test('ideal: refuses loss and duplication, which exactly-once channels cannot have', (t) => {
  const ids = [1, 2, 3];
  t.throws(() => simulate({ ids, seed: 1, linkMode: 'ideal', network: { loss: 0.1, duplicate: 0, reorder: false, delayMs: [1, 10], fifo: false } }), {
    instanceOf: RangeError,
    message: /exactly once/,
  });
  t.throws(() => simulate({ ids, seed: 1, linkMode: 'ideal', network: { loss: 0, duplicate: 0.5, reorder: false, delayMs: [1, 10], fifo: false } }), {
    instanceOf: RangeError,
  });
});

test('ideal: a time limit leaves undecided nodes stalled and counts the messages still in flight', (t) => {
  const run = simulate({ ids: randomIds(50, 3), seed: 1, linkMode: 'ideal', timeLimitMs: 5 });
  t.true(run.timedOut);
  t.true(run.inFlight.datagrams > 0);
  t.true(run.results.every((r) => r.outcome === 'stalled' && r.stall !== undefined));
  const received = run.results.reduce((s, r) => s + r.datagrams.received, 0);
  const sent = run.results.reduce((s, r) => s + r.datagrams.sent, 0);
  t.is(sent - received, run.inFlight.datagrams);
});
