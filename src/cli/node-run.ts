/**
 * `hs-ring node`'s output: hosts the nodes (cluster/node-host.ts) and shows what happens, for
 * people, as results in JSON, or as the ndjson events of the launch protocol (--ndjson); sets the
 * exit code (0 if every node finished, 3 if any stalled).
 */
import { formatAddress } from '../config/address.js';
import { LateTraceFailure, type HostEvent, hostNodes } from '../cluster/node-host.js';
import type { NodeConfig } from '../cluster/node-config.js';
import { emitLine, lineOf } from '../cluster/protocol.js';
import type { StdinLines } from '../cluster/stdin-lines.js';
import { loadKeyFile } from '../config/key.js';
import { total } from '../link/stats.js';
import type { NodeResult } from '../node/result.js';
import { EXIT } from './exit-codes.js';
import { describeFaults } from './fault-options.js';

/** What a node process prints, and when it starts. */
export interface NodeOutput {
  /** Print only each node's result, one JSON object per line. */
  readonly json: boolean;
  /** Print events as JSON lines: ready, phase, decide, drop, result (the launch protocol). */
  readonly ndjson: boolean;
  /** When given, the nodes start on the first "start" line read from it. */
  readonly start?: StdinLines;
}

export async function runNodes(config: NodeConfig, out: NodeOutput): Promise<void> {
  const all = config.placements;
  const several = all.length > 1;
  const key = config.keyFile !== undefined ? loadKeyFile(config.keyFile) : undefined;
  const say = (line: string) => {
    if (!out.json && !out.ndjson) process.stdout.write(line + '\n');
  };
  let readyCount = 0;
  const onEvent = (e: HostEvent) => {
    if (out.ndjson) emitLine(lineOf(e));
    const who = several ? `node ${e.id}: ` : '';
    switch (e.event) {
      case 'ready': {
        const where = all.find((p) => p.id === e.id)!;
        say(`node ${e.id} on ${formatAddress(e.listen)}, left ${formatAddress(where.left)}, right ${formatAddress(where.right)}`);
        readyCount += 1;
        if (readyCount === all.length) {
          if (config.faults) say(describeFaults(config.faults));
          if (key) say('frames authenticated with the cluster key');
        }
        break;
      }
      case 'phase':
        say(`${who}phase ${e.phase} at ${e.atMs.toFixed(1)} ms`);
        break;
      case 'decide':
        say(`${who}${e.isLeader ? `I am the leader (${e.leader}), at ${e.atMs.toFixed(1)} ms` : `leader is ${e.leader}, at ${e.atMs.toFixed(1)} ms`}`);
        break;
      case 'drop':
        break;
    }
  };
  let results: NodeResult[];
  let late: Error | undefined;
  try {
    results = await hostNodes(config, { onEvent, ...(out.start ? { start: out.start } : {}), ...(key ? { key } : {}) });
  } catch (err) {
    if (!(err instanceof LateTraceFailure)) throw err;
    results = err.results;
    late = err.failure;
  }
  for (const result of results) {
    if (out.ndjson) emitLine({ event: 'result', ...result });
    if (out.json) process.stdout.write(JSON.stringify(config.faults ? { ...result, faults: config.faults } : result) + '\n');
    else say(`${several ? `node ${result.id}: ` : ''}${describeResult(result)}`);
  }
  process.exitCode = results.every((r) => r.outcome === 'ok') ? EXIT.ok : EXIT.stalled;
  // After the results, which stand: a trace that could not be written is one line and exit 2.
  if (late) throw late;
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
