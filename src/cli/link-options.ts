/** The reliability flags (--rto, --ack-delay, --linger, --timeout) and their checks. */
import { ALGORITHM_NAMES, type AlgorithmName, DEFAULT_ALGORITHM } from '../core/algorithms.js';
import type { Argv } from 'yargs';
import { InvalidConfigError } from '../errors.js';
import { DEFAULT_LINK_CONFIG, type LinkConfig } from '../link/config.js';
import { DEFAULT_TIMEOUT_MS, durationProblem, linkConfigOf, timeoutProblem } from '../runtime/link-settings.js';

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
  return withLinkTuning(y).option('timeout', {
    type: 'number', requiresArg: true,
    default: DEFAULT_TIMEOUT_MS,
    describe: 'Give up after this many ms without finishing; report which neighbour is unreachable',
    group: 'Reliability:',
  })
    .option('algorithm', { choices: ALGORITHM_NAMES, default: DEFAULT_ALGORITHM as AlgorithmName, describe: 'Election algorithm: Hirschberg–Sinclair or LCR on a ring; Bully or Raft-style election on a full mesh (launch only). Every node must run the same' });
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
 * A duration flag: a finite number of ms, positive (or zero where allowed) and, where a real
 * timer will hold it, at most MAX_TIMER_MS (virtual time in the simulator has no such limit).
 */
export function checkDurationMs(value: number, flag: string, zeroAllowed = false, realTimer = true): number {
  const problem = durationProblem(value, zeroAllowed, realTimer);
  if (problem) throw new InvalidConfigError(`${flag} ${problem}`);
  return value;
}

/** The LinkConfig the reliability flags describe; an InvalidConfigError naming the flag if one is unusable. */
export function linkConfigFromFlags(argv: LinkFlags): LinkConfig {
  const config = linkConfigOf({ rtoMs: argv.rto, ackDelayMs: argv['ack-delay'], lingerMs: argv.linger });
  if (!Array.isArray(config)) return config;
  const [setting, problem] = config;
  const flag = { rtoMs: '--rto', ackDelayMs: '--ack-delay', lingerMs: '--linger' }[setting];
  throw new InvalidConfigError(flag ? `${flag} ${problem}` : `reliability options: ${problem}`);
}

/** As linkConfigFromFlags, for commands that also take --timeout, which must exceed --linger. */
export function linkConfigFrom(argv: RuntimeLinkFlags): LinkConfig {
  checkDurationMs(argv.timeout, '--timeout');
  const link = linkConfigFromFlags(argv);
  const problem = timeoutProblem(argv.timeout, link.lingerMs);
  if (problem) throw new InvalidConfigError(`--timeout ${problem}; raise --timeout or lower --linger`);
  return link;
}
