/** `hs-ring sim`: an election on a simulated ring in virtual time, seeded and replayable. */
import { ALGORITHM_NAMES, type AlgorithmName, DEFAULT_ALGORITHM, isRingAlgorithm, ringAlgorithm } from '../core/algorithms.js';
import { closeSync, openSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { Argv } from 'yargs';
import type { TraceEvent } from '../core/trace.js';
import { parseIdList, randomIds } from '../config/ids.js';
import { InvalidConfigError, type OutputUnwritableError, outputWriteError } from '../errors.js';
import { EXIT } from './exit-codes.js';
import { DEFAULT_LINK_CONFIG } from '../link/config.js';
import { parseDelayFlag } from './fault-options.js';
import { checkDurationMs, type LinkFlags, linkConfigFromFlags, withLinkTuning } from './link-options.js';
import { type Algorithm, coreFor } from '../sim/algorithms.js';
import { runMeshSim } from './sim-mesh.js';
import { LINK_MODES, type LinkMode, idealNetworkProblem } from '../sim/link-mode.js';
import { type NetworkModel, RELIABLE, networkModelProblem } from '../sim/network-model.js';
import { ORDERS, type Order, arrange } from '../sim/orders.js';
import { type SimCase, simCommandFor } from '../sim/sim-case.js';
import { simulate } from '../sim/simulator.js';
import { summarize } from '../cluster/ring-summary.js';
import { checkOutputFile } from '../config/output-path.js';
import { formatSummary } from './summary.js';
import { type SizeSource, sizeGiven } from './ring-size.js';
import { reexecWithBiggerYoungGeneration } from './young-generation.js';

/** Above this many nodes a full-link run is long enough that a larger young generation pays off. */
const BIG_RING = 20_000;
/** Results per node go into --json only up to this ring size. */
const MAX_JSON_NODES = 4096;
const second = 1000;

export const simCommand = {
  command: 'sim',
  describe: 'Elect on a simulated ring in virtual time (seeded, replayable faults)',
  builder: (y: Argv) =>
    withLinkTuning(y)
      .usage(
        'Run the election on n simulated nodes over a deterministic discrete-event network. The seed\n' +
          'fixes the ids, every delivery order, loss, duplicate and retry, so a run replays exactly.\n\n' +
          'Channels (--link):\n' +
          '- full (default): every node is the same core and reliable link as `node`; each message is an ' +
          'encoded frame with acks, retransmission and timers. Faults (--loss, --dup) apply, and datagrams, ' +
          'retransmissions and acks are counted. A ring of 100,000 takes about a minute.\n' +
          '- ideal: exactly-once channels, the model the HS analysis assumes. The cores alone, each message ' +
          'delivered once after the same seeded delays (FIFO per link unless --reorder); no frames, acks, ' +
          'retransmissions or timers, so datagrams = algorithm messages. --loss, --dup and the link tuning flags (--rto, --ack-delay, --linger) are refused. ' +
          'A ring of 100,000 takes seconds.\n\n' +
          '  hs-ring sim -n 1000 --seed 3\n' +
          '  hs-ring sim -n 100000 --seed 1 --link ideal\n' +
          '  hs-ring sim -n 64 --loss 0.2 --dup 0.05 --reorder --delay 0-20\n' +
          '  hs-ring sim -n 1024 --algorithm lcr --order descending\n' +
          '  hs-ring sim -n 16 --algorithm raft --loss 0.1   full mesh, until a leader is known by all\n' +
          '  hs-ring sim --replay 1234:5:0     the case a failing property printed\n\n' +
          'Exit codes: 0 elected, agreed and nothing left in flight; 2 bad configuration; 3 stalled; 4 wrong result.',
      )
      .option('n', { alias: 'nodes', type: 'number', requiresArg: true, describe: 'Ring size (default 8, or the length of --ids)' })
      .option('ids', { type: 'string', requiresArg: true, describe: 'Comma-separated unique ids in ring order (0..2^53-1)' })
      .option('seed', { type: 'number', requiresArg: true, describe: 'Seed for ids and schedule (default: random, printed)' })
      .option('order', { choices: ORDERS, describe: 'Place the ids: random, or an adversarial order' })
      .option('algorithm', {
        choices: ALGORITHM_NAMES,
        default: 'hs' as AlgorithmName,
        describe: 'Hirschberg–Sinclair or LCR on a ring; Bully or Raft-style on the full-mesh simulator (-n, --ids, --seed, --loss, --dup, --delay, --time-limit, --json)',
      })
      .option('link', {
        choices: LINK_MODES,
        default: 'full' as LinkMode,
        describe: 'Channels: full reliable link per node (frames, acks, retries), or ideal exactly-once (see above)',
      })
      .option('loss', { type: 'number', requiresArg: true, default: 0, describe: 'Probability a datagram is lost, [0, 1)', group: 'Network:' })
      .option('dup', { type: 'number', requiresArg: true, default: 0, describe: 'Probability a datagram is delivered twice', group: 'Network:' })
      .option('reorder', { type: 'boolean', default: false, describe: 'Let datagrams overtake each other on a link', group: 'Network:' })
      .option('delay', { type: 'string', requiresArg: true, default: `${RELIABLE.delayMs[0]}-${RELIABLE.delayMs[1]}`, describe: 'One-way delay range, ms (MIN-MAX, at most 60000)', group: 'Network:' })
      .option('fifo', { type: 'boolean', default: false, describe: 'Deliver in send order (fixed delay MIN), not in a scheduled interleaving', group: 'Network:' })
      .option('time-limit', { type: 'number', requiresArg: true, describe: 'Virtual ms before unfinished nodes count as stalled (default: scaled to n)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object (summary, in-flight check, nodes up to 4096)' })
      .option('trace', { type: 'string', requiresArg: true, describe: 'Write the core transitions as JSON lines (header {"ring": [...]})' })
      .option('replay', { type: 'string', requiresArg: true, describe: 'Re-run the case a failing property printed as SEED:PATH (needs fast-check)' }),
  handler: runSimCommand,
};

interface SimArgs extends LinkFlags {
  n?: number;
  ids?: string;
  seed?: number;
  order?: Order;
  algorithm: AlgorithmName;
  link: LinkMode;
  loss: number;
  dup: number;
  reorder: boolean;
  delay: string;
  fifo: boolean;
  'time-limit'?: number;
  json: boolean;
  trace?: string;
  replay?: string;
}

/** What to simulate, after the flags (or a replayed case) are resolved. */
interface Plan {
  ids: number[];
  seed: number;
  algorithm: Algorithm;
  order: Order | 'given';
  network: NetworkModel;
}

async function runSimCommand(argv: SimArgs): Promise<void> {
  if (!isRingAlgorithm(argv.algorithm)) {
    const ringOnly = (
      [
        ['--link ideal', argv.link === 'ideal'],
        ['--order', argv.order !== undefined],
        ['--trace', argv.trace !== undefined],
        ['--replay', argv.replay !== undefined],
        ['--fifo', argv.fifo],
      ] as const
    ).filter(([, given]) => given);
    if (ringOnly.length > 0) throw new InvalidConfigError(`${ringOnly.map(([f]) => f).join(', ')}: only for ring algorithms, not ${argv.algorithm}`);
    const limit = argv['time-limit'] === undefined ? undefined : checkDurationMs(argv['time-limit'], '--time-limit', false, false);
    runMeshSim(argv, limit);
    return;
  }
  const plan = argv.replay !== undefined ? await replayPlan(argv) : planFrom(argv);
  const timeLimitMs = argv['time-limit'] === undefined ? undefined : checkDurationMs(argv['time-limit'], '--time-limit', false, false);
  if (argv.trace !== undefined) checkOutputFile(argv.trace, '--trace');
  const ideal = argv.link === 'ideal';
  if (ideal) checkIdealFlags(argv, plan.network);
  // Ideal channels leave nothing in flight for the collector to copy: the default young generation suits them.
  if (!ideal && plan.ids.length > BIG_RING && reexecWithBiggerYoungGeneration()) return;
  const link = linkConfigFromFlags(argv);
  const log = (line: string) => {
    if (!argv.json) process.stdout.write(line + '\n');
  };
  const n = plan.ids.length;
  const m = plan.network;
  const order = m.fifo ? 'global FIFO' : m.reorder ? 'reordering' : 'FIFO per link';
  log(
    `sim: ring of ${n}, ${plan.algorithm}, ids ${plan.order}, seed ${plan.seed}; ` +
      (ideal
        ? `ideal exactly-once channels (no frames, acks, retransmissions or timers); delay ${m.delayMs[0]}-${m.delayMs[1]} ms, ${order}`
        : `full reliable link; network: loss ${m.loss}, dup ${m.duplicate}, delay ${m.delayMs[0]}-${m.delayMs[1]} ms, ${order}`),
  );

  const trace = argv.trace ? openTrace(argv.trace, plan) : undefined;
  const wallStart = performance.now();
  let lastReport = wallStart;
  const core = coreFor(plan.algorithm);
  const run = simulate({
    ids: plan.ids,
    seed: plan.seed,
    network: m,
    linkMode: argv.link,
    link,
    core,
    ...(trace ? { onTrace: trace.write } : {}),
    ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
    ...(argv.json
      ? {}
      : {
          progress: {
            everyEvents: 1 << 16,
            report: (p) => {
              const now = performance.now();
              if (now - lastReport < second) return;
              lastReport = now;
              process.stderr.write(
                `  … virtual ${(p.virtualMs / second).toFixed(1)} s, ${p.algorithmMessages} algorithm messages, ` +
                  `${p.decided}/${n} decided, ${p.datagramsInFlight} ${ideal ? 'messages' : 'datagrams'} in flight\n`,
              );
            },
          },
        }),
  });
  const wallMs = performance.now() - wallStart;
  const traceFailure = trace?.close();

  const summary = summarize(plan.ids, plan.seed, run.results, { electionMs: run.electionMs, elapsedMs: run.elapsedMs }, plan.algorithm);
  const clean = run.inFlight.datagrams === 0 && run.inFlight.unacknowledged === 0 && !run.timedOut;
  const inFlight = clean
    ? ideal
      ? 'in flight at the end: nothing (every message delivered exactly once)'
      : 'in flight at the end: nothing (every datagram delivered or lost, every message acknowledged or abandoned)'
    : `in flight at the end: ${run.inFlight.datagrams} ${ideal ? 'messages' : `datagrams, ${run.inFlight.unacknowledged} unacknowledged messages`}` +
      (run.timedOut ? ` (time limit ${argv['time-limit'] ?? 'default'} reached)` : '');
  if (argv.json) {
    process.stdout.write(
      JSON.stringify({
        ...summary,
        algorithm: plan.algorithm,
        order: plan.order,
        link: argv.link,
        network: m,
        inFlight: { ...run.inFlight, clean },
        simulation: { events: run.events, timedOut: run.timedOut, ...run.network, wallMs: Math.round(wallMs) },
        ...(n <= MAX_JSON_NODES ? { nodes: run.results } : {}),
      }) + '\n',
    );
  } else {
    log(formatSummary(summary, 'virtual'));
    if (ideal) log('ideal channels: each datagram above is one algorithm message, delivered once; acks and retransmissions do not exist');
    log(inFlight);
    log(
      ideal
        ? `simulated: ${run.events} events (starts and deliveries); ${(wallMs / second).toFixed(2)} s wall`
        : `simulated: ${run.events} events, network lost ${run.network.lost} and duplicated ${run.network.duplicated} datagrams, ` +
            `${run.network.toExited} reached exited nodes; ${(wallMs / second).toFixed(2)} s wall`,
    );
    if (argv.trace && !traceFailure) log(`trace written to ${argv.trace}`);
  }
  const exit =
    summary.outcome === 'wrong' ? EXIT.wrongResult : summary.outcome === 'elected' && clean ? EXIT.ok : EXIT.stalled;
  process.exitCode = exit;
  // After the result, which stands: a trace that could not be written is one line and exit 2, as for launch and node.
  if (traceFailure) throw traceFailure;
}

/**
 * Ring sizes that fit the heap the caps were set in (V8's heap_size_limit there, below), with
 * room to spare; the memory per node they rest on is in the README's performance figures, with
 * the command that measures it. Past these a run would end minutes later in V8's out-of-memory
 * crash instead of a clear message now. Other heaps scale the caps (maxSimNodes), so a bigger
 * --max-old-space-size raises them and a smaller machine's default lowers them.
 */
const MEASURED_HEAP_BYTES = 4_345_298_944;
const MEASURED_MAX_SIM_NODES: Record<LinkMode, number> = { full: 200_000, ideal: 2_000_000 };
/** Memory per node, for the message. */
const MEASURED_PER_NODE: Record<LinkMode, string> = { full: '13 KB', ideal: '1 KB' };

/**
 * The largest ring sim runs with `link` channels in a heap of `heapLimitBytes` (V8's
 * heap_size_limit): the measured caps above, scaled to that heap and rounded down to a thousand.
 */
export function maxSimNodes(link: LinkMode, heapLimitBytes: number): number {
  const scaled = MEASURED_MAX_SIM_NODES[link] * (heapLimitBytes / MEASURED_HEAP_BYTES);
  return Math.max(1000, Math.floor(scaled / 1000) * 1000);
}

/** A --max-old-space-size, MiB (whole GiB), under which maxSimNodes allows `n` nodes. */
export function heapForSimNodes(link: LinkMode, n: number): number {
  const bytes = ((n + 1000) / MEASURED_MAX_SIM_NODES[link]) * MEASURED_HEAP_BYTES;
  return Math.ceil(bytes / 2 ** 30) * 1024;
}

/** InvalidConfigError if `n` nodes on `link` channels would not fit this process's heap; the message names the flag `source`. */
export function checkSimSize(n: number, link: LinkMode, source: SizeSource, heapLimitBytes = getHeapStatistics().heap_size_limit): void {
  const most = maxSimNodes(link, heapLimitBytes);
  if (n <= most) return;
  throw new InvalidConfigError(
    `${sizeGiven(n, source)} more than sim runs with --link ${link} in this heap (at most ${most.toLocaleString('en')}: ` +
      `about ${MEASURED_PER_NODE[link]} per node, heap limit ${(heapLimitBytes / 2 ** 30).toFixed(1)} GiB); ` +
      `for a bigger heap run NODE_OPTIONS=--max-old-space-size=${heapForSimNodes(link, n)} hs-ring sim ...`,
  );
}

function planFrom(argv: SimArgs): Plan {
  const network = networkFrom(argv);
  if (argv.seed !== undefined && !(Number.isInteger(argv.seed) && argv.seed >= 0 && argv.seed < 2 ** 32)) {
    throw new InvalidConfigError(`--seed must be an integer in 0..2^32-1, got ${argv.seed}`);
  }
  const seed = argv.seed ?? Math.floor(Math.random() * 2 ** 31);
  let ids: number[];
  if (argv.ids !== undefined) {
    ids = parseIdList(String(argv.ids));
    if (argv.n !== undefined && argv.n !== ids.length) throw new InvalidConfigError(`-n ${argv.n} but --ids lists ${ids.length} ids`);
    checkSimSize(ids.length, argv.link, '--ids');
  } else {
    const n = argv.n ?? 8;
    if (!Number.isInteger(n) || n < 1) throw new InvalidConfigError(`-n must be a positive integer, got ${n}`);
    checkSimSize(n, argv.link, '-n');
    ids = randomIds(n, seed);
  }
  const order = argv.order ?? (argv.ids !== undefined ? 'given' : 'random');
  return { ids: order === 'given' ? ids : arrange(ids, order), seed, algorithm: ringAlgorithm(argv.algorithm).name as Algorithm, order, network };
}

async function replayPlan(argv: SimArgs): Promise<Plan> {
  for (const flag of ['n', 'ids', 'seed', 'order'] as const) {
    if (argv[flag] !== undefined) throw new InvalidConfigError(`--replay fixes the whole case; it cannot be combined with ${flag === 'n' ? '-n' : `--${flag}`}`);
  }
  // The cases live with the property tests (they need the dev dependency fast-check), so replay
  // works from a checkout's build, never from an installed package.
  let mod: { replayCase(replay: string): SimCase };
  try {
    mod = (await import(new URL('../../test/properties/cases.js', import.meta.url).href)) as typeof mod;
  } catch (err) {
    throw new InvalidConfigError(`--replay needs a checkout of hs-ring built with its dev dependencies (npm ci && npm run build): ${(err as Error).message}`);
  }
  let c;
  try {
    c = mod.replayCase(argv.replay!);
  } catch (err) {
    throw new InvalidConfigError((err as Error).message);
  }
  process.stderr.write(`replaying ${argv.replay}: ${simCommandFor(c)}\n`);
  return { ids: arrange(c.ids, c.order), seed: c.seed, algorithm: c.algorithm, order: c.order, network: c.network };
}

/**
 * Ideal channels cannot lose or duplicate, and have no link to tune: a flag asking for either
 * is a mistake, not something to ignore silently.
 */
function checkIdealFlags(argv: SimArgs, network: NetworkModel): void {
  const problem = idealNetworkProblem(network);
  if (problem) throw new InvalidConfigError(`--link ideal: ${problem}`);
  const tuned = (
    [
      ['rto', argv.rto !== DEFAULT_LINK_CONFIG.initialRtoMs],
      ['ack-delay', argv['ack-delay'] !== DEFAULT_LINK_CONFIG.ackDelayMs],
      ['linger', argv.linger !== DEFAULT_LINK_CONFIG.lingerMs],
    ] as const
  ).filter(([, set]) => set);
  if (tuned.length > 0) {
    throw new InvalidConfigError(`--link ideal has no acks, retransmissions or linger; --${tuned.map(([f]) => f).join(', --')} tune only --link full`);
  }
}

function networkFrom(argv: SimArgs): NetworkModel {
  const delayMs = parseDelayFlag(String(argv.delay));
  const model: NetworkModel = { loss: argv.loss, duplicate: argv.dup, reorder: argv.reorder, delayMs, fifo: argv.fifo };
  const problem = networkModelProblem(model);
  if (problem) throw new InvalidConfigError(`network: ${problem}`);
  return model;
}

/**
 * Trace file: the header the TLA+ trace checker expects, then one event per line, in step order.
 * A write that fails (a full disk) stops the writing, not the simulation; close() returns it.
 */
function openTrace(path: string, plan: Plan): { write: (e: TraceEvent) => void; close: () => OutputUnwritableError | undefined } {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (err) {
    throw outputWriteError(path, '--trace', err);
  }
  let buffer: string[] = [];
  let failure: OutputUnwritableError | undefined;
  const flush = () => {
    try {
      if (buffer.length > 0 && !failure) writeSync(fd, buffer.join(''));
    } catch (err) {
      failure = outputWriteError(path, '--trace', err);
    }
    buffer = [];
  };
  // The checker models HS only; an LCR trace says so in its header.
  buffer.push(JSON.stringify(plan.algorithm === DEFAULT_ALGORITHM ? { ring: plan.ids } : { ring: plan.ids, algorithm: plan.algorithm }) + '\n');
  return {
    write: (e) => {
      buffer.push(JSON.stringify(e) + '\n');
      if (buffer.length >= 4096) flush();
    },
    close: () => {
      flush();
      try {
        closeSync(fd);
      } catch (err) {
        failure ??= outputWriteError(path, '--trace', err);
      }
      return failure;
    },
  };
}
