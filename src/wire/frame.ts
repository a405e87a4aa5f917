import type { Direction, Message } from '../core/types.js';

/** First two bytes of every frame: ASCII "HS". */
export const MAGIC = 0x4853;
/** Wire format version; a frame with any other version is rejected as `version`. */
export const VERSION = 1;
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
 * A link-layer frame. `side` is the sender's side the frame left through, so the receiver knows
 * which of its links it came in on even when both neighbours are one process (n = 2) or itself (n = 1).
 * `session` is the sender's incarnation, fixed for the life of a node process.
 */
export interface Frame {
  readonly side: Direction;
  readonly session: number;
  readonly ack: Ack;
  /** Present on data frames: the sequence number and the algorithm message it carries. */
  readonly data?: { readonly seq: number; readonly message: Message };
}

/** Why a datagram was rejected by the decoder. */
export type DecodeFailure = 'malformed' | 'magic' | 'version';

export type DecodeResult =
  | { readonly ok: true; readonly frame: Frame }
  | { readonly ok: false; readonly reason: DecodeFailure; readonly detail: string };
