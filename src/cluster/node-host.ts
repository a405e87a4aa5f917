/**
 * Hosts the nodes of one process from a validated NodeConfig: binds every socket, warms up,
 * reports ready, waits for the start signal if asked, elects and returns the results. Shared by
 * `hs-ring node` (which prints them for people) and the node processes launchRing starts (which
 * print them as ndjson); the caller decides what is shown and how the process exits.
 */
import type { Address } from '../config/address.js';
import { isRingAlgorithm } from '../core/algorithms.js';
import { loadKeyFile } from '../config/key.js';
import { checkOutputFile } from '../config/output-path.js';
import { InvalidConfigError } from '../errors.js';
import type { DropReason } from '../link/stats.js';
import { NodeGroup } from '../runtime/multi.js';
import type { NodeResult } from '../node/result.js';
import { TraceWriter } from '../runtime/trace-writer.js';
import { warmUp, warmUpRuntime } from '../runtime/warmup.js';
import type { NodeConfig } from './node-config.js';
import { type StdinLines, waitForStart } from './stdin-lines.js';
import { warmUpSocket } from './socket-warm-up.js';

/** What a hosted node reports while it runs, in order: ready, then phases, its decision and drops. */
export type HostEvent =
  | { readonly event: 'ready'; readonly id: number; readonly listen: Address }
  | { readonly event: 'phase'; readonly id: number; readonly phase: number; readonly atMs: number }
  | { readonly event: 'decide'; readonly id: number; readonly leader: number; readonly isLeader: boolean; readonly atMs: number }
  | { readonly event: 'drop'; readonly id: number; readonly reason: DropReason; readonly detail: string; readonly from: Address };

export interface HostOptions {
  /** Called for every event of every hosted node. */
  readonly onEvent: (e: HostEvent) => void;
  /** When given, the nodes start on the first "start" line read from it (launch's signal). */
  readonly start?: StdinLines;
  /** The cluster key, if the caller already read it (else it is read from config.keyFile). */
  readonly key?: Uint8Array;
}

/**
 * Runs the nodes of `config` to their results (in placement order). A trace that could not be
 * written is thrown after the election, as an OutputUnwritableError: the results stand, and the
 * caller reports them first (`late` holds them).
 */
export async function hostNodes(config: NodeConfig, opts: HostOptions): Promise<NodeResult[]> {
  try {
    return await host(config, opts);
  } finally {
    // An open stdin would keep the process alive after an error or the election.
    opts.start?.close();
  }
}

/** A trace write that failed after the election: the results it carries stand. */
export class LateTraceFailure extends Error {
  constructor(
    readonly results: NodeResult[],
    readonly failure: Error,
  ) {
    super(failure.message);
  }
}

async function host(config: NodeConfig, opts: HostOptions): Promise<NodeResult[]> {
  const all = config.placements;
  if (config.algorithm !== undefined && !isRingAlgorithm(config.algorithm)) {
    throw new InvalidConfigError(`--algorithm ${config.algorithm} runs on a full mesh: start it with hs-ring launch (or the library's MeshGroup)`);
  }
  const key = opts.key ?? (config.keyFile !== undefined ? loadKeyFile(config.keyFile) : undefined);
  if (all.length > 1 && config.trace !== undefined && !config.trace.includes('{id}')) {
    throw new InvalidConfigError('--trace with several --self ids needs {id} in the file name (one file per node)');
  }
  const tracePath = (id: number) => (config.trace as string).replaceAll('{id}', String(id));
  // Checked before binding (an error after it would leave the process alive on its sockets), but
  // opened only after it: opening empties the file, and a failed bind must not wipe a trace.
  if (config.trace !== undefined) for (const p of all) checkOutputFile(tracePath(p.id), '--trace');
  // Before binding: the warm-up borrows the first node's port for a moment.
  if (opts.start) await warmUpSocket(all[0]!.listen);
  const group = await NodeGroup.bind(all, {
    link: config.link,
    timeoutMs: config.timeoutMs,
    ...(config.algorithm ? { algorithm: config.algorithm } : {}),
    ...(key ? { key } : {}),
    ...(config.faults ? { faults: config.faults } : {}),
    trace: config.trace !== undefined,
  });
  const traceOf = new Map<number, TraceWriter>();
  try {
    if (config.trace !== undefined) for (const p of all) traceOf.set(p.id, TraceWriter.open(tracePath(p.id)));
  } catch (err) {
    await group.close();
    throw err;
  }
  const emit = opts.onEvent;
  for (const { id, node } of group.members) {
    const traceOut = traceOf.get(id);
    if (config.phaseEvents !== false) node.on('phase', (phase, atMs) => emit({ event: 'phase', id, phase, atMs }));
    node.on('decide', (leader, isLeader, atMs) => emit({ event: 'decide', id, leader, isLeader, atMs }));
    if (traceOut) node.on('trace', (e) => traceOut.write(e));
    node.on('drop', (reason, detail, from) => emit({ event: 'drop', id, reason, detail, from }));
  }

  await readyThenStart(group, opts);
  const results = await group.run();
  const traceFailure = (await Promise.all([...traceOf.values()].map((t) => t.close()))).find((f) => f !== undefined);
  if (traceFailure) throw new LateTraceFailure(results, traceFailure);
  return results;
}

/**
 * Warms up, reports every hosted node ready, then waits for launch's start line if asked (closing
 * the sockets if it never comes). Processes started together by launch warm the runtime too.
 */
export async function readyThenStart(
  group: { readonly members: readonly { readonly id: number; readonly transport: { readonly local: Address } }[]; close(): Promise<void> },
  opts: HostOptions,
): Promise<void> {
  warmUp();
  if (opts.start) await warmUpRuntime();
  group.members.forEach((m) => opts.onEvent({ event: 'ready', id: m.id, listen: m.transport.local }));
  if (!opts.start) return;
  try {
    await waitForStart(opts.start, 'stdin closed before the "start" line');
  } catch (err) {
    await group.close();
    throw err;
  }
}
