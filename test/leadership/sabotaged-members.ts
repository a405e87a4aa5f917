/** Sabotaged builds of the leadership member, each breaking one rule: the suites must catch each. */
import { LeadershipMember } from '../../src/core/leadership/member.js';
import type { Epoch, Persisted, RefuseReason } from '../../src/core/leadership/types.js';

/** Takes office on its own grant alone, and renews on it. */
export class NoMajority extends LeadershipMember {
  protected override quorum(): number {
    return 1;
  }
}

/** Grants while it holds an unexpired grant to another member (the epoch rule kept). */
export class NoHeldGrantWait extends LeadershipMember {
  protected override refusalFor(now: number, from: number, epoch: Epoch): RefuseReason | null {
    const reason = super.refusalFor(now, from, epoch);
    return reason === 'held' ? (epoch <= this.status().promised ? 'stale' : null) : reason;
  }
}

/** Grants at once after a restart: no quiet period. */
export class NoQuietPeriod extends LeadershipMember {
  protected override refusalFor(now: number, from: number, epoch: Epoch): RefuseReason | null {
    const reason = super.refusalFor(now, from, epoch);
    if (reason !== 'quiet') return reason;
    const g = this.status().grant;
    if (g && now < g.expiresAt && g.leader !== from) return 'held';
    return epoch <= this.status().promised ? 'stale' : null;
  }
}

/** Restarts without its promise: the state file kept only the counter. */
export class ForgetsPromise extends LeadershipMember {
  override start(now: number, persisted: Persisted) {
    return super.start(now, { ...persisted, promised: -1 });
  }
}

/**
 * Keeps a grant for a fifth of a lease instead of D = L(1 + rho) + m: a successor need not wait
 * for the old leader's lease to run out (and a restart's quiet period shrinks alike).
 */
export class NoLeaseWait extends LeadershipMember {
  override readonly grantPeriod: number = this.timing.lease / 5;
}
