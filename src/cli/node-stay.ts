/**
 * `hs-ring node --ring FILE --self ID --stay --state-dir DIR`: one leadership member that stays
 * up, printing one JSON line per leadership change, and resigns on SIGTERM or SIGINT before it
 * exits 0. The flags of a one-shot election that mean nothing here are refused, one line each.
 */
import { performance } from 'node:perf_hooks';
import { formatAddress } from '../config/address.js';
import { parseId } from '../config/ids.js';
import { loadKeyFile } from '../config/key.js';
import { readRingFile } from '../config/ring-file.js';
import { DEFAULT_ALGORITHM } from '../core/algorithms.js';
import { InvalidConfigError } from '../errors.js';
import { DEFAULT_LINK_CONFIG } from '../link/config.js';
import { createMember } from '../runtime/leadership-member.js';
import { DEFAULT_TIMEOUT_MS } from '../runtime/link-settings.js';
import { reportError } from './report-error.js';

/** The node flags --stay reads, and those it must see unset. */
export interface StayArgs {
  ring?: string;
  self?: string;
  'state-dir'?: string;
  advertise?: string;
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
}

/** The first flag that cannot go with --stay, as the one-line reason; undefined when none. */
export function stayConflict(a: StayArgs): string | undefined {
  for (const f of ['id', 'listen', 'left', 'right'] as const) {
    if (a[f] !== undefined) return `--stay cannot be combined with --${f}: a member needs the whole ring file (--ring FILE --self ID) to count a majority`;
  }
  if (a.ring === undefined || a.self === undefined) return '--stay needs --ring FILE and --self ID';
  if (a.self.includes(',')) return '--stay runs one member per process: give --self one id';
  if (a['state-dir'] === undefined) return '--stay needs --state-dir DIR, where this member keeps its promises across restarts';
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
    ['--loss', a.loss !== 0],
    ['--dup', a.dup !== 0],
    ['--delay', String(a.delay) !== '0'],
    ['--reorder', a.reorder],
    ['--fault-seed', a['fault-seed'] !== undefined],
  ];
  const given = oneShot.find(([, on]) => on);
  // Leadership output is JSON lines already, and its messages ride no link: these flags would do nothing.
  if (given) return `--stay cannot be combined with ${given[0]} (it belongs to a one-shot election)`;
  return undefined;
}

/**
 * One JSON line on stdout: the event, this member, the monotonic ms of this process, the host's
 * monotonic clock in ms (CLOCK_MONOTONIC, one clock for every process on the machine, so an
 * observer can place the lines of several members on its own timeline) and the wall time.
 */
function line(event: string, id: number, fields: Record<string, unknown>): void {
  const hostMs = Number(process.hrtime.bigint()) / 1e6;
  process.stdout.write(`${JSON.stringify({ event, id, ...fields, mono: Number(performance.now().toFixed(3)), hostMs: Number(hostMs.toFixed(3)), wall: new Date().toISOString() })}\n`);
}

/** What is left of a lease ending at `leaseEndMs` (this process's monotonic clock), rounded up: an observer's bound must not end early. */
function leaseLeft(leaseEndMs: number): number {
  return Math.ceil((leaseEndMs - performance.now()) * 1000) / 1000;
}

/** Runs the member until SIGTERM or SIGINT; resolves once it resigned and closed. */
export async function runStay(a: StayArgs): Promise<void> {
  const conflict = stayConflict(a);
  if (conflict) throw new InvalidConfigError(conflict);
  // Names stay names: the member resolves them, and a suspected peer's again.
  const ring = await readRingFile(a.ring!);
  const self = parseId(a.self!, '--self');
  if (!ring.some((m) => m.id === self)) throw new InvalidConfigError(`--self ${self} is not a member of the ring (ids: ${ring.map((m) => m.id).join(', ')})`);
  const member = await createMember({
    ring,
    self,
    stateDir: a['state-dir']!,
    ...(a['key-file'] !== undefined ? { key: loadKeyFile(a['key-file']) } : {}),
    ...(a.advertise !== undefined ? { advertise: a.advertise } : {}),
  });
  member.on('leader', ({ token, epoch, leaseEndMs }) => line('leader', self, { epoch, token, leaseEndMs: Number(leaseEndMs.toFixed(3)), leaseLeftMs: leaseLeft(leaseEndMs) }));
  member.on('lease', ({ epoch, leaseEndMs }) => line('lease', self, { epoch, leaseEndMs: Number(leaseEndMs.toFixed(3)), leaseLeftMs: leaseLeft(leaseEndMs) }));
  member.on('follower', ({ leader, epoch, advertise }) => line('follower', self, { leader, epoch, advertise }));
  member.on('deposed', ({ epoch, reason }) => line('deposed', self, { epoch, reason }));
  const stopped = new Promise<NodeJS.Signals | Error>((resolve) => {
    for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => resolve(s));
    member.on('failed', ({ error }) => resolve(error));
  });
  member.start();
  line('ready', self, { address: formatAddress(member.address), promised: member.status().promised });
  const why = await stopped;
  if (why instanceof Error) {
    // The member closed itself: a promise it could not save must not be relied on.
    reportError(why);
    return;
  }
  await member.resign();
  await member.close();
  line('stopped', self, { signal: why });
}
