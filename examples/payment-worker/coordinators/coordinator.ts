/**
 * The one small interface the payment worker leads through, shaped like what the ring's
 * leadership service offers: `campaign()` resolves with a Term once this replica leads; the
 * Term's token is the fencing token and its signal fires before the lease can end (or at once
 * when the coordinator can no longer vouch for it). `resign()` is called after the work has
 * returned; `close()` ends the session for good.
 */
export const coordinatorKinds = ['zookeeper', 'etcd', 'ring'] as const;
export type CoordinatorKind = (typeof coordinatorKinds)[number];

export interface Term {
  /** The fencing token: increases with every leader. */
  readonly token: bigint;
  /** Aborted when leadership may be over; act on nothing after it fires. */
  readonly signal: AbortSignal;
}

export interface Coordinator {
  readonly kind: CoordinatorKind;
  /** Resolves when this replica is leader; rejects if the campaign fails (the caller retries). */
  campaign(): Promise<Term>;
  /** Gives up office (or the candidacy) so another replica can lead at once. */
  resign(): Promise<void>;
  close(): Promise<void>;
}

export interface CoordinatorOptions {
  /** Connect string or endpoints, comma-separated. */
  readonly connect: string;
  /** The replica's name, stored as the candidate's value. */
  readonly name: string;
  /** Lease / session timeout requested, ms (etcd rounds up to whole seconds). */
  readonly leaseMs: number;
  /** The signal fires this long before the lease would end at the server. */
  readonly stepDownMarginMs: number;
  /** Ring only: the member's own directory for its promises, kept across the replica's restarts. */
  readonly stateDir?: string;
  /** Ring only: the fraction of its datagrams the member loses on purpose (chaos), and the seed of the draws. */
  readonly loss?: number;
  readonly seed?: number;
}

/** The coordinator cannot run with what it was given (a ring file without this replica, say). */
export class CoordinatorUnavailableError extends Error {
  override readonly name = 'CoordinatorUnavailableError';
}

/**
 * A client-side lease: renewed with the send time of each request the server answered, it aborts
 * `signal` at sentAt + lease - margin. The server ends the session no earlier than lease after it
 * last heard from us, and it heard us after sentAt, so the signal fires first (same-rate clocks).
 */
export class LocalLease {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly leaseMs: number, private readonly marginMs: number, sentAt: number) {
    this.renew(sentAt);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  renew(sentAt: number): void {
    if (this.controller.signal.aborted) return;
    clearTimeout(this.timer);
    const left = sentAt + this.leaseMs - this.marginMs - performance.now();
    if (left <= 0) return this.end('lease ran out');
    this.timer = setTimeout(() => this.end('lease ran out'), left);
  }

  end(reason: string): void {
    clearTimeout(this.timer);
    if (!this.controller.signal.aborted) this.controller.abort(new Error(reason));
  }
}
