/**
 * The leadership protocol's messages (src/core/leadership/types.ts) as frame payloads:
 * u8 kind (1 Request, 2 Grant, 3 Refuse, 4 Renew, 5 RenewAck, 6 Release, 7 Heartbeat), then
 *   Request, Grant: u64 epoch
 *   Refuse: u64 epoch | u8 reason (1 quiet, 2 held, 3 stale) | u64 promised + 1 | u8 has leader
 *           | u64 leader (present only if has leader) | u64 leaderEpoch + 1
 *   Renew: u64 epoch | u32 round | u8 bitmap length | bitmap of the ranks alive (bit r of byte r / 8, r % 8 from the top)
 *   RenewAck: u64 epoch | u32 round
 *   Release: u64 epoch | u8 sitOut (0 or 1)
 *   Heartbeat: u32 quietLeft (ms)
 * Big-endian. `promised` and `leaderEpoch` may be NO_EPOCH (-1), so they are written plus one;
 * every other epoch is one a member stands for, never -1. A frame's payload is an envelope: the
 * message, then the value a leader advertises, if any (LEADERSHIP_ENVELOPE_CODEC).
 */
import type { LeadershipMessage, LeadershipMessageKind, RefuseReason } from '../core/leadership/types.js';
import { checkU32, checkU53, readU32, readU53, writeU32, writeU53 } from './bytes.js';
import type { PayloadCodec } from './frame.js';

const KIND_CODE: Record<LeadershipMessageKind, number> = { Request: 1, Grant: 2, Refuse: 3, Renew: 4, RenewAck: 5, Release: 6, Heartbeat: 7 };
const KINDS = Object.keys(KIND_CODE) as LeadershipMessageKind[];
const REASONS: readonly RefuseReason[] = ['quiet', 'held', 'stale'];

/** Bytes after the kind byte, for each kind (Refuse without its leader id: see size()). */
const BODY: Record<LeadershipMessageKind, number> = { Request: 8, Grant: 8, Refuse: 8 + 1 + 8 + 1 + 8, Renew: 13, RenewAck: 12, Release: 9, Heartbeat: 4 };

/** The codec of LeadershipMessage; write throws RangeError only for values no member builds. */
export const LEADERSHIP_CODEC: PayloadCodec<LeadershipMessage> = {
  size(m) {
    return 1 + BODY[m.kind] + (m.kind === 'Refuse' && m.leader !== null ? 8 : 0) + (m.kind === 'Renew' ? bitmapBytes(m.alive) : 0);
  },

  write(buf, at, m) {
    buf[at] = KIND_CODE[m.kind];
    at += 1;
    if (m.kind === 'Heartbeat') {
      writeU32(buf, at, checkU32(m.quietLeft, 'quietLeft'));
      return;
    }
    writeU53(buf, at, checkU53(m.epoch, 'epoch'));
    at += 8;
    switch (m.kind) {
      case 'Request':
      case 'Grant':
        return;
      case 'Renew': {
        writeU32(buf, at, checkU32(m.round, 'round'));
        const bytes = bitmapBytes(m.alive);
        buf[at + 4] = bytes;
        buf.fill(0, at + 5, at + 5 + bytes);
        for (const r of m.alive) buf[at + 5 + (r >> 3)]! |= 0x80 >> (r & 7);
        return;
      }
      case 'RenewAck':
        writeU32(buf, at, checkU32(m.round, 'round'));
        return;
      case 'Release':
        buf[at] = m.sitOut ? 1 : 0;
        return;
      case 'Refuse': {
        const reason = REASONS.indexOf(m.reason);
        if (reason < 0) throw new RangeError(`refuse reason ${String(m.reason)} is not one of ${REASONS.join(', ')}`);
        buf[at] = reason + 1;
        writeU53(buf, at + 1, checkU53(m.promised + 1, 'promised + 1'));
        buf[at + 9] = m.leader === null ? 0 : 1;
        at += 10;
        if (m.leader !== null) {
          writeU53(buf, at, checkU53(m.leader, 'leader'));
          at += 8;
        }
        writeU53(buf, at, checkU53(m.leaderEpoch + 1, 'leaderEpoch + 1'));
        return;
      }
    }
  },

  read(bytes, at) {
    const kind = KINDS[(bytes[at] ?? 0) - 1];
    if (kind === undefined) return `unknown leadership message kind ${bytes[at] ?? 'none'}`;
    at += 1;
    if (bytes.length < at + BODY[kind]) return `truncated ${kind}`;
    if (kind === 'Heartbeat') return { payload: { kind, quietLeft: readU32(bytes, at) }, end: at + 4 };
    const epoch = readU53(bytes, at);
    if (epoch === undefined) return 'epoch above 2^53-1';
    at += 8;
    switch (kind) {
      case 'Request':
      case 'Grant':
        return { payload: { kind, epoch }, end: at };
      case 'Renew': {
        const round = readU32(bytes, at);
        const length = bytes[at + 4]!;
        const end = at + 5 + length;
        if (bytes.length < end) return 'truncated Renew bitmap';
        const alive: number[] = [];
        for (let r = 0; r < length * 8; r++) if ((bytes[at + 5 + (r >> 3)]! & (0x80 >> (r & 7))) !== 0) alive.push(r);
        return { payload: { kind, epoch, round, alive }, end };
      }
      case 'RenewAck':
        return { payload: { kind, epoch, round: readU32(bytes, at) }, end: at + 4 };
      case 'Release': {
        const flag = bytes[at]!;
        if (flag > 1) return `sitOut ${flag} is neither 0 nor 1`;
        return { payload: { kind, epoch, sitOut: flag === 1 }, end: at + 1 };
      }
      case 'Refuse': {
        const reason = REASONS[bytes[at]! - 1];
        if (reason === undefined) return `unknown refuse reason ${bytes[at]}`;
        const promised = readU53(bytes, at + 1);
        if (promised === undefined) return 'promised above 2^53-1';
        const hasLeader = bytes[at + 9]!;
        if (hasLeader > 1) return `leader flag ${hasLeader} is neither 0 nor 1`;
        at += 10;
        let leader: number | null = null;
        if (hasLeader === 1) {
          if (bytes.length < at + 16) return 'truncated Refuse';
          leader = readU53(bytes, at) ?? -1;
          if (leader < 0) return 'leader id above 2^53-1';
          at += 8;
        }
        const leaderEpoch = readU53(bytes, at);
        if (leaderEpoch === undefined) return 'leaderEpoch above 2^53-1';
        return { payload: { kind, epoch, reason, promised: promised - 1, leader, leaderEpoch: leaderEpoch - 1 }, end: at + 8 };
      }
    }
  },
};

/** Most members a Renew's `alive` bitmap can name: its length is one byte. */
export const MAX_RING_HEARTBEAT_MEMBERS = 255 * 8;

/** Bytes of the bitmap of `ranks` (none when empty); RangeError for a rank beyond MAX_RING_HEARTBEAT_MEMBERS. */
function bitmapBytes(ranks: readonly number[]): number {
  let top = -1;
  for (const r of ranks) {
    if (!Number.isInteger(r) || r < 0 || r >= MAX_RING_HEARTBEAT_MEMBERS) throw new RangeError(`alive rank ${r} is not in 0..${MAX_RING_HEARTBEAT_MEMBERS - 1}`);
    if (r > top) top = r;
  }
  return (top >> 3) + 1;
}

/**
 * The epoch a frame carrying `m` writes in its header: the message's epoch, or 0 for a Heartbeat
 * (which belongs to no epoch). A receiver drops a frame whose header disagrees with its payload.
 */
export function headerEpochOf(m: LeadershipMessage): number {
  return m.kind === 'Heartbeat' ? 0 : m.epoch;
}

/** What a leader may advertise to its followers (its address, say), at most this many UTF-8 bytes. */
export const MAX_ADVERTISE_BYTES = 255;

/**
 * A leadership message as a frame carries it: the message, and on a leader's Renew the value it
 * advertises (etcd's Proclaim), which followers hand to the application with the leader's id.
 */
export interface LeadershipEnvelope {
  readonly message: LeadershipMessage;
  readonly advertise?: string;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The envelope: the message as LEADERSHIP_CODEC writes it, then, if advertised, u8 length and that many UTF-8 bytes. */
export const LEADERSHIP_ENVELOPE_CODEC: PayloadCodec<LeadershipEnvelope> = {
  size(e) {
    return LEADERSHIP_CODEC.size(e.message) + (e.advertise === undefined ? 0 : 1 + utf8.encode(e.advertise).length);
  },
  write(buf, at, e) {
    LEADERSHIP_CODEC.write(buf, at, e.message);
    if (e.advertise === undefined) return;
    const bytes = utf8.encode(e.advertise);
    if (bytes.length > MAX_ADVERTISE_BYTES) throw new RangeError(`advertised value of ${bytes.length} bytes is over ${MAX_ADVERTISE_BYTES}`);
    const end = at + LEADERSHIP_CODEC.size(e.message);
    buf[end] = bytes.length;
    buf.set(bytes, end + 1);
  },
  read(bytes, at) {
    const inner = LEADERSHIP_CODEC.read(bytes, at);
    if (typeof inner === 'string') return inner;
    // Anything after the message is the advertised value: the frame ends where the datagram does.
    if (inner.end === bytes.length) return { payload: { message: inner.payload }, end: inner.end };
    const length = bytes[inner.end]!;
    const end = inner.end + 1 + length;
    if (bytes.length < end) return 'truncated advertised value';
    let advertise: string;
    try {
      advertise = strictUtf8.decode(bytes.subarray(inner.end + 1, end));
    } catch {
      return 'advertised value is not UTF-8';
    }
    return { payload: { message: inner.payload, advertise }, end };
  },
};
