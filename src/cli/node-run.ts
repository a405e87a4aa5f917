import { ConfigError, EXIT } from '../errors.js';
import { total } from '../link/stats.js';
import { NodeGroup } from '../runtime/multi.js';
import type { NodeResult } from '../runtime/result.js';
import { TraceWriter } from '../runtime/trace-writer.js';
import { warmUp, warmUpNetwork, warmUpRuntime } from '../runtime/warmup.js';
import { formatAddress } from '../config/address.js';
import { describeFaults, loadKeyFile } from './fault-options.js';
import { checkOutputFile } from './output-path.js';
import type { NodeConfig } from './node-config.js';
import { type StdinLines, waitForStart } from './stdin-lines.js';

/** What a node process prints, and when it starts. */
export interface NodeOutput {
  /** Print only each node's result, one JSON object per line. */
  readonly json: boolean;
  /** Print events as JSON lines: ready, phase, decide, drop, result (the launcher reads these). */
  readonly ndjson: boolean;
  /** When given, the nodes start on the first "start" line read from it (launch's signal). */
  readonly start?: StdinLines;
}

/**
 * Runs the nodes of one process from a validated config: binds every socket, warms up, reports
 * ready, waits for the start signal if asked, elects, reports, and sets the exit code (0 if every
 * node finished, 3 if any stalled). Shared by `hs-ring node` and the child `launch` starts.
 */
export async function runNodes(config: NodeConfig, out: NodeOutput): Promise<void> {
  try {
    await run(config, out);
  } finally {
    // An open stdin would keep the process alive after an error or the election.
    out.start?.close();
  }
}

async function run(config: NodeConfig, out: NodeOutput): Promise<void> {
  const all = config.placements;
  const several = all.length > 1;
  const key = config.keyFile !== undefined ? loadKeyFile(config.keyFile) : undefined;
  if (several && config.trace !== undefined && !config.trace.includes('{id}')) {
    throw new ConfigError('--trace with several --self ids needs {id} in the file name (one file per node)');
  }
  const tracePath = (id: number) => (config.trace as string).replaceAll('{id}', String(id));
  // Checked before binding (an error after it would leave the process alive on its sockets), but
  // opened only after it: opening empties the file, and a failed bind must not wipe a trace.
  if (config.trace !== undefined) for (const p of all) checkOutputFile(tracePath(p.id), '--trace');
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
  const say = (line: string) => {
    if (!out.json && !out.ndjson) process.stdout.write(line + '\n');
  };
  const emit = (o: object) => {
    if (out.ndjson) process.stdout.write(JSON.stringify(o) + '\n');
  };
  for (const { id, node } of group.members) {
    const who = several ? `node ${id}: ` : '';
    const traceOut = traceOf.get(id);
    if (config.phaseEvents !== false) {
      node.on('phase', (phase, atMs) => {
        emit({ event: 'phase', id, phase, atMs });
        say(`${who}phase ${phase} at ${atMs.toFixed(1)} ms`);
      });
    }
    node.on('decide', (leader, isLeader, atMs) => {
      emit({ event: 'decide', id, leader, isLeader, atMs });
      say(`${who}${isLeader ? `I am the leader (${leader}), at ${atMs.toFixed(1)} ms` : `leader is ${leader}, at ${atMs.toFixed(1)} ms`}`);
    });
    if (traceOut) node.on('trace', (e) => traceOut.write(e));
    node.on('drop', (reason, detail, from) => {
      emit({ event: 'drop', id, reason, detail, from: formatAddress(from) });
    });
  }

  warmUp();
  // Processes started together by launch: warm the runtime and Node's datagram path too before
  // saying ready.
  if (out.start) {
    await warmUpRuntime();
    await warmUpNetwork(group.members[0]!.udp);
  }
  all.forEach((where, i) => {
    const local = formatAddress(group.members[i]!.transport.local);
    emit({ event: 'ready', id: where.id, listen: local });
    say(`node ${where.id} on ${local}, left ${formatAddress(where.left)}, right ${formatAddress(where.right)}`);
  });
  if (config.faults) say(describeFaults(config.faults));
  if (key) say('frames authenticated with the cluster key');
  if (out.start) {
    try {
      await waitForStart(out.start, 'stdin closed before the "start" line');
    } catch (err) {
      await group.close();
      throw err;
    }
  }
  const results = await group.run();
  const traceFailure = (await Promise.all([...traceOf.values()].map((t) => t.close()))).find((f) => f !== undefined);
  for (const result of results) {
    emit({ event: 'result', ...result });
    if (out.json) process.stdout.write(JSON.stringify(config.faults ? { ...result, faults: config.faults } : result) + '\n');
    else say(`${several ? `node ${result.id}: ` : ''}${describeResult(result)}`);
  }
  process.exitCode = results.every((r) => r.outcome === 'ok') ? EXIT.ok : EXIT.stalled;
  // After the results, which stand: a trace that could not be written is one line and exit 2
  // (and, for launch, an error event after the results).
  if (traceFailure) throw traceFailure;
}

function describeResult(r: NodeResult): string {
  if (r.outcome === 'ok') {
    return (
      `done in ${r.elapsedMs.toFixed(1)} ms: leader ${r.leader}; ` +
      `${total(r.messages.sent)} algorithm messages sent, ${r.datagrams.sent} datagrams (${r.datagrams.retransmissions} retransmitted)`
    );
  }
  const who = r.stall?.unreachable.map((u) => `${u.side} neighbour ${u.address} (${u.unacked} unacknowledged)`).join(', ');
  return `stalled: ${r.stall?.reason}${who ? `; unreachable: ${who}` : ''}`;
}
