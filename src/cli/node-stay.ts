/**
 * `hs-ring node --ring FILE --self ID --stay --state-dir DIR`: one leadership member that stays
 * up, printing one JSON line per leadership change, and resigns on SIGTERM or SIGINT before it
 * exits 0. The flags of a one-shot election that mean nothing here are refused, one line each.
 */
import { randomInt } from 'node:crypto';
import { formatAddress } from '../config/address.js';
import { parseDuration } from '../config/duration.js';
import { parseId } from '../config/ids.js';
import { DEFAULT_ALGORITHM } from '../core/algorithms.js';
import { InvalidConfigError } from '../errors.js';
import { DEFAULT_LINK_CONFIG } from '../link/config.js';
import type { MemberFaults } from '../runtime/leadership-faults.js';
import type { HsRingMember } from '../runtime/leadership-member.js';
import { type MetricsServer, serveMetrics } from '../runtime/metrics-server.js';
import { DEFAULT_TIMEOUT_MS } from '../runtime/link-settings.js';
import { faultSeedFor } from '../transport/faulty.js';
import { openMember, writeLine, writeMemberEvents } from './member-lines.js';
import { reportError } from './report-error.js';

/** The node flags --stay reads, and those it must see unset. */
export interface StayArgs {
  ring?: string;
  self?: string;
  'state-dir'?: string;
  advertise?: string;
  'metrics-port'?: number;
  'metrics-host'?: string;
  'key-file'?: string;
  id?: string;
  listen?: string;
  left?: string;
  right?: string;
  json: boolean;
  ndjson: boolean;
  'wait-start': boolean;
  trace?: string;
  algorithm?: string;
  timeout: number;
  rto: number;
  'ack-delay': number;
  linger: number;
  loss: number;
  dup: number;
  delay: string;
  reorder: boolean;
  'fault-seed'?: number;
  'burst-loss'?: string;
  'clock-rate'?: number;
  'chaos-signals'?: boolean;
}

/** The first flag that cannot go with --stay, as the one-line reason; undefined when none. */
export function stayConflict(a: StayArgs): string | undefined {
  for (const f of ['id', 'listen', 'left', 'right'] as const) {
    if (a[f] !== undefined) return `--stay cannot be combined with --${f}: a member needs the whole ring file (--ring FILE --self ID) to count a majority`;
  }
  if (a.ring === undefined || a.self === undefined) return '--stay needs --ring FILE and --self ID';
  if (a.self.includes(',')) return '--stay runs one member per process: give --self one id';
  if (a['state-dir'] === undefined) return '--stay needs --state-dir DIR, where this member keeps its promises across restarts';
  const port = a['metrics-port'];
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) return `--metrics-port: want a TCP port 0..65535`;
  if (a['metrics-host'] !== undefined && port === undefined) return '--metrics-host needs --metrics-port PORT';
  const oneShot: [string, boolean][] = [
    ['--json', a.json],
    ['--ndjson', a.ndjson],
    ['--wait-start', a['wait-start']],
    ['--trace', a.trace !== undefined],
    ['--algorithm', a.algorithm !== undefined && a.algorithm !== DEFAULT_ALGORITHM],
    ['--timeout', a.timeout !== DEFAULT_TIMEOUT_MS],
    ['--rto', a.rto !== DEFAULT_LINK_CONFIG.initialRtoMs],
    ['--ack-delay', a['ack-delay'] !== DEFAULT_LINK_CONFIG.ackDelayMs],
    ['--linger', a.linger !== DEFAULT_LINK_CONFIG.lingerMs],
    ['--dup', a.dup !== 0],
    ['--delay', String(a.delay) !== '0'],
    ['--reorder', a.reorder],
  ];
  const given = oneShot.find(([, on]) => on);
  // Leadership output is JSON lines already, and its messages ride no link: these flags would do nothing.
  if (given) return `--stay cannot be combined with ${given[0]} (it belongs to a one-shot election)`;
  return undefined;
}

/** The faults --loss, --burst-loss, --clock-rate and --fault-seed ask this member to inflict on itself, or undefined for none. */
export function stayFaults(a: Pick<StayArgs, 'loss' | 'burst-loss' | 'clock-rate' | 'fault-seed'>, self: number): MemberFaults | undefined {
  let burst: MemberFaults['burst'];
  if (a['burst-loss'] !== undefined) {
    const [forText, everyText] = String(a['burst-loss']).split('/');
    const forMs = parseDuration(forText ?? '');
    const everyMs = parseDuration(everyText ?? '');
    if (forMs === undefined || everyMs === undefined || forMs >= everyMs) {
      throw new InvalidConfigError(`--burst-loss: expected FOR/EVERY with FOR shorter, such as 300ms/3s, got ${JSON.stringify(a['burst-loss'])}`);
    }
    burst = { forMs, everyMs };
  }
  const clockRate = a['clock-rate'];
  if (clockRate !== undefined && !(clockRate > 0 && clockRate < 10)) throw new InvalidConfigError(`--clock-rate must be in (0, 10), got ${clockRate}`);
  if (!(a.loss >= 0 && a.loss < 1)) throw new InvalidConfigError(`--loss must be a probability in [0, 1), got ${a.loss}`);
  const seed = a['fault-seed'];
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) throw new InvalidConfigError(`--fault-seed must be an integer in 0..2^32-1, got ${seed}`);
  if (a.loss === 0 && burst === undefined && (clockRate === undefined || clockRate === 1)) return undefined;
  return {
    ...(a.loss > 0 ? { loss: a.loss } : {}),
    ...(burst ? { burst } : {}),
    ...(clockRate !== undefined ? { clockRate } : {}),
    // Members given one --fault-seed still lose different datagrams.
    seed: faultSeedFor(seed ?? randomInt(2 ** 31), self),
  };
}

/** The metrics server --metrics-port asks for, if any; on failure (port in use, say) the member is closed, so the process can exit. */
async function metricsFor(member: HsRingMember, a: StayArgs): Promise<MetricsServer | undefined> {
  if (a['metrics-port'] === undefined) return undefined;
  try {
    return await serveMetrics(member, { port: a['metrics-port'], host: a['metrics-host'] ?? '127.0.0.1' });
  } catch (err) {
    await member.close();
    throw err;
  }
}

/** CPU time (user and system) this process has used, in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return Number(((u.user + u.system) / 1000).toFixed(3));
}

/** Runs the member until SIGTERM or SIGINT; resolves once it resigned and closed. */
export async function runStay(a: StayArgs): Promise<void> {
  const conflict = stayConflict(a);
  if (conflict) throw new InvalidConfigError(conflict);
  const self = parseId(a.self!, '--self');
  const faults = stayFaults(a, self);
  // The chaos hook: SIGUSR2 cuts the member off both ways, the next one heals it.
  let cut = false;
  const isolation = a['chaos-signals'] ? { isolated: () => cut } : undefined;
  const member = await openMember({ ring: a.ring!, self: a.self!, 'state-dir': a['state-dir']!, 'key-file': a['key-file'], advertise: a.advertise }, undefined, faults || isolation ? { ...faults, ...isolation } : undefined);
  const line = (event: string, fields: Record<string, unknown>) => writeLine(process.stdout, event, self, fields);
  writeMemberEvents(member, process.stdout, { lease: true, detector: true });
  const metrics = await metricsFor(member, a);
  const stopped = new Promise<NodeJS.Signals | Error>((resolve) => {
    for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => resolve(s));
    member.on('failed', ({ error }) => resolve(error));
  });
  if (isolation) {
    process.on('SIGUSR2', () => {
      cut = !cut;
      line('isolated', { on: cut });
    });
  }
  member.start();
  // CPU used so far (start-up) with the ready line, and in all with the stopped line: an observer takes the difference.
  line('ready', { address: formatAddress(member.address), promised: member.status().promised, cpuMs: cpuMs(), ...(faults ? { faults } : {}), ...(metrics ? { metrics: `http://${formatAddress(metrics.address)}/metrics` } : {}) });
  const why = await stopped;
  if (why instanceof Error) {
    // The member closed itself: a promise it could not save must not be relied on.
    reportError(why);
    await metrics?.close();
    return;
  }
  await member.resign();
  await member.close();
  await metrics?.close();
  line('stopped', { signal: why, datagrams: member.status().datagrams, cpuMs: cpuMs() });
}
