/**
 * Frames as a ring node's links carry them (each message stamped with its originator's
 * incarnation), for tests that write a node's datagrams by hand or read what it sent.
 */
import type { Message } from '../../src/core/types.js';
import { type DecodeResult, type FrameInput, STAMPED_MESSAGE_CODEC, UNKNOWN_INCARNATION, decodeFrame, encodeFrame } from '../../src/wire/index.js';

/** Encodes `frame` for a ring node; its message is stamped `incarnation` (by default: unknown, never checked). */
export function encodeNodeFrame(frame: FrameInput<Message>, incarnation = UNKNOWN_INCARNATION): Uint8Array {
  const { data, ...rest } = frame;
  return encodeFrame(data ? { ...rest, data: { seq: data.seq, payload: { message: data.payload, incarnation } } } : rest, STAMPED_MESSAGE_CODEC);
}

/** Decodes a datagram a ring node sent, its message unstamped. */
export function decodeNodeFrame(bytes: Uint8Array): DecodeResult<Message> {
  const r = decodeFrame(bytes, STAMPED_MESSAGE_CODEC);
  if (!r.ok) return r;
  const { data, ...rest } = r.frame;
  return { ok: true, frame: data ? { ...rest, data: { seq: data.seq, payload: data.payload.message } } : rest };
}
