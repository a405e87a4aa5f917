import { createInterface } from 'node:readline';
import type { Argv } from 'yargs';
import { loadRingFile, neighboursOf } from '../config/ring-file.js';
import { checkUnique, parseId } from '../config/ids.js';
import { ConfigError, EXIT } from '../errors.js';
import { NodeGroup, type Placement } from '../runtime/multi.js';
import type { NodeResult } from '../runtime/result.js';
import { type Address, formatAddress, parseAddress } from '../transport/address.js';
import { describeFaults, faultConfigFrom, loadKeyFile, type FaultArgs, withFaultOptions } from './fault-options.js';
import { linkConfigFrom, type RuntimeLinkFlags, withLinkOptions } from './link-options.js';
import { total } from '../link/stats.js';
import { TraceWriter } from '../runtime/trace-writer.js';
import { warmUp } from '../runtime/warmup.js';

export const nodeCommand = {
  command: 'node',
  describe: 'Run one ring node over UDP until the election is over',
  builder: (y: Argv) =>
    withFaultOptions(withLinkOptions(
      y
        .usage(
          'Run one node. Give its neighbours directly:\n' +
            '  hs-ring node --id 42 --listen 127.0.0.1:7001 --left 127.0.0.1:7000 --right 127.0.0.1:7002\n' +
            'or name a ring file and this node\'s id in it:\n' +
            '  hs-ring node --ring ring.json --self 42\n\n' +
            'Ring file: {"members": [{"id": 5, "host": "10.0.0.1", "port": 7000}, ...]} in ring order;\n' +
            'each member\'s right neighbour is the next entry. Ids are integers 0..2^53-1, unique.\n' +
            'With --self A,B,... one process hosts several members, each on its own UDP socket.',
        )
        .option('id', { type: 'string', describe: 'This node\'s id (integer 0..2^53-1)' })
        .option('listen', { type: 'string', describe: 'Address to bind, HOST:PORT' })
        .option('left', { type: 'string', describe: 'Left neighbour, HOST:PORT' })
        .option('right', { type: 'string', describe: 'Right neighbour, HOST:PORT' })
        .option('ring', { type: 'string', describe: 'Ring file (JSON), instead of --listen/--left/--right' })
        .option('self', { type: 'string', describe: 'With --ring: which member this node is (A,B,...: host several)' })
        .option('json', { type: 'boolean', default: false, describe: 'Print only the result, as one JSON object' })
        .option('ndjson', { type: 'boolean', default: false, hidden: true, describe: 'Events as JSON lines (used by launch)' })
        .option('wait-start', { type: 'boolean', default: false, hidden: true, describe: 'Start on a "start" line on stdin' })
        .option('trace', { type: 'string', describe: 'Write core transitions as JSON lines to this file ({id} in the name: one per node)' }),
    )),
  handler: runNodeCommand,
};

interface NodeArgs extends RuntimeLinkFlags, FaultArgs {
  id?: string;
  listen?: string;
  left?: string;
  right?: string;
  ring?: string;
  self?: string;
  json: boolean;
  ndjson: boolean;
  'wait-start': boolean;
  trace?: string;
}

/** Every member this process hosts: one, or several with `--ring FILE --self A,B,...`. */
function placements(argv: NodeArgs): Placement[] {
  if (argv.ring === undefined || argv.self === undefined || !String(argv.self).includes(',')) return [placement(argv)];
  const ids = String(argv.self)
    .split(',')
    .map((s) => parseId(s, '--self'));
  checkUnique(ids, '--self');
  return ids.map((id) => placement({ ...argv, self: String(id) }));
}

/** Where this node listens and who its neighbours are, from either form of the command line. */
function placement(argv: NodeArgs): { id: number; listen: Address; left: Address; right: Address } {
  if (argv.ring !== undefined) {
    if (argv.self === undefined) throw new ConfigError('--ring needs --self ID to say which member this node is');
    for (const f of ['listen', 'left', 'right', 'id'] as const) {
      if (argv[f] !== undefined) throw new ConfigError(`--${f} cannot be combined with --ring (the ring file says it)`);
    }
    const members = loadRingFile(argv.ring);
    const { self, left, right } = neighboursOf(members, parseId(argv.self, '--self'));
    return { id: self.id, listen: self, left, right };
  }
  if (argv.id === undefined) throw new ConfigError('missing --id (or use --ring FILE --self ID)');
  for (const f of ['listen', 'left', 'right'] as const) {
    if (argv[f] === undefined) throw new ConfigError(`missing --${f} HOST:PORT (a node needs its address and both neighbours)`);
  }
  return {
    id: parseId(argv.id, '--id'),
    listen: parseAddress(argv.listen as string, '--listen'),
    left: parseAddress(argv.left as string, '--left'),
    right: parseAddress(argv.right as string, '--right'),
  };
}

async function runNodeCommand(argv: NodeArgs): Promise<void> {
  const all = placements(argv);
  const link = linkConfigFrom(argv);
  const faults = faultConfigFrom(argv);
  const key = argv['key-file'] !== undefined ? loadKeyFile(argv['key-file']) : undefined;
  const several = all.length > 1;
  if (several && argv.trace !== undefined && !argv.trace.includes('{id}')) {
    throw new ConfigError('--trace with several --self ids needs {id} in the file name (one file per node)');
  }
  const group = await NodeGroup.bind(all, {
    link,
    timeoutMs: argv.timeout,
    ...(key ? { key } : {}),
    ...(faults ? { faults } : {}),
    trace: argv.trace !== undefined,
  });
  const events = argv.ndjson;
  const say = (line: string) => {
    if (!argv.json && !events) process.stdout.write(line + '\n');
  };
  const emit = (o: object) => {
    if (events) process.stdout.write(JSON.stringify(o) + '\n');
  };
  const traces: TraceWriter[] = [];
  for (const { id, node } of group.members) {
    const who = several ? `node ${id}: ` : '';
    const traceOut = argv.trace !== undefined ? TraceWriter.open(argv.trace.replaceAll('{id}', String(id))) : undefined;
    if (traceOut) traces.push(traceOut);
    node.on('phase', (phase, atMs) => {
      emit({ event: 'phase', id, phase, atMs });
      say(`${who}phase ${phase} at ${atMs.toFixed(1)} ms`);
    });
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
  all.forEach((where, i) => {
    emit({ event: 'ready', id: where.id, listen: formatAddress(group.members[i]!.transport.local) });
    say(
      `node ${where.id} on ${formatAddress(group.members[i]!.transport.local)}, left ${formatAddress(where.left)}, right ${formatAddress(where.right)}`,
    );
  });
  if (faults) say(describeFaults(faults));
  if (key) say('frames authenticated with the cluster key');
  if (argv['wait-start']) await waitForStartLine();
  const results = await group.run();
  await Promise.all(traces.map((t) => t.close()));
  for (const result of results) {
    emit({ event: 'result', ...result });
    if (argv.json) process.stdout.write(JSON.stringify(result) + '\n');
    else say(`${several ? `node ${result.id}: ` : ''}${describeResult(result)}`);
  }
  process.exitCode = results.every((r) => r.outcome === 'ok') ? EXIT.ok : EXIT.stalled;
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

/** Resolves on the first "start" line of stdin; launch uses it so every node starts at once. */
function waitForStartLine(): Promise<void> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin });
    let started = false;
    rl.on('line', (line) => {
      if (line.trim() === 'start') {
        started = true;
        resolve();
        rl.close();
        // A pipe left open would keep the process alive after the election.
        process.stdin.destroy();
      }
    });
    rl.on('close', () => started || reject(new ConfigError('stdin closed before "start" (--wait-start is for hs-ring launch)')));
  });
}
