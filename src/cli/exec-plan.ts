/**
 * How `hs-ring exec` fits stopping its command into the lease: the member's signal aborts
 * stepDownMargin before the lease can end; exec then sends SIGTERM to the command's process
 * group, waits the grace period, and sends SIGKILL. So stepDownMargin must cover the grace plus a
 * safety margin for a late timer and the kernel's kill:
 *
 *   stepDownMargin >= grace + EXEC_SAFETY_MS,  and still  attemptTimeout + stepDownMargin < lease
 */
import { type LeadershipTiming, timingProblem } from '../core/leadership/settings.js';
import { InvalidConfigError } from '../errors.js';

/** Default time the command gets between SIGTERM and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 100;

/**
 * Kept between the SIGKILL and the end of the lease: the abort and the SIGKILL timer firing late
 * on a busy event loop, and the kernel tearing the group down. As much as the protocol's own
 * default stepDownMargin, which covers the same timer lag for a library caller.
 */
export const EXEC_SAFETY_MS = 40;

/** The timing exec runs its member with, and the grace its command gets. */
export interface ExecPlan {
  readonly timing: LeadershipTiming;
  readonly graceMs: number;
}

/**
 * The plan for `--kill-grace graceMs` under `timing`: stepDownMargin raised to grace + safety if
 * it is smaller (never lowered), or an InvalidConfigError with one line when that leaves no room
 * to win a lease.
 */
export function planExec(timing: LeadershipTiming, graceMs: number = DEFAULT_KILL_GRACE_MS): ExecPlan | InvalidConfigError {
  if (!Number.isFinite(graceMs) || graceMs < 0) return new InvalidConfigError(`--kill-grace must be a number of ms >= 0, got ${graceMs}`);
  const given = timingProblem(timing);
  if (given) return new InvalidConfigError(`timing: ${given}`);
  const planned = { ...timing, stepDownMargin: Math.max(timing.stepDownMargin, graceMs + EXEC_SAFETY_MS) };
  if (timingProblem(planned) === undefined) return { timing: planned, graceMs };
  // The only check a larger stepDownMargin can fail: attemptTimeout + stepDownMargin < lease.
  const limit = timing.lease - timing.attemptTimeout - EXEC_SAFETY_MS;
  return new InvalidConfigError(
    `--kill-grace ${graceMs} ms is too long for a ${timing.lease} ms lease: the leader would stop ${planned.stepDownMargin} ms before its lease ends, ` +
      `leaving less than an attempt (${timing.attemptTimeout} ms) to win it; give less than ${limit} ms`,
  );
}
