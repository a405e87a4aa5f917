/** Real UDP rings of processes on loopback: the maximum is elected whatever the ids and sizes. */
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { messageBound } from '../src/core/bound.js';
import type { RingSummary } from '../src/cluster/ring-summary.js';
import type { NodeResult } from '../src/node/result.js';
import { reserveUdpPorts } from '../src/transport/ports.js';
import { cliPath, runCli } from './helpers/cli.js';

type LaunchJson = RingSummary & { nodes: NodeResult[] };

async function launch(args: string[]): Promise<LaunchJson> {
  const r = await runCli(['launch', '--json', ...args], 120_000);
  if (r.stderr.trim()) throw new Error(r.stderr);
  const out = JSON.parse(r.stdout) as LaunchJson;
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stdout}`);
  return out;
}

function expectElected(t: import('ava').ExecutionContext, s: LaunchJson, ids: readonly number[]) {
  t.is(s.outcome, 'elected');
  t.is(s.leader, Math.max(...ids));
  t.true(s.agreed);
  t.is(s.leaders, 1);
  t.is(s.nodes.length, ids.length);
  t.true(s.nodes.every((n) => n.outcome === 'ok' && n.leader === Math.max(...ids)));
  t.true(s.messages.total <= messageBound(ids.length));
  t.true(s.datagrams.sent >= s.messages.total, 'datagrams include every algorithm message');
}

test.serial('udp ring: 8 processes with random ids elect the maximum', async (t) => {
  const s = await launch(['-n', '8', '--seed', '42']);
  expectElected(t, s, s.ids);
});

test.serial('udp ring: ascending and descending ids', async (t) => {
  for (const ids of [[1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1]]) {
    expectElected(t, await launch(['--ids', ids.join(',')]), ids);
  }
});

test.serial('udp ring: one node is its own neighbour, two nodes are each other\'s on both sides', async (t) => {
  expectElected(t, await launch(['--ids', '7']), [7]);
  expectElected(t, await launch(['--ids', '3,9']), [3, 9]);
  expectElected(t, await launch(['--ids', '9,3']), [9, 3]);
});

test.serial('udp ring: ids near 2^53-1 survive the wire', async (t) => {
  const ids = [9007199254740991, 0, 9007199254740990, 4294967296];
  expectElected(t, await launch(['--ids', ids.join(',')]), ids);
});

test.serial('udp ring: nodes started from a ring file find each other', async (t) => {
  const ids = [30, 10, 50, 20, 40];
  const ports = await reserveUdpPorts('127.0.0.1', ids.length);
  const dir = mkdtempSync(join(tmpdir(), 'hs-ring-'));
  const ring = join(dir, 'ring.json');
  writeFileSync(ring, JSON.stringify({ members: ids.map((id, i) => ({ id, host: '127.0.0.1', port: ports[i] })) }));
  // Started one by one with no coordination: early datagrams to unbound ports are retransmitted.
  const results = await Promise.all(
    ids.map(
      (id) =>
        new Promise<NodeResult>((resolve, reject) => {
          const child = spawn(process.execPath, [cliPath, 'node', '--ring', ring, '--self', String(id), '--json', '--timeout', '20000']);
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as NodeResult) : reject(new Error(`node ${id}: exit ${code} ${out}`))));
        }),
    ),
  );
  t.true(results.every((r) => r.leader === 50 && r.outcome === 'ok'));
  t.is(results.filter((r) => r.isLeader).length, 1);
});

test.serial('udp ring: a node whose neighbours never answer reports a stall naming them', async (t) => {
  const [a, b, c] = await reserveUdpPorts('127.0.0.1', 3);
  const r = await runCli([
    'node', '--id', '5', '--listen', `127.0.0.1:${a}`, '--left', `127.0.0.1:${b}`, '--right', `127.0.0.1:${c}`, '--timeout', '1500', '--json',
  ]);
  t.is(r.code, 3);
  const res = JSON.parse(r.stdout) as NodeResult;
  t.is(res.outcome, 'stalled');
  t.deepEqual(res.stall?.unreachable.map((u) => u.address).sort(), [`127.0.0.1:${b}`, `127.0.0.1:${c}`].sort());
});
