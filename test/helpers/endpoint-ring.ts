/** A ring of node layers over simulated datagrams, with injected deliveries, for link-level tests. */
import type { PeerSet } from '../../src/link/links.js';
import { ElectionNode, type Output } from '../../src/node/election-node.js';
import { FROM_LEFT, FROM_RIGHT, RIGHT_PEER } from '../../src/node/ring.js';
import { SeededRandom } from '../../src/util/random.js';

/** A datagram as a node received it: which node, the bytes, and which neighbours its source matched. */
export interface Delivery {
  readonly to: number;
  readonly bytes: Uint8Array;
  readonly from: PeerSet;
}

export interface RingOptions {
  readonly ids: readonly number[];
  /** One per node, non-zero; default random. */
  readonly sessions?: readonly number[];
  readonly key?: Uint8Array;
  readonly seed: number;
  /** Probability that a datagram is lost. */
  readonly loss?: number;
  /** Datagrams injected at a virtual time, as if from anywhere (forged, replayed, garbage). */
  readonly inject?: readonly { readonly atMs: number; readonly delivery: Delivery }[];
  /** Keep every datagram delivered, for replay in a later run. */
  readonly capture?: boolean;
  readonly limitMs?: number;
}

export interface RingOutcome {
  readonly endpoints: ElectionNode[];
  /** Each node's leader, or undefined. */
  readonly leaders: (number | undefined)[];
  /** Every node exited (finished, acknowledged, lingered). */
  readonly terminated: boolean;
  readonly captured: Delivery[];
  readonly endMs: number;
}

/**
 * A ring of ElectionNodes over a virtual-time network with random 1-5 ms delays (so order varies),
 * optional loss, and injected datagrams. Deterministic for a seed. Small and quick enough to run
 * one election per property-test case.
 */
export function runEndpointRing(o: RingOptions): RingOutcome {
  const n = o.ids.length;
  const rng = new SeededRandom(o.seed);
  const endpoints = o.ids.map(
    (id, i) =>
      new ElectionNode({
        id,
        session: o.sessions?.[i] ?? 1 + rng.below(2 ** 32 - 1),
        random: rng.fn,
        ...(o.key ? { key: o.key } : {}),
      }),
  );
  const queue = new Heap();
  const timers = new Map<string, { cancelled: boolean }>();
  const captured: Delivery[] = [];
  const exited = new Set<number>();
  let now = 0;
  const deliver = (d: Delivery) => {
    if (o.capture) captured.push(d);
    apply(d.to, endpoints[d.to]!.onDatagram(now, d.bytes, d.from));
  };
  const apply = (i: number, outs: Output[]) => {
    for (const out of outs) {
      if (out.type === 'transmit') {
        if (o.loss && rng.next() < o.loss) continue;
        const rightwards = out.peer === RIGHT_PEER;
        const to = rightwards ? (i + 1) % n : (i - 1 + n) % n;
        // The source address is node i's: it matches whichever of `to`'s neighbours node i is.
        const from = n <= 2 ? FROM_LEFT | FROM_RIGHT : rightwards ? FROM_LEFT : FROM_RIGHT;
        queue.push(now + 1 + rng.below(5), () => deliver({ to, bytes: out.bytes, from }));
      } else if (out.type === 'setTimer' || out.type === 'cancelTimer') {
        const key = `${i}:${out.key}`;
        const old = timers.get(key);
        if (old) old.cancelled = true;
        timers.delete(key);
        if (out.type === 'setTimer') {
          const handle = { cancelled: false };
          timers.set(key, handle);
          queue.push(now + out.delayMs, () => {
            if (handle.cancelled) return;
            timers.delete(key);
            apply(i, endpoints[i]!.onTimer(now, out.key));
          });
        }
      } else if (out.type === 'exit') exited.add(i);
    }
  };
  for (const inj of o.inject ?? []) queue.push(inj.atMs, () => apply(inj.delivery.to, endpoints[inj.delivery.to]!.onDatagram(now, inj.delivery.bytes, inj.delivery.from)));
  endpoints.forEach((e, i) => apply(i, e.start(0)));
  const limit = o.limitMs ?? 120_000;
  while (queue.size() > 0 && exited.size < n) {
    const e = queue.pop()!;
    if (e.at > limit) break;
    now = e.at;
    e.run();
  }
  return {
    endpoints,
    leaders: endpoints.map((e) => e.state().leader),
    terminated: exited.size === n,
    captured,
    endMs: now,
  };
}

/** A binary min-heap of events by time, then insertion order (so equal times stay FIFO). */
class Heap {
  private readonly items: { at: number; order: number; run: () => void }[] = [];
  private order = 0;

  size(): number {
    return this.items.length;
  }

  push(at: number, run: () => void): void {
    const items = this.items;
    items.push({ at, order: this.order++, run });
    let i = items.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [items[i], items[p]] = [items[p]!, items[i]!];
      i = p;
    }
  }

  pop(): { at: number; run: () => void } | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.less(l, m)) m = l;
        if (r < items.length && this.less(r, m)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a]!;
    const y = this.items[b]!;
    return x.at < y.at || (x.at === y.at && x.order < y.order);
  }
}
