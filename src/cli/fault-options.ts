/** The fault-injection and authentication flags shared by `node` and `launch`. */
import { randomInt } from 'node:crypto';
import type { Argv } from 'yargs';
import { InvalidConfigError } from '../errors.js';
import { MIN_KEY_BYTES } from '../config/key.js';
import { delayRangeProblem, parseDelayRange } from '../config/delay.js';
import { type FaultConfig, faultConfigProblem, hasFaults } from '../transport/faulty.js';

/** Adds the fault-injection and authentication flags shared by `node` and `launch`. */
export function withFaultOptions<T>(y: Argv<T>) {
  return y
    .option('loss', {
      type: 'number', requiresArg: true,
      default: 0,
      describe: 'Drop each datagram this node sends with this probability, in [0, 1)',
      group: 'Faults (seeded, on send):',
    })
    .option('dup', {
      type: 'number', requiresArg: true,
      default: 0,
      describe: 'Send a datagram twice with this probability, in [0, 1]',
      group: 'Faults (seeded, on send):',
    })
    .option('delay', {
      type: 'string', requiresArg: true,
      default: '0',
      describe: 'Delay each datagram by MIN-MAX ms, uniformly (e.g. 0-20); per destination order is kept',
      group: 'Faults (seeded, on send):',
    })
    .option('reorder', {
      type: 'boolean',
      default: false,
      describe: 'Delay datagrams independently so their order changes (0-10 ms unless --delay)',
      group: 'Faults (seeded, on send):',
    })
    .option('fault-seed', {
      type: 'number', requiresArg: true,
      describe: 'Seed of the fault generator (default: random, printed); each node derives its own from it',
      group: 'Faults (seeded, on send):',
    })
    .option('key-file', {
      type: 'string', requiresArg: true,
      describe: `Cluster key file (at least ${MIN_KEY_BYTES} bytes): authenticate every frame with HMAC-SHA256`,
      group: 'Security:',
    });
}

export interface FaultArgs {
  loss: number;
  dup: number;
  delay: string;
  reorder: boolean;
  'fault-seed'?: number;
  'key-file'?: string;
}

/** The faults the flags ask for (seed chosen if not given), or undefined for none; InvalidConfigError if invalid. */
export function faultConfigFrom(argv: FaultArgs): FaultConfig | undefined {
  const delayMs = parseDelayFlag(String(argv.delay));
  const config: FaultConfig = {
    loss: argv.loss,
    duplicate: argv.dup,
    delayMs,
    reorder: argv.reorder,
    seed: argv['fault-seed'] ?? randomInt(2 ** 31),
  };
  const problem = faultConfigProblem(config);
  if (problem) throw new InvalidConfigError(problem);
  return hasFaults(config) ? config : undefined;
}

/** A --delay flag, MS or MIN-MAX ms, as `node`, `launch` and `sim` all take it, with the same messages. */
export function parseDelayFlag(text: string): [number, number] {
  const delayMs = parseDelayRange(text);
  if (!delayMs) throw new InvalidConfigError(`--delay must be MS or MIN-MAX ms with MIN <= MAX (e.g. 0-20), got "${text}"`);
  const problem = delayRangeProblem(delayMs[0], delayMs[1]);
  if (problem) throw new InvalidConfigError(problem);
  return delayMs;
}

/** One line describing the faults, for the report. */
export function describeFaults(c: FaultConfig): string {
  return (
    `faults on send: loss ${c.loss}, duplication ${c.duplicate}, delay ${c.delayMs[0]}-${c.delayMs[1]} ms` +
    `${c.reorder ? ', reordered' : ''} (fault seed ${c.seed})`
  );
}
