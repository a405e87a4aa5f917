/** The interface every election algorithm implements, and the state shape all of them share. */
import type { Direction, Message, Status, Step } from './types.js';

/**
 * What every election algorithm's node shares and what traces, results and the node layer read:
 * the spec's id, status, phase and leader. Each algorithm extends it with its own fields.
 */
export interface CoreState {
  readonly id: number;
  readonly status: Status;
  /** Current phase (an algorithm without phases stays at 0). */
  readonly phase: number;
  /** The leader, once known. */
  readonly leader: number | undefined;
}

/**
 * A pure election state machine fed with start() and each delivered message, returning the
 * action taken and the commands to carry out. The node layer, the simulators and the property
 * suite drive every algorithm of the registry (algorithms.ts) through this interface alone.
 */
export interface ElectionCore<S extends CoreState = CoreState> {
  readonly id: number;
  /** Starts the election at this node; called exactly once, before any receive(). */
  start(): Step;
  /** Handles `message`, delivered exactly once, which arrived on side `from`. */
  receive(from: Direction, message: Message): Step;
  /** A snapshot of the node's state, in the algorithm's own shape. */
  state(): S;
}

/** Builds the core of the node with `id`. */
export type CoreFactory = (id: number) => ElectionCore;
