/**
 * Persistence: the state directory is written as write tmp, fsync, rename, fsync dir, and the
 * simulator crashes members between those steps. A crash leaves the old state or the new one;
 * since nothing of a step leaves before its persist is durable, either is safe.
 */
import test from 'ava';
import fc from 'fast-check';
import { simulateLeadership } from '../../src/sim/leadership/simulator.js';
import { PERSIST_STEPS, SimStore } from '../../src/sim/leadership/store.js';
import { caseArbitrary, checkLeadership, firstViolation, runCase } from './harness.js';

const before = { promised: 4, counter: 1 };
const after = { promised: 7, counter: 1 };

/** The state a restart finds after a crash right after `step` of writing `after` over `before`. */
function crashAfter(step: (typeof PERSIST_STEPS)[number], renameSurvives: boolean) {
  const store = new SimStore();
  store.begin(before);
  for (const s of PERSIST_STEPS) store.apply(s);
  store.begin(after);
  for (const s of PERSIST_STEPS.slice(0, PERSIST_STEPS.indexOf(step) + 1)) store.apply(s);
  store.crash(renameSurvives);
  return store.load();
}

test('a crash between persist steps leaves the old state or the new one, never a mix or nothing', (t) => {
  for (const survives of [false, true]) {
    t.deepEqual(crashAfter('write', survives), before);
    t.deepEqual(crashAfter('fsync', survives), before);
    // The rename is durable only once the directory is fsynced: either state may be found.
    t.deepEqual(crashAfter('rename', survives), survives ? after : before);
    t.deepEqual(crashAfter('fsyncDir', survives), after);
  }
  const store = new SimStore();
  store.begin(after);
  store.apply('write');
  t.throws(() => store.apply('rename'), { message: /rename before fsync/ });
});

test('a member crashed at each persist step restarts with a state its peers never saw contradicted', (t) => {
  for (const step of PERSIST_STEPS) {
    for (let seed = 1; seed <= 5; seed++) {
      // Member 0 is cut in its first grant or request (the first election is around 0.5 s).
      const r = simulateLeadership({ ids: [1, 2, 3], seed, faults: [{ at: 0, kind: 'crashInPersist', member: 0, after: step, downFor: 30 }, { at: 600, kind: 'crashLeader', downFor: 50 }] });
      t.deepEqual(r.violations, [], `${step}, seed ${seed}`);
      t.true(r.terms.length >= 2, `${step}, seed ${seed}: ${r.terms.length} terms`);
    }
  }
});

test('sabotage caught: a runtime that sends before its persist is durable lets a crash undo a promise (EpochsIncrease)', (t) => {
  const extra = { persistLast: true, tail: 1000 };
  const details = checkLeadership(
    fc.property(caseArbitrary({ kinds: ['crashInPersist', 'crash', 'partition', 'crashLeader'], maxFaults: 6 }), (c) => {
      const problem = firstViolation(runCase(c, extra));
      if (problem) throw new Error(problem);
    }),
    400,
    6,
  );
  t.true(details.failed, 'sends before the persist went unnoticed');
  if (!details.failed) return;
  const message = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  t.log(`found after ${details.numRuns} schedules, shrunk ${details.numShrinks} times; replay: HS_REPLAY=${details.seed}:${details.counterexamplePath}`);
  t.log(`shrunk schedule: ${JSON.stringify(details.counterexample![0])}`);
  t.log(message);
  t.regex(message, /^(EpochsIncrease|OneLeaderPerEpoch|NoOverlappingLeases) violated/);
});
