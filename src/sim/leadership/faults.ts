/**
 * The faults the leadership simulator injects, each at a real time. Members are named by their
 * index in the ring (the rank), so a schedule works for any ids.
 */
import type { PersistStep } from './store.js';

export type LeadershipFault =
  /** The process dies; it restarts after `downFor` ms (never if Infinity), with its state directory unless `loseState`. */
  | { readonly at: number; readonly kind: 'crash'; readonly member: number; readonly downFor: number; readonly loseState?: boolean }
  /** Whoever is in office at `at` dies (no-op if nobody is); it restarts after `downFor`. A failover is measured from here. */
  | { readonly at: number; readonly kind: 'crashLeader'; readonly downFor: number }
  /**
   * The member's next persist begun within CRASH_IN_PERSIST_WINDOW ms of `at` is cut by a crash
   * right after step `after`; it restarts after `downFor`. No persist in the window: no crash.
   */
  | { readonly at: number; readonly kind: 'crashInPersist'; readonly member: number; readonly after: PersistStep; readonly downFor: number }
  /**
   * The process stops for `duration` ms (SIGSTOP, a GC pause): it takes no inputs, datagrams wait
   * in its socket. With `clockStops` its monotonic clock stops too (a suspended VM).
   */
  | { readonly at: number; readonly kind: 'pause'; readonly member: number; readonly duration: number; readonly clockStops: boolean }
  /** Members in `side` and the others cannot reach each other for `duration` ms. */
  | { readonly at: number; readonly kind: 'partition'; readonly side: readonly number[]; readonly duration: number }
  /** The link between members `a` and `b` alone is cut for `duration` ms (a partition that is not transitive). */
  | { readonly at: number; readonly kind: 'cut'; readonly a: number; readonly b: number; readonly duration: number }
  /** If `member` is in office, its application ends its work and resigns. */
  | { readonly at: number; readonly kind: 'resign'; readonly member: number }
  /** Whoever is in office resigns; a handover is measured from here. */
  | { readonly at: number; readonly kind: 'resignLeader' };

/** How long a crashInPersist fault waits for a persist to cut, in ms. */
export const CRASH_IN_PERSIST_WINDOW = 1000;

/** When the last fault is over (a crash that never restarts counts at its start). */
export function faultsEnd(faults: readonly LeadershipFault[]): number {
  let end = 0;
  for (const f of faults) {
    let until = f.at;
    if (f.kind === 'crashInPersist') until += CRASH_IN_PERSIST_WINDOW;
    if (f.kind === 'crash' || f.kind === 'crashLeader' || f.kind === 'crashInPersist') until += Number.isFinite(f.downFor) ? f.downFor : 0;
    if (f.kind === 'pause' || f.kind === 'partition' || f.kind === 'cut') until += f.duration;
    end = Math.max(end, until);
  }
  return end;
}

/** True when the schedule contains a fault that voids a guarantee's assumption. */
export function voids(faults: readonly LeadershipFault[]): { stateLoss: boolean; clockStops: boolean } {
  return {
    stateLoss: faults.some((f) => f.kind === 'crash' && f.loseState === true),
    clockStops: faults.some((f) => f.kind === 'pause' && f.clockStops),
  };
}
