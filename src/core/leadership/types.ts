/**
 * The leadership protocol's vocabulary (spec/leadership.md, tla/Leadership*.tla): messages between
 * members, the state each member persists, the commands a member asks its caller to carry out and
 * the TLA+ action names its transitions take.
 */

/** An epoch: counter * N + rank, unique per member; it is also the fencing token. -1 means none. */
export type Epoch = number;

/** No epoch promised or held yet. */
export const NO_EPOCH: Epoch = -1;

/** What a member keeps across restarts (write tmp, fsync, rename, fsync dir) before any grant or request leaves. */
export interface Persisted {
  /** The highest epoch this member granted (its own attempts included). */
  readonly promised: Epoch;
  /** Its own highest attempt counter. */
  readonly counter: number;
}

/** The state of a member that never persisted anything (or whose state directory was lost). */
export const FRESH: Persisted = { promised: NO_EPOCH, counter: 0 };

/** Why a member refused a Request or a Renew. */
export type RefuseReason =
  /** It restarted less than one grant period ago, so grants it gave before may still be live. */
  | 'quiet'
  /** It holds an unexpired grant to another member. */
  | 'held'
  /** The epoch is not above the one it promised. */
  | 'stale';

/** Messages, direct member to member; each is idempotent and safe to lose, repeat or reorder. */
export type LeadershipMessage =
  | { readonly kind: 'Request'; readonly epoch: Epoch }
  | { readonly kind: 'Grant'; readonly epoch: Epoch }
  | {
      readonly kind: 'Refuse';
      readonly epoch: Epoch;
      readonly reason: RefuseReason;
      readonly promised: Epoch;
      /** The member it holds a grant to, if any, and that grant's epoch: the current leader as it knows it. */
      readonly leader: number | null;
      readonly leaderEpoch: Epoch;
    }
  /**
   * `alive`: on a ring whose members heartbeat only their ring neighbours, the ranks of the
   * members the leader heard itself less than S ago, so that each follower's view holds them too
   * (empty when every member heartbeats every other).
   */
  | { readonly kind: 'Renew'; readonly epoch: Epoch; readonly round: number; readonly alive: readonly number[] }
  | { readonly kind: 'RenewAck'; readonly epoch: Epoch; readonly round: number }
  /** `sitOut`: the sender resigned and will not stand in the next election. */
  | { readonly kind: 'Release'; readonly epoch: Epoch; readonly sitOut: boolean }
  /**
   * Liveness only: keeps the sender in its peers' views. `quietLeft`: what is left of the sender's
   * quiet period after a restart, whole ms rounded up (0: none); while that is more than one
   * heartbeat period, no view picks it. Safety never reads the view.
   */
  | { readonly kind: 'Heartbeat'; readonly quietLeft: number };

export type LeadershipMessageKind = LeadershipMessage['kind'];

/** Why a leader left office. */
export type StepDownReason =
  /** Its lease was about to end without a majority renewal. */
  | 'lease'
  /** It heard a leader of a higher epoch. */
  | 'deposed'
  /** The application resigned after its work ended. */
  | 'resign';

/**
 * What a member asks its caller to do, in order. A `persist` must be complete (durable) before
 * any later command of the same list is carried out: that is how promises and the member's own
 * counter reach the disk before a Grant or a Request leaves.
 */
export type LeadershipCommand =
  | { readonly type: 'persist'; readonly state: Persisted }
  | { readonly type: 'send'; readonly to: number; readonly message: LeadershipMessage }
  /** Call tick() when the local monotonic clock reads `at` (replaces any earlier timer). */
  | { readonly type: 'timer'; readonly at: number }
  /** This member leads epoch `epoch` (the fencing token) until `leaseEnd` on its own clock. */
  | { readonly type: 'takeOffice'; readonly epoch: Epoch; readonly leaseEnd: number }
  /** A majority renewed the lease: it now ends at `leaseEnd` on the leader's clock. */
  | { readonly type: 'extendLease'; readonly epoch: Epoch; readonly leaseEnd: number }
  /**
   * Stop acting now: sent at leaseEnd - stepDownMargin at the latest, before the lease can end
   * (the application's AbortSignal).
   */
  | { readonly type: 'stepDown'; readonly epoch: Epoch; readonly reason: StepDownReason }
  /** This member follows `leader`, which leads `epoch` (heard through its renewals). */
  | { readonly type: 'follower'; readonly leader: number; readonly epoch: Epoch }
  /**
   * The failure detector suspects `member`: nothing heard from it for S since `lastHeard` (local
   * ms; null: never heard since the start). Liveness only: it leaves the view.
   */
  | { readonly type: 'suspect'; readonly member: number; readonly lastHeard: number | null }
  /** A suspected `member` was heard again: it is back in the view. */
  | { readonly type: 'trust'; readonly member: number };

/** Names of the member's transitions, as in the TLA+ spec (plus the liveness-only view actions). */
export const LEADERSHIP_ACTIONS = [
  'Restart',
  'RequestGrants',
  'GrantEpoch',
  'RefuseEpoch',
  'TakeOffice',
  'SendRenew',
  'AckRenew',
  'ExtendLease',
  'StepDown',
  'Resign',
  'ReleaseGrant',
  'AbandonAttempt',
  'Tick',
  'Heartbeat',
] as const;
export type LeadershipAction = (typeof LEADERSHIP_ACTIONS)[number];

/** One step of a member: the actions taken (in order) and the commands to carry out. */
export interface LeadershipStep {
  readonly actions: readonly LeadershipAction[];
  readonly commands: readonly LeadershipCommand[];
}
