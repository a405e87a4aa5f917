/** `hs-ring node`: one node (or several, with --ring and --self A,B,...) from flags or a ring file. */
import { DEFAULT_ALGORITHM } from '../core/algorithms.js';
import yargs, { type Argv } from 'yargs';
import { type Member, type Placement, loadRingFile, placementOf, placementsOf } from '../config/ring-file.js';
import { checkUnique, parseId } from '../config/ids.js';
import { InvalidConfigError } from '../errors.js';
import { checkPlacement, type PlacementPart } from '../config/placement.js';
import { parseAddress } from '../config/address.js';
import { checkHostOrName, HostResolver } from '../config/resolve.js';
import { faultConfigFrom, type FaultArgs, withFaultOptions } from './fault-options.js';
import { linkConfigFrom, type RuntimeLinkFlags, withLinkOptions } from './link-options.js';
import type { NodeConfig, NodeSettings } from '../cluster/node-config.js';
import { emitLine, errorEvent } from '../cluster/protocol.js';
import { StdinLines } from '../cluster/stdin-lines.js';
import { runNodes } from './node-run.js';
import { runStay } from './node-stay.js';

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
            'A host is an IP address or a host name (localhost, node-0.ring.example), resolved once at\n' +
            'start to its first IPv4 address, or its first IPv6 address if it has none.\n' +
            'With --self A,B,... one process hosts several members, each on its own UDP socket.\n\n' +
            'Leadership that outlives its leaders (spec/leadership.md):\n' +
            '  hs-ring node --ring ring.json --self 42 --stay --state-dir /var/lib/hs-ring\n' +
            'keeps the member up and prints one JSON line per change: ready, then leader (epoch and\n' +
            'fencing token), follower (leader, epoch, advertise) or deposed (epoch, reason), each with mono (this\n' +
            'process\'s monotonic ms) and wall (ISO time). SIGTERM or SIGINT resigns, prints stopped and\n' +
            'exits 0. A majority of the ring file\'s members must be up for anyone to lead. --metrics-port\n' +
            'PORT serves Prometheus metrics at /metrics (docs/operations.md lists them; needs prom-client).',
        )
        .option('id', { type: 'string', requiresArg: true, describe: 'This node\'s id (integer 0..2^53-1)' })
        .option('listen', { type: 'string', requiresArg: true, describe: 'Address to bind, HOST:PORT' })
        .option('left', { type: 'string', requiresArg: true, describe: 'Left neighbour, HOST:PORT' })
        .option('right', { type: 'string', requiresArg: true, describe: 'Right neighbour, HOST:PORT' })
        .option('ring', { type: 'string', requiresArg: true, describe: 'Ring file (JSON), instead of --listen/--left/--right' })
        .option('self', { type: 'string', requiresArg: true, describe: 'With --ring: which member this node is (A,B,...: host several)' })
        .option('json', { type: 'boolean', default: false, describe: 'Print only the result, as one JSON object' })
        .option('ndjson', { type: 'boolean', default: false, hidden: true, describe: 'Events as JSON lines: ready, phase, decide, drop, result (the protocol of launch\'s children, for scripts)' })
        .option('wait-start', { type: 'boolean', default: false, hidden: true, describe: 'Report ready, then start on a "start" line on stdin (to start several nodes together)' })
        .option('trace', { type: 'string', requiresArg: true, describe: 'Write core transitions as JSON lines to this file ({id} in the name: one per node)' })
        .option('stay', { type: 'boolean', default: false, describe: 'Stay up as a leadership member (needs --ring, --self ID, --state-dir); JSON lines per leadership change', group: 'Leadership:' })
        .option('advertise', { type: 'string', requiresArg: true, describe: 'With --stay: a value followers are told while this member leads (its service address, say)', group: 'Leadership:' })
        .option('state-dir', { type: 'string', requiresArg: true, describe: 'With --stay: directory where this member keeps its promises across restarts (one per member)', group: 'Leadership:' })
        .option('burst-loss', { type: 'string', requiresArg: true, describe: 'With --stay, for chaos runs: lose everything sent for FOR every EVERY, e.g. 300ms/3s (in step with every member on the host)', group: 'Leadership:' })
        .option('clock-rate', { type: 'number', requiresArg: true, describe: 'With --stay, for chaos runs: this member\'s clock runs at this rate of real time (1.02: 2 % fast); beyond 1 +- rho the guarantees end', group: 'Leadership:' })
        .option('metrics-port', { type: 'number', requiresArg: true, describe: 'With --stay: serve Prometheus metrics on http://HOST:PORT/metrics (needs prom-client; 0 picks a port)', group: 'Leadership:' })
        .option('metrics-host', { type: 'string', requiresArg: true, describe: 'With --metrics-port: the address to serve on (default 127.0.0.1)', group: 'Leadership:' })
        .option('chaos-signals', { type: 'boolean', default: false, describe: 'With --stay, for chaos runs: SIGUSR2 cuts this member off (all it sends and receives lost) until the next SIGUSR2', group: 'Leadership:' }),
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
  stay: boolean;
  'state-dir'?: string;
  advertise?: string;
  'burst-loss'?: string;
  'clock-rate'?: number;
  'metrics-port'?: number;
  'metrics-host'?: string;
  'chaos-signals': boolean;
}

/** Every member this process hosts: one, or several with `--ring FILE --self A,B,...`; host names resolved. */
async function placements(argv: NodeArgs): Promise<Placement[]> {
  if (argv.ring === undefined || argv.self === undefined || !String(argv.self).includes(',')) return [await placement(argv)];
  const ids = String(argv.self)
    .split(',')
    .map((s) => parseId(s, '--self'));
  checkUnique(ids, '--self');
  // The ring file read and placed once, not once per hosted member.
  const { members } = await ringMembers(argv, argv.ring);
  const byId = new Map(placementsOf(members).map((p) => [p.id, p]));
  // placementOf only for an id not in the ring: it raises the usual error naming the ring's ids.
  return ids.map((id) => byId.get(id) ?? placementOf(members, id));
}

/** The members of ring file `ring` and the `--self` text, once the flags the file replaces are known to be absent. */
async function ringMembers(argv: NodeArgs, ring: string): Promise<{ members: Member[]; self: string }> {
  if (argv.self === undefined) throw new InvalidConfigError('--ring needs --self ID to say which member this node is');
  for (const f of ['listen', 'left', 'right', 'id'] as const) {
    if (argv[f] !== undefined) throw new InvalidConfigError(`--${f} cannot be combined with --ring (the ring file says it)`);
  }
  return { members: await loadRingFile(ring), self: argv.self };
}

/** Where this node listens and who its neighbours are, from either form of the command line. */
async function placement(argv: NodeArgs): Promise<Placement> {
  if (argv.ring !== undefined) {
    const { members, self } = await ringMembers(argv, argv.ring);
    return placementOf(members, parseId(self, '--self'));
  }
  if (argv.self !== undefined) throw new InvalidConfigError('--self needs --ring FILE (it names a member of the ring file)');
  if (argv.id === undefined) throw new InvalidConfigError('missing --id (or use --ring FILE --self ID)');
  for (const f of ['listen', 'left', 'right'] as const) {
    if (argv[f] === undefined) throw new InvalidConfigError(`missing --${f} HOST:PORT (a node needs its address and both neighbours)`);
  }
  // Every address parsed before any is resolved: a malformed one is refused without a lookup.
  const written = (['listen', 'left', 'right'] as const).map((part) => parseAddress(argv[part] as string, `--${part}`, checkHostOrName));
  const resolver = new HostResolver();
  const at = (part: PlacementPart, i: number) => resolver.address(written[i]!, `--${part}`);
  const [listen, left, right] = await Promise.all([at('listen', 0), at('left', 1), at('right', 2)]);
  return checkPlacement({ id: parseId(argv.id, '--id'), listen, left, right }, (part) => `--${part}`);
}

async function runNodeCommand(argv: NodeArgs): Promise<void> {
  if (argv.stay) return runStay(argv);
  for (const f of ['state-dir', 'advertise', 'burst-loss', 'clock-rate', 'metrics-port', 'metrics-host'] as const) {
    if (argv[f] !== undefined) throw new InvalidConfigError(`--${f} is for a leadership member: add --stay`);
  }
  if (argv['chaos-signals']) throw new InvalidConfigError('--chaos-signals is for a leadership member: add --stay');
  try {
    const config: NodeConfig = {
      placements: await placements(argv),
      ...nodeSettingsFrom(argv),
      ...(argv.trace !== undefined ? { trace: argv.trace } : {}),
    };
    await runNodes(config, { json: argv.json, ndjson: argv.ndjson, ...(argv['wait-start'] ? { start: new StdinLines() } : {}) });
  } catch (err) {
    // The launcher's protocol, as the child speaks it: the failure as an event too.
    if (argv.ndjson) emitLine(errorEvent(err));
    throw err;
  }
}

/** The link, timeout, fault and key settings the shared flags ask for; a InvalidConfigError if invalid. */
export function nodeSettingsFrom(argv: RuntimeLinkFlags & FaultArgs): NodeSettings {
  const link = linkConfigFrom(argv);
  const faults = faultConfigFrom(argv);
  return {
    link,
    timeoutMs: argv.timeout,
    ...(argv.algorithm !== undefined && argv.algorithm !== DEFAULT_ALGORITHM ? { algorithm: argv.algorithm } : {}),
    ...(faults ? { faults } : {}),
    ...(argv['key-file'] !== undefined ? { keyFile: argv['key-file'] } : {}),
  };
}

/**
 * Settings from `hs-ring node` flags (--timeout, --rto, --loss, --key-file, ...), parsed exactly
 * as the node command parses them; for callers of launchRing that hold flags, not settings.
 */
export function nodeSettingsFromFlags(args: readonly string[]): NodeSettings {
  const argv = withFaultOptions(withLinkOptions(yargs([...args])))
    .strict()
    .help(false)
    .version(false)
    .fail((msg, err) => {
      throw err ?? new InvalidConfigError(`node flags: ${msg}`);
    })
    .parseSync();
  return nodeSettingsFrom(argv as unknown as RuntimeLinkFlags & FaultArgs);
}
