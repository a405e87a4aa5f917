/**
 * How late the event loop runs, from perf_hooks.monitorEventLoopDelay: a busy loop delays every
 * timer and message of a leadership member alike, its heartbeats and the timer that aborts the
 * leader's signal among them.
 */
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** Percentiles of the delay, in ms, since the member started; zeros before the first sample. */
export interface EventLoopLag {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** The sampling interval; Node's histogram records the whole interval, so this is taken off each value. */
const RESOLUTION_MS = 10;

export class EventLoopLagMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  start(): void {
    this.histogram.enable();
  }

  stop(): void {
    this.histogram.disable();
  }

  snapshot(): EventLoopLag {
    const h = this.histogram;
    if (h.count === 0) return { p50: 0, p99: 0, max: 0 };
    const lag = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    return { p50: lag(h.percentile(50)), p99: lag(h.percentile(99)), max: lag(h.max) };
  }
}
