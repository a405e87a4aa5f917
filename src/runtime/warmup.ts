/** Warm-up elections that compile the hot code before a node reports ready. */
import type { LinkConfig } from '../link/config.js';
import { ElectionNode, type Output } from '../node/election-node.js';
import { FROM_LEFT, FROM_RIGHT, RIGHT_PEER } from '../node/ring.js';
import { MemoryNetwork } from '../transport/memory.js';
import { RingNode } from './node.js';

/**
 * Runs a few tiny elections in memory so the JIT has compiled the core, codec and link before
 * the node reports ready. Without it the first real datagrams pay for compilation, which on a
 * busy machine with many node processes triggers spurious retransmissions.
 */
export function warmUp(rounds = 5): void {
  for (let r = 0; r < rounds; r++) {
    const ids = [3, 9, 5, 7, 1];
    const n = ids.length;
    const eps = ids.map((id, i) => new ElectionNode({ id, session: i, random: () => 0.5 }));
    const queue: { to: number; bytes: Uint8Array; from: number }[] = [];
    const take = (i: number, outs: Output[]) => {
      for (const o of outs) {
        if (o.type !== 'transmit') continue;
        const rightwards = o.peer === RIGHT_PEER;
        // Sent rightwards, it comes from the receiver's left neighbour.
        queue.push({ to: rightwards ? (i + 1) % n : (i - 1 + n) % n, bytes: o.bytes, from: rightwards ? FROM_LEFT : FROM_RIGHT });
      }
    };
    eps.forEach((e, i) => take(i, e.start(0)));
    for (let k = 0; k < queue.length && k < 10_000; k++) {
      const d = queue[k]!;
      take(d.to, eps[d.to]!.onDatagram(1, d.bytes, d.from));
    }
  }
}

/** Fast enough that a warm-up election with timers firing takes a few ms. */
const WARM_UP_LINK: LinkConfig = { initialRtoMs: 20, minRtoMs: 5, maxRtoMs: 50, jitter: 0.2, ackDelayMs: 1, lingerMs: 2 };

/**
 * Runs a few tiny elections of whole RingNodes over an in-memory network with the real clock, so
 * that the runtime's own code (datagram dispatch, timers set, cleared and fired, results) is
 * compiled too, not only the node layer's. A launched ring process handles a few dozen datagrams
 * in all: without this, compiling that code on first use would be a good part of the election's CPU.
 */
export async function warmUpRuntime(rounds = 3): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    const network = new MemoryNetwork();
    const ids = [3, 9, 5, 7];
    const transports = ids.map((_, i) => network.bind({ host: 'warm-up', port: i + 1 }));
    const n = ids.length;
    const nodes = ids.map(
      (id, i) =>
        new RingNode({
          id,
          transport: transports[i]!,
          left: transports[(i - 1 + n) % n]!.local,
          right: transports[(i + 1) % n]!.local,
          link: WARM_UP_LINK,
          timeoutMs: 1000,
          random: () => 0.5,
        }),
    );
    await Promise.all(nodes.map((node) => node.run()));
    await Promise.all(transports.map((t) => t.close()));
  }
}
