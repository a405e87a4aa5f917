/**
 * Four ways to get HS wrong, each applied by hand to a copy of the core and run through the
 * MessageCount checks of message-count.test.ts: which check fails on each, with which problem.
 * A usage error shows in the counts only when a driver misuses the core: the check with a
 * driver that starts each node twice fails on that mutant, and the contract check fails too.
 */
import test from 'ava';
import fc from 'fast-check';
import { type CountedAlgorithm, anyOrderProperty, exactCountProblem, simulatorProperty } from '../helpers/message-count-checks.js';
import { type CoreChange, type PatchedCore, loadPatchedCore } from '../helpers/patched-core.js';
import { hsJourneys } from '../helpers/reference-counts.js';

/** The seed the property checks run with here, so each failure below is the same every run. */
const SEED = 1;

async function withMutant(changes: readonly CoreChange[], check: (a: CountedAlgorithm, core: PatchedCore) => void): Promise<void> {
  const { core, dispose } = await loadPatchedCore(changes);
  try {
    check({ name: 'hs', core: (id) => new core.HsNode(id), journeys: hsJourneys }, core);
  } finally {
    dispose();
  }
}

/** The check's first failure (fast-check's shrunk case), or undefined if it passed. */
function propertyFailure(property: fc.IProperty<[number[], number[]]> | fc.IProperty<[number[], number, unknown, boolean]>, numRuns: number): string | undefined {
  const d = fc.check(property as fc.IProperty<unknown[]>, { numRuns, seed: SEED });
  return d.failed ? String(d.errorInstance) : undefined;
}

/** Each count check on the mutant: undefined where it passes, the first problem where it fails. */
function allCountChecks(a: CountedAlgorithm) {
  return {
    exactIdeal: exactCountProblem(a, 7, 'ideal').problem,
    exactFull: exactCountProblem(a, 5, 'full').problem,
    anyOrder: propertyFailure(anyOrderProperty(a), 400),
    simulator: propertyFailure(simulatorProperty(a), 150),
    replyHomeTwice: propertyFailure(anyOrderProperty(a, true), 400),
    misusingDriver: propertyFailure(anyOrderProperty(a, false, true), 400),
  };
}

const RESET_LEFT: CoreChange = { file: 'hs.ts', from: 'this.repliedLeft = false;', to: 'this.repliedLeft = true;' };
const RESET_RIGHT: CoreChange = { file: 'hs.ts', from: 'this.repliedRight = false;', to: 'this.repliedRight = true;' };
// The second of the two `knowsLeader()` checks, the one in onReply.
const RELAY_ONCE_DECIDED: CoreChange = { file: 'hs.ts', from: 'if (this.knowsLeader()) return discard();\n    if (origin !== this.id) {', to: 'if (false) return discard();\n    if (origin !== this.id) {' };
const OTHER_PHASE_COUNTED: CoreChange = { file: 'hs.ts', from: 'if (phase !== this.phase) return discard();', to: '' };
const START_TWICE_UNCHECKED: CoreChange = { file: 'announcing-node.ts', from: "if (this.status !== 'idle') throw new CoreUsageError('start() called twice');", to: '' };
const RECEIVE_BEFORE_START_UNCHECKED: CoreChange = { file: 'announcing-node.ts', from: "if (this.status === 'idle') throw new CoreUsageError('receive() before start()');", to: '' };

test('(1) a reply flag left set at the phase reset: the exact count over every arrangement fails (a node starts the next phase after one reply)', async (t) => {
  await withMutant([RESET_LEFT], (a) => {
    const problem = exactCountProblem(a, 7, 'ideal').problem;
    t.log(problem);
    t.regex(problem ?? '', /sent a probe of \d+ in phase \d+ travelling (left|right), a journey the reference never makes/);
  });
  await withMutant([RESET_RIGHT], (a) => {
    const problem = exactCountProblem(a, 7, 'ideal').problem;
    t.log(problem);
    t.regex(problem ?? '', /started phase \d+ before both of its phase-\d+ replies were back/);
  });
});

test('(2) a reply relayed instead of discarded once the leader is known: the any-order check fails (a decided node sends)', async (t) => {
  await withMutant([RELAY_ONCE_DECIDED], (a) => {
    const problem = propertyFailure(anyOrderProperty(a), 400);
    t.log(problem);
    t.regex(problem ?? '', /node \d+ sent [a-z, ]+ after it had decided/);
  });
});

test('(3) a reply of another phase counted: over exactly-once channels no count check can see it; a reply that comes home twice does', async (t) => {
  await withMutant([OTHER_PHASE_COUNTED], (a) => {
    const checks = allCountChecks(a);
    t.log(checks.replyHomeTwice);
    // Phase k+1 starts only once both phase-k replies are in, so over exactly-once channels no reply of another phase ever reaches its origin.
    t.deepEqual({ ...checks, replyHomeTwice: undefined, misusingDriver: undefined }, { exactIdeal: undefined, exactFull: undefined, anyOrder: undefined, simulator: undefined, replyHomeTwice: undefined, misusingDriver: undefined });
    t.regex(checks.replyHomeTwice ?? '', /a journey the reference never makes|started phase \d+ before both of its phase-\d+ replies were back/);
  });
});

test('(4) usage errors unchecked (start twice, receive before start): the checks with a correct driver pass; a driver that starts a node twice sees its probes sent again', async (t) => {
  await withMutant([START_TWICE_UNCHECKED, RECEIVE_BEFORE_START_UNCHECKED], (a, core) => {
    const checks = allCountChecks(a);
    t.log(checks.misusingDriver);
    t.deepEqual({ ...checks, misusingDriver: undefined }, { exactIdeal: undefined, exactFull: undefined, anyOrder: undefined, simulator: undefined, replyHomeTwice: undefined, misusingDriver: undefined });
    t.regex(checks.misusingDriver ?? '', /journey the reference never makes|counts per kind differ|twice/);
    // What core-contract.test.ts asserts, which fails on this mutant: both calls throw a CoreUsageError.
    const twice = new core.HsNode(3);
    twice.start();
    t.notThrows(() => twice.start(), 'start() twice goes through unchecked');
    t.notThrows(() => new core.HsNode(3).receive('left', { kind: 'announcement', leader: 9 }), 'receive() before start() goes through unchecked');
  });
});
