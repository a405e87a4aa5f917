/**
 * The side-by-side comparison (src/sim/compare.ts) says what the analysis predicts, the same way
 * on every run: HS and LCR within their bounds, Bully's all-start election at its (n-1)(n+2) and
 * two leaders under a partition, Raft-style's 4(n-1) per clean round and heartbeat replies
 * doubling its idle traffic.
 */
import test from 'ava';
import { bullyMessageBound } from '../../src/core/bully.js';
import { messageBound } from '../../src/core/bound.js';
import { lcrMessageBound } from '../../src/core/lcr.js';
import { DEFAULT_RAFT_SETTINGS } from '../../src/core/raft-election.js';
import { DEFAULT_BULLY_SETTINGS } from '../../src/core/bully.js';
import { compareElections, compareMessages, shuffledIds } from '../../src/sim/compare.js';

const n = 8;
const rows = compareElections({ sizes: [n], seeds: [1, 2] });
const row = (a: string) => rows.find((r) => r.algorithm === a)!;

test('compare: one row per algorithm, deterministic for the same seeds', (t) => {
  t.deepEqual(rows.map((r) => r.algorithm), ['hs', 'lcr', 'bully', 'raft']);
  t.deepEqual(compareElections({ sizes: [n], seeds: [1, 2] }), rows);
  t.deepEqual([...shuffledIds(n, 5)].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('compare: messages per election within each algorithm bound, heartbeats counted apart', (t) => {
  t.true(row('hs').electionMessages <= messageBound(n));
  t.true(row('lcr').electionMessages <= lcrMessageBound(n));
  t.true(row('bully').electionMessages <= bullyMessageBound(n));
  t.true(row('raft').electionMessages >= 4 * (n - 1), 'a PreVote round and a vote round, each a request and a reply per peer');
  t.is(row('bully').heartbeatsDuringElection, 0);
});

test('compare: idle traffic is the leader heartbeats (Bully) or heartbeats and their replies (Raft-style); one-shot ring elections have none', (t) => {
  t.is(row('hs').idleDatagramsPerSecond, null);
  t.is(row('bully').idleDatagramsPerSecond, ((n - 1) * 1000) / DEFAULT_BULLY_SETTINGS.heartbeatEvery);
  t.true(Math.abs(row('raft').idleDatagramsPerSecond! - (2 * (n - 1) * 1000) / DEFAULT_RAFT_SETTINGS.heartbeatEvery) <= 2 * (n - 1));
});

test('compare: under a partition Bully keeps two leaders acting; Raft-style at most two, briefly; both fail over', (t) => {
  t.is(row('bully').leadersUnderPartition, 2);
  t.true(row('raft').leadersUnderPartition! <= 2);
  t.true(row('bully').failoverMs! > 0 && row('raft').failoverMs! > 0);
  t.is(row('hs').failoverMs, null);
});

test('compare: the messages-only count (no observer, for n up to 1,024) is the same count as the full comparison, with each bound', (t) => {
  const only = compareMessages({ sizes: [n], seeds: [1, 2] });
  t.deepEqual(only.map((r) => [r.algorithm, r.electionMessages]), rows.map((r) => [r.algorithm, r.electionMessages]));
  t.deepEqual(only.map((r) => r.bound), [messageBound(n), lcrMessageBound(n), bullyMessageBound(n), null]);
  t.true(only.every((r) => r.elected === 2 && r.runs === 2));
});
