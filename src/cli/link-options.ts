import { ALGORITHM_NAMES, type AlgorithmName, DEFAULT_ALGORITHM } from '../core/algorithms.js';
import type { Argv } from 'yargs';
import { ConfigError } from '../errors.js';
import { DEFAULT_LINK_CONFIG, type LinkConfig, linkConfigProblem } from '../link/config.js';

/** The link-tuning flags, as yargs parses them. */
export interface LinkFlags {
  rto: number;
  'ack-delay': number;
  linger: number;
}

/** LinkFlags plus the wall-clock give-up of the real runtime. */
export interface RuntimeLinkFlags extends LinkFlags {
  timeout: number;
  algorithm?: AlgorithmName;
}

/** Adds the reliability-layer flags shared by `node` and `launch` (link tuning plus --timeout). */
export function withLinkOptions<T>(y: Argv<T>) {
  return withLinkTuning(y)
    .option('timeout', {
      type: 'number', requiresArg: true,
      default: 30_000,
      describe: 'Give up after this many ms without finishing; report which neighbour is unreachable',
      group: 'Reliability:',
    })
    .option('algorithm', { choices: ALGORITHM_NAMES, default: DEFAULT_ALGORITHM as AlgorithmName, describe: 'Election algorithm: Hirschberg–Sinclair, or the LCR baseline (every node of a ring must run the same)' });
}

/** Adds the link-tuning flags alone (`sim` runs in virtual time and has no --timeout). */
export function withLinkTuning<T>(y: Argv<T>) {
  return y
    .option('rto', {
      type: 'number', requiresArg: true,
      default: DEFAULT_LINK_CONFIG.initialRtoMs,
      describe: 'Initial retransmission timeout, ms (adapts to measured round trips)',
      group: 'Reliability:',
    })
    .option('ack-delay', {
      type: 'number', requiresArg: true,
      default: DEFAULT_LINK_CONFIG.ackDelayMs,
      describe: 'How long an ack may wait to ride on a data frame, ms (0: ack at once)',
      group: 'Reliability:',
    })
    .option('linger', {
      type: 'number', requiresArg: true,
      default: DEFAULT_LINK_CONFIG.lingerMs,
      describe: 'Quiet time a finished node keeps re-acknowledging before it exits, ms',
      group: 'Reliability:',
    });
}

/**
 * Node's timers hold at most 2^31 - 1 ms (24.8 days); a longer delay fires after 1 ms, which
 * would turn a generous --timeout into an instant stall.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A duration flag: a finite number of ms, positive (or zero where allowed) and, where a real
 * timer will hold it, at most MAX_TIMER_MS (virtual time in the simulator has no such limit).
 */
export function checkDurationMs(value: number, flag: string, zeroAllowed = false, realTimer = true): number {
  const ok = Number.isFinite(value) && (zeroAllowed ? value >= 0 : value > 0);
  if (!ok) throw new ConfigError(`${flag} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number of ms, got ${value}`);
  if (realTimer && value > MAX_TIMER_MS) throw new ConfigError(`${flag} ${value} is too long: at most ${MAX_TIMER_MS} ms (24.8 days)`);
  return value;
}

/** The LinkConfig the reliability flags describe; a ConfigError naming the flag if one is unusable. */
export function linkConfigFromFlags(argv: LinkFlags): LinkConfig {
  const rto = checkDurationMs(argv.rto, '--rto');
  const ackDelay = checkDurationMs(argv['ack-delay'], '--ack-delay', true);
  const linger = checkDurationMs(argv.linger, '--linger', true);
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
  if (problem) throw new ConfigError(`reliability options: ${problem}`);
  return config;
}

/** As linkConfigFromFlags, for commands that also take --timeout. */
export function linkConfigFrom(argv: RuntimeLinkFlags): LinkConfig {
  checkDurationMs(argv.timeout, '--timeout');
  return linkConfigFromFlags(argv);
}
