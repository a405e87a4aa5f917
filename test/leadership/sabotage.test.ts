/**
 * The suite can fail: each sabotaged build breaks one rule of the protocol, and the random fault
 * schedules must find a counterexample and shrink it. Each test logs the shrunk schedule, the
 * violation the observer saw and the seed that replays it.
 */
import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import type { LeadershipInvariant } from '../../src/sim/leadership/observer.js';
import type { LeadershipSimOptions } from '../../src/sim/leadership/simulator.js';
import { type FaultMenu, type LeadershipCase, caseArbitrary, checkLeadership, firstViolation, runCase } from './harness.js';
import { ForgetsPromise, NoHeldGrantWait, NoMajority, NoQuietPeriod } from './sabotaged-members.js';

/**
 * Checks that sabotage `extra` is caught on one of `invariants` within `numRuns` random schedules
 * from `seed`, with a shrunk case that replays to the same violation, and logs it. Runs stop a second
 * after the faults: the violations happen during them.
 */
function caught(
  t: ExecutionContext,
  invariants: readonly LeadershipInvariant[],
  sabotage: Partial<LeadershipSimOptions>,
  seed: number,
  numRuns: number,
  menu: FaultMenu = {},
): void {
  const extra = { ...sabotage, tail: 1000 };
  const details = checkLeadership(
    fc.property(caseArbitrary(menu), (c) => {
      const problem = firstViolation(runCase(c, extra));
      if (problem) throw new Error(problem);
    }),
    numRuns,
    seed,
  );
  t.true(details.failed, 'the sabotaged build went unnoticed');
  if (!details.failed) return;
  const example = details.counterexample![0] as LeadershipCase;
  const message = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  t.log(`found after ${details.numRuns} schedules, shrunk ${details.numShrinks} times; replay: HS_REPLAY=${details.seed}:${details.counterexamplePath}`);
  t.log(`shrunk schedule: ${JSON.stringify(example)}`);
  t.log(message);
  t.true(details.numShrinks > 0);
  t.true(invariants.some((i) => message.startsWith(`${i} violated`)), message);
  // The shrunk case replays to the same violation.
  t.is(firstViolation(runCase(example, extra)), message);
}

test('sabotage caught: without the majority grant, two leaders are in office at once (NoOverlappingLeases)', (t) => {
  caught(t, ['NoOverlappingLeases', 'EpochsIncrease'], { member: (c) => new NoMajority(c) }, 1, 200);
});

test('sabotage caught: granting while an unexpired grant is held lets leases overlap (NoOverlappingLeases)', (t) => {
  caught(t, ['NoOverlappingLeases', 'EpochsIncrease'], { member: (c) => new NoHeldGrantWait(c) }, 2, 300);
});

test('sabotage caught: no quiet period after a restart lets leases overlap (NoOverlappingLeases)', (t) => {
  // It takes a leader whose lease rests on one member that restarts while another member, cut
  // off from the leader only, stands: a focused menu (cuts and crashes, three members) finds it.
  caught(t, ['NoOverlappingLeases', 'EpochsIncrease'], { member: (c) => new NoQuietPeriod(c) }, 4, 1000, {
    kinds: ['cut', 'crash'],
    maxFaults: 4,
    maxMembers: 3,
    horizon: 2500,
  });
});

test('sabotage caught: a restart that forgets its promise grants a lower epoch (EpochsIncrease)', (t) => {
  caught(t, ['EpochsIncrease', 'OneLeaderPerEpoch'], { member: (c) => new ForgetsPromise(c) }, 4, 300);
});

test('sabotage caught: a strict > fence refuses a leader its own second write (LeaderWritesAccepted)', (t) => {
  caught(t, ['LeaderWritesAccepted'], { fence: (token, highest) => token > highest }, 5, 50);
});
