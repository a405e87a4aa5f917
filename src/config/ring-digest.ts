/**
 * The ring digest every frame carries (spec/protocol.md §3): a 32-bit summary of a ring file, so
 * that members started from different ring files refuse each other's frames (`ring-mismatch`)
 * instead of electing on two different rings.
 */
import { createHash } from 'node:crypto';
import { addressKey } from './address.js';
import type { HeartbeatTargets } from '../core/leadership/member.js';

/** What the digest covers of a member: its id and where it listens. */
export interface DigestMember {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly voteOnly?: boolean;
}

/**
 * The first 32 bits of SHA-256 over the members in ring order, one `id@address` line each,
 * starting from the smallest id (and ` vote-only` for a member flagged so; a last line
 * `heartbeats ring` for a leadership ring whose followers heartbeat their neighbours): a rotated copy of a ring file lists the same ring (every member
 * has the same neighbours) and so has the same digest; any other change of order, of an id or of
 * an address changes it. Addresses are spelt as the duplicate checks spell them (addressKey).
 * Never 0, which means "no ring file, not checked" (NO_RING_DIGEST in wire/frame.ts).
 */
export function ringDigest(members: readonly DigestMember[], heartbeats: HeartbeatTargets = 'all'): number {
  let first = 0;
  for (let i = 1; i < members.length; i++) if (members[i]!.id < members[first]!.id) first = i;
  const hash = createHash('sha256');
  for (let k = 0; k < members.length; k++) {
    const m = members[(first + k) % members.length]!;
    hash.update(`${m.id}@${addressKey({ host: m.host, port: m.port })}${m.voteOnly === true ? ' vote-only' : ''}\n`);
  }
  // Members that disagree on whom followers heartbeat would lose each other from their views.
  if (heartbeats === 'ring') hash.update('heartbeats ring\n');
  const digest = hash.digest().readUInt32BE(0);
  return digest === 0 ? 1 : digest;
}
