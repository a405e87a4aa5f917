/**
 * What `node --stay` and `exec` share: a leadership member opened from the command line (ring
 * file, --self, --state-dir, --key-file, --advertise) and its JSON lines, one per event.
 */
import { performance } from 'node:perf_hooks';
import { parseId } from '../config/ids.js';
import { loadKeyFile } from '../config/key.js';
import { loadRingFile } from '../config/ring-file.js';
import type { LeadershipTiming } from '../core/leadership/settings.js';
import { InvalidConfigError } from '../errors.js';
import { createMember, type HsRingMember } from '../runtime/leadership-member.js';

/** The flags a member is opened from, once the command has checked that ring, self and state-dir are given. */
export interface MemberFlags {
  readonly ring: string;
  readonly self: string;
  readonly 'state-dir': string;
  readonly 'key-file'?: string | undefined;
  readonly advertise?: string | undefined;
}

/** Loads the ring file and key, checks --self is a member, and binds the member (not yet started). */
export async function openMember(a: MemberFlags, timing?: LeadershipTiming): Promise<HsRingMember> {
  const ring = await loadRingFile(a.ring);
  const self = parseId(a.self, '--self');
  if (!ring.some((m) => m.id === self)) throw new InvalidConfigError(`--self ${self} is not a member of the ring (ids: ${ring.map((m) => m.id).join(', ')})`);
  return createMember({
    ring,
    self,
    stateDir: a['state-dir'],
    ...(timing ? { timing } : {}),
    ...(a['key-file'] !== undefined ? { key: loadKeyFile(a['key-file']) } : {}),
    ...(a.advertise !== undefined ? { advertise: a.advertise } : {}),
  });
}

/**
 * One JSON line on `out`: the event, this member, the monotonic ms of this process, the host's
 * monotonic clock in ms (CLOCK_MONOTONIC, one clock for every process on the machine, so an
 * observer can place the lines of several members on its own timeline) and the wall time.
 */
export function writeLine(out: NodeJS.WritableStream, event: string, id: number, fields: Record<string, unknown> = {}): void {
  out.write(`${JSON.stringify({ event, id, ...fields, mono: round(performance.now()), hostMs: round(hostMs()), wall: new Date().toISOString() })}\n`);
}

/** The host's monotonic clock in ms (CLOCK_MONOTONIC): comparable across the processes of one machine. */
export function hostMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

function round(ms: number): number {
  return Number(ms.toFixed(3));
}

/** What is left of a lease ending at `leaseEndMs` (this process's monotonic clock), rounded up: an observer's bound must not end early. */
function leaseLeft(leaseEndMs: number): number {
  return Math.ceil((leaseEndMs - performance.now()) * 1000) / 1000;
}

/** Writes a line for each leadership change of `member` (leader, follower, deposed; lease renewals too if `lease`). */
export function writeMemberEvents(member: HsRingMember, out: NodeJS.WritableStream, options: { readonly lease: boolean }): void {
  const id = member.id;
  member.on('leader', ({ token, epoch, leaseEndMs }) => writeLine(out, 'leader', id, { epoch, token, leaseEndMs: round(leaseEndMs), leaseLeftMs: leaseLeft(leaseEndMs) }));
  if (options.lease) member.on('lease', ({ epoch, leaseEndMs }) => writeLine(out, 'lease', id, { epoch, leaseEndMs: round(leaseEndMs), leaseLeftMs: leaseLeft(leaseEndMs) }));
  member.on('follower', ({ leader, epoch, advertise }) => writeLine(out, 'follower', id, { leader, epoch, advertise }));
  member.on('deposed', ({ epoch, reason }) => writeLine(out, 'deposed', id, { epoch, reason }));
}
