/**
 * `hs-ring exec --ring FILE --self ID --state-dir DIR -- CMD ARGS...`: a leadership member that
 * runs CMD only while it leads, and stops it (SIGTERM, then SIGKILL) early enough that it is gone
 * before the lease can end. When CMD exits by itself exec resigns, so a successor takes office at
 * once, and exits with CMD's code (or, with --restart, campaigns again).
 */
import { performance } from 'node:perf_hooks';
import type { Argv } from 'yargs';
import { formatAddress } from '../config/address.js';
import { DEFAULT_TIMING } from '../core/leadership/settings.js';
import { type HsRingError, InterruptedError, InvalidConfigError, NodeClosedError } from '../errors.js';
import { DEFAULT_KILL_GRACE_MS, EXEC_SAFETY_MS, planExec } from './exec-plan.js';
import { runTerm, type TermOutcome } from './exec-term.js';
import { openMember, writeLine, writeMemberEvents } from './member-lines.js';

export const execCommand = {
  // [cmd..] only so that a command given without -- is refused by the handler, which says why.
  command: 'exec [cmd..]',
  describe: 'Run a command only while this member leads; stop it before the lease can end',
  builder: (y: Argv) =>
    y
      .usage(
        'Run CMD only while this member of the ring leads:\n' +
          '  hs-ring exec --ring ring.json --self 42 --state-dir /var/lib/hs-ring -- CMD ARGS...\n\n' +
          'Start one exec per member, each with the same ring file and command. The leader runs CMD in a\n' +
          'process group of its own, with HS_RING_TOKEN (the fencing token), HS_RING_EPOCH and\n' +
          'HS_RING_LEADER_ID in its environment; stdin is /dev/null, stdout and stderr pass through.\n' +
          'When the lease is about to end unrenewed, or exec gets SIGTERM or SIGINT, the group gets SIGTERM,\n' +
          `then SIGKILL after --kill-grace ms; the leader steps down grace + ${EXEC_SAFETY_MS} ms before its lease can end,\n` +
          'so CMD is gone before a successor can take office. If exec dies, even by SIGKILL, the group is\n' +
          'killed at once. Only the token protects against a paused exec: pass it to what CMD writes to.\n\n' +
          'When CMD exits by itself, exec resigns (a successor takes office at once) and exits with CMD\'s\n' +
          'code (128 + n for signal n, 127 if it cannot be started), or with --restart campaigns again.\n' +
          'Exec\'s own events are JSON lines on stderr: ready, leader, follower, started, stopping, stopped,\n' +
          'exited, failed, deposed. Exit codes: CMD\'s; 2 for bad input, in one line; 130 or 143 when\n' +
          'stopped by SIGINT or SIGTERM. Details: docs/operations.md.',
      )
      .option('ring', { type: 'string', requiresArg: true, describe: 'Ring file (JSON): every member, in ring order' })
      .option('self', { type: 'string', requiresArg: true, describe: 'Which member of the ring file this is' })
      .option('state-dir', { type: 'string', requiresArg: true, describe: 'Directory where this member keeps its promises across restarts (one per member)' })
      .option('key-file', { type: 'string', requiresArg: true, describe: 'Cluster key file: authenticate every frame with HMAC-SHA256 (the same on every member)' })
      .option('advertise', { type: 'string', requiresArg: true, describe: 'A value followers are told while this member leads (its service address, say)' })
      .option('kill-grace', { type: 'number', requiresArg: true, default: DEFAULT_KILL_GRACE_MS, describe: 'ms between SIGTERM and SIGKILL when CMD must stop' })
      .option('restart', { type: 'boolean', default: false, describe: 'When CMD exits by itself: resign and campaign again instead of exiting' }),
  handler: runExec,
};

interface ExecArgs {
  ring?: string;
  self?: string;
  'state-dir'?: string;
  'key-file'?: string;
  advertise?: string;
  'kill-grace': number;
  restart: boolean;
}

/** The words after the first `--` of a command line: the command exec runs. */
export function commandAfterDashes(argv: readonly string[]): string[] {
  const at = argv.indexOf('--');
  return at < 0 ? [] : argv.slice(at + 1);
}

async function runExec(a: ExecArgs): Promise<void> {
  const command = commandAfterDashes(process.argv);
  if (command.length === 0) throw new InvalidConfigError('exec needs the command after --: hs-ring exec --ring FILE --self ID --state-dir DIR -- CMD ARGS...');
  if (a.ring === undefined || a.self === undefined) throw new InvalidConfigError('exec needs --ring FILE and --self ID');
  if (a['state-dir'] === undefined) throw new InvalidConfigError('exec needs --state-dir DIR, where this member keeps its promises across restarts');
  const plan = planExec(DEFAULT_TIMING, a['kill-grace']);
  if (plan instanceof InvalidConfigError) throw plan;
  const member = await openMember({ ring: a.ring, self: a.self, 'state-dir': a['state-dir'], 'key-file': a['key-file'], advertise: a.advertise }, plan.timing);
  // Stdout belongs to CMD: exec's own lines go to stderr.
  const line = (event: string, fields: Record<string, unknown>) => writeLine(process.stderr, event, member.id, fields);
  writeMemberEvents(member, process.stderr, { lease: false, detector: false });

  let leaseEndMs = 0;
  member.on('leader', (e) => (leaseEndMs = e.leaseEndMs));
  member.on('lease', (e) => (leaseEndMs = e.leaseEndMs));
  // Rounded down: a margin shown must not be more than there was.
  const leaseLeftMs = () => Math.floor((leaseEndMs - performance.now()) * 1000) / 1000;

  const stop = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  let failure: HsRingError | undefined;
  let running = false;
  for (const s of ['SIGTERM', 'SIGINT'] as const) {
    process.on(s, () => {
      interrupted ??= s;
      stop.abort(new Error(s));
      // Waiting for office: nothing to stop, and close() ends the wait. A running term stops CMD first.
      if (!running) void member.close();
    });
  }
  member.on('failed', ({ error }) => {
    failure = error;
    stop.abort(error);
  });
  member.start();
  line('ready', { address: formatAddress(member.address), promised: member.status().promised, graceMs: plan.graceMs, stepDownMarginMs: plan.timing.stepDownMargin });

  let exitCode: number | undefined;
  while (!stop.signal.aborted) {
    let outcome: TermOutcome;
    try {
      outcome = await member.runWhileLeader((token, signal) => {
        running = true;
        const env = { ...process.env, HS_RING_TOKEN: String(token), HS_RING_EPOCH: String(token), HS_RING_LEADER_ID: String(member.id) };
        return runTerm({ command, env, graceMs: plan.graceMs, signal: AbortSignal.any([signal, stop.signal]), leaseLeftMs, line }).finally(() => (running = false));
      });
    } catch (err) {
      if (err instanceof NodeClosedError && stop.signal.aborted) break;
      throw err;
    }
    // runWhileLeader resigned once CMD was gone, unless the member had left office already.
    if (outcome.ended === 'exited' && !a.restart) {
      exitCode = outcome.exitCode;
      break;
    }
  }
  await member.close();
  if (failure) throw failure;
  if (interrupted) throw new InterruptedError(interrupted, `interrupted by ${interrupted}: any running command was stopped first`);
  process.exitCode = exitCode ?? 0;
}
