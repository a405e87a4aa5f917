/**
 * The outside observer's verdict on a `launch --stay` run, computed from what it observed: the
 * members' leadership lines placed on the host's monotonic clock, the faults it injected and the
 * process exits it saw. Pure, so the checks (NoOverlappingLeases, EpochsIncrease) are unit-tested
 * on runs that break them.
 */

/** One thing the observer saw, at `at` ms on the host's monotonic clock. */
export type ObservedEvent =
  /** A member took office with this token; its lease then ended no later than `leaseEnd`. */
  | { readonly kind: 'leader'; readonly id: number; readonly epoch: number; readonly token: number; readonly at: number; readonly leaseEnd: number }
  /** A majority renewed the member's lease of `epoch`: it ends no later than `leaseEnd`. */
  | { readonly kind: 'lease'; readonly id: number; readonly epoch: number; readonly at: number; readonly leaseEnd: number }
  /** The member left office (its signal aborted): deposed, lease run out, resigned, closed. */
  | { readonly kind: 'deposed'; readonly id: number; readonly epoch: number; readonly at: number }
  /** The member's process was seen to exit (killed, or stopped): it acts no more. */
  | { readonly kind: 'exit'; readonly id: number; readonly at: number }
  /** The observer hurt the leader `id`: see StayFault. */
  | { readonly kind: 'fault'; readonly fault: StayFault; readonly id: number; readonly at: number };

/** SIGKILL, SIGSTOP, SIGTERM (a graceful resign), or the SIGUSR2 chaos hook cutting the member off. */
export type StayFault = 'kill' | 'pause' | 'resign' | 'isolate';

/** A member's time in office as the observer bounds it: it could act in office only within [from, to]. */
export interface Term {
  readonly id: number;
  readonly epoch: number;
  readonly token: number;
  readonly from: number;
  /** The earliest of: its deposed line, its process's exit, the end of the last lease it logged. */
  readonly to: number;
  readonly endedBy: 'deposed' | 'exit' | 'lease' | 'run-end';
}

/** One fault and the leader that followed it. */
export interface Failover {
  readonly fault: StayFault;
  readonly victim: number;
  readonly at: number;
  /** The next leader in office after the fault, or null if none took office before the run ended. */
  readonly leader: number | null;
  readonly epoch: number | null;
  /** From the fault to that leader's taking office: the time without a leader in office. */
  readonly withoutLeaderMs: number | null;
}

/** Two terms that overlap: both could act in office at once for `ms`. */
export interface Overlap {
  readonly first: { readonly id: number; readonly epoch: number };
  readonly second: { readonly id: number; readonly epoch: number };
  readonly ms: number;
}

/** A token that did not exceed every token before it. */
export interface TokenProblem {
  readonly id: number;
  readonly token: number;
  readonly previous: number;
  readonly problem: 'repeated' | 'decreasing';
}

export interface StayReport {
  readonly terms: readonly Term[];
  readonly failovers: readonly Failover[];
  /** Over the failovers that completed. */
  readonly withoutLeaderMs: { readonly p50: number; readonly p99: number; readonly max: number } | null;
  /** Every token, in the order the terms began. */
  readonly tokens: readonly number[];
  readonly tokenProblems: readonly TokenProblem[];
  readonly overlaps: readonly Overlap[];
  /**
   * Leader changes no fault explains: every term but the first that is not the first term after
   * a fault, and that began before the run's stop (SIGTERM to all, when successors are expected).
   */
  readonly falseFailovers: readonly Term[];
  /** No overlap and no repeated or decreasing token. */
  readonly safe: boolean;
}

/** The nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no values');
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * Builds the terms from the events, bounding each term's end by the first of its deposed line,
 * its process's exit and the end of the last lease it logged (a paused leader's lease runs out
 * while it is stopped, though its deposed line comes only once it runs again); `endAt` closes
 * terms still open when the run ended.
 */
export function termsOf(events: readonly ObservedEvent[], endAt: number): Term[] {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const open = new Map<number, { id: number; epoch: number; token: number; from: number; leaseEnd: number }>();
  const terms: Term[] = [];
  const close = (id: number, at: number, by: 'deposed' | 'exit' | 'run-end') => {
    const o = open.get(id);
    if (!o) return;
    open.delete(id);
    const byLease = o.leaseEnd < at;
    terms.push({ id, epoch: o.epoch, token: o.token, from: o.from, to: byLease ? o.leaseEnd : at, endedBy: byLease ? 'lease' : by });
  };
  for (const e of sorted) {
    switch (e.kind) {
      case 'leader':
        // A member leads one epoch at a time: a new term ends the last one at the latest here.
        close(e.id, e.at, 'deposed');
        open.set(e.id, { id: e.id, epoch: e.epoch, token: e.token, from: e.at, leaseEnd: e.leaseEnd });
        break;
      case 'lease': {
        const o = open.get(e.id);
        if (o && o.epoch === e.epoch) o.leaseEnd = Math.max(o.leaseEnd, e.leaseEnd);
        break;
      }
      case 'deposed':
        if (open.get(e.id)?.epoch === e.epoch) close(e.id, e.at, 'deposed');
        break;
      case 'exit':
        close(e.id, e.at, 'exit');
        break;
      case 'fault':
        break;
    }
  }
  for (const id of [...open.keys()]) close(id, endAt, 'run-end');
  return terms.sort((a, b) => a.from - b.from);
}

/** Every pair of terms of which both could act in office at the same instant. */
export function overlapsOf(terms: readonly Term[]): Overlap[] {
  const out: Overlap[] = [];
  const byStart = [...terms].sort((a, b) => a.from - b.from);
  for (let i = 0; i < byStart.length; i++) {
    for (let j = i + 1; j < byStart.length; j++) {
      const a = byStart[i]!;
      const b = byStart[j]!;
      const ms = Math.min(a.to, b.to) - b.from;
      // An empty term (its lease over before its leader line: the member was stopped in between) overlaps nothing.
      if (ms <= 0) continue;
      out.push({ first: { id: a.id, epoch: a.epoch }, second: { id: b.id, epoch: b.epoch }, ms });
    }
  }
  return out;
}

/**
 * Tokens in the order their terms began: each must exceed every one before it (EpochsIncrease).
 * Empty terms are left out: a leader line printed after its lease ended came with an aborted
 * signal, so no work was done with that token, and the line's time says nothing of when it was won.
 */
export function tokenProblemsOf(terms: readonly Term[]): TokenProblem[] {
  const out: TokenProblem[] = [];
  let max = -Infinity;
  for (const t of [...terms].filter((x) => x.to > x.from).sort((a, b) => a.from - b.from)) {
    if (t.token <= max) out.push({ id: t.id, token: t.token, previous: max, problem: t.token === max ? 'repeated' : 'decreasing' });
    max = Math.max(max, t.token);
  }
  return out;
}

/** Each fault, and the first leader to take office after it. */
export function failoversOf(events: readonly ObservedEvent[], terms: readonly Term[]): Failover[] {
  const faults = events.filter((e): e is Extract<ObservedEvent, { kind: 'fault' }> => e.kind === 'fault').sort((a, b) => a.at - b.at);
  return faults.map((f) => {
    const next = terms.find((t) => t.from > f.at);
    return next
      ? { fault: f.fault, victim: f.id, at: f.at, leader: next.id, epoch: next.epoch, withoutLeaderMs: next.from - f.at }
      : { fault: f.fault, victim: f.id, at: f.at, leader: null, epoch: null, withoutLeaderMs: null };
  });
}

/** Terms after the first that follow no fault and began before `stoppingAt`. */
export function falseFailoversOf(terms: readonly Term[], failovers: readonly Failover[], stoppingAt = Infinity): Term[] {
  const explained = new Set(failovers.filter((f) => f.leader !== null).map((f) => `${f.leader}/${f.epoch}`));
  return terms.slice(1).filter((t) => t.from < stoppingAt && !explained.has(`${t.id}/${t.epoch}`));
}

/** The whole verdict on a run that ended at `endAt`, whose members were told to stop at `stoppingAt`. */
export function stayReport(events: readonly ObservedEvent[], endAt: number, stoppingAt = endAt): StayReport {
  const terms = termsOf(events, endAt);
  const failovers = failoversOf(events, terms);
  const times = failovers.map((f) => f.withoutLeaderMs).filter((ms): ms is number => ms !== null).sort((a, b) => a - b);
  const overlaps = overlapsOf(terms);
  const tokenProblems = tokenProblemsOf(terms);
  return {
    terms,
    failovers,
    withoutLeaderMs: times.length === 0 ? null : { p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1)! },
    tokens: terms.map((t) => t.token),
    tokenProblems,
    overlaps,
    falseFailovers: falseFailoversOf(terms, failovers, stoppingAt),
    safe: overlaps.length === 0 && tokenProblems.length === 0,
  };
}
