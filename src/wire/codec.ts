import type { Direction, Message } from '../core/types.js';
import { isValidId } from '../core/types.js';
import { type DecodeResult, type Frame, MAGIC, MAX_FRAME_BYTES, MAX_SACKS, NO_SACKS, VERSION } from './frame.js';

// Layout (big-endian), see spec/protocol.md:
//   0 u16 magic | 2 u8 version | 3 u8 type (1 ack, 2 data) | 4 u8 side (0 left, 1 right)
//   5 u8 sack count | 6 u32 session | 10 u32 cumulative ack | 14 u32 × sack count
//   data frames then: u32 seq | u8 kind (1 probe, 2 reply, 3 announcement) | body
//     probe: u64 origin, u8 phase, u32 hops; reply: u64 origin, u8 phase; announcement: u64 leader
const TYPE_ACK = 1;
const TYPE_DATA = 2;
const KIND_CODE = { probe: 1, reply: 2, announcement: 3 } as const;
const HEADER_BYTES = 14;
const MAX_U32 = 0xffff_ffff;
const TWO_32 = 2 ** 32;
/** Phases beyond this cannot occur: ids fit in 53 bits and ring sizes in 32. */
const MAX_PHASE = 32;

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
export function encodeFrame(frame: Frame): Uint8Array {
  const sacks = frame.ack.selective;
  if (sacks.length > MAX_SACKS) throw new RangeError(`too many selective acks: ${sacks.length}`);
  const data = frame.data;
  const size = HEADER_BYTES + 4 * sacks.length + (data ? 5 + bodySize(data.message) : 0);
  // Validate before allocating, so a bad frame leaves no half-written bytes behind.
  const session = checkU32(frame.session, 'session');
  const cumulative = checkU32(frame.ack.cumulative, 'cumulative ack');
  const buf = allocate(size);
  buf[0] = MAGIC >>> 8;
  buf[1] = MAGIC & 0xff;
  buf[2] = VERSION;
  buf[3] = data ? TYPE_DATA : TYPE_ACK;
  buf[4] = frame.side === 'left' ? 0 : 1;
  buf[5] = sacks.length;
  writeU32(buf, 6, session);
  writeU32(buf, 10, cumulative);
  let at = HEADER_BYTES;
  for (let i = 0; i < sacks.length; i++) {
    writeU32(buf, at, checkU32(sacks[i]!, 'selective ack'));
    at += 4;
  }
  if (data) {
    writeU32(buf, at, checkU32(data.seq, 'seq'));
    writeMessage(buf, at + 4, data.message);
  }
  return buf;
}

/** Decodes a datagram. Never throws: anything that is not a well-formed frame yields a reason. */
export function decodeFrame(bytes: Uint8Array): DecodeResult {
  const length = bytes.length;
  if (length < HEADER_BYTES) return fail('malformed', `${length} bytes is shorter than a header`);
  if (length > MAX_FRAME_BYTES) return fail('malformed', `${length} bytes is longer than any frame`);
  if (((bytes[0]! << 8) | bytes[1]!) !== MAGIC) return fail('magic', 'not an hs-ring frame');
  const version = bytes[2]!;
  if (version !== VERSION) return fail('version', `version ${version}, expected ${VERSION}`);
  const type = bytes[3]!;
  if (type !== TYPE_ACK && type !== TYPE_DATA) return fail('malformed', `unknown frame type ${type}`);
  const sideCode = bytes[4]!;
  if (sideCode > 1) return fail('malformed', `unknown side ${sideCode}`);
  const side: Direction = sideCode === 0 ? 'left' : 'right';
  const sackCount = bytes[5]!;
  if (sackCount > MAX_SACKS) return fail('malformed', `${sackCount} selective acks`);
  const session = readU32(bytes, 6);
  const cumulative = readU32(bytes, 10);
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
    return { ok: true, frame: { side, session, ack } };
  }
  if (length < at + 5) return fail('malformed', 'truncated data header');
  const seq = readU32(bytes, at);
  const parsed = readMessage(bytes, at + 4);
  if (typeof parsed === 'string') return fail('malformed', parsed);
  if (parsed.end !== length) return fail('malformed', 'trailing bytes after message');
  return { ok: true, frame: { side, session, ack, data: { seq, message: parsed.message } } };
}

function bodySize(m: Message): number {
  switch (m.kind) {
    case 'probe':
      return 8 + 1 + 4;
    case 'reply':
      return 8 + 1;
    case 'announcement':
      return 8;
  }
}

function writeMessage(buf: Uint8Array, at: number, m: Message): number {
  buf[at] = KIND_CODE[m.kind];
  at += 1;
  switch (m.kind) {
    case 'probe':
      writeId(buf, at, m.origin);
      buf[at + 8] = checkPhase(m.phase);
      writeU32(buf, at + 9, checkU32(m.hops, 'hops'));
      return at + 13;
    case 'reply':
      writeId(buf, at, m.origin);
      buf[at + 8] = checkPhase(m.phase);
      return at + 9;
    case 'announcement':
      writeId(buf, at, m.leader);
      return at + 8;
  }
}

function readMessage(bytes: Uint8Array, at: number): { message: Message; end: number } | string {
  const kind = bytes[at];
  at += 1;
  const need = kind === KIND_CODE.probe ? 13 : kind === KIND_CODE.reply ? 9 : kind === KIND_CODE.announcement ? 8 : -1;
  if (need < 0) return `unknown message kind ${kind}`;
  if (bytes.length < at + need) return 'truncated message';
  const id = readId(bytes, at);
  if (id === undefined) return 'id above 2^53-1';
  if (kind === KIND_CODE.announcement) return { message: { kind: 'announcement', leader: id }, end: at + 8 };
  const phase = bytes[at + 8]!;
  if (phase > MAX_PHASE) return `phase ${phase} is impossible`;
  if (kind === KIND_CODE.reply) return { message: { kind: 'reply', origin: id, phase }, end: at + 9 };
  const hops = readU32(bytes, at + 9);
  if (hops < 1) return 'probe with 0 hops';
  return { message: { kind: 'probe', origin: id, phase, hops }, end: at + 13 };
}

function writeId(buf: Uint8Array, at: number, id: number): void {
  if (!isValidId(id)) throw new RangeError(`id ${id} is not an integer in 0..2^53-1`);
  writeU32(buf, at, Math.floor(id / TWO_32));
  writeU32(buf, at + 4, id % TWO_32);
}

function readId(bytes: Uint8Array, at: number): number | undefined {
  const high = readU32(bytes, at);
  if (high >= 2 ** 21) return undefined;
  return high * TWO_32 + readU32(bytes, at + 4);
}

/** Big-endian u32; `v` is already checked to fit. */
function writeU32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = v >>> 24;
  buf[at + 1] = (v >>> 16) & 0xff;
  buf[at + 2] = (v >>> 8) & 0xff;
  buf[at + 3] = v & 0xff;
}

/** Big-endian u32; the caller has checked the bytes exist. */
function readU32(bytes: Uint8Array, at: number): number {
  return bytes[at]! * 0x100_0000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

function checkU32(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > MAX_U32) throw new RangeError(`${what} ${v} does not fit 32 bits`);
  return v;
}

function checkPhase(p: number): number {
  if (!Number.isInteger(p) || p < 0 || p > MAX_PHASE) throw new RangeError(`phase ${p} out of range`);
  return p;
}

function fail(reason: 'malformed' | 'magic' | 'version', detail: string): DecodeResult {
  return { ok: false, reason, detail };
}
