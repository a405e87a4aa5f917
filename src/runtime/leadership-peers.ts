/**
 * Where each member of a leadership ring is reached, and which source address is which member.
 * Host names are resolved when the member is created and a peer's name again when it is
 * suspected: a peer that moved (a new container, a DNS change) is followed rather than lost.
 */
import { type Address, addressKey, familyProblem, formatAddress } from '../config/address.js';
import { HostResolver, type Lookup, lookupHost } from '../config/resolve.js';
import { type Member, resolveRing } from '../config/ring-file.js';
import { isIP } from 'node:net';

/** What a fresh lookup of a peer's name did. */
export type Reresolution =
  | { readonly kind: 'same' }
  | { readonly kind: 'changed'; readonly host: string; readonly previous: Address; readonly address: Address }
  /** The name did not resolve, or to an address this member cannot use; the old address stays. */
  | { readonly kind: 'failed'; readonly host: string; readonly detail: string };

export class PeerAddresses {
  private readonly addresses = new Map<number, Address>();
  private readonly bySource = new Map<string, number>();
  private readonly pending = new Set<number>();

  private constructor(
    private readonly written: ReadonlyMap<number, Member>,
    resolved: readonly Member[],
    readonly listen: Address,
    private readonly lookup: Lookup | undefined,
  ) {
    for (const m of resolved) this.set(m.id, { host: m.host, port: m.port });
  }

  /** Resolves every name of `members` (InvalidConfigError if one does not resolve, or the addresses clash). */
  static async create(members: readonly Member[], self: number, lookup: Lookup | undefined): Promise<PeerAddresses> {
    const resolved = await resolveRing(members, 'ring', new HostResolver(lookup));
    const listen = resolved.find((m) => m.id === self)!;
    return new PeerAddresses(new Map(members.map((m) => [m.id, m])), resolved, { host: listen.host, port: listen.port }, lookup);
  }

  /** Where member `id` is sent to now. */
  addressOf(id: number): Address {
    return this.addresses.get(id)!;
  }

  /** The member a datagram from `from` comes from, or undefined. */
  idOf(from: Address): number | undefined {
    return this.bySource.get(addressKey(from));
  }

  /** True when member `id`'s host is a name, which reresolve() may follow. */
  hasName(id: number): boolean {
    const m = this.written.get(id);
    return m !== undefined && isIP(m.host) === 0;
  }

  /**
   * Looks member `id`'s name up afresh and, if it now stands for another usable address, sends
   * there and maps that source to `id` from then on. Never rejects; undefined when `id` has no
   * name or a lookup of it is already under way.
   */
  async reresolve(id: number): Promise<Reresolution | undefined> {
    const m = this.written.get(id);
    if (!m || isIP(m.host) !== 0 || this.pending.has(id)) return undefined;
    this.pending.add(id);
    try {
      const host = await lookupHost(m.host, this.lookup);
      const address = { host, port: m.port };
      const previous = this.addresses.get(id)!;
      if (addressKey(address) === addressKey(previous)) return { kind: 'same' };
      const problem = familyProblem(this.listen, address);
      if (problem) return { kind: 'failed', host: m.host, detail: problem };
      const other = this.bySource.get(addressKey(address));
      if (other !== undefined) return { kind: 'failed', host: m.host, detail: `${formatAddress(address)} is member ${other}'s address` };
      this.bySource.delete(addressKey(previous));
      this.set(id, address);
      return { kind: 'changed', host: m.host, previous, address };
    } catch (err) {
      return { kind: 'failed', host: m.host, detail: (err as Error).message };
    } finally {
      this.pending.delete(id);
    }
  }

  private set(id: number, a: Address): void {
    this.addresses.set(id, a);
    this.bySource.set(addressKey(a), id);
  }
}
