/** The optional authentication of frames on keyed rings: HMAC seal and open, with the session echo. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HEADER_BYTES, MAGIC, MAX_FRAME_BYTES, VERSION, VERSION_END } from './frame.js';

// An authenticated frame is a plain frame (see codec.ts) with AUTH_FLAG set in its type byte,
// followed by a u32 echo and a 32-byte HMAC-SHA256, under the cluster key, of every byte before
// the MAC. The plain codec rejects the flagged type byte, so a keyless node of an older build
// refuses these frames as malformed instead of misreading them; see spec/protocol.md §3.

/** Bit in the type byte marking an authenticated frame. */
export const AUTH_FLAG = 0x80;
/** Length of the HMAC-SHA256 trailer. */
export const MAC_BYTES = 32;
/** Echo plus MAC: what authentication adds to a frame. */
export const AUTH_TRAILER_BYTES = 4 + MAC_BYTES;
const TYPE_BYTE = 3;

/** Why a datagram failed authentication (before any field other than magic and version was read). */
export type AuthFailure = 'malformed' | 'magic' | 'version' | 'no-mac' | 'unexpected-mac' | 'bad-mac';

export type OpenResult =
  | { readonly ok: true; readonly plain: Uint8Array; readonly echo: number }
  | { readonly ok: false; readonly reason: AuthFailure; readonly detail: string };

/** Authenticates an encoded plain frame: sets the flag, appends `echo` and the MAC under `key`. */
export function sealFrame(plain: Uint8Array, echo: number, key: Uint8Array): Uint8Array {
  if (!Number.isInteger(echo) || echo < 0 || echo > 0xffff_ffff) throw new RangeError(`echo ${echo} does not fit 32 bits`);
  const out = new Uint8Array(plain.length + AUTH_TRAILER_BYTES);
  out.set(plain);
  out[TYPE_BYTE] = out[TYPE_BYTE]! | AUTH_FLAG;
  const at = plain.length;
  out[at] = echo >>> 24;
  out[at + 1] = (echo >>> 16) & 0xff;
  out[at + 2] = (echo >>> 8) & 0xff;
  out[at + 3] = echo & 0xff;
  out.set(mac(key, out.subarray(0, at + 4)), at + 4);
  return out;
}

/** True if the datagram looks like one of our frames with the authentication flag set. */
export function isSealed(bytes: Uint8Array): boolean {
  return bytes.length >= HEADER_BYTES && hasMagicAndVersion(bytes) && (bytes[TYPE_BYTE]! & AUTH_FLAG) !== 0;
}

/**
 * Checks an authenticated datagram under `key` and returns the plain frame inside (flag cleared,
 * trailer removed) with the echo. Never throws. The MAC is checked in constant time and before
 * the body is parsed, so a forged frame never reaches the decoder's field checks.
 */
export function openFrame(bytes: Uint8Array, key: Uint8Array): OpenResult {
  if (bytes.length > MAX_FRAME_BYTES) return fail('malformed', `${bytes.length} bytes is longer than any frame`);
  // As the plain decoder: another version is refused as `version` whatever its length.
  if (bytes.length < VERSION_END) return fail('malformed', `${bytes.length} bytes is shorter than a header`);
  if (((bytes[0]! << 8) | bytes[1]!) !== MAGIC) return fail('magic', 'not an hs-ring frame');
  if (bytes[2] !== VERSION) return fail('version', `version ${bytes[2]}, expected ${VERSION}`);
  if (bytes.length < HEADER_BYTES) return fail('malformed', `${bytes.length} bytes is shorter than a header`);
  if ((bytes[TYPE_BYTE]! & AUTH_FLAG) === 0) return fail('no-mac', 'frame without a MAC, but this ring is keyed');
  if (bytes.length < HEADER_BYTES + AUTH_TRAILER_BYTES) return fail('malformed', 'too short for the MAC trailer');
  const end = bytes.length - MAC_BYTES;
  if (!timingSafeEqual(mac(key, bytes.subarray(0, end)), bytes.subarray(end))) {
    return fail('bad-mac', 'MAC does not match the cluster key');
  }
  const at = end - 4;
  const echo = bytes[at]! * 0x100_0000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
  const plain = bytes.slice(0, at);
  plain[TYPE_BYTE] = plain[TYPE_BYTE]! & ~AUTH_FLAG;
  return { ok: true, plain, echo };
}

function hasMagicAndVersion(bytes: Uint8Array): boolean {
  return ((bytes[0]! << 8) | bytes[1]!) === MAGIC && bytes[2] === VERSION;
}

function mac(key: Uint8Array, bytes: Uint8Array): Buffer {
  return createHmac('sha256', key).update(bytes).digest();
}

function fail(reason: AuthFailure, detail: string): OpenResult {
  return { ok: false, reason, detail };
}
