/** Bully and Raft-style election over UDP: the registry's mesh algorithms on real loopback sockets. */
import test from 'ava';
import { MESH_ALGORITHMS, UDP_MESH_TIMING } from '../../src/core/algorithms.js';
import { MeshGroup } from '../../src/runtime/mesh-group.js';

const ids = [4, 17, 2, 9, 30];
const options = (name: 'bully' | 'raft') => ({ algorithm: MESH_ALGORITHMS[name].algorithm(UDP_MESH_TIMING), settleMs: 600, timeoutMs: 15_000 });

test('bully over UDP: 5 nodes elect the maximum, and every node knows it', async (t) => {
  const group = await MeshGroup.local(ids, '127.0.0.1', options('bully'));
  const run = await group.run();
  t.true(run.results.every((r) => r.outcome === 'ok' && r.leader === 30), JSON.stringify(run.results.map((r) => [r.id, r.outcome, r.leader])));
  t.deepEqual(run.results.filter((r) => r.isLeader).map((r) => r.id), [30]);
  t.not(run.electionMs, null);
  t.is(run.maxLeadersAtOnce, 1);
  // Election messages went out, and every one of them rode in a datagram the links counted.
  const election = run.results.reduce((s, r) => s + r.messages.election, 0);
  t.true(election > 0);
  t.true(run.results.reduce((s, r) => s + r.datagrams.sent, 0) >= election);
});

test('raft over UDP: 5 nodes agree on one leader, which alone acts', async (t) => {
  const group = await MeshGroup.local(ids, '127.0.0.1', options('raft'));
  const run = await group.run();
  const leaders = run.results.filter((r) => r.isLeader).map((r) => r.id);
  t.is(leaders.length, 1, JSON.stringify(run.results.map((r) => [r.id, r.outcome, r.leader, r.isLeader])));
  t.true(run.results.every((r) => r.outcome === 'ok' && r.leader === leaders[0]));
  t.not(run.electionMs, null);
});

test('bully over UDP: after the leader crashes the survivors agree on the next highest id', async (t) => {
  const group = await MeshGroup.local(ids, '127.0.0.1', { ...options('bully'), settleMs: 1_500 });
  const running = group.run();
  await waitFor(() => group.agreedLeader() === 30);
  await group.crash(30);
  const run = await running;
  const survivors = run.results.filter((r) => r.id !== 30);
  t.true(survivors.every((r) => r.outcome === 'ok' && r.leader === 17), JSON.stringify(survivors.map((r) => [r.id, r.outcome, r.leader])));
  t.not(run.failoverMs, null);
});

async function waitFor(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
}
