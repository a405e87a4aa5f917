/** The link-layer frame as a value, and the constants of the wire format (spec/protocol.md §3). */
import type { Message } from '../core/types.js';

/** First two bytes of every frame: ASCII "HS". */
export const MAGIC = 0x4853;
/**
 * Wire format version; a frame with any other version is rejected as `version`. Mixed versions
 * never elect together (spec/protocol.md §3, upgrades): a ring is upgraded by stopping it.
 */
export const VERSION = 3;
/** Magic and version: the bytes every version of the format begins with. */
export const VERSION_END = 3;
/** Bytes before the selective acks, in every frame. */
export const HEADER_BYTES = 26;
/** The ring digest of a node that has no ring file: it checks no one, and no one checks it. */
export const NO_RING_DIGEST = 0;
/** Largest frame we ever produce or accept, far below any path MTU. */
export const MAX_FRAME_BYTES = 1200;
/** Selective acknowledgements carried per frame, at most. */
export const MAX_SACKS = 64;

/** The selective acks of an ack with none: one shared frozen array, so the common case allocates nothing. */
export const NO_SACKS: readonly number[] = Object.freeze([]);

/**
 * Acknowledgement state of the reverse direction of a link: every sequence number below
 * `cumulative` was received, and so was each of `selective`.
 */
export interface Ack {
  readonly cumulative: number;
  readonly selective: readonly number[];
}

/**
 * A link-layer frame carrying a payload of type P (an algorithm message on a ring). `lane` is
 * the sender's number for the link the frame left through, so the receiver can tell its links
 * apart even when two of them lead to one process (a ring of two) or to itself (a ring of one);
 * on a ring, lane 0 is the sender's left side and lane 1 its right. `session` is the sender's
 * incarnation, fixed for the life of a node process. `epoch` is the leadership epoch the sender
 * acts in (0 in a plain election), `ring` the digest of the sender's ring configuration
 * (NO_RING_DIGEST without a ring file; see config/ring-digest.ts).
 */
export interface Frame<P = Message> {
  readonly lane: number;
  readonly session: number;
  readonly epoch: number;
  readonly ring: number;
  readonly ack: Ack;
  /** Present on data frames: the sequence number and the payload it carries. */
  readonly data?: { readonly seq: number; readonly payload: P };
}

/** A frame to encode: an absent epoch or ring digest is 0 (a plain election, no ring file). */
export type FrameInput<P = Message> = Omit<Frame<P>, 'epoch' | 'ring'> & { readonly epoch?: number; readonly ring?: number };

/**
 * How a payload type is put on the wire, so the frame codec carries payloads it knows nothing
 * about. `read` returns the payload and where it ended, or why the bytes are not one.
 */
export interface PayloadCodec<P> {
  size(payload: P): number;
  /** Writes `payload` at `at`; throws RangeError only for payloads our own code should never build. */
  write(buf: Uint8Array, at: number, payload: P): void;
  read(bytes: Uint8Array, at: number): { readonly payload: P; readonly end: number } | string;
}

/** Why a datagram was rejected by the decoder. */
export type DecodeFailure = 'malformed' | 'magic' | 'version';

export type DecodeResult<P = Message> =
  | { readonly ok: true; readonly frame: Frame<P> }
  | { readonly ok: false; readonly reason: DecodeFailure; readonly detail: string };
