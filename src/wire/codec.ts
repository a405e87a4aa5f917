/**
 * Encodes and decodes link frames (spec/protocol.md §3); the payload of a data frame is written
 * and read by a PayloadCodec, election messages by default.
 *
 * Layout (big-endian): 0 u16 magic | 2 u8 version | 3 u8 type (1 ack, 2 data) | 4 u8 lane
 *   | 5 u8 sack count | 6 u32 session | 10 u64 epoch | 18 u32 ring digest | 22 u32 cumulative ack
 *   | 26 u32 × sack count | data frames then: u32 seq | payload
 */
import type { Message } from '../core/types.js';
import { checkU32, checkU53, readU32, readU53, writeU32, writeU53 } from './bytes.js';
import {
  type DecodeResult,
  type Frame,
  type FrameInput,
  HEADER_BYTES,
  MAGIC,
  MAX_FRAME_BYTES,
  MAX_SACKS,
  NO_SACKS,
  type PayloadCodec,
  VERSION,
  VERSION_END,
} from './frame.js';
import { MESSAGE_CODEC } from './message-codec.js';

const TYPE_ACK = 1;
const TYPE_DATA = 2;

/**
 * Frames are carved out of shared slabs: allocating one small ArrayBuffer per datagram costs
 * more than everything else the simulator does per message. Slab regions are never reused, so a
 * returned frame is never overwritten; a slab is freed once no frame from it is referenced.
 */
const SLAB_BYTES = 64 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

function allocate(size: number): Uint8Array {
  if (slabUsed + size > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  // A view on the slab's buffer; subarray() would look up a species constructor on every call.
  const out = new Uint8Array(slab.buffer, slabUsed, size);
  slabUsed += size;
  return out;
}

/** Encodes a frame; throws RangeError only for frames our own code should never build. */
export function encodeFrame<P = Message>(frame: FrameInput<P>, codec: PayloadCodec<P> = MESSAGE_CODEC as unknown as PayloadCodec<P>): Uint8Array {
  const sacks = frame.ack.selective;
  if (sacks.length > MAX_SACKS) throw new RangeError(`too many selective acks: ${sacks.length}`);
  const data = frame.data;
  const size = HEADER_BYTES + 4 * sacks.length + (data ? 4 + codec.size(data.payload) : 0);
  // Validate before allocating, so a bad frame leaves no half-written bytes behind.
  const session = checkU32(frame.session, 'session');
  const epoch = checkU53(frame.epoch ?? 0, 'epoch');
  const ring = checkU32(frame.ring ?? 0, 'ring digest');
  const cumulative = checkU32(frame.ack.cumulative, 'cumulative ack');
  const lane = frame.lane;
  if (!Number.isInteger(lane) || lane < 0 || lane > 0xff) throw new RangeError(`lane ${lane} does not fit 8 bits`);
  const buf = allocate(size);
  buf[0] = MAGIC >>> 8;
  buf[1] = MAGIC & 0xff;
  buf[2] = VERSION;
  buf[3] = data ? TYPE_DATA : TYPE_ACK;
  buf[4] = lane;
  buf[5] = sacks.length;
  writeU32(buf, 6, session);
  writeU53(buf, 10, epoch);
  writeU32(buf, 18, ring);
  writeU32(buf, 22, cumulative);
  let at = HEADER_BYTES;
  for (let i = 0; i < sacks.length; i++) {
    writeU32(buf, at, checkU32(sacks[i]!, 'selective ack'));
    at += 4;
  }
  if (data) {
    writeU32(buf, at, checkU32(data.seq, 'seq'));
    codec.write(buf, at + 4, data.payload);
  }
  return buf;
}

/** Decodes a datagram. Never throws: anything that is not a well-formed frame yields a reason. */
export function decodeFrame<P = Message>(bytes: Uint8Array, codec: PayloadCodec<P> = MESSAGE_CODEC as unknown as PayloadCodec<P>): DecodeResult<P> {
  const length = bytes.length;
  if (length > MAX_FRAME_BYTES) return fail('malformed', `${length} bytes is longer than any frame`);
  // Magic and version before the header's length: frames of other versions have other lengths,
  // and must be refused as `version`, the reason that tells an operator what is wrong.
  if (length < VERSION_END) return fail('malformed', `${length} bytes is shorter than a header`);
  if (((bytes[0]! << 8) | bytes[1]!) !== MAGIC) return fail('magic', 'not an hs-ring frame');
  const version = bytes[2]!;
  if (version !== VERSION) return fail('version', `version ${version}, expected ${VERSION}`);
  if (length < HEADER_BYTES) return fail('malformed', `${length} bytes is shorter than a header`);
  const type = bytes[3]!;
  if (type !== TYPE_ACK && type !== TYPE_DATA) return fail('malformed', `unknown frame type ${type}`);
  const lane = bytes[4]!;
  const sackCount = bytes[5]!;
  if (sackCount > MAX_SACKS) return fail('malformed', `${sackCount} selective acks`);
  const session = readU32(bytes, 6);
  const epoch = readU53(bytes, 10);
  if (epoch === undefined) return fail('malformed', 'epoch above 2^53-1');
  const ring = readU32(bytes, 18);
  const cumulative = readU32(bytes, 22);
  let at = HEADER_BYTES;
  if (length < at + 4 * sackCount) return fail('malformed', 'truncated selective acks');
  let selective: readonly number[] = NO_SACKS;
  if (sackCount > 0) {
    const sacks: number[] = [];
    for (let i = 0; i < sackCount; i++, at += 4) sacks.push(readU32(bytes, at));
    selective = sacks;
  }
  const ack = { cumulative, selective };
  if (type === TYPE_ACK) {
    if (at !== length) return fail('malformed', 'trailing bytes after ack');
    return { ok: true, frame: { lane, session, epoch, ring, ack } };
  }
  if (length < at + 5) return fail('malformed', 'truncated data header');
  const seq = readU32(bytes, at);
  const parsed = codec.read(bytes, at + 4);
  if (typeof parsed === 'string') return fail('malformed', parsed);
  if (parsed.end !== length) return fail('malformed', 'trailing bytes after payload');
  return { ok: true, frame: { lane, session, epoch, ring, ack, data: { seq, payload: parsed.payload } } };
}

function fail(reason: 'malformed' | 'magic' | 'version', detail: string): { ok: false; reason: 'malformed' | 'magic' | 'version'; detail: string } {
  return { ok: false, reason, detail };
}
