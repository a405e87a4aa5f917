/** The UDP transport over dgram-as-promised. */
import DgramAsPromised, { type SocketAsPromised } from 'dgram-as-promised';
import { type LookupOneOptions, lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { ConfigError, EXIT } from '../errors.js';
import { type Address, formatAddress } from '../config/address.js';
import type { DatagramHandler, Transport } from './transport.js';

/** What warmUp bounces: a fixed text, never mistaken for a frame (frames start with the magic 0x4853). */
const WARM_UP = new TextEncoder().encode('hs-ring socket warm-up'.padEnd(64, '.'));

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

function isWarmUp(bytes: Uint8Array): boolean {
  if (bytes.length !== WARM_UP.length) return false;
  for (let i = 0; i < 16; i++) if (bytes[i] !== WARM_UP[i]) return false;
  return true;
}

/**
 * UDP through dgram-as-promised. Its `recv()` loses datagrams that arrive while no call is
 * pending, so we give `createSocket` a message listener instead: Node then delivers every
 * datagram the kernel hands over, in order, whether or not we are busy.
 */
export class UdpTransport implements Transport {
  private handler: DatagramHandler | undefined;
  /** During warmUp: called for each warm-up datagram that comes back. */
  private onWarmUp: (() => void) | undefined;
  private readonly early: { bytes: Uint8Array; from: Address }[] = [];
  /** Socket errors after bind (e.g. a failed name lookup); UDP is unreliable anyway, so they are counted, not fatal. */
  sendErrors = 0;
  /**
   * Warm-up datagrams that arrived while no warm-up was running (dropped, like every warm-up
   * datagram). A warm-up that runs out of time leaves at most one of its own in flight; more
   * strays than such warm-ups came from some other sender.
   */
  strayWarmUps = 0;

  private constructor(
    private readonly socket: SocketAsPromised,
    readonly local: Address,
  ) {}

  /**
   * Binds `address` (port 0: any free port). A busy port or foreign address is a ConfigError; a
   * busy port's has the code 'port-in-use', which launch acts on (it retries on other ports).
   */
  static async bind(address: Address): Promise<UdpTransport> {
    const type = isIP(address.host) === 6 ? 'udp6' : 'udp4';
    let self: UdpTransport | undefined;
    const socket = DgramAsPromised.createSocket({ type, lookup: literalFirstLookup }, (msg, rinfo) => {
      if (!self) return;
      // Never a node's business, even the last one of a warm-up that ran out of time.
      if (isWarmUp(msg)) {
        if (self.onWarmUp) self.onWarmUp();
        else self.strayWarmUps += 1;
        return;
      }
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
      if (code === 'EADDRINUSE') throw new ConfigError(`cannot listen on ${where}: port already in use`, EXIT.config, 'port-in-use');
      if (code === 'EADDRNOTAVAIL') throw new ConfigError(`cannot listen on ${where}: no such local address`);
      if (code === 'EACCES') throw new ConfigError(`cannot listen on ${where}: permission denied`);
      throw new ConfigError(`cannot listen on ${where}: ${(err as Error).message}`);
    }
  }

  send(bytes: Uint8Array, to: Address): void {
    // The raw socket without a callback: the promise wrapper, or a callback, would cost an
    // allocation and a tick per datagram on the hottest path of a node. A failed send is a lost
    // datagram, which the link retransmits; asynchronous failures still reach the 'error' listener.
    this.socket.socket.send(bytes, to.port, to.host);
  }

  /**
   * Bounces `count` datagrams off this socket to itself, so that Node's own send and receive code
   * is compiled and warm before the node runs (see runtime/warmup.ts). Only before onDatagram:
   * datagrams from anyone else meanwhile are queued as usual. Gives up quietly after `budgetMs`.
   * Resolves with the number of datagrams that came back.
   */
  warmUp(count: number, budgetMs: number): Promise<number> {
    if (this.handler) return Promise.resolve(0);
    return new Promise((resolve) => {
      let back = 0;
      const finish = () => {
        clearTimeout(timer);
        this.onWarmUp = undefined;
        resolve(back);
      };
      const timer = setTimeout(finish, budgetMs);
      this.onWarmUp = () => {
        back += 1;
        if (back >= count) finish();
        else this.send(WARM_UP, this.local);
      };
      this.send(WARM_UP, this.local);
    });
  }

  onDatagram(handler: DatagramHandler): void {
    this.handler = handler;
    for (const d of this.early.splice(0)) handler(d.bytes, d.from);
  }

  async close(): Promise<void> {
    await this.socket.close().catch(() => undefined);
  }
}
