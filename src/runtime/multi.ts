/** Several ring nodes in one process, each on its own socket (node --self A,B,...). */
import type { Placement } from '../config/ring-file.js';
import { type AlgorithmName, ringAlgorithm } from '../core/algorithms.js';
import type { LinkConfig } from '../link/config.js';
import { type FaultConfig, FaultyTransport, faultSeedFor, hasFaults } from '../transport/faulty.js';
import type { Transport } from '../transport/transport.js';
import { UdpTransport } from '../transport/udp.js';
import { RingNode } from './node.js';
import type { NodeResult } from '../node/result.js';

/** What every node of a group shares. */
export interface GroupOptions {
  readonly link?: LinkConfig;
  readonly timeoutMs: number;
  readonly key?: Uint8Array;
  /** Faults each node inflicts on what it sends; each node draws from its own seed derived from this one. */
  readonly faults?: FaultConfig;
  readonly trace?: boolean;
  /** The election algorithm every node runs (the registry's default when absent). */
  readonly algorithm?: AlgorithmName;
}

/** One hosted node: its RingNode and the transport it sends through. */
export interface GroupMember {
  readonly id: number;
  readonly node: RingNode;
  readonly transport: Transport;
  /** The socket under `transport` (which may add faults). */
  readonly udp: UdpTransport;
}

/**
 * Several ring nodes in one process, each with its own UDP socket and its own RingNode, so a
 * process behaves on the wire exactly like that many `hs-ring node` processes. Used by
 * `hs-ring node --self A,B,...` (and so `launch --processes K`) and by the soak.
 */
export class NodeGroup {
  private constructor(readonly members: readonly GroupMember[]) {}

  /** Binds every placement's address and builds its node; a bind failure closes the others (ConfigError). */
  static async bind(placements: readonly Placement[], options: GroupOptions): Promise<NodeGroup> {
    const transports = await UdpTransport.bindAll(placements.map((p) => p.listen));
    return new NodeGroup(placements.map((p, i) => member(p, transports[i]!, options)));
  }

  /**
   * A whole ring of `ids` (in ring order) on `host`, on ports the OS picks: the sockets are bound
   * first, then each node is told its neighbours' actual addresses.
   */
  static async localRing(ids: readonly number[], host: string, options: GroupOptions): Promise<NodeGroup> {
    const transports = await UdpTransport.bindAll(ids.map(() => ({ host, port: 0 })));
    const n = ids.length;
    return new NodeGroup(
      ids.map((id, i) =>
        member(
          { id, listen: transports[i]!.local, left: transports[(i - 1 + n) % n]!.local, right: transports[(i + 1) % n]!.local },
          transports[i]!,
          options,
        ),
      ),
    );
  }

  /** Starts every node in the same tick and resolves with all results (in member order), sockets closed. */
  async run(): Promise<NodeResult[]> {
    const results = await Promise.all(
      this.members.map(async (m) => {
        // Closed on a rejection too (DuplicateIdError): an open socket would keep the process alive.
        try {
          return await m.node.run();
        } finally {
          await m.transport.close();
        }
      }),
    );
    return results;
  }

  /** Closes every socket (for a group that will not run). */
  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.transport.close()));
  }
}


function member(p: Placement, udp: UdpTransport, options: GroupOptions): GroupMember {
  const faults = options.faults;
  const transport: Transport =
    faults && hasFaults(faults) ? new FaultyTransport(udp, { ...faults, seed: faultSeedFor(faults.seed, p.id) }) : udp;
  const node = new RingNode({
    id: p.id,
    transport,
    left: p.left,
    right: p.right,
    timeoutMs: options.timeoutMs,
    ...(p.ringDigest !== undefined ? { ringDigest: p.ringDigest } : {}),
    ...(options.link ? { link: options.link } : {}),
    ...(options.key ? { key: options.key } : {}),
    ...(options.trace ? { trace: true } : {}),
    ...(options.algorithm ? { core: ringAlgorithm(options.algorithm).create } : {}),
  });
  return { id: p.id, node, transport, udp };
}
