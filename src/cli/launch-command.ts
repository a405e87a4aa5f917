/** `hs-ring launch`: a ring of node processes on this machine, elected and reported. */
import { randomInt } from 'node:crypto';
import type { Argv } from 'yargs';
import { parseId, parseIdList, randomIds } from '../config/ids.js';
import type { Member } from '../config/ring-file.js';
import { InterruptedError, InvalidConfigError } from '../errors.js';
import { checkPeerHost, checkPort } from '../config/address.js';
import { loadKeyFile } from '../config/key.js';
import { HostResolver } from '../config/resolve.js';
import { checkOutputFile } from '../config/output-path.js';
import { launchOnFreePorts } from '../cluster/free-ports.js';
import { type LaunchOutcome, launchRing } from '../cluster/launch.js';
import { formatMeshSummary, summarizeMesh } from '../cluster/mesh-summary.js';
import { DEFAULT_ALGORITHM, type RingAlgorithmName, isRingAlgorithm, ringAlgorithm } from '../core/algorithms.js';
import type { MeshNodeResult } from '../node/mesh-result.js';
import { summarize } from '../cluster/ring-summary.js';
import { EXIT } from './exit-codes.js';
import { describeFaults, type FaultArgs, withFaultOptions } from './fault-options.js';
import { checkDurationMs, type RuntimeLinkFlags, withLinkOptions } from './link-options.js';
import { nodeSettingsFrom } from './node-command.js';
import { type SizeSource, sizeGiven } from './ring-size.js';
import { formatSummary } from './summary.js';
import { parseDuration } from '../config/duration.js';
import { runStayLaunch } from './launch-stay.js';
import { stayFaults } from './node-stay.js';
import { DEFAULT_LINK_CONFIG } from '../link/config.js';
import { DEFAULT_TIMEOUT_MS } from '../runtime/link-settings.js';
import type { HeartbeatTargets } from '../core/leadership/member.js';

/** More processes than this would not fit the machine's memory comfortably. */
const MAX_PROCESSES = 512;
/** Ring size limit when nodes share processes (--processes): sockets, not memory, are then the limit. */
const MAX_HOSTED_NODES = 4096;

export const launchCommand = {
  command: 'launch',
  describe: 'Start a ring of node processes on this machine, elect, and report',
  builder: (y: Argv) =>
    withFaultOptions(withLinkOptions(
      y
        .usage(
          'Launch n node processes on one host in a ring, start them together, and check\n' +
            'that all of them agree on the maximum id.\n\n' +
            '  hs-ring launch -n 8                 random ids (the seed is printed)\n' +
            '  hs-ring launch --ids 1,2,3,4,5,6    these ids, in ring order\n' +
            '  hs-ring launch -n 5 --stay --duration 30s --kill-leader-every 3s\n' +
            '                                      leadership members that stay up; the leader is\n' +
            '                                      killed every 3 s and the failovers are reported\n\n' +
            'Exit codes: 0 elected and agreed (--stay: safe), 1 --stay saw overlapping terms or a\n' +
            'repeated or decreasing token, 2 bad configuration, 3 stalled (--stay: no leader),\n' +
            '4 wrong result.',
        )
        .option('n', { alias: 'nodes', type: 'number', requiresArg: true, describe: 'Ring size (default 8, or the length of --ids)' })
        .option('ids', { type: 'string', requiresArg: true, describe: 'Comma-separated unique ids in ring order (0..2^53-1)' })
        .option('seed', { type: 'number', requiresArg: true, describe: 'Seed for the random ids (default: random, printed)' })
        .option('host', { type: 'string', requiresArg: true, default: '127.0.0.1', describe: 'Address every node binds (IP address, or a host name resolved once at start)' })
        .option('base-port', { type: 'number', requiresArg: true, default: 0, describe: 'Ports base..base+n-1 (0: any free ports)' })
        .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object with the summary and every node result' })
        .option('trace', { type: 'string', requiresArg: true, describe: 'Write one merged trace of core transitions (JSON lines) to this file' })
        .option('processes', {
          type: 'number', requiresArg: true,
          describe: 'Host the n nodes in this many processes, each node on its own UDP socket (default: one per node)',
        })
        .option('stay', { type: 'boolean', default: false, describe: 'Run leadership members that stay up (hs-ring node --stay) and report failovers as an outside observer', group: 'Leadership:' })
        .option('duration', { type: 'string', requiresArg: true, describe: 'With --stay: how long to run, e.g. 30s, 500ms, 2m (default 30s)', group: 'Leadership:' })
        .option('kill-leader-every', { type: 'string', requiresArg: true, describe: 'With --stay: SIGKILL the leader at this interval, restarting it on its state dir a lease later', group: 'Leadership:' })
        .option('pause-leader-every', { type: 'string', requiresArg: true, describe: 'With --stay: SIGSTOP the leader at this interval, SIGCONT after twice its lease', group: 'Leadership:' })
        .option('resign-leader-every', { type: 'string', requiresArg: true, describe: 'With --stay: SIGTERM the leader at this interval (it resigns and exits), restarting it once it exited', group: 'Leadership:' })
        .option('heartbeats', { type: 'string', choices: ['all', 'ring'], requiresArg: true, describe: 'With --stay: followers heartbeat every member (all, the default) or only their two live ring neighbours while the leader renews (ring; written into the ring file)', group: 'Leadership:' })
        .option('burst-loss', { type: 'string', requiresArg: true, describe: 'With --stay: every member loses everything it sends for FOR every EVERY, e.g. 300ms/3s (--loss and --fault-seed also apply to every member)', group: 'Leadership:' })
        .option('kill', {
          type: 'string', requiresArg: true,
          describe: 'Crash test: SIGKILL node ID MS ms after the start (ID@MS); the others must stall, never elect wrongly',
        }),
    )),
  handler: runLaunchCommand,
};

interface LaunchArgs extends RuntimeLinkFlags, FaultArgs {
  n?: number;
  ids?: string;
  seed?: number;
  host: string;
  'base-port': number;
  json: boolean;
  trace?: string;
  processes?: number;
  kill?: string;
  stay: boolean;
  duration?: string;
  'kill-leader-every'?: string;
  'pause-leader-every'?: string;
  'resign-leader-every'?: string;
  'burst-loss'?: string;
  heartbeats?: HeartbeatTargets;
}

async function runLaunchCommand(argv: LaunchArgs): Promise<void> {
  if (argv.stay) return launchStay(argv);
  for (const f of ['duration', 'kill-leader-every', 'pause-leader-every', 'resign-leader-every', 'burst-loss', 'heartbeats'] as const) {
    if (argv[f] !== undefined) throw new InvalidConfigError(`--${f} is for leadership members: add --stay`);
  }
  const settings = nodeSettingsFrom(argv);
  const mesh = !isRingAlgorithm(settings.algorithm ?? DEFAULT_ALGORITHM);
  if (mesh && argv.trace !== undefined) throw new InvalidConfigError(`--trace: ${settings.algorithm} nodes write no trace`);
  const faults = settings.faults;
  // Read here so a bad key file is one error from launch, not one per node.
  if (argv['key-file'] !== undefined) loadKeyFile(argv['key-file']);
  const source: SizeSource = argv.ids !== undefined ? '--ids' : '-n';
  const { ids, seed } = chooseIds(argv);
  const processes = chooseProcesses(argv.processes, ids.length, source);
  const kill = argv.kill === undefined ? undefined : parseKill(argv.kill, ids, processes);
  // A name (localhost, say) is resolved once here: the children are given the literal.
  const host = checkPeerHost(await new HostResolver().resolve(argv.host, '--host'), '--host');
  if (argv.trace !== undefined) {
    checkOutputFile(argv.trace, '--trace');
    // Processes hosting several nodes name their files with {id}; one in the user's name would be replaced too.
    if (argv.trace.includes('{id}')) throw new InvalidConfigError('--trace: launch writes one merged trace; leave {id} out of the name');
  }
  const base = checkPort(argv['base-port'], '--base-port', true);
  if (base > 0 && base + ids.length - 1 > 65535) throw new InvalidConfigError(`--base-port ${base} leaves no room for ${ids.length} ports`);
  const log = (line: string) => {
    if (!argv.json) process.stdout.write(line + '\n');
  };

  log(
    mesh
      ? `${settings.algorithm} on a full mesh of ${ids.length} on ${host}${seed === null ? '' : ` (seed ${seed})`}: ${ids.join(', ')}`
      : `ring of ${ids.length} on ${host}${seed === null ? '' : ` (seed ${seed})`}, rightwards: ${describeRing(ids)}`,
  );
  if (processes < ids.length) log(`  in ${processes} processes, one UDP socket per node`);
  if (faults) log(`  ${describeFaults(faults)}`);
  if (argv['key-file'] !== undefined) log('  frames authenticated with the cluster key');
  const { mergeTraces, traceFileFor } = await import('./trace-files.js');
  // Written into the merged trace, so the space-time diagram shows the crash.
  const crashes: { id: number; atMs: number }[] = [];
  const launch = (ports: readonly number[]) =>
    launchRing({
      members: ids.map((id, i): Member => ({ id, host, port: ports[i]! })),
      // A mesh node links to every member: each is given the whole list.
      node: mesh ? { ...settings, mesh: ids.map((id, i): Member => ({ id, host, port: ports[i]! })) } : settings,
      processes,
      ...(kill
        ? {
            kill,
            onKill: (id: number, atMs: number) => {
              crashes.push({ id, atMs });
              log(`  node ${id} killed (SIGKILL) at ${atMs.toFixed(1)} ms`);
            },
          }
        : {}),
      readyTimeoutMs: 20_000,
      ...(argv.json ? {} : { onPhase: (phase: number, id: number, atMs: number) => log(`  phase ${phase} begins (first: node ${id}, ${Math.max(0, atMs).toFixed(1)} ms)`) }),
      ...(argv.trace ? { traceFile: (id: number | string) => traceFileFor(argv.trace as string, id) } : {}),
    });
  let outcome;
  try {
    outcome = base > 0 ? await launch(ids.map((_, i) => base + i)) : await launchOnFreePorts(host, ids.length, launch);
  } catch (err) {
    // Interrupted (Ctrl-C, SIGTERM): what the nodes traced so far is still worth a merged file.
    if (argv.trace && err instanceof InterruptedError) await mergeTraces(argv.trace, ids, crashes);
    throw err;
  }
  if (argv.trace) await mergeTraces(argv.trace, ids, crashes);
  if (mesh) {
    reportMesh(argv, ids, seed, outcome, kill);
    return;
  }
  const summary = summarize(
    ids,
    seed,
    outcome.results,
    { electionMs: outcome.electionMs, elapsedMs: outcome.elapsedMs },
    ringAlgorithm(settings.algorithm ?? DEFAULT_ALGORITHM).name as RingAlgorithmName,
    outcome.killedAfterDecision ?? undefined,
  );
  const failures = outcome.failures
    // A node killed after the election is reported with the verdict, not as a failure.
    .filter((f) => f.id !== outcome.killedAfterDecision?.id)
    .map((f) => (f.id === outcome.killed ? `node ${f.id} was killed by --kill (no result)` : `node ${f.id} exited without a result: ${f.message}`));
  if (argv.json) {
    // The faults with their seed: what a faulty run needs to be repeated (`--fault-seed`).
    const extra = { failures, killed: outcome.killed, ...(faults ? { faults } : {}) };
    process.stdout.write(JSON.stringify({ ...summary, ...extra, nodes: outcome.results }) + '\n');
  } else {
    log(formatSummary(summary));
    for (const f of failures) log(f);
    if (argv.trace && outcome.lateErrors.length === 0) log(`trace written to ${argv.trace}`);
  }
  process.exitCode = summary.outcome === 'elected' ? EXIT.ok : summary.outcome === 'wrong' ? EXIT.wrongResult : EXIT.stalled;
  // The election stands (reported above), but output that was asked for is missing: exit 2.
  const late = outcome.lateErrors[0];
  if (late) throw new InvalidConfigError(`node ${late.id}: ${late.message}`);
}

/** `launch --stay`: checks the flags (one line, exit 2, for any that cannot apply) and runs the members. */
async function launchStay(argv: LaunchArgs): Promise<void> {
  const oneShot: [string, boolean][] = [
    ['--processes', argv.processes !== undefined],
    ['--kill', argv.kill !== undefined],
    ['--trace', argv.trace !== undefined],
    ['--base-port', argv['base-port'] !== 0],
    ['--algorithm', argv.algorithm !== undefined && argv.algorithm !== DEFAULT_ALGORITHM],
    ['--timeout', argv.timeout !== DEFAULT_TIMEOUT_MS],
    ['--rto', argv.rto !== DEFAULT_LINK_CONFIG.initialRtoMs],
    ['--ack-delay', argv['ack-delay'] !== DEFAULT_LINK_CONFIG.ackDelayMs],
    ['--linger', argv.linger !== DEFAULT_LINK_CONFIG.lingerMs],
    ['--dup', argv.dup !== 0],
    ['--delay', String(argv.delay) !== '0'],
    ['--reorder', argv.reorder],
  ];
  const given = oneShot.find(([, on]) => on);
  // Members speak the leadership protocol on their own sockets: these flags would do nothing.
  if (given) throw new InvalidConfigError(`--stay cannot be combined with ${given[0]} (it belongs to a one-shot election)`);
  const { ids, seed } = chooseIds(argv);
  if (ids.length < 3) throw new InvalidConfigError(`--stay needs at least 3 members, got ${ids.length}: with fewer, no majority survives the loss of the leader`);
  if (ids.length > MAX_PROCESSES) throw new InvalidConfigError(`--stay runs one process per member: ${ids.length} is more than launch allows (${MAX_PROCESSES})`);
  const duration = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const v = parseDuration(text);
    if (v === undefined) throw new InvalidConfigError(`${flag} must be a positive duration such as 30s, 500ms or 2m, got "${text}"`);
    return checkDurationMs(v, flag);
  };
  const durationMs = duration('--duration', argv.duration) ?? 30_000;
  const killEveryMs = duration('--kill-leader-every', argv['kill-leader-every']);
  const pauseEveryMs = duration('--pause-leader-every', argv['pause-leader-every']);
  const resignEveryMs = duration('--resign-leader-every', argv['resign-leader-every']);
  const { memberFlags, faultsText } = stayMemberFaults(argv);
  if (argv['key-file'] !== undefined) loadKeyFile(argv['key-file']);
  const host = checkPeerHost(await new HostResolver().resolve(argv.host, '--host'), '--host');
  await runStayLaunch({
    ids, seed, host, durationMs, json: argv.json, memberFlags, loss: argv.loss, burstLoss: argv['burst-loss'] !== undefined, heartbeats: argv.heartbeats ?? 'all',
    ...(faultsText !== undefined ? { faultsText } : {}),
    ...(resignEveryMs !== undefined ? { resignEveryMs } : {}),
    ...(killEveryMs !== undefined ? { killEveryMs } : {}),
    ...(pauseEveryMs !== undefined ? { pauseEveryMs } : {}),
    ...(argv['key-file'] !== undefined ? { keyFile: argv['key-file'] } : {}),
  });
}

/**
 * --loss, --burst-loss and --fault-seed as flags for every member, checked here (one line, exit 2)
 * as a member would check them; the seed is chosen and told when not given, so a run can be repeated.
 */
function stayMemberFaults(argv: LaunchArgs): { memberFlags: string[]; faultsText?: string } {
  if (argv.loss === 0 && argv['burst-loss'] === undefined) {
    if (argv['fault-seed'] !== undefined) throw new InvalidConfigError('--fault-seed seeds the loss of --loss or --burst-loss: give one of them');
    return { memberFlags: [] };
  }
  const seed = argv['fault-seed'] ?? randomInt(2 ** 31);
  // The members' own check, with their messages: a bad value is refused before any is spawned.
  stayFaults({ ...argv, 'fault-seed': seed }, 0);
  const memberFlags = ['--loss', String(argv.loss), '--fault-seed', String(seed), ...(argv['burst-loss'] !== undefined ? ['--burst-loss', String(argv['burst-loss'])] : [])];
  const parts = [...(argv.loss > 0 ? [`loss ${argv.loss}`] : []), ...(argv['burst-loss'] !== undefined ? [`bursts of total loss ${argv['burst-loss']}`] : [])];
  return { memberFlags, faultsText: `every member loses what it sends: ${parts.join(', ')} (fault seed ${seed})` };
}

/** The report of a mesh launch; with --kill, the survivors are judged and the failover timed from the kill. */
function reportMesh(argv: LaunchArgs, ids: readonly number[], seed: number | null, outcome: LaunchOutcome, kill: { id: number; atMs: number } | undefined): void {
  const live = outcome.killed === null ? ids : ids.filter((id) => id !== outcome.killed);
  const results = (outcome.results as unknown as MeshNodeResult[]).filter((r) => live.includes(r.id));
  const summary = summarizeMesh(live, seed, results, { electionMs: outcome.electionMs, elapsedMs: outcome.elapsedMs }, argv.algorithm!);
  const failoverMs = kill && outcome.killed !== null && summary.electionMs !== null && summary.electionMs > kill.atMs ? summary.electionMs - kill.atMs : null;
  const failures = outcome.failures.filter((f) => f.id !== outcome.killed).map((f) => `node ${f.id} exited without a result: ${f.message}`);
  if (argv.json) {
    process.stdout.write(JSON.stringify({ ...summary, failoverMs, failures, killed: outcome.killed, nodes: results }) + '\n');
  } else {
    process.stdout.write(formatMeshSummary(summary) + '\n');
    if (failoverMs !== null) process.stdout.write(`failover: ${failoverMs.toFixed(1)} ms from the kill to the survivors' last change of leader\n`);
    for (const f of failures) process.stdout.write(f + '\n');
  }
  process.exitCode = summary.outcome === 'elected' ? EXIT.ok : summary.outcome === 'wrong' ? EXIT.wrongResult : EXIT.stalled;
}

function chooseIds(argv: LaunchArgs): { ids: number[]; seed: number | null } {
  if (argv.ids !== undefined) {
    if (argv.seed !== undefined) throw new InvalidConfigError('--seed chooses random ids; it cannot be combined with --ids');
    const ids = parseIdList(String(argv.ids));
    if (argv.n !== undefined && argv.n !== ids.length) throw new InvalidConfigError(`-n ${argv.n} but --ids lists ${ids.length} ids`);
    checkSize(ids.length, '--ids');
    return { ids, seed: null };
  }
  const n = argv.n ?? 8;
  checkSize(n, '-n');
  if (argv.seed !== undefined && !(Number.isInteger(argv.seed) && argv.seed >= 0 && argv.seed < 2 ** 32)) {
    throw new InvalidConfigError(`--seed must be an integer in 0..2^32-1, got ${argv.seed}`);
  }
  const seed = argv.seed ?? randomInt(2 ** 31);
  return { ids: randomIds(n, seed), seed };
}

function checkSize(n: number, source: SizeSource): void {
  if (!Number.isInteger(n) || n < 1) throw new InvalidConfigError(`-n must be a positive integer, got ${n}`);
  if (n > MAX_HOSTED_NODES) {
    throw new InvalidConfigError(`${sizeGiven(n, source)} more nodes than launch allows (${MAX_HOSTED_NODES}); use hs-ring sim for large rings`);
  }
}

/** How many processes host the ring: one per node unless --processes says fewer. */
function chooseProcesses(k: number | undefined, n: number, source: SizeSource): number {
  if (k === undefined) {
    if (n > MAX_PROCESSES) {
      throw new InvalidConfigError(`${sizeGiven(n, source)} more processes than launch allows (${MAX_PROCESSES}); add --processes K to host several nodes per process`);
    }
    return n;
  }
  if (!Number.isInteger(k) || k < 1) throw new InvalidConfigError(`--processes must be a positive integer, got ${k}`);
  if (k > n) throw new InvalidConfigError(`--processes ${k} is more than the ${n} nodes`);
  if (k > MAX_PROCESSES) throw new InvalidConfigError(`--processes ${k} is more than launch allows (${MAX_PROCESSES})`);
  return k;
}

/** Parses --kill ID@MS; the id must be on the ring, and have a process of its own. */
function parseKill(text: string, ids: readonly number[], processes: number): { id: number; atMs: number } {
  const m = /^(\d+)@(\d+(?:\.\d+)?)$/.exec(String(text).trim());
  if (!m) throw new InvalidConfigError(`--kill must be ID@MS (e.g. 5@20), got "${text}"`);
  const id = parseId(m[1]!, '--kill');
  if (!ids.includes(id)) throw new InvalidConfigError(`--kill ${id}: no such node on the ring (ids: ${describeRing(ids)})`);
  if (processes < ids.length) throw new InvalidConfigError('--kill needs one process per node (it cannot be combined with --processes)');
  return { id, atMs: checkDurationMs(Number(m[2]), '--kill time', true) };
}

function describeRing(ids: readonly number[]): string {
  const shown = ids.length <= 32 ? ids : [...ids.slice(0, 16), '…', ...ids.slice(-8)];
  return shown.join(' → ') + ' → (back to start)';
}
