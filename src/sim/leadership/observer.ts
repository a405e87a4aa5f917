/**
 * The observer outside the members: it sees every member's state and every command in the
 * simulator's real time and checks the invariants of spec/leadership.md at every step, with the
 * TLA+ names. It keeps its own records (a member that forgets its promise cannot hide it).
 */

/** The invariants checked, as named in spec/leadership.md and the TLA+ spec. */
export const LEADERSHIP_INVARIANTS = [
  /** At most one TakeOffice ever in an epoch (one leader, one term), so no token is accepted from two terms: no clock assumption. */
  'OneLeaderPerEpoch',
  /** A member never grants an epoch below one it granted; TakeOffice epochs increase in real time. */
  'EpochsIncrease',
  /** At no real instant do two members hold a lease they are in office under (drift within rho). */
  'NoOverlappingLeases',
  /** The resource never accepts a token below the highest it accepted. */
  'FencingMonotone',
  /** The resource accepts every write whose token is at least the highest it accepted (a leader's own writes pass). */
  'LeaderWritesAccepted',
] as const;
export type LeadershipInvariant = (typeof LEADERSHIP_INVARIANTS)[number];

/** One violation: which invariant, when (real ms), and what the observer saw. */
export interface Violation {
  readonly invariant: LeadershipInvariant;
  readonly at: number;
  readonly detail: string;
}

export class Observer {
  readonly violations: Violation[] = [];
  /** Per member index: the highest epoch it ever granted (its own attempts included). */
  private readonly granted: number[];
  private readonly epochsInOffice = new Map<number, number>();
  private highestInOffice = -1;
  private resourceHighest = -1;
  private resourceTerm = -1;

  constructor(
    n: number,
    private readonly ids: readonly number[],
    private readonly enabled: ReadonlySet<LeadershipInvariant>,
  ) {
    this.granted = new Array<number>(n).fill(-1);
  }

  private fail(invariant: LeadershipInvariant, at: number, detail: string): void {
    if (this.enabled.has(invariant)) this.violations.push({ invariant, at, detail });
  }

  /** Member `m` promises `epoch` (a persist, a Grant or a RenewAck leaving it). */
  promised(m: number, epoch: number, at: number): void {
    const before = this.granted[m]!;
    if (epoch < before) this.fail('EpochsIncrease', at, `member ${this.ids[m]} granted epoch ${epoch} after granting ${before}`);
    else this.granted[m] = epoch;
  }

  /** Member `m` took office in `epoch`; `term` numbers the TakeOffice events. */
  tookOffice(m: number, epoch: number, at: number, term: number): void {
    const earlier = this.epochsInOffice.get(epoch);
    if (earlier !== undefined) this.fail('OneLeaderPerEpoch', at, `epoch ${epoch} taken twice (terms ${earlier} and ${term}, now by member ${this.ids[m]})`);
    else this.epochsInOffice.set(epoch, term);
    if (epoch <= this.highestInOffice) this.fail('EpochsIncrease', at, `member ${this.ids[m]} took office in epoch ${epoch} after epoch ${this.highestInOffice}`);
    this.highestInOffice = Math.max(this.highestInOffice, epoch);
  }

  /** The members (indexes) in office at real time `at`, each with the epoch it holds. */
  inOffice(at: number, leaders: readonly { m: number; epoch: number }[]): void {
    if (leaders.length > 1) {
      const who = leaders.map((l) => `member ${this.ids[l.m]} (epoch ${l.epoch})`).join(' and ');
      this.fail('NoOverlappingLeases', at, `${who} are in office at once`);
    }
  }

  /** The resource answered a write carrying `token` from TakeOffice number `term`. */
  write(token: number, term: number, accepted: boolean, at: number): void {
    if (!accepted) {
      if (token >= this.resourceHighest) this.fail('LeaderWritesAccepted', at, `write with token ${token} (term ${term}) refused; the highest accepted was ${this.resourceHighest}`);
      return;
    }
    if (token < this.resourceHighest) this.fail('FencingMonotone', at, `token ${token} accepted after ${this.resourceHighest}`);
    else if (token === this.resourceHighest && term !== this.resourceTerm) {
      this.fail('OneLeaderPerEpoch', at, `token ${token} accepted from two terms (${this.resourceTerm} and ${term})`);
    }
    if (token >= this.resourceHighest) {
      this.resourceHighest = token;
      this.resourceTerm = term;
    }
  }
}
