/**
 * Bully and Raft-style election over UDP: the registry's mesh algorithms on real loopback sockets.
 * Serial: Bully is correct only while every message arrives within its delay bound, which a
 * machine busy with the other tests' processes could break.
 */
import test from 'ava';
import { MESH_ALGORITHMS, UDP_MESH_TIMING } from '../../src/core/algorithms.js';
import { MeshGroup } from '../../src/runtime/mesh-group.js';
import { runCli } from '../helpers/cli.js';

const ids = [4, 17, 2, 9, 30];
const options = (name: 'bully' | 'raft') => ({ algorithm: MESH_ALGORITHMS[name].algorithm(UDP_MESH_TIMING), settleMs: 1_500, timeoutMs: 15_000 });

test.serial('bully over UDP: 5 nodes elect the maximum, and every node knows it', async (t) => {
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

test.serial('raft over UDP: 5 nodes agree on one leader, which alone acts', async (t) => {
  const group = await MeshGroup.local(ids, '127.0.0.1', options('raft'));
  const run = await group.run();
  const leaders = run.results.filter((r) => r.isLeader).map((r) => r.id);
  t.is(leaders.length, 1, JSON.stringify(run.results.map((r) => [r.id, r.outcome, r.leader, r.isLeader])));
  t.true(run.results.every((r) => r.outcome === 'ok' && r.leader === leaders[0]));
  t.not(run.electionMs, null);
});

test.serial('bully over UDP: after the leader crashes the survivors agree on the next highest id', async (t) => {
  const group = await MeshGroup.local(ids, '127.0.0.1', options('bully'));
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

test.serial('bully over UDP: `launch --algorithm bully` elects the maximum with one process per node', async (t) => {
  const r = await runCli(['launch', '--ids', '5,1,8,3,6', '--algorithm', 'bully', '--json']);
  t.is(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  t.is(s.outcome, 'elected');
  t.is(s.leader, 8);
  t.deepEqual(s.leadersAtEnd, [8]);
  t.true(s.messages.election > 0 && s.datagrams.sent >= s.messages.total);
});

test.serial('bully over UDP: `launch --algorithm bully --kill` has the survivors agree on the next highest id', async (t) => {
  const r = await runCli(['launch', '--ids', '5,1,8,3,6', '--algorithm', 'bully', '--json', '--kill', '8@300']);
  t.is(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  t.is(s.outcome, 'elected');
  t.is(s.n, 4);
  t.is(s.leader, 6);
  t.is(s.nodes.length, 4);
  t.true(s.failoverMs > 0);
});

test.serial('a mesh algorithm is refused by `hs-ring node`, with one line and exit 2', async (t) => {
  const r = await runCli(['node', '--id', '1', '--listen', '127.0.0.1:47011', '--left', '127.0.0.1:47012', '--right', '127.0.0.1:47013', '--algorithm', 'bully']);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /full mesh/);
});
