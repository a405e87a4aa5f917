/**
 * Issue 15 item 1: two nodes given the same id (flags, no ring file) must not both finish as
 * leader. A message of a node's id stamped with another incarnation reveals the duplicate: at
 * least one node reports DuplicateIdError, and no node reports success. Over UDP here; in
 * virtual time, every schedule, in test/node/duplicate-id.test.ts.
 */
import test from 'ava';
import { DuplicateIdError, type HsRingNode, type NodeResult, createNode } from '../../src/index.js';
import { reserveUdpPorts } from '../../src/transport/ports.js';
import { runCli } from '../helpers/cli.js';

const RING = [10, 42, 20, 42, 30];

test('duplicate id over UDP: of five nodes started from flags, two with id 42, none succeeds and a 42 reports DuplicateIdError', async (t) => {
  const ports = await reserveUdpPorts('127.0.0.1', RING.length);
  const at = (i: number) => `127.0.0.1:${ports[(i + RING.length) % RING.length]!}`;
  const nodes: HsRingNode[] = await Promise.all(
    RING.map((id, i) => createNode({ id, listen: at(i), left: at(i - 1), right: at(i + 1), link: { lingerMs: 50 }, timeoutMs: 2_000 })),
  );
  const settled = await Promise.allSettled(nodes.map((n) => n.start()));
  const states = nodes.map((n) => n.state);
  await Promise.all(nodes.map((n) => n.close()));
  const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  t.deepEqual(
    results.filter((r: NodeResult) => r.outcome === 'ok').map((r) => r.id),
    [],
    'no node reports success',
  );
  t.false(results.some((r) => r.isLeader), 'no node claims leadership');
  t.true(errors.length >= 1, 'at least one node reports the duplicate');
  for (const err of errors) {
    t.true(err instanceof DuplicateIdError, String(err));
    t.is((err as DuplicateIdError).code, 'DuplicateId');
    t.is((err as DuplicateIdError).id, 42);
    t.regex((err as Error).message, /^id 42 is not unique/);
  }
  t.true(settled.every((s, i) => s.status === 'fulfilled' || RING[i] === 42), 'only the two 42s report it');
  t.deepEqual(states, settled.map((s) => (s.status === 'rejected' ? 'failed' : 'stalled')));
});

test('duplicate id, hs-ring node: five processes from flags, two with --id 42; a 42 exits 2 with one line naming the id, none exits 0', async (t) => {
  const ports = await reserveUdpPorts('127.0.0.1', RING.length);
  const at = (i: number) => `127.0.0.1:${ports[(i + RING.length) % RING.length]!}`;
  const runs = await Promise.all(
    RING.map((id, i) => runCli(['node', '--id', String(id), '--listen', at(i), '--left', at(i - 1), '--right', at(i + 1), '--timeout', '3000'])),
  );
  const codes = runs.map((r) => r.code);
  t.false(codes.includes(0), `exit codes ${codes.join(', ')}`);
  const reported = runs.flatMap((r, i) => (r.code === 2 ? [i] : []));
  t.true(reported.length >= 1 && reported.every((i) => RING[i] === 42), `exit codes ${codes.join(', ')}`);
  for (const i of reported) t.regex(runs[i]!.stderr, /^hs-ring: id 42 is not unique: [^\n]*\n$/);
  t.true(runs.every((r) => r.code === 2 || r.code === 3), `exit codes ${codes.join(', ')}`);
});
