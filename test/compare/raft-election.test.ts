/**
 * The Raft-style row of spec/elections.md, checked on every step of simulated runs:
 *   one leader at a time: one per term, always (whatever the network does, restarts included);
 *   leader is the max: no (a shrunk counterexample);
 *   agreement: on the term's leader, eventually;
 *   terminates: under partial synchrony (randomized timeouts).
 * Also shown: two leaders of different terms can act at once under a partition, until CheckQuorum
 * steps the stale one down; and a sabotaged core that forgets its vote breaks OneLeaderPerTerm.
 */
import test from 'ava';
import fc from 'fast-check';
import type { MeshAlgorithm } from '../../src/core/mesh-core.js';
import { type RaftDurable, type RaftMessage, type RaftState, type RaftTimer, DEFAULT_RAFT_SETTINGS, RaftElectionNode, raftAlgorithm } from '../../src/core/raft-election.js';
import { simulateMesh } from '../../src/sim/mesh/mesh-simulator.js';
import { FAULT_WINDOW, counterexample, crashFault, healFault, holds, meshCase, partitionFault, restartFault, runMesh, runs, unreliable } from './mesh-cases.js';

const raft = raftAlgorithm();
const anyFault = fc.oneof(crashFault, restartFault, partitionFault, healFault);
const chaos = meshCase({ network: unreliable, faults: anyFault, maxFaults: 6 });

function safety(algorithm: MeshAlgorithm<RaftMessage, RaftState, RaftTimer>) {
  return fc.property(chaos, (c) => {
    const bad = runMesh(algorithm, c).violations.filter((v) => v.property === 'OneLeaderPerTerm' || v.property === 'KnownLeaderIsTermLeader');
    if (bad.length > 0) throw new Error(bad.map((v) => `${v.property} violated at ${v.at} ms: ${v.detail}`).join('; '));
  });
}

test('OneLeaderPerTerm and KnownLeaderIsTermLeader on every step, under loss, duplication, long delays, crashes, restarts and partitions', (t) => {
  holds(safety(raft), runs(150));
  t.pass();
});

test('Agreement and Termination under partial synchrony: once the network is stable, healed and a majority is up, all live nodes follow one leader of one term, and it stays', (t) => {
  holds(
    fc.property(chaos, (c) => {
      const r = runMesh(raft, c, { healAtStable: true, majorityAtStable: true, settleFor: 5000 });
      if (r.settled === null) throw new Error(`no settled leader at the end (${r.liveIds.length} live)`);
      // Randomized timeouts of 300-600 ms: a few rounds at most, then no change for the rest of the run.
      if (r.settled.since > FAULT_WINDOW + 3000) throw new Error(`settled only at ${r.settled.since} ms`);
    }),
    runs(100),
  );
  t.pass();
});

test('counterexample: LeaderIsMax is not promised; the first node to time out wins', (t) => {
  const p = fc.property(meshCase({}), (c) => {
    const v = runMesh(raft, c).violations.find((x) => x.property === 'LeaderIsMaxLive');
    if (v) throw new Error(`LeaderIsMax violated at ${v.at} ms: ${v.detail}`);
  });
  const { report, error, example } = counterexample(p, 100, 19);
  t.log(report);
  t.regex(error, /LeaderIsMax violated/);
  t.is(example.ids.length, 2);
});

test('counterexample: one leader per term is not one at a time; a leader cut off keeps acting until CheckQuorum steps it down', (t) => {
  const p = fc.property(meshCase({ faults: partitionFault, maxFaults: 2 }), (c) => {
    const v = runMesh(raft, c).violations.find((x) => x.property === 'AtMostOneLeader');
    if (v) throw new Error(`AtMostOneLeader violated at ${v.at} ms: ${v.detail}`);
  });
  const { report, error } = counterexample(p, 300, 19);
  t.log(report);
  t.regex(error, /AtMostOneLeader violated/);
});

test('CheckQuorum: a leader cut off from the majority steps down within two election timeouts, and the majority elects another', (t) => {
  const ids = [1, 2, 3, 4, 5];
  const E = DEFAULT_RAFT_SETTINGS.electionTimeout;
  const base = { algorithm: raft, ids, seed: 3, network: { loss: 0, duplicate: 0, minDelay: 1, maxDelay: 10 } };
  const leader = simulateMesh({ ...base, until: 1500 }).settled!.leader;
  const cut = 1500;
  const faults = [{ at: cut, type: 'partition' as const, groups: [[leader]] }];
  // The last check before the cut may count answers from before it, so the one after that decides.
  t.false(simulateMesh({ ...base, faults, until: cut + 2 * E + 1 }).finalLeaders.includes(leader));
  const later = simulateMesh({ ...base, faults, until: cut + 6 * E });
  t.is(later.finalLeaders.length, 1);
  t.not(later.finalLeaders[0], leader);
});

/** Sabotage: a node that keeps its term but forgets its vote across a restart, so it can vote twice in one term. */
class ForgetsVote extends RaftElectionNode {
  override durable(): RaftDurable {
    return { term: super.durable().term, votedFor: null };
  }
}

test('the suite can fail: a core that forgets its vote on restart violates OneLeaderPerTerm, with a shrunk counterexample', (t) => {
  const sabotaged: MeshAlgorithm<RaftMessage, RaftState, RaftTimer> = { ...raft, create: (id, config) => new ForgetsVote(id, config) };
  const restarts = meshCase({ network: unreliable, faults: fc.oneof(crashFault, restartFault), maxFaults: 8 });
  const p = fc.property(restarts, (c) => {
    const v = runMesh(sabotaged, c).violations.find((x) => x.property === 'OneLeaderPerTerm');
    if (v) throw new Error(`OneLeaderPerTerm violated at ${v.at} ms: ${v.detail}`);
  });
  const { report, error } = counterexample(p, 2000, 19);
  t.log(report);
  t.regex(error, /OneLeaderPerTerm violated/);
});
