/**
 * The election messages (probe, reply, announcement) as frame payloads (spec/protocol.md §3):
 * u8 kind (1 probe, 2 reply, 3 announcement), then probe: u64 origin, u8 phase, u32 hops;
 * reply: u64 origin, u8 phase; announcement: u64 leader. Big-endian. On a ring node's links each
 * message is stamped: u32 incarnation of the node it originated from, then the message.
 */
import type { Message } from '../core/types.js';
import { isValidId } from '../core/types.js';
import type { PayloadCodec } from './frame.js';
import { checkU32, readU32, readU53, writeU32, writeU53 } from './bytes.js';

const KIND_CODE = { probe: 1, reply: 2, announcement: 3 } as const;
/** Phases beyond this cannot occur: ids fit in 53 bits and ring sizes in 32. */
const MAX_PHASE = 32;

export const MESSAGE_CODEC: PayloadCodec<Message> = {
  size(m: Message): number {
    switch (m.kind) {
      case 'probe':
        return 1 + 8 + 1 + 4;
      case 'reply':
        return 1 + 8 + 1;
      case 'announcement':
        return 1 + 8;
    }
  },

  write(buf: Uint8Array, at: number, m: Message): void {
    buf[at] = KIND_CODE[m.kind];
    at += 1;
    switch (m.kind) {
      case 'probe':
        writeId(buf, at, m.origin);
        buf[at + 8] = checkPhase(m.phase);
        writeU32(buf, at + 9, checkU32(m.hops, 'hops'));
        return;
      case 'reply':
        writeId(buf, at, m.origin);
        buf[at + 8] = checkPhase(m.phase);
        return;
      case 'announcement':
        writeId(buf, at, m.leader);
        return;
    }
  },

  read(bytes: Uint8Array, at: number): { payload: Message; end: number } | string {
    const kind = bytes[at];
    at += 1;
    const need = kind === KIND_CODE.probe ? 13 : kind === KIND_CODE.reply ? 9 : kind === KIND_CODE.announcement ? 8 : -1;
    if (need < 0) return `unknown message kind ${kind}`;
    if (bytes.length < at + need) return 'truncated message';
    const id = readId(bytes, at);
    if (id === undefined) return 'id above 2^53-1';
    if (kind === KIND_CODE.announcement) return { payload: { kind: 'announcement', leader: id }, end: at + 8 };
    const phase = bytes[at + 8]!;
    if (phase > MAX_PHASE) return `phase ${phase} is impossible`;
    if (kind === KIND_CODE.reply) return { payload: { kind: 'reply', origin: id, phase }, end: at + 9 };
    const hops = readU32(bytes, at + 9);
    if (hops < 1) return 'probe with 0 hops';
    return { payload: { kind: 'probe', origin: id, phase, hops }, end: at + 13 };
  },
};

function writeId(buf: Uint8Array, at: number, id: number): void {
  if (!isValidId(id)) throw new RangeError(`id ${id} is not an integer in 0..2^53-1`);
  writeU53(buf, at, id);
}

function readId(bytes: Uint8Array, at: number): number | undefined {
  return readU53(bytes, at);
}

function checkPhase(p: number): number {
  if (!Number.isInteger(p) || p < 0 || p > MAX_PHASE) throw new RangeError(`phase ${p} out of range`);
  return p;
}

/**
 * A message with the incarnation (session) of the node it originated from: the node whose id is
 * its origin, or the leader it announces. A node that gets a message of its own id stamped with
 * another incarnation knows another node has its id (spec/protocol.md §7).
 */
export interface StampedMessage {
  readonly message: Message;
  /** The originating node's session; UNKNOWN_INCARNATION if the relaying node could not tell. */
  readonly incarnation: number;
}

/** The stamp of a message whose originator is unknown: never taken as evidence of a duplicate id. */
export const UNKNOWN_INCARNATION = 0;

/** Stamped messages: u32 incarnation, then the message as MESSAGE_CODEC writes it. */
export const STAMPED_MESSAGE_CODEC: PayloadCodec<StampedMessage> = {
  size(p: StampedMessage): number {
    return 4 + MESSAGE_CODEC.size(p.message);
  },
  write(buf: Uint8Array, at: number, p: StampedMessage): void {
    writeU32(buf, at, checkU32(p.incarnation, 'incarnation'));
    MESSAGE_CODEC.write(buf, at + 4, p.message);
  },
  read(bytes: Uint8Array, at: number): { payload: StampedMessage; end: number } | string {
    if (bytes.length < at + 4) return 'truncated message';
    const incarnation = readU32(bytes, at);
    const inner = MESSAGE_CODEC.read(bytes, at + 4);
    if (typeof inner === 'string') return inner;
    return { payload: { message: inner.payload, incarnation }, end: inner.end };
  },
};
