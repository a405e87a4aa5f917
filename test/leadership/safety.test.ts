/**
 * The leadership invariants on random fault schedules: the observer outside the members checks
 * OneLeaderPerEpoch, EpochsIncrease, NoOverlappingLeases and the fenced resource after every
 * simulator event, in real time. Each failure prints its seed, shrunk schedule and replay command.
 */
import test from 'ava';
import fc from 'fast-check';
import { assertLeadership, caseArbitrary, checkLeadership, firstViolation, keepsInvariants, keepsInvariantsVoteOnly, runCase, runs, voteOnlyArbitrary } from './harness.js';

test('OneLeaderPerEpoch, EpochsIncrease, NoOverlappingLeases and fencing hold under loss, duplication, reordering, partitions, crashes (also mid-persist), restarts, pauses and drift within rho', (t) => {
  assertLeadership('invariants', keepsInvariants(caseArbitrary()), runs(60));
  t.pass();
});

test('with some members vote-only: OneLeaderPerEpoch, EpochsIncrease, NoOverlappingLeases and fencing hold, and no vote-only member ever takes office', (t) => {
  assertLeadership('vote-only', keepsInvariantsVoteOnly(voteOnlyArbitrary()), runs(40));
  t.pass();
});

test('with restarts that lose the state directory: NoOverlappingLeases, and the fence refuses every lower token', (t) => {
  // OneLeaderPerEpoch and EpochsIncrease are void here (spec/leadership.md); the simulator leaves them unchecked.
  assertLeadership('state loss', keepsInvariants(caseArbitrary({ loseState: true })), runs(40));
  t.pass();
});

test('with suspended VMs whose clocks stop: OneLeaderPerEpoch, and the fence still protects the resource', (t) => {
  assertLeadership('clock stops', keepsInvariants(caseArbitrary({ clockStops: true })), runs(40));
  t.pass();
});

test('the drift bound has teeth: with clocks drifting 10 % apart (rho is 1 %), leases overlap, found and shrunk', (t) => {
  const details = checkLeadership(
    fc.property(caseArbitrary(), (c) => {
      const problem = firstViolation(runCase(c, { tail: 1000 }, 0.1));
      if (problem) throw new Error(problem);
    }),
    500,
    7,
  );
  t.true(details.failed, 'no overlap found beyond the drift bound');
  if (!details.failed) return;
  const message = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  t.log(`shrunk schedule: ${JSON.stringify(details.counterexample![0])}`);
  t.log(message);
  t.regex(message, /^NoOverlappingLeases violated/);
});
