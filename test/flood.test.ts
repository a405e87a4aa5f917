/** Rings flooded with garbage, mutated, forged and replayed frames during the election still elect the maximum. */
import test from 'ava';
import { createSocket } from 'node:dgram';
import { RingNode } from '../src/runtime/node.js';
import type { NodeResult } from '../src/node/result.js';
import type { Address } from '../src/config/address.js';
import type { DatagramHandler, Transport } from '../src/transport/transport.js';
import { UdpTransport } from '../src/transport/udp.js';
import { SeededRandom } from '../src/util/random.js';
import { encodeFrame, sealFrame } from '../src/wire/index.js';
import { encodeNodeFrame } from './helpers/node-frames.js';

const KEY = new TextEncoder().encode('flood-test-cluster-key');
const WRONG_KEY = new TextEncoder().encode('not-the-cluster-key-at-all');

/**
 * Real UDP, plus what no unprivileged test can do on the wire: hand the node a datagram with a
 * forged source address (a neighbour's). Also records what the node sends, for the attacker.
 */
class TappedTransport implements Transport {
  private handler: DatagramHandler | undefined;
  readonly sent: Uint8Array[] = [];
  constructor(private readonly inner: UdpTransport) {}
  get local(): Address {
    return this.inner.local;
  }
  send(bytes: Uint8Array, to: Address): void {
    this.sent.push(bytes);
    this.inner.send(bytes, to);
  }
  onDatagram(handler: DatagramHandler): void {
    this.handler = handler;
    this.inner.onDatagram(handler);
  }
  inject(bytes: Uint8Array, from: Address): void {
    this.handler?.(bytes, from);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

interface Ring {
  readonly ids: number[];
  readonly taps: TappedTransport[];
  readonly nodes: RingNode[];
}

async function ring(ids: number[], key: Uint8Array | undefined): Promise<Ring> {
  const udp = await Promise.all(ids.map(() => UdpTransport.bind({ host: '127.0.0.1', port: 0 })));
  const taps = udp.map((u) => new TappedTransport(u));
  const n = ids.length;
  const nodes = ids.map(
    (id, i) =>
      new RingNode({
        id,
        transport: taps[i]!,
        left: taps[(i - 1 + n) % n]!.local,
        right: taps[(i + 1) % n]!.local,
        timeoutMs: 30_000,
        ...(key ? { key } : {}),
      }),
  );
  return { ids, taps, nodes };
}

async function run(r: Ring): Promise<NodeResult[]> {
  const results = await Promise.all(r.nodes.map((n) => n.run()));
  await Promise.all(r.taps.map((t) => t.close()));
  return results;
}

/**
 * Floods every node of `target` while its election runs: from a foreign UDP port, garbage,
 * mutated frames and valid frames of the run; with `forge`, also frames handed over as if from
 * the real neighbours: wrong side, mutated, sealed with the wrong key, and `replay` (an earlier
 * run's frames, old sessions). Stops when `until` settles.
 */
async function flood(target: Ring, until: Promise<unknown>, forge: boolean, replay: Uint8Array[]): Promise<number> {
  const attacker = createSocket('udp4');
  await new Promise<void>((res) => attacker.bind(0, '127.0.0.1', () => res()));
  const rng = new SeededRandom(99);
  const n = target.ids.length;
  let done = false;
  let count = 0;
  void until.finally(() => (done = true));
  const pick = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[rng.below(xs.length)] : undefined);
  const mutated = (b: Uint8Array) => {
    const c = b.slice();
    const at = rng.below(c.length);
    c[at] = c[at]! ^ (1 + rng.below(255));
    return c;
  };
  while (!done) {
    for (let i = 0; i < n; i++) {
      const tap = target.taps[i]!;
      const left = target.taps[(i - 1 + n) % n]!.local;
      const right = target.taps[(i + 1) % n]!.local;
      const live = pick(target.taps[(i + 1) % n]!.sent);
      const garbage = new Uint8Array(rng.below(80)).map(() => rng.below(256));
      // From a port that is no neighbour: garbage, a mutated frame and a verbatim live frame.
      for (const b of [garbage, live && mutated(live), live]) {
        if (b) attacker.send(b, tap.local.port, '127.0.0.1');
        count += 1;
      }
      if (!forge) {
        // Unkeyed, only frames that cannot be valid may claim a neighbour's address: a frame
        // that claims to come out of the wrong side of the left neighbour, and plain garbage.
        const wrongSide = encodeFrame({ lane: 0, session: 1, ack: { cumulative: 0, selective: [] } });
        if (n > 2) tap.inject(wrongSide, left);
        tap.inject(garbage, right);
        count += 2;
        continue;
      }
      const forged = encodeNodeFrame({
        lane: rng.below(2),
        session: rng.below(2 ** 32),
        ack: { cumulative: rng.below(50), selective: [] },
        data: { seq: rng.below(50), payload: { kind: 'announcement', leader: 1 } },
      });
      for (const b of [
        live && mutated(live),
        sealFrame(forged, 0, WRONG_KEY),
        forged,
        pick(replay),
      ]) {
        if (!b) continue;
        tap.inject(b, rng.below(2) ? left : right);
        count += 1;
      }
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  attacker.close();
  return count;
}

function expectRight(t: import('ava').ExecutionContext, ids: number[], results: NodeResult[]) {
  const max = Math.max(...ids);
  t.true(results.every((r) => r.outcome === 'ok' && r.leader === max), JSON.stringify(results.map((r) => [r.id, r.outcome, r.leader])));
  t.is(results.filter((r) => r.isLeader).length, 1);
}

const dropped = (results: NodeResult[], reason: keyof NodeResult['datagrams']['dropped']) =>
  results.reduce((s, r) => s + r.datagrams.dropped[reason], 0);

test.serial('flood: an unkeyed ring under garbage, mutated and foreign frames during the election still elects the maximum', async (t) => {
  const ids = [17, 4, 99, 23, 56, 8, 71, 35];
  const r = await ring(ids, undefined);
  const running = run(r);
  const sent = await flood(r, running, false, []);
  const results = await running;
  expectRight(t, ids, results);
  t.log(`${sent} hostile datagrams`);
  t.true(dropped(results, 'unknown-sender') > 0);
  t.true(dropped(results, 'malformed') + dropped(results, 'magic') > 0);
});

test.serial('flood: a keyed ring also shrugs off forged neighbour frames, wrong keys and an earlier run replayed', async (t) => {
  const ids = [17, 4, 99, 23, 56, 8, 71, 35];
  const earlier = await ring(ids, KEY);
  await run(earlier);
  const replay = earlier.taps.flatMap((tap) => tap.sent);
  const r = await ring(ids.map((id) => (id === 99 ? 1 : id)), KEY);
  const running = run(r);
  const sent = await flood(r, running, true, replay);
  const results = await running;
  expectRight(t, r.ids, results);
  t.log(`${sent} hostile datagrams`);
  t.true(dropped(results, 'bad-mac') > 0);
  t.true(dropped(results, 'no-mac') > 0);
  t.true(dropped(results, 'unknown-sender') > 0);
  t.true(dropped(results, 'stale') + dropped(results, 'unverified') > 0, 'replayed frames of the earlier run were refused');
});
