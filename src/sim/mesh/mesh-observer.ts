/**
 * The outside observer of a mesh simulation: after every event it looks at every node at once
 * (which no node can do) and checks the election properties, recording the first violation of
 * each with its time, and when the cluster settled on one leader.
 */

/** What the observer sees of one node at one instant. */
export interface NodeView {
  readonly id: number;
  readonly alive: boolean;
  readonly isLeader: boolean;
  readonly knownLeader: number | null;
  /** The node's term, for algorithms that number their leaders. */
  readonly term: number | undefined;
}

/** The properties the observer checks on every step, named as in spec/elections.md and the TLA+ specs. */
export const STEP_PROPERTIES = ['AtMostOneLeader', 'LeaderIsMaxLive', 'OneLeaderPerTerm', 'KnownLeaderIsTermLeader'] as const;
export type StepProperty = (typeof STEP_PROPERTIES)[number];

export interface Violation {
  readonly property: StepProperty;
  /** Simulated ms of the first step at which it failed. */
  readonly at: number;
  readonly detail: string;
}

/** One leader that every live node knows, and that acts as leader, alone. */
export interface Settlement {
  readonly leader: number;
  /** Since when it has held without a break. */
  readonly since: number;
}

export class MeshObserver {
  private readonly violations = new Map<StepProperty, Violation>();
  private readonly termLeaders = new Map<number, number>();
  private settled: Settlement | null = null;
  private firstSettledAt: number | null = null;
  maxLeadersAtOnce = 0;
  leaderChanges = 0;
  private lastLeaders = '';

  /** Checks every property on the views of all nodes after a step at time `now`. */
  check(now: number, views: readonly NodeView[]): void {
    const live = views.filter((v) => v.alive);
    const leaders = live.filter((v) => v.isLeader);
    const key = leaders.map((l) => `${l.id}@${l.term ?? ''}`).join(',');
    if (key !== this.lastLeaders) {
      this.leaderChanges += 1;
      this.lastLeaders = key;
    }
    this.maxLeadersAtOnce = Math.max(this.maxLeadersAtOnce, leaders.length);
    if (leaders.length > 1) this.flag('AtMostOneLeader', now, `live nodes ${leaders.map((l) => l.id).join(' and ')} both act as leader`);
    let maxLive = -1;
    for (const v of live) if (v.id > maxLive) maxLive = v.id;
    for (const l of leaders) if (l.id !== maxLive) this.flag('LeaderIsMaxLive', now, `node ${l.id} leads but ${maxLive} is alive`);
    for (const l of leaders) {
      if (l.term === undefined) continue;
      const known = this.termLeaders.get(l.term);
      if (known === undefined) this.termLeaders.set(l.term, l.id);
      else if (known !== l.id) this.flag('OneLeaderPerTerm', now, `nodes ${known} and ${l.id} both led term ${l.term}`);
    }
    for (const v of live) {
      if (v.isLeader || v.knownLeader === null || v.term === undefined) continue;
      const elected = this.termLeaders.get(v.term);
      if (elected !== v.knownLeader) {
        this.flag('KnownLeaderIsTermLeader', now, `node ${v.id} follows ${v.knownLeader} in term ${v.term}, whose leader is ${elected ?? 'none'}`);
      }
    }
    this.track(now, live, leaders);
  }

  private track(now: number, live: readonly NodeView[], leaders: readonly NodeView[]): void {
    const one = leaders.length === 1 ? leaders[0]! : undefined;
    const agreed = one !== undefined && live.every((v) => v.knownLeader === one.id);
    if (!agreed) {
      this.settled = null;
      return;
    }
    if (this.settled?.leader !== one.id) this.settled = { leader: one.id, since: now };
    this.firstSettledAt ??= now;
  }

  private flag(property: StepProperty, at: number, detail: string): void {
    if (!this.violations.has(property)) this.violations.set(property, { property, at, detail });
  }

  /** When all live nodes first agreed on one acting leader, or null. */
  get firstSettled(): number | null {
    return this.firstSettledAt;
  }

  /** The first violation of each property, in the order they happened. */
  report(): { violations: Violation[]; settled: Settlement | null; firstSettledAt: number | null; termsWithLeader: number } {
    return {
      violations: [...this.violations.values()].sort((a, b) => a.at - b.at),
      settled: this.settled,
      firstSettledAt: this.firstSettledAt,
      termsWithLeader: this.termLeaders.size,
    };
  }
}
