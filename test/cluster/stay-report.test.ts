/**
 * The `launch --stay` observer's verdict from observed events: failover times and percentiles,
 * terms bounded by deposed lines, exits and logged leases, and the checks NoOverlappingLeases and
 * EpochsIncrease, each shown failing on a run that breaks it.
 */
import test from 'ava';
import { type ObservedEvent, calmIntervals, percentile, settlingMs, stayReport, termsOf } from '../../src/cluster/stay-report.js';

/** Three clean failovers: 1 leads, is killed at 1000, 2 takes office at 1600; paused at 3000, 3 at 3700. */
const clean: ObservedEvent[] = [
  { kind: 'leader', id: 1, epoch: 1, token: 1, at: 100, leaseEnd: 600 },
  { kind: 'lease', id: 1, epoch: 1, at: 950, leaseEnd: 1450 },
  { kind: 'fault', fault: 'kill', id: 1, at: 1000 },
  { kind: 'exit', id: 1, at: 1003 },
  { kind: 'leader', id: 2, epoch: 4, token: 4, at: 1600, leaseEnd: 2100 },
  { kind: 'lease', id: 2, epoch: 4, at: 2990, leaseEnd: 3490 },
  { kind: 'fault', fault: 'pause', id: 2, at: 3000 },
  { kind: 'leader', id: 3, epoch: 7, token: 7, at: 3700, leaseEnd: 4200 },
  // Resumed after its lease ran out: its deposed line comes late, but it could not act after 3490.
  { kind: 'deposed', id: 2, epoch: 4, at: 4100 },
  { kind: 'fault', fault: 'kill', id: 3, at: 4150 },
  { kind: 'exit', id: 3, at: 4152 },
  { kind: 'leader', id: 1, epoch: 9, token: 9, at: 4900, leaseEnd: 5400 },
];

test('stay report: failover times from each fault to the next leader in office, with percentiles', (t) => {
  const r = stayReport(clean, 6000);
  t.deepEqual(r.failovers.map((f) => [f.fault, f.victim, f.leader, f.withoutLeaderMs]), [
    ['kill', 1, 2, 600],
    ['pause', 2, 3, 700],
    ['kill', 3, 1, 750],
  ]);
  t.deepEqual(r.withoutLeaderMs, { p50: 700, p99: 750, max: 750 });
  t.deepEqual(r.tokens, [1, 4, 7, 9]);
  t.deepEqual(r.overlaps, []);
  t.deepEqual(r.tokenProblems, []);
  t.true(r.safe);
});

test('stay report: leader changes no fault explains are false failovers; those after the stop began are the shutdown\'s own', (t) => {
  t.deepEqual(stayReport(clean, 6000).falseFailovers, [], 'each new term follows a fault');
  const events: ObservedEvent[] = [
    ...clean,
    // Under loss, 1 loses its lease unprovoked and 2 takes office: no fault explains it.
    { kind: 'deposed', id: 1, epoch: 9, at: 5300 },
    { kind: 'leader', id: 2, epoch: 11, token: 11, at: 5500, leaseEnd: 6000 },
    // The launcher told every member to stop at 5800: 2 resigns and 3 takes office on the way out.
    { kind: 'deposed', id: 2, epoch: 11, at: 5810 },
    { kind: 'leader', id: 3, epoch: 12, token: 12, at: 5850, leaseEnd: 6350 },
  ];
  const r = stayReport(events, 6000, 5800);
  t.deepEqual(r.falseFailovers.map((x) => [x.id, x.epoch]), [[2, 11]]);
  t.deepEqual(stayReport(events, 6000).falseFailovers.map((x) => [x.id, x.epoch]), [[2, 11], [3, 12]], 'without a stop time every unexplained term counts');
});

test('stay report: a term ends at the first of its deposed line, its exit and its last logged lease', (t) => {
  const terms = termsOf(clean, 6000);
  t.deepEqual(terms.map((x) => [x.id, x.epoch, x.to, x.endedBy]), [
    [1, 1, 1003, 'exit'],
    [2, 4, 3490, 'lease'],
    [3, 7, 4152, 'exit'],
    [1, 9, 5400, 'lease'],
  ]);
});

test('stay report: NoOverlappingLeases fails when a deposed leader\'s renewed lease reaches into the next term', (t) => {
  const events: ObservedEvent[] = [
    { kind: 'leader', id: 1, epoch: 1, token: 1, at: 0, leaseEnd: 500 },
    { kind: 'fault', fault: 'pause', id: 1, at: 400 },
    // A lease renewed without a majority: it reaches past the successor's taking office.
    { kind: 'lease', id: 1, epoch: 1, at: 450, leaseEnd: 1200 },
    { kind: 'leader', id: 2, epoch: 2, token: 2, at: 1000, leaseEnd: 1500 },
    { kind: 'deposed', id: 1, epoch: 1, at: 1300 },
  ];
  const r = stayReport(events, 2000);
  t.deepEqual(r.overlaps, [{ first: { id: 1, epoch: 1 }, second: { id: 2, epoch: 2 }, ms: 200 }]);
  t.false(r.safe);
});

test('stay report: NoOverlappingLeases fails when a killed leader\'s process outlives the successor\'s taking office', (t) => {
  const events: ObservedEvent[] = [
    { kind: 'leader', id: 1, epoch: 1, token: 1, at: 0, leaseEnd: 5000 },
    { kind: 'fault', fault: 'kill', id: 1, at: 100 },
    { kind: 'leader', id: 2, epoch: 2, token: 2, at: 300, leaseEnd: 800 },
    { kind: 'exit', id: 1, at: 350 },
  ];
  const r = stayReport(events, 1000);
  t.is(r.overlaps.length, 1);
  t.is(r.overlaps[0]!.ms, 50);
  t.false(r.safe);
});

test('stay report: EpochsIncrease fails on a repeated token and on a decreasing one', (t) => {
  const events: ObservedEvent[] = [
    { kind: 'leader', id: 1, epoch: 3, token: 3, at: 0, leaseEnd: 500 },
    { kind: 'deposed', id: 1, epoch: 3, at: 400 },
    { kind: 'leader', id: 2, epoch: 3, token: 3, at: 600, leaseEnd: 1100 },
    { kind: 'deposed', id: 2, epoch: 3, at: 1000 },
    { kind: 'leader', id: 3, epoch: 2, token: 2, at: 1200, leaseEnd: 1700 },
  ];
  const r = stayReport(events, 2000);
  t.deepEqual(r.overlaps, []);
  t.deepEqual(r.tokenProblems, [
    { id: 2, token: 3, previous: 3, problem: 'repeated' },
    { id: 3, token: 2, previous: 3, problem: 'decreasing' },
  ]);
  t.false(r.safe);
});

test('stay report: a fault with no leader after it is reported unfinished and left out of the percentiles', (t) => {
  const r = stayReport([
    { kind: 'leader', id: 1, epoch: 1, token: 1, at: 0, leaseEnd: 500 },
    { kind: 'fault', fault: 'kill', id: 1, at: 100 },
    { kind: 'exit', id: 1, at: 101 },
  ], 1000);
  t.deepEqual(r.failovers.map((f) => f.leader), [null]);
  t.is(r.withoutLeaderMs, null);
});

test('percentile: nearest rank', (t) => {
  const v = Array.from({ length: 100 }, (_, i) => i + 1);
  t.is(percentile(v, 50), 50);
  t.is(percentile(v, 99), 99);
  t.is(percentile([7], 99), 7);
  t.throws(() => percentile([], 50), { instanceOf: RangeError });
});

test('stay report: a leader line printed after its own lease ended is an empty term: no overlap, no token out of order', (t) => {
  // The soak's case: member 4 won epoch 13, was stopped before printing, and printed it after epoch 14 took office.
  const events: ObservedEvent[] = [
    { kind: 'leader', id: 5, epoch: 14, token: 14, at: 1000, leaseEnd: 1500 },
    { kind: 'leader', id: 4, epoch: 13, token: 13, at: 1200, leaseEnd: 594 },
    { kind: 'deposed', id: 4, epoch: 13, at: 1210 },
  ];
  const r = stayReport(events, 2000);
  t.deepEqual(r.overlaps, []);
  t.deepEqual(r.tokenProblems, []);
  t.true(r.safe);
  // One real moment of two leases at once is still caught, however short.
  const real = stayReport([...events, { kind: 'leader', id: 3, epoch: 15, token: 15, at: 1499, leaseEnd: 1999 }], 2000);
  t.is(real.overlaps.length, 1);
  t.false(real.safe);
});

test('stay report: suspicions count as loss-made only in calm time (all members ready, none hurt, none restarted, resumed or healed within the settling time), split by whether the suspecting member led', (t) => {
  const settle = settlingMs(150, 50); // 400
  const events: ObservedEvent[] = [
    { kind: 'ready', id: 1, at: 0 },
    { kind: 'ready', id: 2, at: 10 },
    { kind: 'ready', id: 3, at: 20 },
    { kind: 'leader', id: 3, epoch: 2, token: 2, at: 600, leaseEnd: 5000 },
    { kind: 'suspect', id: 1, member: 2, at: 300 }, // before calm time begins (20 + 400)
    { kind: 'suspect', id: 1, member: 2, at: 500 }, // calm, by a follower, no leader yet
    { kind: 'suspect', id: 3, member: 1, at: 900 }, // calm, by the leader
    { kind: 'fault', fault: 'pause', id: 2, at: 1000 },
    { kind: 'suspect', id: 1, member: 2, at: 1150 }, // the pause's own
    { kind: 'heal', id: 2, at: 2000 },
    { kind: 'suspect', id: 2, member: 1, at: 2001 }, // the healed member's wake-up
    { kind: 'suspect', id: 2, member: 3, at: 2500 }, // calm again from 2400
  ];
  const calm = calmIntervals(events, [1, 2, 3], 3000, settle);
  t.deepEqual(calm, [[420, 1000], [2400, 3000]]);
  const r = stayReport(events, 3100, 3000, { ids: [1, 2, 3], suspicionMs: 150, heartbeatMs: 50 });
  t.deepEqual(r.suspicions, { total: 6, calm: { byFollowers: 2, byLeaders: 1 }, calmMs: 1180, calmWithLeaderMs: 1000 });
  t.deepEqual(calmIntervals(events, [1, 2, 3, 4], 3000, settle), [], 'a member never ready: no calm time');
});
