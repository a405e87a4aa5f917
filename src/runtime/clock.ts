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
