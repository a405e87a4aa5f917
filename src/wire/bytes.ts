/** Big-endian integer helpers shared by the frame and payload codecs. */

const MAX_U32 = 0xffff_ffff;

/** Big-endian u32; `v` is already checked to fit. */
export function writeU32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = v >>> 24;
  buf[at + 1] = (v >>> 16) & 0xff;
  buf[at + 2] = (v >>> 8) & 0xff;
  buf[at + 3] = v & 0xff;
}

/** Big-endian u32; the caller has checked the bytes exist. */
export function readU32(bytes: Uint8Array, at: number): number {
  return bytes[at]! * 0x100_0000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

/** `v` if it is an integer that fits 32 unsigned bits; a RangeError naming `what` otherwise. */
export function checkU32(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > MAX_U32) throw new RangeError(`${what} ${v} does not fit 32 bits`);
  return v;
}

const TWO_32 = 2 ** 32;

/** Big-endian u64 holding an integer below 2^53 (ids, epochs); `v` is already checked to fit. */
export function writeU53(buf: Uint8Array, at: number, v: number): void {
  writeU32(buf, at, Math.floor(v / TWO_32));
  writeU32(buf, at + 4, v % TWO_32);
}

/** Big-endian u64, or undefined if it is 2^53 or more (not exact in a JavaScript number). */
export function readU53(bytes: Uint8Array, at: number): number | undefined {
  const high = readU32(bytes, at);
  if (high >= 2 ** 21) return undefined;
  return high * TWO_32 + readU32(bytes, at + 4);
}

/** `v` if it is an integer in 0..2^53-1; a RangeError naming `what` otherwise. */
export function checkU53(v: number, what: string): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${what} ${v} is not an integer in 0..2^53-1`);
  return v;
}
