/**
 * The library's front door, as an application uses it: createNode() checks options once and
 * names the problem, binds a socket, reports typed events, resolves start() with the result and
 * releases everything on close().
 */
import test from 'ava';
import { createSocket } from 'node:dgram';
import {
  type HsRingNode,
  HsRingError,
  InvalidConfigError,
  NodeClosedError,
  PortInUseError,
  createNode,
} from '../../src/index.js';
import { reserveUdpPorts } from '../../src/transport/ports.js';

const base = { id: 1, listen: '127.0.0.1:7001', left: '127.0.0.1:7000', right: '127.0.0.1:7002' };

test('createNode: each bad option is an InvalidConfigError with code InvalidConfig, naming the option', async (t) => {
  const cases: [object, RegExp][] = [
    [{ ...base, id: -1 }, /^id: -1 is not an integer id/],
    [{ ...base, id: '7' }, /^id: "7" is not an integer id/],
    [{ ...base, listen: 'nowhere' }, /^listen: "nowhere" is not HOST:PORT/],
    [{ ...base, left: undefined }, /^left: missing/],
    [{ ...base, right: '127.0.0.1:0' }, /^right: port 0 is not in 1..65535/],
    [{ ...base, left: '0.0.0.0:7000' }, /wildcard/],
    [{ ...base, link: { rtoMs: 0 } }, /^link\.rtoMs: must be a positive number of ms/],
    [{ ...base, link: { ackDelayMs: -1 } }, /^link\.ackDelayMs: must be a non-negative/],
    [{ ...base, timeoutMs: 400 }, /^timeoutMs: 400 ms is not above the linger of 500 ms/],
    [{ ...base, key: new Uint8Array(4) }, /^key: 4 bytes is too short \(at least 16\)/],
    [{ ...base, key: 'secret' }, /^key: must be a Uint8Array/],
    [{ id: 1, ring: [{ id: 2, host: '127.0.0.1', port: 7000 }] }, /^id: 1 is not a member of the ring \(ids: 2\)/],
    [{ id: 1, ring: [{ id: 1, host: '127.0.0.1', port: 7000 }, { id: 1, host: '127.0.0.1', port: 7001 }] }, /duplicate id 1/],
    [{ ...base, ring: [{ id: 1, host: '127.0.0.1', port: 7000 }] }, /^listen: give either the ring or listen\/left\/right, not both/],
  ];
  for (const [options, message] of cases) {
    const err = await t.throwsAsync(createNode(options as never), { instanceOf: InvalidConfigError, message }, JSON.stringify(options));
    t.is(err?.code, 'InvalidConfig');
    t.true(err instanceof HsRingError);
  }
});

test('createNode: a port in use is a PortInUseError with code PortInUse', async (t) => {
  const busy = createSocket('udp4');
  await new Promise<void>((r) => busy.bind(0, '127.0.0.1', () => r()));
  const err = await t.throwsAsync(createNode({ ...base, listen: `127.0.0.1:${busy.address().port}` }), { instanceOf: PortInUseError });
  t.is(err?.code, 'PortInUse');
  busy.close();
});

test('createNode: a ring of three in one process elects the maximum, with typed events, and close() releases the sockets', async (t) => {
  const ids = [4, 9, 2];
  const ports = await reserveUdpPorts('127.0.0.1', ids.length);
  const ring = ids.map((id, i) => ({ id, host: '127.0.0.1', port: ports[i]! }));
  const nodes: HsRingNode[] = await Promise.all(ids.map((id) => createNode({ id, ring, link: { lingerMs: 50 }, timeoutMs: 10_000 })));
  const decided: { id: number; leader: number; isLeader: boolean }[] = [];
  const done: number[] = [];
  for (const node of nodes) {
    t.is(node.state, 'created');
    t.is(node.leader, null);
    node.on('decided', ({ leader, isLeader }) => decided.push({ id: node.id, leader, isLeader }));
    node.on('done', (r) => done.push(r.id));
  }
  const results = await Promise.all(nodes.map((n) => n.start()));
  t.deepEqual(results.map((r) => [r.id, r.outcome, r.leader, r.isLeader]), [
    [4, 'ok', 9, false],
    [9, 'ok', 9, true],
    [2, 'ok', 9, false],
  ]);
  t.deepEqual(decided.filter((d) => d.isLeader).map((d) => d.id), [9]);
  t.deepEqual(done.sort(), [2, 4, 9]);
  for (const node of nodes) {
    t.is(node.leader, 9);
    t.is(node.state, 'done');
    t.is(node.start(), node.start(), 'start() twice is the same run');
  }
  await Promise.all(nodes.map((n) => n.close()));
  // The ports are free again.
  const again = await Promise.all(ring.map((m) => createNode({ id: m.id, ring })));
  await Promise.all(again.map((n) => n.close()));
  t.is(again[0]!.state, 'closed');
  await t.throwsAsync(again[0]!.start(), { instanceOf: NodeClosedError });
});

test('createNode: close() during a run rejects start() with NodeClosedError and leaves no timer behind', async (t) => {
  const [port] = await reserveUdpPorts('127.0.0.1', 1);
  // Neighbours that never answer: the run would go on until its 60 s timeout.
  const node = await createNode({ id: 5, listen: `127.0.0.1:${port}`, left: '127.0.0.1:9', right: '127.0.0.1:10', timeoutMs: 60_000 });
  const run = node.start();
  t.is(node.state, 'running');
  await node.close();
  const err = await t.throwsAsync(run, { instanceOf: NodeClosedError });
  t.is(err?.code, 'NodeClosed');
  t.is(node.state, 'closed');
});

test('createNode: a node whose neighbours never answer reports a stall through the event and the result', async (t) => {
  const [port] = await reserveUdpPorts('127.0.0.1', 1);
  const node = await createNode({ id: 5, listen: { host: '127.0.0.1', port: port! }, left: '127.0.0.1:9', right: '127.0.0.1:10', link: { lingerMs: 10 }, timeoutMs: 300 });
  let stalled = 0;
  node.on('stalled', () => (stalled += 1));
  const r = await node.start();
  t.is(r.outcome, 'stalled');
  t.is(stalled, 1);
  t.is(node.state, 'stalled');
  t.regex(r.stall!.reason, /no leader known after 300 ms/);
  await node.close();
});

test('createNode: listen on port 0 binds a free port, and address tells which', async (t) => {
  for (const listen of ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }]) {
    const node = await createNode({ ...base, listen });
    t.true(node.address.port > 0);
    t.is(node.address.host, '127.0.0.1');
    await node.close();
  }
});
