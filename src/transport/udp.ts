/** The UDP transport over dgram-as-promised. */
import DgramAsPromised, { type SocketAsPromised } from 'dgram-as-promised';
import { type LookupOneOptions, lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { AddressUnavailableError, PortInUseError } from '../errors.js';
import { type Address, formatAddress } from '../config/address.js';
import type { DatagramHandler, Transport } from './transport.js';

/**
 * dgram resolves the destination of every send, even an IP literal, through dns.lookup and a
 * process.nextTick: for a node that relays a few dozen datagrams, a noticeable share of its CPU.
 * Literals (every address of a launched ring) are answered at once; names still go to dns.lookup.
 */
function literalFirstLookup(
  hostname: string,
  options: LookupOneOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dnsLookup(hostname, options, callback);
}

/**
 * UDP through dgram-as-promised. Its `recv()` loses datagrams that arrive while no call is
 * pending, so we give `createSocket` a message listener instead: Node then delivers every
 * datagram the kernel hands over, in order, whether or not we are busy.
 */
export class UdpTransport implements Transport {
  private handler: DatagramHandler | undefined;
  private readonly early: { bytes: Uint8Array; from: Address }[] = [];
  /** Socket errors after bind (e.g. a failed name lookup); UDP is unreliable anyway, so they are counted, not fatal. */
  sendErrors = 0;

  private constructor(
    private readonly socket: SocketAsPromised,
    readonly local: Address,
  ) {}

  /** Binds every address, or none: on any failure the sockets already bound are closed and the first error thrown. */
  static async bindAll(addresses: readonly Address[]): Promise<UdpTransport[]> {
    const settled = await Promise.allSettled(addresses.map((a) => UdpTransport.bind(a)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
      throw failed.reason;
    }
    return settled.map((s) => (s as PromiseFulfilledResult<UdpTransport>).value);
  }

  /**
   * Binds `address` (port 0: any free port). A busy port is a PortInUseError (launch retries on
   * other ports); a foreign or forbidden address an AddressUnavailableError.
   */
  static async bind(address: Address): Promise<UdpTransport> {
    const type = isIP(address.host) === 6 ? 'udp6' : 'udp4';
    let self: UdpTransport | undefined;
    const socket = DgramAsPromised.createSocket({ type, lookup: literalFirstLookup }, (msg, rinfo) => {
      if (!self) return;
      const from = { host: rinfo.address, port: rinfo.port };
      if (self.handler) self.handler(msg, from);
      else self.early.push({ bytes: msg, from });
    });
    try {
      const info = await socket.bind(address.port, address.host);
      self = new UdpTransport(socket, { host: info.address, port: info.port });
      // Errors after bind (ICMP-induced on some platforms) must not kill the node.
      socket.socket.on('error', () => {
        if (self) self.sendErrors += 1;
      });
      return self;
    } catch (err) {
      await socket.close().catch(() => undefined);
      const code = (err as NodeJS.ErrnoException).code;
      const where = formatAddress(address);
      if (code === 'EADDRINUSE') throw new PortInUseError(`cannot listen on ${where}: port already in use`);
      if (code === 'EADDRNOTAVAIL') throw new AddressUnavailableError(`cannot listen on ${where}: no such local address`);
      if (code === 'EACCES') throw new AddressUnavailableError(`cannot listen on ${where}: permission denied`);
      throw new AddressUnavailableError(`cannot listen on ${where}: ${(err as Error).message}`);
    }
  }

  send(bytes: Uint8Array, to: Address): void {
    // The raw socket without a callback: the promise wrapper, or a callback, would cost an
    // allocation and a tick per datagram on the hottest path of a node. A failed send is a lost
    // datagram, which the link retransmits; asynchronous failures still reach the 'error' listener.
    this.socket.socket.send(bytes, to.port, to.host);
  }

  onDatagram(handler: DatagramHandler): void {
    this.handler = handler;
    for (const d of this.early.splice(0)) handler(d.bytes, d.from);
  }

  async close(): Promise<void> {
    await this.socket.close().catch(() => undefined);
  }
}
