/**
 * What `node --stay` and `exec` share: a leadership member opened from the command line (ring
 * file, --self, --state-dir, --key-file, --advertise) and its JSON lines, one per event.
 */
import { performance } from 'node:perf_hooks';
import { formatAddress } from '../config/address.js';
import { parseId } from '../config/ids.js';
import { loadKeyFile } from '../config/key.js';
import { readLeadershipRingFile } from '../config/ring-file.js';
import type { LeadershipTiming } from '../core/leadership/settings.js';
import { InvalidConfigError } from '../errors.js';
import { hostMonotonicMs } from '../runtime/leadership-faults.js';
import { createMember, type HsRingMember, type MemberFaults } from '../runtime/leadership-member.js';

/** The flags a member is opened from, once the command has checked that ring, self and state-dir are given. */
export interface MemberFlags {
  readonly ring: string;
  readonly self: string;
  readonly 'state-dir': string;
  readonly 'key-file'?: string | undefined;
  readonly advertise?: string | undefined;
}

/** Loads the ring file and key, checks --self is a member, and binds the member (not yet started). */
export async function openMember(a: MemberFlags, timing?: LeadershipTiming, faults?: MemberFaults): Promise<HsRingMember> {
  // Names stay names: the member resolves them, and a suspected peer's again.
  const { members: ring, heartbeats } = await readLeadershipRingFile(a.ring);
  const self = parseId(a.self, '--self');
  if (!ring.some((m) => m.id === self)) throw new InvalidConfigError(`--self ${self} is not a member of the ring (ids: ${ring.map((m) => m.id).join(', ')})`);
  return createMember({
    ring,
    self,
    stateDir: a['state-dir'],
    heartbeats,
    ...(timing ? { timing } : {}),
    ...(a['key-file'] !== undefined ? { key: loadKeyFile(a['key-file']) } : {}),
    ...(a.advertise !== undefined ? { advertise: a.advertise } : {}),
    ...(faults ? { faults } : {}),
  });
}

/**
 * One JSON line on `out`: the event, this member, the monotonic ms of this process, the host's
 * monotonic clock in ms (CLOCK_MONOTONIC, one clock for every process on the machine, so an
 * observer can place the lines of several members on its own timeline) and the wall time.
 */
export function writeLine(out: NodeJS.WritableStream, event: string, id: number, fields: Record<string, unknown> = {}): void {
  out.write(`${JSON.stringify({ event, id, ...fields, mono: round(performance.now()), hostMs: round(hostMonotonicMs()), wall: new Date().toISOString() })}\n`);
}


function round(ms: number): number {
  return Number(ms.toFixed(3));
}

/** What is left of a lease in real ms, rounded up: an observer's bound must not end early. */
function roundUp(leaseLeftMs: number): number {
  return Math.ceil(leaseLeftMs * 1000) / 1000;
}

/**
 * Writes a line for each leadership change of `member` (leader, follower, deposed; lease renewals
 * too if `lease`) and, if `detector`, each move of its failure detector (suspect, trust, a peer's
 * new address).
 */
export function writeMemberEvents(member: HsRingMember, out: NodeJS.WritableStream, options: { readonly lease: boolean; readonly detector: boolean }): void {
  const id = member.id;
  member.on('leader', ({ token, epoch, leaseEndMs, leaseLeftMs }) => writeLine(out, 'leader', id, { epoch, token, leaseEndMs: round(leaseEndMs), leaseLeftMs: roundUp(leaseLeftMs) }));
  if (options.lease) member.on('lease', ({ epoch, leaseEndMs, leaseLeftMs }) => writeLine(out, 'lease', id, { epoch, leaseEndMs: round(leaseEndMs), leaseLeftMs: roundUp(leaseLeftMs) }));
  member.on('follower', ({ leader, epoch, advertise }) => writeLine(out, 'follower', id, { leader, epoch, advertise }));
  member.on('deposed', ({ epoch, reason }) => writeLine(out, 'deposed', id, { epoch, reason }));
  if (!options.detector) return;
  member.on('suspect', ({ member: m, lastHeardMs }) => writeLine(out, 'suspect', id, { member: m, lastHeardMs: lastHeardMs === null ? null : round(lastHeardMs) }));
  member.on('trust', ({ member: m }) => writeLine(out, 'trust', id, { member: m }));
  member.on('address', ({ member: m, host, address, previous }) => writeLine(out, 'address', id, { member: m, host, address: formatAddress(address), previous: formatAddress(previous) }));
}
