/**
 * The link settings a user tunes (initial retransmission timeout, ack delay, linger) and the
 * run's give-up timeout, turned into a checked LinkConfig. One derivation for the library's
 * createNode and the CLI's flags, so both accept and refuse the same values.
 */
import { DEFAULT_LINK_CONFIG, type LinkConfig, linkConfigProblem } from '../link/config.js';

/** What a user may tune of the reliable link; every field in milliseconds, each optional. */
export interface LinkSettings {
  /** Retransmission timeout before any round trip is measured (it then adapts). Default 100. */
  readonly rtoMs?: number;
  /** How long an acknowledgement may wait to ride on a data frame (0: ack at once). Default 9. */
  readonly ackDelayMs?: number;
  /** Quiet time a finished node keeps answering retransmissions before it exits. Default 500. */
  readonly lingerMs?: number;
}

/**
 * Node's timers hold at most 2^31 - 1 ms (24.8 days); a longer delay fires after 1 ms, which
 * would turn a generous timeout into an instant stall.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Default give-up time of a node, ms. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Why a duration is unusable, or undefined: it must be a finite number of ms, positive (or zero
 * where allowed) and, where a real timer will hold it, at most MAX_TIMER_MS.
 */
export function durationProblem(value: unknown, zeroAllowed = false, realTimer = true): string | undefined {
  const ok = typeof value === 'number' && Number.isFinite(value) && (zeroAllowed ? value >= 0 : value > 0);
  if (!ok) return `must be a ${zeroAllowed ? 'non-negative' : 'positive'} number of ms, got ${String(value)}`;
  if (realTimer && value > MAX_TIMER_MS) return `${value} is too long: at most ${MAX_TIMER_MS} ms (24.8 days)`;
  return undefined;
}

/** The LinkConfig `settings` describe, or the first problem as [setting, why]. */
export function linkConfigOf(settings: LinkSettings): LinkConfig | [string, string] {
  const rto = settings.rtoMs ?? DEFAULT_LINK_CONFIG.initialRtoMs;
  const ackDelay = settings.ackDelayMs ?? DEFAULT_LINK_CONFIG.ackDelayMs;
  const linger = settings.lingerMs ?? DEFAULT_LINK_CONFIG.lingerMs;
  for (const [name, value, zero] of [['rtoMs', rto, false], ['ackDelayMs', ackDelay, true], ['lingerMs', linger, true]] as const) {
    const problem = durationProblem(value, zero);
    if (problem) return [name, problem];
  }
  // The floor keeps a delayed ack from racing a retry; the ceiling never sits below the floor,
  // so any ack delay is usable (a long one just makes recovery from loss slow).
  const minRtoMs = Math.max(DEFAULT_LINK_CONFIG.minRtoMs, 2 * ackDelay + 1);
  const config: LinkConfig = {
    ...DEFAULT_LINK_CONFIG,
    initialRtoMs: rto,
    ackDelayMs: ackDelay,
    lingerMs: linger,
    minRtoMs,
    maxRtoMs: Math.max(DEFAULT_LINK_CONFIG.maxRtoMs, rto, minRtoMs),
  };
  const problem = linkConfigProblem(config);
  return problem ? ['link', problem] : config;
}

/**
 * Why `timeoutMs` cannot bound a run whose nodes linger `lingerMs`, or undefined. A node lingers
 * after it has finished, so a timeout at or below the linger fires during it: every run would end
 * as a stall after a successful election.
 */
export function timeoutProblem(timeoutMs: number, lingerMs: number): string | undefined {
  if (timeoutMs <= lingerMs) return `${timeoutMs} ms is not above the linger of ${lingerMs} ms: a node lingers that long after it has finished, so every run would end as a stall`;
  return undefined;
}
