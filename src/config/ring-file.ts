/** Ring files: loading, validating and resolving the members, and each member's placement in ring order. */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';
import { type Address, checkDistinctAddresses, checkPeerHost, checkPort } from './address.js';
import { checkUnique, parseId } from './ids.js';
import { ringDigest } from './ring-digest.js';
import { checkPlacement } from './placement.js';
import { checkHostOrName, HostResolver } from './resolve.js';
import { type HeartbeatTargets, isHeartbeatTargets } from '../core/leadership/member.js';

/** Where one node listens and who its neighbours are. */
export interface Placement {
  readonly id: number;
  readonly listen: Address;
  readonly left: Address;
  readonly right: Address;
  /** Digest of the ring file it was placed from (ring-digest.ts); absent for a node placed by flags. */
  readonly ringDigest?: number;
}

/** A ring member: its id and the UDP address it listens on. */
export interface Member extends Address {
  readonly id: number;
  /**
   * Leadership only: the member grants and renews but never stands for election. Part of the
   * ring file (and its digest), so every member agrees who may lead.
   */
  readonly voteOnly?: true;
}

/**
 * Reads a ring file: JSON `{"members": [{"id": 5, "host": "10.0.0.1", "port": 7000}, ...]}` listing
 * members in ring order (each member's right neighbour is the next one, the last wraps round).
 * A host is an IP literal or a host name; names are resolved here, once, by `resolver`.
 */
export async function loadRingFile(path: string, resolver: HostResolver = new HostResolver()): Promise<Member[]> {
  return resolveRing(await readRingFile(path), `ring file ${path}`, resolver);
}

/** Reads and checks a ring file as loadRingFile does, but leaves host names as written (a leadership member resolves them itself, and again later). */
export async function readRingFile(path: string): Promise<Member[]> {
  return readMembers(await readRingJson(path), `ring file ${path}`);
}

/** A leadership ring file: its members (host names as written) and `"heartbeats": "all" | "ring"` (default all). */
export async function readLeadershipRingFile(path: string): Promise<{ members: Member[]; heartbeats: HeartbeatTargets }> {
  const data = await readRingJson(path);
  const members = readMembers(data, `ring file ${path}`);
  const heartbeats = (data as { heartbeats?: unknown }).heartbeats ?? 'all';
  if (!isHeartbeatTargets(heartbeats)) throw new ConfigError(`ring file ${path}: heartbeats must be "all" or "ring", got ${JSON.stringify(heartbeats)}`);
  return { members, heartbeats };
}

async function readRingJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`ring file ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`ring file ${path}: not valid JSON (${(err as Error).message})`);
  }
  return data;
}

/** Validates parsed ring JSON whose hosts are all IP literals; `what` prefixes every error message. */
export function parseRing(data: unknown, what: string): Member[] {
  return checkRing(readMembers(data, what), what);
}

/**
 * The members of parsed ring JSON, hosts as written (IP literals or host names): each member's
 * fields and the ids' uniqueness checked, nothing that needs an address.
 */
export function readMembers(data: unknown, what: string): Member[] {
  // The documented shape only: a bare list would leave no room for the ring's other settings.
  if (Array.isArray(data)) throw new ConfigError(`${what}: expected an object {"members": [...]}, got a list; put the list under "members"`);
  const list = (data as { members?: unknown } | null)?.members;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigError(`${what}: expected {"members": [{"id", "host", "port"}, ...]} with at least one member`);
  }
  const members = list.map((m: unknown, i) => {
    const at = memberAt(what, i);
    if (typeof m !== 'object' || m === null) throw new ConfigError(`${at} is not an object`);
    const { id, host, port, voteOnly } = m as Record<string, unknown>;
    if (id === undefined || host === undefined || port === undefined) {
      throw new ConfigError(`${at} needs "id", "host" and "port"`);
    }
    if (typeof host !== 'string') throw new ConfigError(`${at}: host must be a string`);
    if (typeof port !== 'number') throw new ConfigError(`${at}: port must be a number`);
    // A number, as documented: "7" in quotes is a mistake somewhere (a template, a script), not an id.
    if (typeof id !== 'number') throw new ConfigError(`${at}: id must be a number, got ${JSON.stringify(id)}`);
    // Every member is some node's neighbour: a wildcard is no address anyone can send to.
    const h = isIP(host) !== 0 ? checkPeerHost(host, at) : checkHostOrName(host, at);
    if (voteOnly !== undefined && typeof voteOnly !== 'boolean') throw new ConfigError(`${at}: voteOnly must be true or false, got ${JSON.stringify(voteOnly)}`);
    return { id: parseId(id, at), host: h, port: checkPort(port, at), ...(voteOnly === true ? { voteOnly } : {}) };
  });
  checkUnique(
    members.map((m) => m.id),
    what,
  );
  return members;
}

/** `members` with every host name resolved to its address, then checked as a ring (checkRing). */
export async function resolveRing(members: readonly Member[], what: string, resolver: HostResolver): Promise<Member[]> {
  const resolved = await Promise.all(members.map(async (m, i) => ({ ...m, host: await resolver.resolve(m.host, memberAt(what, i)) })));
  return checkRing(resolved, what);
}

/** Checks the addresses of a ring whose hosts are literals: distinct, and every placement sound. */
function checkRing(members: Member[], what: string): Member[] {
  checkDistinctAddresses(members, (m) => m, what);
  placementsOf(members).forEach((p, i) => {
    const around = neighboursAt(members, i);
    checkPlacement(p, (side) => `${what}: member ${p.id}'s ${side} neighbour ${around[side].id}`);
  });
  return members;
}

function memberAt(what: string, i: number): string {
  return `${what}: member ${i + 1}`;
}

/** Where member `id` sits in `members`, or a ConfigError naming the ring's ids. */
function indexOf(members: readonly Member[], id: number): number {
  const i = members.findIndex((m) => m.id === id);
  if (i < 0) throw new ConfigError(`--self ${id} is not a member of the ring (ids: ${members.map((m) => m.id).join(', ')})`);
  return i;
}

/** The neighbours of member `id`: left is the previous entry, right the next (cyclically). */
function neighboursOf(members: readonly Member[], id: number): Neighbours {
  return neighboursAt(members, indexOf(members, id));
}

/** Where member `id` listens and its neighbours' addresses (plain addresses, without the ids). */
export function placementOf(members: readonly Member[], id: number): Placement {
  return placed(neighboursOf(members, id), ringDigest(members));
}

/**
 * Every member's placement, in ring order: what placementOf gives for each id, in one pass where
 * placing each member by id would search the ring once per member (quadratic in n).
 */
export function placementsOf(members: readonly Member[]): Placement[] {
  const digest = ringDigest(members);
  return members.map((_, i) => placed(neighboursAt(members, i), digest));
}

/** A member and the members on either side of it in ring order. */
interface Neighbours {
  readonly self: Member;
  readonly left: Member;
  readonly right: Member;
}

function neighboursAt(members: readonly Member[], i: number): Neighbours {
  const n = members.length;
  return { self: members[i]!, left: members[(i - 1 + n) % n]!, right: members[(i + 1) % n]! };
}

function placed({ self, left, right }: Neighbours, digest: number): Placement {
  const at = (m: Member): Address => ({ host: m.host, port: m.port });
  return { id: self.id, listen: at(self), left: at(left), right: at(right), ringDigest: digest };
}
