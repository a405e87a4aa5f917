/**
 * The vocabulary of the algorithm. These names are the ones used by the TLA+ spec (tla/),
 * the wire format (spec/protocol.md), trace events and test titles.
 */

/** A side of a node on the ring. A node's right neighbour has it as its left neighbour. */
export type Direction = 'left' | 'right';

/** The side opposite to `d`: a message that leaves a node on its right arrives on the receiver's left. */
export function opposite(d: Direction): Direction {
  return d === 'left' ? 'right' : 'left';
}

/** Phase k probe from `origin`, which has travelled `hops` links so far (1 on the first link). */
export interface Probe {
  readonly kind: 'probe';
  readonly origin: number;
  readonly phase: number;
  readonly hops: number;
}

/** Reply travelling back to `origin`: its phase-k probe reached distance 2^k without being swallowed. */
export interface Reply {
  readonly kind: 'reply';
  readonly origin: number;
  readonly phase: number;
}

/** Leader announcement: travels rightwards once around the ring, from the leader back to it. */
export interface Announcement {
  readonly kind: 'announcement';
  readonly leader: number;
}

/** An algorithm message: the only thing one core sends to another. */
export type Message = Probe | Reply | Announcement;

/** Message kinds, in the order used for counting and for the wire codes. */
export const MESSAGE_KINDS = ['probe', 'reply', 'announcement'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/**
 * Names of the core's transitions, equal to the TLA+ action names. Every input the core accepts
 * is exactly one of these.
 */
export const ACTIONS = [
  'Start',
  'RelayProbe',
  'BounceProbe',
  'SwallowProbe',
  'BecomeLeader',
  'RelayReply',
  'ReceiveReply',
  'AdvancePhase',
  'RelayAnnouncement',
  'Finish',
  'DiscardLate',
] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Status of a node, as in the spec:
 * - `idle`: not started;
 * - `active`: started, does not know the leader yet (it may already be beaten without knowing);
 * - `leader`: received its own probe, announcement sent, not yet back;
 * - `done`: knows the leader and has nothing more to do (for the leader: the announcement is back).
 */
export type Status = 'idle' | 'active' | 'leader' | 'done';

/** What the core asks its caller to do. The core itself performs no I/O. */
export type Command =
  | { readonly type: 'send'; readonly direction: Direction; readonly message: Message }
  | { readonly type: 'decide'; readonly leader: number; readonly isLeader: boolean }
  | { readonly type: 'phase'; readonly phase: number }
  | { readonly type: 'done' };

/** One step of the core: the transition taken and the commands it produced. */
export interface Step {
  readonly action: Action;
  readonly commands: readonly Command[];
}

/** Largest id accepted: ids are integers 0..2^53-1 so they are exact in a JavaScript number. */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

/** True when `id` is an integer in 0..2^53-1. */
export function isValidId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 0;
}
