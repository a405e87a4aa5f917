/** A node's timers by key on a Clock: setting a key replaces its pending timer, as the node layer's outputs expect. */
import type { TimerKey } from '../link/output.js';
import type { Clock } from './clock.js';

export class KeyedTimers {
  private readonly pending = new Map<TimerKey, unknown>();

  constructor(private readonly clock: Clock) {}

  /**
   * Whole milliseconds: Node keeps one timer list per distinct duration, so fractional delays
   * (every retransmission deadline) would each build and tear down a list of their own.
   */
  set(key: TimerKey, delayMs: number, fire: () => void): void {
    this.cancel(key);
    this.pending.set(
      key,
      this.clock.setTimer(() => {
        this.pending.delete(key);
        fire();
      }, Math.ceil(delayMs)),
    );
  }

  cancel(key: TimerKey): void {
    const old = this.pending.get(key);
    if (old !== undefined) this.clock.clearTimer(old);
    this.pending.delete(key);
  }

  clearAll(): void {
    for (const t of this.pending.values()) this.clock.clearTimer(t);
    this.pending.clear();
  }
}
