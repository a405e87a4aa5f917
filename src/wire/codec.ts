import type { Direction, Message } from '../core/types.js';
import { isValidId } from '../core/types.js';
import { type DecodeResult, type Frame, MAGIC, MAX_FRAME_BYTES, MAX_SACKS, VERSION } from './frame.js';

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

/** Encodes a frame; throws RangeError only for frames our own code should never build. */
export function encodeFrame(frame: Frame): Uint8Array {
  const sacks = frame.ack.selective;
  if (sacks.length > MAX_SACKS) throw new RangeError(`too many selective acks: ${sacks.length}`);
  const size = HEADER_BYTES + 4 * sacks.length + (frame.data ? 5 + bodySize(frame.data.message) : 0);
  const buf = new Uint8Array(size);
  const view = new DataView(buf.buffer);
  view.setUint16(0, MAGIC);
  view.setUint8(2, VERSION);
  view.setUint8(3, frame.data ? TYPE_DATA : TYPE_ACK);
  view.setUint8(4, frame.side === 'left' ? 0 : 1);
  view.setUint8(5, sacks.length);
  view.setUint32(6, checkU32(frame.session, 'session'));
  view.setUint32(10, checkU32(frame.ack.cumulative, 'cumulative ack'));
  let at = HEADER_BYTES;
  for (const s of sacks) {
    view.setUint32(at, checkU32(s, 'selective ack'));
    at += 4;
  }
  if (frame.data) {
    view.setUint32(at, checkU32(frame.data.seq, 'seq'));
    at = writeMessage(view, at + 4, frame.data.message);
  }
  return buf;
}

/** Decodes a datagram. Never throws: anything that is not a well-formed frame yields a reason. */
export function decodeFrame(bytes: Uint8Array): DecodeResult {
  if (bytes.length < HEADER_BYTES) return fail('malformed', `${bytes.length} bytes is shorter than a header`);
  if (bytes.length > MAX_FRAME_BYTES) return fail('malformed', `${bytes.length} bytes is longer than any frame`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== MAGIC) return fail('magic', 'not an hs-ring frame');
  const version = view.getUint8(2);
  if (version !== VERSION) return fail('version', `version ${version}, expected ${VERSION}`);
  const type = view.getUint8(3);
  if (type !== TYPE_ACK && type !== TYPE_DATA) return fail('malformed', `unknown frame type ${type}`);
  const sideCode = view.getUint8(4);
  if (sideCode > 1) return fail('malformed', `unknown side ${sideCode}`);
  const side: Direction = sideCode === 0 ? 'left' : 'right';
  const sackCount = view.getUint8(5);
  if (sackCount > MAX_SACKS) return fail('malformed', `${sackCount} selective acks`);
  const session = view.getUint32(6);
  const cumulative = view.getUint32(10);
  let at = HEADER_BYTES;
  if (bytes.length < at + 4 * sackCount) return fail('malformed', 'truncated selective acks');
  const selective: number[] = [];
  for (let i = 0; i < sackCount; i++, at += 4) selective.push(view.getUint32(at));
  const ack = { cumulative, selective };
  if (type === TYPE_ACK) {
    if (at !== bytes.length) return fail('malformed', 'trailing bytes after ack');
    return { ok: true, frame: { side, session, ack } };
  }
  if (bytes.length < at + 5) return fail('malformed', 'truncated data header');
  const seq = view.getUint32(at);
  const parsed = readMessage(view, at + 4);
  if (typeof parsed === 'string') return fail('malformed', parsed);
  if (parsed.end !== bytes.length) return fail('malformed', 'trailing bytes after message');
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

function writeMessage(view: DataView, at: number, m: Message): number {
  view.setUint8(at, KIND_CODE[m.kind]);
  at += 1;
  switch (m.kind) {
    case 'probe':
      writeId(view, at, m.origin);
      view.setUint8(at + 8, checkPhase(m.phase));
      view.setUint32(at + 9, checkU32(m.hops, 'hops'));
      return at + 13;
    case 'reply':
      writeId(view, at, m.origin);
      view.setUint8(at + 8, checkPhase(m.phase));
      return at + 9;
    case 'announcement':
      writeId(view, at, m.leader);
      return at + 8;
  }
}

function readMessage(view: DataView, at: number): { message: Message; end: number } | string {
  const kind = view.getUint8(at);
  at += 1;
  const need = kind === KIND_CODE.probe ? 13 : kind === KIND_CODE.reply ? 9 : kind === KIND_CODE.announcement ? 8 : -1;
  if (need < 0) return `unknown message kind ${kind}`;
  if (view.byteLength < at + need) return 'truncated message';
  const id = readId(view, at);
  if (id === undefined) return 'id above 2^53-1';
  if (kind === KIND_CODE.announcement) return { message: { kind: 'announcement', leader: id }, end: at + 8 };
  const phase = view.getUint8(at + 8);
  if (phase > MAX_PHASE) return `phase ${phase} is impossible`;
  if (kind === KIND_CODE.reply) return { message: { kind: 'reply', origin: id, phase }, end: at + 9 };
  const hops = view.getUint32(at + 9);
  if (hops < 1) return 'probe with 0 hops';
  return { message: { kind: 'probe', origin: id, phase, hops }, end: at + 13 };
}

function writeId(view: DataView, at: number, id: number): void {
  if (!isValidId(id)) throw new RangeError(`id ${id} is not an integer in 0..2^53-1`);
  view.setUint32(at, Math.floor(id / TWO_32));
  view.setUint32(at + 4, id % TWO_32);
}

function readId(view: DataView, at: number): number | undefined {
  const high = view.getUint32(at);
  if (high >= 2 ** 21) return undefined;
  return high * TWO_32 + view.getUint32(at + 4);
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
