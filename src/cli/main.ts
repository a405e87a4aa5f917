#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ConfigError, EXIT } from '../errors.js';
import { launchCommand } from './launch-command.js';
import { nodeCommand } from './node-command.js';
import { simCommand } from './sim-command.js';
import { benchCommand } from './bench-command.js';
import { traceCommand } from './trace-command.js';

/** Prints a user mistake as one line and sets the documented exit code; a bug keeps its stack. */
function report(err: unknown): void {
  if (err instanceof ConfigError) {
    process.stderr.write(`hs-ring: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`hs-ring: internal error (please report): ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = EXIT.internal;
  }
}

const cli = yargs(hideBin(process.argv))
  .scriptName('hs-ring')
  .usage(
    'hs-ring: Hirschberg–Sinclair leader election on a ring of processes over UDP.\n\n' +
      'Usage: hs-ring <command> [options]   (hs-ring <command> --help for details)',
  )
  .command(nodeCommand)
  .command(launchCommand)
  .command(simCommand)
  .command(benchCommand)
  .command(traceCommand)
  .demandCommand(1, 'name a command: node, launch or sim (see --help)')
  .strict()
  .recommendCommands()
  .help()
  .alias('h', 'help')
  .version()
  .wrap(Math.min(110, process.stdout.columns || 100))
  .fail((msg, err) => {
    if (err) throw err;
    throw new ConfigError(`${msg} (see hs-ring --help)`);
  });

try {
  await cli.parseAsync();
} catch (err) {
  report(err);
}
