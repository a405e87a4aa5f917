/**
 * A member's monotonic clock in simulated real time: it runs at its own constant rate (drift)
 * and stops while its VM is suspended. Local readings never go backwards.
 */
export class SimClock {
  private baseReal: number;
  private baseLocal: number;
  private stopped = false;

  constructor(
    /** Local milliseconds per real millisecond, e.g. 1.01 for a clock 1 % fast. */
    readonly rate: number,
    start: number,
    offset: number,
  ) {
    this.baseReal = start;
    this.baseLocal = offset;
  }

  /** The local reading at real time `real`. */
  local(real: number): number {
    return this.stopped ? this.baseLocal : this.baseLocal + (real - this.baseReal) * this.rate;
  }

  /** The real time (at or after `now`) at which the clock reads `local`, or undefined while stopped. */
  realAt(local: number, now: number): number | undefined {
    if (this.stopped) return undefined;
    // A nanosecond late, so that rounding never wakes a member just before its deadline (it
    // would ask for the same deadline again, at the same instant, forever).
    return Math.max(now, this.baseReal + (local - this.baseLocal) / this.rate + 1e-6);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Stops the clock at real time `real` (a VM suspension). */
  stop(real: number): void {
    if (this.stopped) return;
    this.baseLocal = this.local(real);
    this.baseReal = real;
    this.stopped = true;
  }

  /** Lets the clock run again from where it stopped. */
  resume(real: number): void {
    if (!this.stopped) return;
    this.baseReal = real;
    this.stopped = false;
  }
}
