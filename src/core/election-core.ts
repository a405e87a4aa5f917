import type { HsState } from './hs.js';
import type { Direction, Message, Step } from './types.js';

/**
 * What the link layer needs from an election algorithm: a pure state machine fed with start()
 * and each delivered message, returning the action taken and the commands to carry out. HS and
 * the LCR baseline both implement it, so one Endpoint, simulator and property suite run either.
 */
export interface ElectionCore {
  readonly id: number;
  /** Starts the election at this node; called exactly once, before any receive(). */
  start(): Step;
  /** Handles `message`, delivered exactly once, which arrived on side `from`. */
  receive(from: Direction, message: Message): Step;
  /** A snapshot in the spec's variables; cores without per-side replies report them false. */
  state(): HsState;
}

/** Builds the core of the node with `id`; Endpoint's default is Hirschberg–Sinclair. */
export type CoreFactory = (id: number) => ElectionCore;
