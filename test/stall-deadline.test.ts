/**
 * The stall deadline of the real runtime (RingNode), in virtual time: the UDP crash test
 * (faults.test.ts) can only bound wall-clock time loosely, since a loaded machine delays timers.
 */
import test from 'ava';
import { RingNode } from '../src/runtime/node.js';
import type { NodeResult } from '../src/node/result.js';
import { formatAddress } from '../src/config/address.js';
import { MemoryNetwork } from '../src/transport/memory.js';
import { SeededRandom } from '../src/util/random.js';
import { VirtualClock } from './helpers/virtual-clock.js';

test('stall: a node killed mid-election leaves the others stalled exactly at their timeout, its neighbours naming it', async (t) => {
  // As in faults.test.ts: the maximum is killed at 60 ms, while 5-10 ms delays keep the election going.
  const ids = [4, 2, 6, 1, 5, 3];
  const victim = ids.indexOf(6);
  const timeoutMs = 2500;
  const clock = new VirtualClock();
  const rng = new SeededRandom(7);
  const network = new MemoryNetwork();
  network.schedule = (deliver) => void clock.setTimer(deliver, 5 + 5 * rng.next());
  const n = ids.length;
  const address = (i: number) => ({ host: '127.0.0.1', port: 20_000 + i });
  const transports = ids.map((_, i) => network.bind(address(i)));
  const nodes = ids.map(
    (id, i) =>
      new RingNode({ id, transport: transports[i]!, left: address((i + n - 1) % n), right: address((i + 1) % n), timeoutMs, clock, random: rng.fn }),
  );
  let decidedBeforeKill = false;
  for (const node of nodes) node.on('decide', () => (decidedBeforeKill ||= clock.now() < 60));
  const runs = nodes.map((node) => node.run());
  clock.setTimer(() => void transports[victim]!.close(), 60);
  let steps = 0;
  while (clock.fireNext()) if (++steps > 1_000_000) throw new Error('timers never ran out');
  const live: NodeResult[] = (await Promise.all(runs)).filter((_, i) => i !== victim);

  t.false(decidedBeforeKill, 'the kill lands mid-election');
  for (const r of live) {
    t.like(r, { outcome: 'stalled', leader: null, isLeader: false, elapsedMs: timeoutMs }, `node ${r.id}`);
    t.is(r.stall?.reason, `no leader known after ${timeoutMs} ms`);
  }
  t.true(live.some((r) => r.datagrams.retransmissions > 0), 'retries to the dead node did not postpone the deadline');
  const dead = formatAddress(address(victim));
  const named = live.flatMap((r) => r.stall?.unreachable.map((u) => u.address) ?? []);
  t.true(named.includes(dead), 'a neighbour of the killed node names it');
  t.true(named.every((a) => a === dead), `no live node is named unreachable: ${named.join(', ')}`);
});
