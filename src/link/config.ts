/** Milliseconds, to make units visible where durations are set. */
export const ms = 1;
export const second = 1000 * ms;

/** Tuning of the reliability layer. Every duration is in milliseconds. */
export interface LinkConfig {
  /** Retransmission timeout before any round trip has been measured. */
  readonly initialRtoMs: number;
  /** Floor of the adaptive timeout; must exceed ackDelayMs plus a round trip, or acks race retries. */
  readonly minRtoMs: number;
  /** Ceiling of the timeout after exponential backoff. */
  readonly maxRtoMs: number;
  /** Each timeout is scaled by a random factor in [1 - jitter, 1 + jitter] so retries do not align. */
  readonly jitter: number;
  /** How long an acknowledgement may wait for a data frame going the same way to ride on. */
  readonly ackDelayMs: number;
  /** Quiet time a finished node keeps answering retransmissions before it may exit (cf. TIME-WAIT). */
  readonly lingerMs: number;
}

export const DEFAULT_LINK_CONFIG: LinkConfig = {
  initialRtoMs: 100 * ms,
  minRtoMs: 20 * ms,
  maxRtoMs: 1 * second,
  jitter: 0.2,
  // 9 rather than 5: still below half the 20 ms RTO floor (link-options keeps minRto >= 2 *
  // ackDelay + 1), and more acks ride on data. `hs-ring bench --only overhead`, loopback-like
  // delays: 1.26 -> 1.18 datagrams per message (n = 64), 1.39 -> 1.31 (n = 256). The price: RTT
  // samples include the longer delay, so under 10% loss elections took ~10% longer in 3 of 4
  // simulated settings. Trade-off table: docs/performance.md.
  ackDelayMs: 9 * ms,
  lingerMs: 500 * ms,
};

/** Why a LinkConfig is unusable, or undefined when it is fine. */
export function linkConfigProblem(c: LinkConfig): string | undefined {
  for (const [k, v] of Object.entries(c)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return `${k} must be a non-negative number, got ${v}`;
  }
  if (c.jitter >= 1) return `jitter must be below 1, got ${c.jitter}`;
  if (c.minRtoMs <= c.ackDelayMs) return `minRtoMs (${c.minRtoMs}) must exceed ackDelayMs (${c.ackDelayMs})`;
  if (c.minRtoMs > c.maxRtoMs) return `minRtoMs (${c.minRtoMs}) exceeds maxRtoMs (${c.maxRtoMs})`;
  return undefined;
}
