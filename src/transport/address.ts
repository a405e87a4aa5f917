import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';

/** A UDP endpoint. `host` is a literal IPv4 or IPv6 address. */
export interface Address {
  readonly host: string;
  readonly port: number;
}

/** Parses "127.0.0.1:7000" or "[::1]:7000"; throws ConfigError naming `what` if malformed. */
export function parseAddress(text: string, what: string): Address {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:\[\]]+):(\d+)$/.exec(text);
  if (!m) throw new ConfigError(`${what}: "${text}" is not HOST:PORT (use [v6addr]:PORT for IPv6)`);
  return { host: checkHost(m[1] as string, what), port: checkPort(Number(m[2]), what) };
}

/** Validates a host literal; names must be resolved by the caller, so datagram sources compare exactly. */
export function checkHost(host: string, what: string): string {
  if (host === 'localhost') return '127.0.0.1';
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
  return h.startsWith('::ffff:') ? h.slice(7) : h.toLowerCase();
}
