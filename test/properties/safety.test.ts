/** AtMostOneLeader, LeaderIsMax and Agreement, checked at every step of simulated runs under faults. */
import test from 'ava';
import { assertProperty, runs, simProperty } from './harness.js';

// Safety on every case of simCaseArbitrary: HS and LCR, 1-64 nodes (some up to 512), random and
// adversarial id orders, arbitrary schedules, and networks that lose up to 50%, duplicate, reorder
// and delay. Each failure prints its seed, path, shrunk case and a replay command.

test('AtMostOneLeader: never two nodes that claim leadership', (t) => {
  assertProperty('AtMostOneLeader', simProperty('AtMostOneLeader'), runs(200));
  t.pass();
});

test('LeaderIsMax: every decided node names the largest id (naive reference: max of ids)', (t) => {
  assertProperty('LeaderIsMax', simProperty('LeaderIsMax'), runs(200));
  t.pass();
});

test('Agreement: once the leader is done every node has decided on it, and no two nodes ever name different leaders', (t) => {
  assertProperty('Agreement', simProperty('Agreement'), runs(200));
  t.pass();
});
