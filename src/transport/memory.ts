/** An in-memory datagram network for tests and warm-up. */
import { type Address, formatAddress } from '../config/address.js';
import type { DatagramHandler, Transport } from './transport.js';

/**
 * An in-process datagram network for tests. Delivery is asynchronous (a microtask or the
 * `deliver` hook), and a `filter` may drop, duplicate or delay datagrams.
 */
export class MemoryNetwork {
  private readonly endpoints = new Map<string, MemoryTransport>();
  /** How a datagram travels: call `deliver` zero or more times, now or later. Default: once, soon. */
  schedule: (deliver: () => void, bytes: Uint8Array, from: Address, to: Address) => void = (deliver) =>
    queueMicrotask(deliver);
  delivered = 0;

  /** Creates a transport at `address`, which must be free. */
  bind(address: Address): MemoryTransport {
    const key = formatAddress(address);
    if (this.endpoints.has(key)) throw new Error(`address ${key} already bound in memory network`);
    const t = new MemoryTransport(this, address);
    this.endpoints.set(key, t);
    return t;
  }

  /** @internal */
  route(bytes: Uint8Array, from: Address, to: Address): void {
    const copy = bytes.slice();
    this.schedule(
      () => {
        const target = this.endpoints.get(formatAddress(to));
        if (!target) return;
        this.delivered += 1;
        target.receive(copy, from);
      },
      copy,
      from,
      to,
    );
  }

  /** @internal */
  unbind(t: MemoryTransport): void {
    this.endpoints.delete(formatAddress(t.local));
  }
}

export class MemoryTransport implements Transport {
  private handler: DatagramHandler | undefined;
  private readonly early: { bytes: Uint8Array; from: Address }[] = [];
  private closed = false;

  constructor(
    private readonly network: MemoryNetwork,
    readonly local: Address,
  ) {}

  send(bytes: Uint8Array, to: Address): void {
    if (!this.closed) this.network.route(bytes, this.local, to);
  }

  onDatagram(handler: DatagramHandler): void {
    this.handler = handler;
    for (const d of this.early.splice(0)) handler(d.bytes, d.from);
  }

  /** @internal */
  receive(bytes: Uint8Array, from: Address): void {
    if (this.closed) return;
    if (this.handler) this.handler(bytes, from);
    else this.early.push({ bytes, from });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.network.unbind(this);
  }
}
