/**
 * The options of createMember and their one-time check: the ring (in a canonical order every
 * member agrees on, with who may lead), this member's id, its state directory, timing, cluster
 * key and the value it advertises while leading. Every problem is an InvalidConfigError naming
 * the option.
 */
import { type Address, checkDistinctAddresses } from '../config/address.js';
import { keyProblem } from '../config/key.js';
import type { Lookup } from '../config/resolve.js';
import { type Member, readMembers } from '../config/ring-file.js';
import { ringDigest } from '../config/ring-digest.js';
import { type HeartbeatTargets, isHeartbeatTargets } from '../core/leadership/member.js';
import { DEFAULT_TIMING, type LeadershipTiming, timingProblem } from '../core/leadership/settings.js';
import { isValidId } from '../core/types.js';
import { InvalidConfigError } from '../errors.js';
import { MAX_ADVERTISE_BYTES, MAX_RING_HEARTBEAT_MEMBERS } from '../wire/leadership-codec.js';
import type { RingMember } from './create-node.js';
import { type MemberFaults, checkMemberFaults } from './leadership-faults.js';

/** What createMember takes. */
export interface MemberOptions {
  /**
   * Every member of the ring, `[{ id, host, port, voteOnly? }, ...]` as a ring file lists them. A
   * host is an IP literal or a host name: names are resolved by createMember, and a peer's name
   * again whenever the peer is suspected. A `voteOnly` member grants and renews but never
   * stands; at least one member must be able to lead.
   */
  readonly ring: readonly RingMember[];
  /** This member's id among them. */
  readonly self: number;
  /** Where this member keeps its promises across restarts (created if missing); one directory per member, never shared. */
  readonly stateDir: string;
  /** Protocol timing in ms (spec/leadership.md §1); any subset of the defaults. */
  readonly timing?: Partial<LeadershipTiming>;
  /** Cluster key (at least 16 bytes), the same on every member: every frame is authenticated with HMAC-SHA256. */
  readonly key?: Uint8Array;
  /** What this member tells its followers while it leads (its service address, say): at most 255 UTF-8 bytes. */
  readonly advertise?: string;
  /** Loss, bursts of loss and clock drift this member inflicts on itself: for chaos runs and tests only. */
  readonly faults?: MemberFaults;
  /**
   * Runs the protocol (socket, timers, state file) in a worker thread, so that a busy main thread
   * does not stop heartbeats and renewals; events, the signal and runWhileLeader work stay on the
   * calling thread. Default false.
   */
  readonly thread?: boolean;
  /** Resolves host names; default the system resolver (getaddrinfo). Give one to follow names another way, or in tests. */
  readonly lookup?: Lookup;
  /**
   * Whom a follower heartbeats: 'all' (default) every other member; 'ring' only its two live ring
   * neighbours while the leader renews, the leader's Renews carrying its view to everyone
   * (about 4/(n+1) of the datagrams). Every member must be given the same: it is part of the ring
   * digest, so a member with the other setting is refused as `ring-mismatch`.
   */
  readonly heartbeats?: HeartbeatTargets;
}

/** The options once checked. */
export interface CheckedMember {
  /** Member ids in canonical ring order: the rank of a member is its position here. */
  readonly ids: readonly number[];
  readonly self: number;
  /** The members as the ring lists them, hosts as written (literals or names). */
  readonly members: readonly Member[];
  /** Members that never stand for election. */
  readonly voteOnly: readonly number[];
  readonly digest: number;
  readonly stateDir: string;
  readonly timing: LeadershipTiming;
  readonly key?: Uint8Array;
  readonly advertise?: string;
  readonly faults?: MemberFaults;
  readonly thread: boolean;
  readonly lookup?: Lookup;
  readonly heartbeats: HeartbeatTargets;
}

const TIMING_KEYS = Object.keys(DEFAULT_TIMING) as (keyof LeadershipTiming)[];

/** Checks `options` once: InvalidConfigError naming the first problem. */
export function checkMemberOptions(options: MemberOptions): CheckedMember {
  if (typeof options !== 'object' || options === null) throw new InvalidConfigError('createMember: options must be an object');
  const { self, stateDir } = options;
  if (!Array.isArray(options.ring)) throw new InvalidConfigError('ring: must be the list of members [{ id, host, port }, ...]');
  // Hosts as written: names are resolved (and the addresses checked again) by createMember.
  const members = readMembers({ members: options.ring }, 'ring');
  checkDistinctAddresses(members, (m) => m, 'ring');
  if (members.every((m) => m.voteOnly)) throw new InvalidConfigError('ring: every member is voteOnly, so none may lead; leave at least one without it');
  if (typeof self !== 'number' || !isValidId(self)) throw new InvalidConfigError(`self: ${JSON.stringify(self) ?? String(self)} is not an integer id in 0..2^53-1`);
  if (!members.some((m) => m.id === self)) throw new InvalidConfigError(`self: ${self} is not a member of the ring (ids: ${members.map((m) => m.id).join(', ')})`);
  if (typeof stateDir !== 'string' || stateDir === '') throw new InvalidConfigError('stateDir: must be a directory path (one per member)');
  const timing = checkTiming(options.timing);
  if (options.key !== undefined) {
    if (!(options.key instanceof Uint8Array)) throw new InvalidConfigError('key: must be a Uint8Array (a Buffer is one)');
    const problem = keyProblem(options.key);
    if (problem) throw new InvalidConfigError(`key: ${problem}`);
  }
  const { advertise } = options;
  if (options.lookup !== undefined && typeof options.lookup !== 'function') throw new InvalidConfigError('lookup: must be a function (host) => Promise<[{ address, family }]>');
  if (advertise !== undefined) {
    if (typeof advertise !== 'string') throw new InvalidConfigError('advertise: must be a string');
    const bytes = new TextEncoder().encode(advertise).length;
    if (bytes > MAX_ADVERTISE_BYTES) throw new InvalidConfigError(`advertise: ${bytes} bytes is over ${MAX_ADVERTISE_BYTES}`);
  }
  const faults = checkMemberFaults(options.faults);
  const heartbeats = options.heartbeats ?? 'all';
  if (!isHeartbeatTargets(heartbeats)) throw new InvalidConfigError(`heartbeats: must be 'all' or 'ring', got ${JSON.stringify(heartbeats)}`);
  // A Renew's bitmap of ranks has a one-byte length.
  if (heartbeats === 'ring' && members.length > MAX_RING_HEARTBEAT_MEMBERS) throw new InvalidConfigError(`heartbeats: 'ring' allows at most ${MAX_RING_HEARTBEAT_MEMBERS} members, the ring has ${members.length}`);
  if (options.thread !== undefined && typeof options.thread !== 'boolean') throw new InvalidConfigError('thread: must be true or false');
  // A worker is given data only: functions cannot cross, and a fault or lookup silently dropped would lie.
  if (options.thread === true && options.faults !== undefined) throw new InvalidConfigError('thread: cannot be combined with faults (they stay on the calling thread); drop one');
  if (options.thread === true && options.lookup !== undefined) throw new InvalidConfigError('thread: cannot be combined with lookup (a function cannot cross into the worker); drop one');
  // Ranks are positions, and every member must number the ring alike: a rotated copy of the ring
  // file is the same ring (same digest), so the order starts from the smallest id.
  let first = 0;
  members.forEach((m, i) => {
    if (m.id < members[first]!.id) first = i;
  });
  const ordered = [...members.slice(first), ...members.slice(0, first)];
  return {
    ids: ordered.map((m) => m.id),
    self,
    members,
    voteOnly: members.filter((m) => m.voteOnly).map((m) => m.id),
    // Over the hosts as written: a name stays the same ring whatever it resolves to.
    digest: ringDigest(members, heartbeats),
    stateDir,
    timing,
    ...(options.key ? { key: new Uint8Array(options.key) } : {}),
    ...(advertise !== undefined ? { advertise } : {}),
    ...(faults !== undefined ? { faults } : {}),
    thread: options.thread === true,
    heartbeats,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  };
}

function checkTiming(timing: Partial<LeadershipTiming> | undefined): LeadershipTiming {
  if (timing === undefined) return DEFAULT_TIMING;
  if (typeof timing !== 'object' || timing === null) throw new InvalidConfigError('timing: must be an object such as { heartbeat: 50, lease: 500 }');
  const unknown = Object.keys(timing).filter((k) => !TIMING_KEYS.includes(k as keyof LeadershipTiming));
  if (unknown.length > 0) throw new InvalidConfigError(`timing.${unknown[0]}: not a setting (settings: ${TIMING_KEYS.join(', ')})`);
  const merged = { ...DEFAULT_TIMING, ...timing };
  const problem = timingProblem(merged);
  if (problem) throw new InvalidConfigError(`timing: ${problem}`);
  return merged;
}
