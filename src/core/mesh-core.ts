/**
 * The contract of a full-mesh election core (Bully, Raft-style): a deterministic state machine
 * whose inputs are start, a message from a peer id and a named timer firing, each with the current
 * time `now` (milliseconds on the node's own clock), and whose outputs are commands. Ring cores
 * (HS, LCR) speak of sides; mesh cores speak of peer ids, as the peer-keyed links will.
 */

/** What a mesh core asks its caller to do. Timers are absolute: `at` is a time on the node's clock. */
export type MeshCommand<M, T extends string = string> =
  | { readonly type: 'send'; readonly to: number; readonly message: M }
  | { readonly type: 'setTimer'; readonly timer: T; readonly at: number }
  | { readonly type: 'cancelTimer'; readonly timer: T }
  /** The leader this node knows changed (null: it knows none); `isLeader` when it is itself. */
  | { readonly type: 'leader'; readonly leader: number | null; readonly isLeader: boolean };

/** One transition: its action name (as in the TLA+ spec or the paper) and its commands. */
export interface MeshStep<M, T extends string = string> {
  readonly action: string;
  readonly commands: readonly MeshCommand<M, T>[];
}

/** A mesh election core. Setting a timer that is already set moves it; firing clears it. */
export interface MeshCore<M, S, T extends string = string> {
  readonly id: number;
  /** Starts (or, after a restart, resumes) the node; called once, before any other input. */
  start(now: number): MeshStep<M, T>;
  /** Handles `message` from peer `from`; duplicates, reordering and stale messages are allowed. */
  receive(from: number, message: M, now: number): MeshStep<M, T>;
  /** Timer `timer` fired at `now`. A fired timer that the core no longer expects is ignored. */
  fire(timer: T, now: number): MeshStep<M, T>;
  /** A snapshot of the state, in the algorithm's own shape. */
  state(): S;
  /** What survives a crash (stable storage); restored through MeshCoreConfig.restored. */
  durable(): unknown;
  /** True when this node currently acts as leader. */
  isLeader(): boolean;
  /** The leader this node currently knows, or null. */
  knownLeader(): number | null;
}

/** What every mesh core is built from. */
export interface MeshCoreConfig {
  /** Every member's id, this node's included; ids are distinct. */
  readonly members: readonly number[];
  /** Uniform in [0, 1): the caller's seeded generator, the core's only randomness. */
  readonly random: () => number;
  /** What durable() returned before a crash, when the node restarts; undefined on a first start. */
  readonly restored?: unknown;
}

/**
 * A mesh algorithm as the algorithm registry will take it: a name, a factory, the topology it
 * needs, its message kinds (for counting), and a message bound where one exists.
 */
export interface MeshAlgorithm<M extends { readonly kind: string }, S, T extends string = string> {
  readonly name: string;
  readonly topology: 'mesh';
  readonly messageKinds: readonly M['kind'][];
  /** Message kinds that are periodic liveness traffic (heartbeats and their replies), not election. */
  readonly heartbeatKinds: readonly M['kind'][];
  create(id: number, config: MeshCoreConfig): MeshCore<M, S, T>;
  /** The term (epoch) a state is in, for algorithms that number their leaders. */
  readonly termOf?: (state: S) => number;
  /** Most algorithm messages of one election among n members, when the algorithm has such a bound. */
  readonly messageBound?: (n: number) => number;
}

/** A send command. */
export function sendTo<M>(to: number, message: M): MeshCommand<M, never> {
  return { type: 'send', to, message };
}

/** Thrown for a caller's programming error (a bad configuration, an input before start). */
export class MeshCoreUsageError extends Error {
  override readonly name = 'MeshCoreUsageError';
}

/** Checks a member list for the node with `id`: integer ids, distinct, `id` among them. */
export function checkMembers(id: number, members: readonly number[]): void {
  if (!members.every((m) => Number.isSafeInteger(m) && m >= 0)) throw new MeshCoreUsageError('member ids must be integers in 0..2^53-1');
  if (new Set(members).size !== members.length) throw new MeshCoreUsageError('member ids must be distinct');
  if (!members.includes(id)) throw new MeshCoreUsageError(`node ${id} is not among the members`);
}
