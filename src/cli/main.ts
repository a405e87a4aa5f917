#!/usr/bin/env node
/** The `hs-ring` command: every subcommand, loaded on demand, and the one place errors become exit codes. */
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { InvalidConfigError } from '../errors.js';
import { reportError } from './report-error.js';
import { checkSwitchValues } from './strict-booleans.js';

/**
 * Every command, loaded on demand: `hs-ring node` need not load the simulator, the bench or the
 * trace viewer. Help, version and unknown commands load them all (for the listing and "did you mean").
 */
const COMMANDS: Record<string, () => Promise<unknown>> = {
  node: async () => (await import('./node-command.js')).nodeCommand,
  launch: async () => (await import('./launch-command.js')).launchCommand,
  exec: async () => (await import('./exec-command.js')).execCommand,
  sim: async () => (await import('./sim-command.js')).simCommand,
  bench: async () => (await import('./bench-command.js')).benchCommand,
  trace: async () => (await import('./trace-command.js')).traceCommand,
};

// A reader that stops early (`hs-ring sim --json | head`) closes the pipe: end quietly, as Unix tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const args = hideBin(process.argv);
const named = args[0] !== undefined && Object.hasOwn(COMMANDS, args[0]) ? [args[0]] : Object.keys(COMMANDS);

try {
  const commands = (await Promise.all(named.map((name) => COMMANDS[name]!()))) as CommandModule[];
  let cli = yargs(args)
    .scriptName('hs-ring')
    .usage(
      'hs-ring: Hirschberg–Sinclair leader election on a ring of processes over UDP.\n\n' +
        'Usage: hs-ring <command> [options]   (hs-ring <command> --help for details)',
    );
  for (const command of commands) cli = cli.command(command);
  await cli
    // Before any handler: the command's own switches are known only once its builder has run
    // (getOptions is yargs' own, missing from @types/yargs).
    .middleware(() => checkSwitchValues(args, (cli as unknown as { getOptions(): { boolean: string[] } }).getOptions().boolean), true)
    .demandCommand(1, `name a command: ${Object.keys(COMMANDS).join(', ')}`)
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      // yargs reports its own validation (a flag without its value, say) as a YError: a user mistake.
      if (err && err.name !== 'YError') throw err;
      const text = msg ?? err?.message ?? 'bad command line';
      const missing = /^Not enough arguments following: (.+)$/.exec(text);
      const flag = missing ? (missing[1]!.length === 1 ? `-${missing[1]}` : `--${missing[1]}`) : '';
      throw new InvalidConfigError(`${missing ? `${flag} needs a value` : text} (see hs-ring --help)`);
    })
    .parseAsync();
} catch (err) {
  reportError(err);
}
