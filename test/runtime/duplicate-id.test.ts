/**
 * Issue 15 item 1: two nodes given the same id (flags, no ring file) must not both finish as
 * leader. A message of a node's id stamped with another incarnation reveals the duplicate: at
 * least one node reports DuplicateIdError, and no node reports success.
 */
import test from 'ava';
import { DuplicateIdError, type HsRingNode, type NodeResult, createNode } from '../../src/index.js';
import { reserveUdpPorts } from '../../src/transport/ports.js';
import { runCli } from '../helpers/cli.js';
import { runEndpointRing } from '../helpers/endpoint-ring.js';

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

test('duplicate id in virtual time: on every schedule, with or without loss, a 42 stops on the duplicate and no node decides', (t) => {
  for (let seed = 1; seed <= 40; seed++) {
    for (const loss of [0, 0.2]) {
      const run = runEndpointRing({ ids: RING, seed, loss, limitMs: 20_000 });
      const found = run.endpoints.map((e) => e.duplicateId());
      const where = `seed ${seed}, loss ${loss}`;
      t.true(found.some((d) => d !== undefined), where);
      t.true(found.every((d, i) => d === undefined || RING[i] === 42), where);
      t.deepEqual(run.leaders, RING.map(() => undefined), where);
      t.false(run.terminated, where);
    }
  }
});

test('duplicate id below the maximum: found when the two meet, unseen when larger ids always swallow their probes', (t) => {
  // Adjacent duplicates: their phase-0 probes reach each other.
  const adjacent = runEndpointRing({ ids: [10, 5, 5, 30, 20], seed: 3 });
  t.true(adjacent.endpoints.some((e) => e.duplicateId() !== undefined));
  t.false(adjacent.terminated);
  // Each 5 lies between larger ids, which swallow every probe of id 5: the two never exchange a
  // message, nothing reveals them, and the election is still right (99, the maximum, everywhere).
  const apart = runEndpointRing({ ids: [5, 99, 5, 98], seed: 3 });
  t.true(apart.endpoints.every((e) => e.duplicateId() === undefined));
  t.true(apart.terminated);
  t.deepEqual(apart.leaders, [99, 99, 99, 99]);
});

test('a node of a unique id never takes its own returning messages for a duplicate', (t) => {
  for (let seed = 1; seed <= 20; seed++) {
    const run = runEndpointRing({ ids: [1], seed });
    t.true(run.terminated && run.endpoints[0]!.duplicateId() === undefined, `ring of one, seed ${seed}`);
    const two = runEndpointRing({ ids: [4, 8], seed, loss: 0.2 });
    t.true(two.terminated && two.endpoints.every((e) => e.duplicateId() === undefined), `ring of two, seed ${seed}`);
  }
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
