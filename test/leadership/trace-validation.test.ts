/**
 * Trace validation: seeded simulator runs with crashes (also inside a persist) and restarts with
 * and without the state directory are behaviours of tla/LeadershipTrace.tla, checked offline by
 * tla/trace/leadership-trace.mjs (npm tla-checker, so CI needs no Java); sabotaged builds give
 * traces the checker rejects at the first event that is not a step.
 */
import test from 'ava';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LeadershipFault } from '../../src/sim/leadership/faults.js';
import { type LeadershipEvent, type LeadershipSimOptions, simulateLeadership } from '../../src/sim/leadership/simulator.js';
import { NoMajority, NoQuietPeriod } from './sabotaged-members.js';

// Plain ESM scripts outside the TypeScript build: loaded at run time, untyped.
const load = (path: string): Promise<any> => import(pathToFileURL(join(process.cwd(), path)).href);

const ids = [7, 3, 9];

/** Crashes of the leader and of followers, one inside a persist, restarts with and without state, a resignation. */
const faults: readonly LeadershipFault[] = [
  { at: 1000, kind: 'crashLeader', downFor: 300 },
  { at: 1500, kind: 'crashInPersist', member: 1, after: 'rename', downFor: 200 },
  { at: 2000, kind: 'crash', member: 0, downFor: 250, loseState: true },
  { at: 2600, kind: 'crashLeader', downFor: 200 },
  { at: 3800, kind: 'resignLeader' },
];

/** Runs the simulator and returns its events as a trace file's text, with the counts by kind. */
function traceOf(options: Partial<LeadershipSimOptions> & { seed: number }) {
  const events: LeadershipEvent[] = [];
  const result = simulateLeadership({ ids, faults, tail: 600, ...options, onEvent: (e) => events.push(e) });
  const count = (ev: string) => events.filter((e) => e.ev === ev).length;
  const text = [JSON.stringify({ members: ids }), ...events.map((e) => JSON.stringify(e))].join('\n');
  return { text, result, events, count };
}

async function checker() {
  const runner = await load('tla/run-tlc.mjs');
  if (!runner.loadTlaChecker()) throw new Error('the npm package tla-checker, a devDependency, is not installed (run npm ci)');
  return load('tla/trace/leadership-trace.mjs');
}

test('Trace validation: simulator runs with crashes and restarts are behaviours of LeadershipTrace', async (t) => {
  const check = await checker();
  for (const seed of [1, 2, 3]) {
    const { text, result, events, count } = traceOf({ seed });
    t.log(`seed ${seed}: ${['Persist', 'Grant', 'TakeOffice', 'StepDown', 'Crash', 'Restart', 'EndQuiet'].map((k) => `${k} ${count(k)}`).join(', ')}`);
    t.deepEqual(result.violations, [], `seed ${seed}: the observer saw a violation`);
    t.is(count('Crash'), 4, `seed ${seed}: every crash happened`);
    t.true(events.some((e) => e.ev === 'Crash' && e.lost), `seed ${seed}: a member lost its state directory`);
    t.is(count('Restart'), ids.length + 4, `seed ${seed}: every crashed member restarted`);
    t.true(count('TakeOffice') >= 3 && count('StepDown') >= 1, `seed ${seed}: leaders took office and one stepped down`);
    const report = await check.checkLeadershipTrace(text, { offline: true });
    t.log(`seed ${seed}: ${report.events} events (${count('Crash')} crashes, ${count('TakeOffice')} terms), ${report.ok ? 'accepted' : 'REJECTED'} by ${report.checker} in ${report.seconds.toFixed(1)} s`);
    t.true(report.ok, `seed ${seed} rejected: ${report.reason}`);
  }
});

test('Trace validation: the onEvent sink does not change the run', (t) => {
  const plain = simulateLeadership({ ids, faults, tail: 600, seed: 1 });
  const traced = traceOf({ seed: 1 }).result;
  t.deepEqual(traced, plain);
});

test('Trace validation: a restarted member granting in its quiet period is rejected at that Grant', async (t) => {
  const check = await checker();
  // A follower restarts, then the leader (rank 2) is cut off: the other follower stands at once.
  const quietFaults: readonly LeadershipFault[] = [
    { at: 1000, kind: 'crash', member: 1, downFor: 10 },
    { at: 1015, kind: 'partition', side: [2], duration: 2000 },
  ];
  const correct = traceOf({ seed: 1, faults: quietFaults });
  const good = await check.checkLeadershipTrace(correct.text, { offline: true });
  t.true(good.ok, `the correct build's trace was rejected: ${good.reason}`);
  const { text, events, result } = traceOf({ seed: 1, faults: quietFaults, member: (c) => new NoQuietPeriod(c), stopOnViolation: false });
  const report = await check.checkLeadershipTrace(text, { offline: true });
  t.false(report.ok, 'the sabotaged trace was accepted');
  t.falsy(report.error, report.reason);
  const failed = events[report.failedEvent - 1];
  t.true(failed?.ev === 'Grant' && failed.member === ids[1], report.reason);
  t.log(`${report.reason} (the observer saw ${result.violations.length} violations in this run)`);
});

test('Trace validation: a member sending its Grant before the promise is durable is rejected at that Grant', async (t) => {
  const check = await checker();
  const { text, events } = traceOf({ seed: 1, persistLast: true, stopOnViolation: false });
  const report = await check.checkLeadershipTrace(text, { offline: true });
  t.false(report.ok, 'the sabotaged trace was accepted');
  t.falsy(report.error, report.reason);
  const failed = events[report.failedEvent - 1];
  t.is(failed?.ev, 'Grant', report.reason);
  t.log(report.reason);
});

test('Trace validation: a leader taking office without a majority is rejected at that TakeOffice', async (t) => {
  const check = await checker();
  const { text, events } = traceOf({ seed: 1, member: (c) => new NoMajority(c), stopOnViolation: false });
  const report = await check.checkLeadershipTrace(text, { offline: true });
  t.false(report.ok, 'the sabotaged trace was accepted');
  t.falsy(report.error, report.reason);
  t.is(events[report.failedEvent - 1]?.ev, 'TakeOffice', report.reason);
  t.log(report.reason);
});

test('Trace validation: a trace taking one epoch twice breaks OneLeaderPerEpoch along the way', async (t) => {
  const check = await checker();
  // Every event is a step (a majority granted epoch 1), but epoch 1 begins a second term.
  const lines = [
    { members: [1, 2, 3] },
    ...[1, 2, 3].map((member) => ({ t: 0, ev: 'Restart', member })),
    ...[1, 2, 3].map((member) => ({ t: 0.5, ev: 'EndQuiet', member })),
    { t: 1, ev: 'Persist', member: 2, promised: 1, counter: 0 },
    { t: 2, ev: 'Grant', member: 2, to: 2, epoch: 1 },
    { t: 3, ev: 'Persist', member: 1, promised: 1, counter: 0 },
    { t: 4, ev: 'Grant', member: 1, to: 2, epoch: 1 },
    { t: 5, ev: 'TakeOffice', member: 2, epoch: 1 },
    { t: 6, ev: 'StepDown', member: 2 },
    { t: 7, ev: 'TakeOffice', member: 2, epoch: 1 },
  ];
  const report = await check.checkLeadershipTrace(lines.map((l) => JSON.stringify(l)).join('\n'), { offline: true });
  t.false(report.ok);
  t.regex(report.reason, /invariant (OneLeaderPerEpoch|EpochsIncrease) violated/);
  t.log(report.reason);
});
