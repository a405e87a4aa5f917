/**
 * Leadership messages as plain datagrams: one data frame per message (and a leader's Renew with
 * the value it advertises), no link underneath (the
 * messages are idempotent and safe to lose; the core sends again what it still needs). The
 * header carries the sender's session, the message's epoch and the ring digest; a keyed ring
 * seals every frame. Incoming datagrams are checked in that order and dropped with a reason.
 */
import type { LeadershipMessage } from '../core/leadership/types.js';
import { isSealed, openFrame, sealFrame } from '../wire/auth.js';
import { decodeFrame, encodeFrame } from '../wire/codec.js';
import { LEADERSHIP_ENVELOPE_CODEC, headerEpochOf } from '../wire/leadership-codec.js';

/** Why a datagram never reached the member core. */
export const LEADERSHIP_DROP_REASONS = [
  'malformed',
  'magic',
  'version',
  'no-mac',
  'unexpected-mac',
  'bad-mac',
  /** The source address is no member of the ring. */
  'unknown-sender',
  /** The sender was started from another ring file. */
  'ring-mismatch',
  /** The header's epoch is not the payload's: a frame no member of this build writes. */
  'epoch-mismatch',
] as const;
export type LeadershipDropReason = (typeof LEADERSHIP_DROP_REASONS)[number];

const NO_ACK = { cumulative: 0, selective: [] as number[] };

/** Encodes (and seals, on a keyed ring) one message, with the value its sender advertises if any, as the datagram the member sends. */
export function encodeLeadership(message: LeadershipMessage, session: number, digest: number, key: Uint8Array | undefined, advertise?: string): Uint8Array {
  const payload = advertise === undefined ? { message } : { message, advertise };
  // Sequence numbers belong to the link, which this traffic does not use: always 0.
  const plain = encodeFrame({ lane: 0, session, epoch: headerEpochOf(message), ring: digest, ack: NO_ACK, data: { seq: 0, payload } }, LEADERSHIP_ENVELOPE_CODEC);
  return key ? sealFrame(plain, 0, key) : plain;
}

export type Decoded =
  | { readonly ok: true; readonly message: LeadershipMessage; readonly advertise?: string; readonly session: number }
  | { readonly ok: false; readonly reason: LeadershipDropReason; readonly detail: string };

/** The message in `bytes`, or why it is dropped. Never throws. */
export function decodeLeadership(bytes: Uint8Array, digest: number, key: Uint8Array | undefined): Decoded {
  let plain = bytes;
  if (key) {
    const opened = openFrame(bytes, key);
    if (!opened.ok) return opened;
    plain = opened.plain;
  } else if (isSealed(bytes)) return { ok: false, reason: 'unexpected-mac', detail: 'authenticated frame, but this member has no key' };
  const r = decodeFrame(plain, LEADERSHIP_ENVELOPE_CODEC);
  if (!r.ok) return r;
  const { frame } = r;
  if (!frame.data) return { ok: false, reason: 'malformed', detail: 'an ack frame, but leadership traffic has no link' };
  if (frame.ring !== digest) {
    return { ok: false, reason: 'ring-mismatch', detail: `ring digest ${hex(frame.ring)}, ours is ${hex(digest)}: the sender was started from another ring file` };
  }
  const { message, advertise } = frame.data.payload;
  if (frame.epoch !== headerEpochOf(message)) return { ok: false, reason: 'epoch-mismatch', detail: `header epoch ${frame.epoch}, ${message.kind} of epoch ${headerEpochOf(message)}` };
  return { ok: true, message, session: frame.session, ...(advertise === undefined ? {} : { advertise }) };
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
