/** A clock the test advances by hand, so timer-driven code runs without waiting. */
import type { Clock } from '../../src/runtime/clock.js';

interface Timer {
  readonly due: number;
  /** Breaks ties between timers due at the same time: the one set first fires first. */
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * Virtual time for the real runtime (RingNode takes a Clock): timers only fire when the test
 * says so, earliest first, and time jumps to each one's due time as it fires.
 */
export class VirtualClock implements Clock {
  private t = 0;
  private seq = 0;
  private readonly timers = new Set<Timer>();

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, delayMs: number): unknown {
    const timer: Timer = { due: this.t + delayMs, seq: this.seq++, fn };
    this.timers.add(timer);
    return timer;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as Timer);
  }

  /** Timers set and neither fired nor cleared. */
  get pending(): number {
    return this.timers.size;
  }

  /** Fires the earliest timer; false when none is left. */
  fireNext(): boolean {
    let next: Timer | undefined;
    for (const x of this.timers) if (!next || x.due < next.due || (x.due === next.due && x.seq < next.seq)) next = x;
    if (!next) return false;
    this.timers.delete(next);
    this.t = Math.max(this.t, next.due);
    next.fn();
    return true;
  }
}
