// Pure: parsing, checking and spelling addresses touches no socket, so config (a leaf) owns it
// and transport, runtime and cli import it from here.
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';

/** A UDP endpoint. `host` is a literal IPv4 or IPv6 address (names are resolved first: resolve.ts). */
export interface Address {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses "127.0.0.1:7000" or "[::1]:7000"; throws ConfigError naming `what` if malformed. Where
 * it may sit (a wildcard is no neighbour, for one) is placement.ts's business. `host` checks the
 * host part: a literal by default; resolve.ts's checkHostOrName lets a name through to be resolved.
 */
export function parseAddress(text: string, what: string, host: (h: string, what: string) => string = checkHost): Address {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:\[\]]+):(\d+)$/.exec(text);
  if (!m) throw new ConfigError(`${what}: "${text}" is not HOST:PORT (use [v6addr]:PORT for IPv6)`);
  return { host: host(m[1] as string, what), port: checkPort(Number(m[2]), what) };
}

/**
 * A host that neighbours send to and receive from. The wildcards 0.0.0.0 and :: may be listened
 * on, but no datagram ever comes *from* them, so a neighbour configured with one would drop every
 * frame of ours as from an unknown sender and the ring could never elect.
 */
export function checkPeerHost(host: string, what: string): string {
  const h = checkHost(host, what);
  if (isWildcard(h)) throw new ConfigError(`${what}: "${host}" is a wildcard address; give the address the node is reached at`);
  return h;
}

function isWildcard(host: string): boolean {
  const h = normalizeHost(host);
  return h === '0.0.0.0' || (isIP(h) === 6 && /^[0:]+$/.test(h));
}

/**
 * Why a node listening on `listen` cannot talk to `peer`, or undefined. A UDP socket speaks one
 * family: an IPv4 socket cannot reach an IPv6 neighbour, nor the other way round, and every send
 * would fail silently until the timeout.
 */
export function familyProblem(listen: Address, peer: Address): string | undefined {
  // As written, not normalised: the socket's family follows the listen literal, and an IPv6
  // socket reaches an IPv4 host only through its ::ffff: spelling (an IPv4 socket never does).
  const a = isIP(listen.host);
  const b = isIP(peer.host);
  if (a === b) return undefined;
  return `${formatAddress(peer)} is IPv${b} but the node listens on IPv${a} (${formatAddress(listen)}); a node's socket speaks one family`;
}

/** One spelling per endpoint (IPv4-mapped IPv6 as IPv4, IPv6 in lower case), for duplicate checks. */
export function addressKey(a: Address): string {
  return formatAddress({ host: normalizeHost(a.host), port: a.port });
}

/**
 * Throws a ConfigError if two of `nodes` listen on one endpoint, naming `what`, both ids and the
 * address (`noun` says which of a node's addresses it is). Refused up front because the second
 * bind would fail as "port already in use", blaming another program for our own other node.
 * Port 0 (any free port) names no endpoint, so it may repeat.
 */
export function checkDistinctAddresses<T extends { readonly id: number }>(
  nodes: readonly T[],
  addressOf: (node: T) => Address,
  what: string,
  noun = 'address',
): void {
  const seen = new Map<string, number>();
  for (const node of nodes) {
    const at = addressOf(node);
    if (at.port === 0) continue;
    const key = addressKey(at);
    const other = seen.get(key);
    if (other !== undefined) throw new ConfigError(`${what}: ids ${other} and ${node.id} share the ${noun} ${key}`);
    seen.set(key, node.id);
  }
}

/**
 * Validates a host literal. Names, `localhost` among them, are resolved by the caller first
 * (resolve.ts), so datagram sources compare exactly.
 */
export function checkHost(host: string, what: string): string {
  if (isIP(host) === 0) throw new ConfigError(`${what}: "${host}" is not an IPv4 or IPv6 address`);
  return host;
}

/** Validates a port number (0 only where `allowZero`, meaning "any free port"). */
export function checkPort(port: number, what: string, allowZero = false): number {
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new ConfigError(`${what}: port ${port} is not in ${allowZero ? 0 : 1}..65535`);
  }
  return port;
}

/** "host:port", bracketing IPv6. */
export function formatAddress(a: Address): string {
  return isIP(a.host) === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** True when both name the same endpoint (IPv4-mapped IPv6 sources compare equal to IPv4). */
export function sameAddress(a: Address, b: Address): boolean {
  return a.port === b.port && normalizeHost(a.host) === normalizeHost(b.host);
}

function normalizeHost(h: string): string {
  const lower = h.toLowerCase();
  return lower.startsWith('::ffff:') ? lower.slice(7) : lower;
}
