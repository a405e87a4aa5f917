/**
 * Bully's row of spec/elections.md, checked on every step of simulated runs:
 *   one leader at a time: only with an accurate failure detector and no partition (no under a partition);
 *   leader is the max: the highest live id, eventually;
 *   agreement: eventually;
 *   terminates: after the last failure, with an accurate detector.
 * Where the row says "no" (or "only with"), a test shows fast-check's shrunk counterexample.
 */
import test from 'ava';
import fc from 'fast-check';
import type { MeshNetwork } from '../../src/sim/mesh/mesh-simulator.js';
import { bullyAlgorithm, bullyMessageBound, bullyTimeouts, DEFAULT_BULLY_SETTINGS } from '../../src/core/bully.js';
import {
  FAULT_WINDOW,
  type FaultSpec,
  counterexample,
  crashFault,
  downAtEnd,
  faultsOf,
  healFault,
  holds,
  meshCase,
  partitionFault,
  restartFault,
  runMesh,
  runs,
  unreliable,
} from './mesh-cases.js';

const bully = bullyAlgorithm();
const t0 = bullyTimeouts(DEFAULT_BULLY_SETTINGS);
/** Detection (a leader check) plus two rounds of election and announcement: well within this after the last crash. */
const SETTLE_BOUND = t0.leaderCheck + 2 * (t0.answer + t0.coordinator) + 4 * DEFAULT_BULLY_SETTINGS.delayBound;

/** Crash-stop failures over a network within the delay bound: the accurate detector. */
const accurate = meshCase({ faults: crashFault, maxFaults: 4 });

test('AtMostOneLeader and LeaderIsMaxLive on every step with an accurate detector (crash-stop, no loss, delays within the bound, no partition)', (t) => {
  holds(
    fc.property(accurate, (c) => {
      const r = runMesh(bully, c);
      if (r.violations.length > 0) throw new Error(r.violations.map((v) => `${v.property} at ${v.at} ms: ${v.detail}`).join('; '));
    }),
    runs(150),
  );
  t.pass();
});

test('Termination, LeaderIsMax and Agreement after the last crash with an accurate detector: every live node follows the highest live id, for good, within the bound', (t) => {
  holds(
    fc.property(accurate, (c) => {
      const r = runMesh(bully, c);
      if (r.liveIds.length === 0) return;
      const maxLive = Math.max(...r.liveIds);
      const lastCrash = Math.max(0, ...faultsOf(c).map((f) => f.at));
      if (r.settled?.leader !== maxLive) throw new Error(`ended with ${JSON.stringify(r.settled)}, highest live id ${maxLive}`);
      if (r.settled.since > lastCrash + SETTLE_BOUND) throw new Error(`settled at ${r.settled.since} ms, over ${SETTLE_BOUND} ms after the last crash at ${lastCrash}`);
    }),
    runs(150),
  );
  t.pass();
});

test(`MessageBound: with no crash and an accurate detector an election costs at most (n-1)(n+2) messages, heartbeats aside`, (t) => {
  holds(
    fc.property(meshCase({}), (c) => {
      const r = runMesh(bully, c, { settleFor: 500 });
      const bound = bullyMessageBound(c.ids.length);
      if (r.messages.election > bound) throw new Error(`${r.messages.election} election messages, bound ${bound}`);
    }),
    runs(150),
  );
  t.is(bullyMessageBound(5), 28);
});

test('eventually, under loss, duplication, long delays, crashes, restarts and partitions: once the network is stable and healed, every live node follows the highest live id', (t) => {
  const anything = meshCase({ network: unreliable, faults: fc.oneof(crashFault, restartFault, partitionFault, healFault), maxFaults: 6 });
  holds(
    fc.property(anything, (c) => {
      const r = runMesh(bully, c, { healAtStable: true, settleFor: 2000 });
      const down = downAtEnd(faultsOf(c));
      if (down.size === c.ids.length) return;
      const maxLive = Math.max(...c.ids.filter((id) => !down.has(id)));
      if (r.settled?.leader !== maxLive) throw new Error(`ended with ${JSON.stringify(r.settled)}, highest live id ${maxLive}`);
      if (r.settled.since > FAULT_WINDOW + 1000) throw new Error(`settled only at ${r.settled.since} ms`);
    }),
    runs(100),
  );
  t.pass();
});

// The "no" half of the row: each property below must fail, and fast-check shrinks the case that shows it.

function twoLeaders(network: fc.Arbitrary<MeshNetwork> | undefined, faults: fc.Arbitrary<FaultSpec>) {
  return fc.property(meshCase({ ...(network ? { network } : {}), faults, maxFaults: 3 }), (c) => {
    const v = runMesh(bully, c).violations.find((x) => x.property === 'AtMostOneLeader');
    if (v) throw new Error(`AtMostOneLeader violated at ${v.at} ms: ${v.detail}`);
  });
}

test('counterexample: under a partition Bully elects one leader per side (AtMostOneLeader fails)', (t) => {
  const { report, example, error } = counterexample(twoLeaders(undefined, partitionFault), 200, 19);
  t.log(report);
  t.regex(error, /AtMostOneLeader violated/);
  t.is(example.ids.length, 2, 'the smallest case: two nodes cut apart');
});

test('counterexample: with loss the detector is not accurate and two leaders act at once', (t) => {
  const lossy = fc.record({ loss: fc.double({ min: 0, max: 0.5, noNaN: true }), duplicate: fc.constant(0), minDelay: fc.constant(1), maxDelay: fc.constant(10) });
  const { report, error } = counterexample(twoLeaders(lossy, crashFault), 200, 19);
  t.log(report);
  t.regex(error, /AtMostOneLeader violated/);
});

test('counterexample: with delays past the bound the detector is not accurate and two leaders act at once', (t) => {
  const slow = fc.record({ loss: fc.constant(0), duplicate: fc.constant(0), minDelay: fc.constant(1), maxDelay: fc.integer({ min: 10, max: 400 }) });
  const { report, error } = counterexample(twoLeaders(slow, crashFault), 200, 19);
  t.log(report);
  t.regex(error, /AtMostOneLeader violated/);
});

test('counterexample: a restarted higher node bullies its way in while the old leader still acts (crash-recovery is not crash-stop)', (t) => {
  const { report, error, example } = counterexample(twoLeaders(undefined, fc.oneof(crashFault, restartFault)), 300, 19);
  t.log(report);
  t.regex(error, /AtMostOneLeader violated/);
  t.true(example.faults.some((f) => f.type === 'restart'));
});

test('a follower whose leader is on time within the bound answers a late election and keeps its leader: heartbeats may arrive up to one period plus the delay bound apart', (t) => {
  const { heartbeatEvery: H, delayBound: d } = DEFAULT_BULLY_SETTINGS;
  const node = bully.create(2, { members: [1, 2, 3], random: () => 0.5 });
  node.start(0);
  node.receive(3, { kind: 'heartbeat' }, 100);
  // The next heartbeat, sent H after the last, may take up to d: the leader is not late yet.
  const step = node.receive(1, { kind: 'election' }, 100 + H + d / 2);
  t.deepEqual(step.commands.filter((c) => c.type === 'send'), [{ type: 'send', to: 1, message: { kind: 'answer' } }]);
  t.is(node.knownLeader(), 3);
  // Past H + d the leader missed a beat: the election is taken as the hint it is.
  const late = node.receive(1, { kind: 'election' }, 100 + H + d + 1);
  t.true(late.commands.some((c) => c.type === 'send' && c.to === 3 && c.message.kind === 'election'));
});
