/** The clock the UDP runtime reads and sets timers on; replaceable in tests. */
import { performance } from 'node:perf_hooks';

/** Time and timers as the runtime sees them; tests substitute a scheduler-driven clock. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimer(fn: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

/** The process's monotonic clock and Node timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * performance.now() counts from each thread's own time origin, and a wall-clock timeOrigin can be
 * stepped: times that cross to another thread go as process.hrtime, the one monotonic clock every
 * thread of the process reads alike.
 */
const hrtimeOffsetMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();

/** `ms` of this thread's performance.now(), on the process-wide monotonic clock. */
export function toProcessMs(ms: number): number {
  return ms + hrtimeOffsetMs;
}

/** A time on the process-wide monotonic clock, as this thread's performance.now() reads it. */
export function fromProcessMs(ms: number): number {
  return ms - hrtimeOffsetMs;
}
