// Host names (DNS names, `localhost` among them) are resolved once, at start, to the literal
// addresses the node binds and sends to: datagram sources are matched against neighbours'
// addresses, and a literal compares exactly where a name never would.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';
import type { Address } from './address.js';

/** Resolves a host name to its addresses (the system resolver's order); injectable for tests. */
export type Lookup = (host: string) => Promise<readonly { readonly address: string; readonly family: number }[]>;

/** The system resolver (getaddrinfo: /etc/hosts, then DNS, as every other program on the host). */
export const systemLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * True when `host` is a syntactically valid DNS name (RFC 1123 labels, at most 253 characters,
 * an optional final dot). A last label of digits only is no name: "10.0.0.256" is a bad address.
 */
export function isHostName(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  return labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1]!);
}

/** `host` as written if it is an IP literal or a host name; otherwise a ConfigError naming `what`. */
export function checkHostOrName(host: string, what: string): string {
  if (isIP(host) !== 0 || isHostName(host)) return host;
  throw new ConfigError(`${what}: "${host}" is neither an IP address nor a host name`);
}

/**
 * Resolves hosts to literals, each name once however often it is given (a ring on one host
 * names it in every member). A name stands for its first IPv4 address, or for its first IPv6
 * address if it has none: one rule, so every node of a ring turns a name into the same address.
 */
export class HostResolver {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(private readonly lookup: Lookup = systemLookup) {}

  /** The literal `host` stands for; a ConfigError naming `what` if it does not resolve. */
  resolve(host: string, what: string): Promise<string> {
    checkHostOrName(host, what);
    if (isIP(host) !== 0) return Promise.resolve(host);
    const key = host.toLowerCase();
    let found = this.cache.get(key);
    if (!found) this.cache.set(key, (found = this.lookupOnce(host)));
    return found.catch((err: Error) => {
      throw new ConfigError(`${what}: ${err.message}`);
    });
  }

  /** `a` with its host resolved. */
  async address(a: Address, what: string): Promise<Address> {
    return { host: await this.resolve(a.host, what), port: a.port };
  }

  private lookupOnce(host: string): Promise<string> {
    return lookupHost(host, this.lookup);
  }
}

/**
 * The literal host name `host` stands for now, by the rule of HostResolver, asked afresh (no
 * cache): what a member uses to follow a peer whose address changed. Rejects with an Error
 * naming the host.
 */
export async function lookupHost(host: string, lookup: Lookup = systemLookup): Promise<string> {
  let found: readonly { address: string; family: number }[];
  try {
    found = await lookup(host);
  } catch (err) {
    throw new Error(`host name "${host}" does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const pick = found.find((a) => a.family === 4) ?? found.find((a) => a.family === 6);
  if (!pick || isIP(pick.address) === 0) throw new Error(`host name "${host}" resolves to no IP address`);
  return pick.address;
}
