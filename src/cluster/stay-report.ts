/**
 * The outside observer's verdict on a `launch --stay` run, computed from what it observed: the
 * members' leadership lines placed on the host's monotonic clock, the faults it injected and the
 * process exits it saw. Pure, so the checks (NoOverlappingLeases, EpochsIncrease) are unit-tested
 * on runs that break them.
 */
import { falseSuspicionRate } from '../core/leadership/false-suspicion.js';
import { DEFAULT_TIMING } from '../core/leadership/settings.js';

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
  | { readonly kind: 'fault'; readonly fault: StayFault; readonly id: number; readonly at: number }
  /** Member `id` printed ready (started, or restarted on its state dir). */
  | { readonly kind: 'ready'; readonly id: number; readonly at: number }
  /** The observer let member `id` run and hear again: SIGCONT after a pause, or the end of its isolation. */
  | { readonly kind: 'heal'; readonly id: number; readonly at: number }
  /** Member `id`'s failure detector suspected `member`. */
  | { readonly kind: 'suspect'; readonly id: number; readonly member: number; readonly at: number };

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
  readonly suspicions: Suspicions;
  /** No overlap and no repeated or decreasing token. */
  readonly safe: boolean;
}

/**
 * The suspicions the members reported, and those loss alone can explain: made in calm time (every
 * member up, none hurt, starting or healing within the settling time before), split by whether
 * the member that suspected was in office (a leader hears each follower twice per heartbeat
 * period, its heartbeat and its renewal ack; a follower hears each peer once, which is what
 * falseSuspicionRate counts).
 */
export interface Suspicions {
  readonly total: number;
  readonly calm: { readonly byFollowers: number; readonly byLeaders: number };
  /** Calm time, ms, and how much of it had a leader in office. */
  readonly calmMs: number;
  readonly calmWithLeaderMs: number;
}

/**
 * Suspicions by followers that independent loss `loss` on every datagram would cause in the calm
 * time of `s`, for `n` members at the default timing (falseSuspicionRate: one message per
 * heartbeat period from each peer). At the defaults S = 3H a heartbeat is due at the very
 * deadline: `boundaryOnTime` is the chance it beats it (1/2 with symmetric jitter; near 0 when
 * timers only ever fire late, as on a real host). Not for burst loss, whose losses are not independent.
 */
export function expectedFollowerSuspicions(n: number, loss: number, s: Suspicions, boundaryOnTime = 0.5): number {
  const perPairPerMs = falseSuspicionRate(DEFAULT_TIMING, loss, boundaryOnTime) / 1000;
  // With a leader in office its n - 1 followers watch n - 1 peers each; without, all n do.
  return perPairPerMs * ((n - 1) ** 2 * s.calmWithLeaderMs + n * (n - 1) * (s.calmMs - s.calmWithLeaderMs));
}

/** After a fault ends (restart, SIGCONT, healing) or a start, suspicions are still the fault's for this long. */
export function settlingMs(suspicionMs: number, heartbeatMs: number): number {
  return 2 * (suspicionMs + heartbeatMs);
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
      case 'ready':
      case 'heal':
      case 'suspect':
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

type Interval = readonly [number, number];

/**
 * Calm time between the first moment every member of `ids` was ready and `stoppingAt`: outside
 * every disturbance, which runs from a fault (or an exit) to the hurt member's next ready or heal,
 * plus `settleMs` after that and after every ready or heal.
 */
export function calmIntervals(events: readonly ObservedEvent[], ids: readonly number[], stoppingAt: number, settleMs: number): Interval[] {
  if (ids.length === 0) return [];
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const firstReady = new Map<number, number>();
  for (const e of sorted) if (e.kind === 'ready' && !firstReady.has(e.id)) firstReady.set(e.id, e.at);
  if (ids.some((id) => !firstReady.has(id))) return [];
  const from = Math.max(...firstReady.values()) + settleMs;
  const disturbed: Interval[] = [];
  for (const e of sorted) {
    if (e.kind === 'fault' || e.kind === 'exit') {
      const back = sorted.find((x) => (x.kind === 'ready' || x.kind === 'heal') && x.id === e.id && x.at > e.at);
      disturbed.push([e.at, back ? back.at + settleMs : Infinity]);
    } else if (e.kind === 'ready' || e.kind === 'heal') {
      disturbed.push([e.at, e.at + settleMs]);
    }
  }
  disturbed.sort((a, b) => a[0] - b[0]);
  const calm: Interval[] = [];
  let at = from;
  for (const [a, b] of disturbed) {
    if (a > at) calm.push([at, Math.min(a, stoppingAt)]);
    at = Math.max(at, b);
    if (at >= stoppingAt) break;
  }
  if (at < stoppingAt) calm.push([at, stoppingAt]);
  return calm.filter(([a, b]) => b > a);
}

/** The suspicions of `events`, and those made in the calm intervals, split by the suspecting member's office. */
export function suspicionsOf(events: readonly ObservedEvent[], terms: readonly Term[], calm: readonly Interval[]): Suspicions {
  const inCalm = (t: number) => calm.some(([a, b]) => t >= a && t < b);
  const leading = (id: number, t: number) => terms.some((x) => x.id === id && t >= x.from && t < x.to);
  let total = 0;
  let byFollowers = 0;
  let byLeaders = 0;
  for (const e of events) {
    if (e.kind !== 'suspect') continue;
    total += 1;
    if (!inCalm(e.at)) continue;
    if (leading(e.id, e.at)) byLeaders += 1;
    else byFollowers += 1;
  }
  let calmMs = 0;
  let calmWithLeaderMs = 0;
  for (const [a, b] of calm) {
    calmMs += b - a;
    for (const t of terms) calmWithLeaderMs += Math.max(0, Math.min(b, t.to) - Math.max(a, t.from));
  }
  return { total, calm: { byFollowers, byLeaders }, calmMs, calmWithLeaderMs };
}

/**
 * The whole verdict on a run that ended at `endAt`, whose members were told to stop at `stoppingAt`;
 * `detector` gives the members and their timing, for the calm time suspicions are counted in.
 */
export function stayReport(
  events: readonly ObservedEvent[],
  endAt: number,
  stoppingAt = endAt,
  detector: { readonly ids: readonly number[]; readonly suspicionMs: number; readonly heartbeatMs: number } = { ids: [], suspicionMs: 0, heartbeatMs: 0 },
): StayReport {
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
    suspicions: suspicionsOf(events, terms, calmIntervals(events, detector.ids, stoppingAt, settlingMs(detector.suspicionMs, detector.heartbeatMs))),
    safe: overlaps.length === 0 && tokenProblems.length === 0,
  };
}
