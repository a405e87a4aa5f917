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
}

/** Adds the reliability-layer flags shared by `node` and `launch` (link tuning plus --timeout). */
export function withLinkOptions<T>(y: Argv<T>) {
  return withLinkTuning(y).option('timeout', {
    type: 'number',
    default: 30_000,
    describe: 'Give up after this many ms without finishing; report which neighbour is unreachable',
    group: 'Reliability:',
  });
}

/** Adds the link-tuning flags alone (`sim` runs in virtual time and has no --timeout). */
export function withLinkTuning<T>(y: Argv<T>) {
  return y
    .option('rto', {
      type: 'number',
      default: DEFAULT_LINK_CONFIG.initialRtoMs,
      describe: 'Initial retransmission timeout, ms (adapts to measured round trips)',
      group: 'Reliability:',
    })
    .option('ack-delay', {
      type: 'number',
      default: DEFAULT_LINK_CONFIG.ackDelayMs,
      describe: 'How long an ack may wait to ride on a data frame, ms (0: ack at once)',
      group: 'Reliability:',
    })
    .option('linger', {
      type: 'number',
      default: DEFAULT_LINK_CONFIG.lingerMs,
      describe: 'Quiet time a finished node keeps re-acknowledging before it exits, ms',
      group: 'Reliability:',
    });
}

/** The LinkConfig the reliability flags describe; a ConfigError if they are inconsistent. */
export function linkConfigFromFlags(argv: LinkFlags): LinkConfig {
  const config: LinkConfig = {
    ...DEFAULT_LINK_CONFIG,
    initialRtoMs: argv.rto,
    ackDelayMs: argv['ack-delay'],
    lingerMs: argv.linger,
    minRtoMs: Math.max(DEFAULT_LINK_CONFIG.minRtoMs, 2 * argv['ack-delay'] + 1),
    maxRtoMs: Math.max(DEFAULT_LINK_CONFIG.maxRtoMs, argv.rto),
  };
  const problem = linkConfigProblem(config);
  if (problem) throw new ConfigError(`reliability options: ${problem}`);
  return config;
}

/** As linkConfigFromFlags, for commands that also take --timeout. */
export function linkConfigFrom(argv: RuntimeLinkFlags): LinkConfig {
  if (!(argv.timeout > 0)) throw new ConfigError(`--timeout must be a positive number of ms, got ${argv.timeout}`);
  return linkConfigFromFlags(argv);
}
