/**
 * Prometheus metrics of leadership members (docs/operations.md lists each): memberMetrics()
 * registers them, read from status() at each scrape and from the member's events, in a
 * prom-client registry. prom-client is an optional peer dependency, loaded only here: an
 * application without metrics never needs it.
 */
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { MissingDependencyError } from '../errors.js';
import { LEADERSHIP_DROP_REASONS } from './leadership-frames.js';
import { type HsRingMember, LEADERSHIP_MESSAGE_KINDS, type MemberEvents } from './leadership-member.js';

type PromClient = typeof import('prom-client');

/**
 * What this library needs of a prom-client Registry, and gives back: written out so the
 * declarations compile where prom-client is not installed. A prom-client Registry is one.
 */
export interface MetricsRegistry {
  /** The Prometheus text of every metric. */
  metrics(): Promise<string>;
  readonly contentType: string;
  getSingleMetric(name: string): unknown;
}

export interface MemberMetricsOptions {
  /** A prom-client Registry to add to (an application's own, say); a new one if absent. Several members may share one. */
  readonly registry?: MetricsRegistry;
  /** Also collect Node's process metrics (CPU, memory, nodejs_eventloop_lag_seconds, GC) into the registry, once; default true. */
  readonly processMetrics?: boolean;
}

export interface MemberMetrics {
  readonly registry: MetricsRegistry;
  /** Stops reporting this member: its series leave the registry, the other members' stay. */
  detach(): void;
}

/** Seconds from the end of the previous term (as this member saw it) to the first sign of the next; a failover takes S (150 ms by default) and an election. */
const FAILOVER_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30];

/** prom-client, or MissingDependencyError saying how to get it. */
async function loadPromClient(): Promise<PromClient> {
  try {
    return await import('prom-client');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new MissingDependencyError('metrics are served with prom-client, an optional dependency not installed here: npm install prom-client');
  }
}

/** The members reporting into one registry, and the metrics they share there. */
interface Shared {
  readonly members: Set<HsRingMember>;
  readonly leaderChanges: Counter<'member'>;
  readonly failover: Histogram<'member'>;
}

const sharedOf = new WeakMap<Registry, Shared>();

/** Registers the metrics of `member` in a registry (options.registry or a new one) and returns it. */
export async function memberMetrics(member: HsRingMember, options: MemberMetricsOptions = {}): Promise<MemberMetrics> {
  const prom = await loadPromClient();
  // Given by the caller, it is a prom-client Registry: nothing else can have registered metrics.
  const registry = (options.registry as Registry | undefined) ?? new prom.Registry();
  if ((options.processMetrics ?? true) && registry.getSingleMetric('process_cpu_seconds_total') === undefined) {
    prom.collectDefaultMetrics({ register: registry });
  }
  let shared = sharedOf.get(registry);
  if (!shared) {
    shared = register(prom, registry);
    sharedOf.set(registry, shared);
  }
  const s = shared;
  s.members.add(member);
  const label = { member: String(member.id) };
  // A new term (this member's own or one it follows): count it, and time the gap since the previous one ended.
  const onTerm = ({ epoch }: { readonly epoch: number }) => {
    s.leaderChanges.inc(label);
    const st = member.status();
    if (st.previousTerm && st.term?.epoch === epoch) s.failover.observe(label, Math.max(0, st.term.sinceMs - st.previousTerm.lastMs) / 1000);
  };
  const onLeader = (e: MemberEvents['leader'][0]) => onTerm(e);
  const onFollower = (e: MemberEvents['follower'][0]) => onTerm(e);
  member.on('leader', onLeader);
  member.on('follower', onFollower);
  s.leaderChanges.inc(label, 0);
  s.failover.zero(label);
  return {
    registry,
    detach() {
      member.off('leader', onLeader);
      member.off('follower', onFollower);
      s.members.delete(member);
      s.leaderChanges.remove(label);
      s.failover.remove(label);
    },
  };
}

/** Creates the hs_ring_* metrics in `registry`; the status-backed ones read every member attached to it at each scrape. */
function register(prom: PromClient, registry: Registry): Shared {
  const members = new Set<HsRingMember>();
  const registers = [registry];
  const each = (read: (m: HsRingMember, label: { member: string }) => void) => {
    for (const m of members) read(m, { member: String(m.id) });
  };
  const gauge = (name: string, help: string, value: (m: HsRingMember) => number): Gauge<'member'> =>
    new prom.Gauge({
      name,
      help,
      labelNames: ['member'],
      registers,
      collect() {
        this.reset();
        each((m, l) => this.set(l, value(m)));
      },
    });
  gauge('hs_ring_is_leader', '1 while this member leads with a lease not yet ended on its monotonic clock, else 0', (m) => (m.isLeader() ? 1 : 0));
  gauge('hs_ring_epoch', 'The epoch this member leads or stands for (its fencing token while leading), -1 if none', (m) => m.status().epoch);
  gauge('hs_ring_promised_epoch', 'The highest epoch this member promised (persisted)', (m) => m.status().promised);
  gauge('hs_ring_term_epoch', 'The epoch of the newest term this member knows (its own or its leader\'s), -1 if none', (m) => m.status().term?.epoch ?? -1);
  gauge('hs_ring_known_leader', 'The id of the leader this member knows of (itself while leading), -1 if none', (m) => m.status().leader ?? -1);
  gauge('hs_ring_timer_lag_seconds', 'How late the member\'s last timer fired: the event loop was busy', (m) => m.status().timerLagMs.last / 1000);
  gauge('hs_ring_timer_lag_max_seconds', 'The latest the member\'s timer ever fired', (m) => m.status().timerLagMs.max / 1000);
  new prom.Counter({
    name: 'hs_ring_suspicions_total',
    help: 'Times a member left this member\'s view: heard from, then silent for the suspicion time S',
    labelNames: ['member'],
    registers,
    collect() {
      this.reset();
      each((m, l) => this.inc(l, m.status().suspicions));
    },
  });
  new prom.Counter({
    name: 'hs_ring_datagrams_total',
    help: 'Leadership datagrams sent, and received that decoded, by message kind',
    labelNames: ['member', 'direction', 'kind'],
    registers,
    collect() {
      this.reset();
      each((m, l) => {
        const by = m.status().datagramsByKind;
        for (const kind of LEADERSHIP_MESSAGE_KINDS) {
          this.inc({ ...l, direction: 'sent', kind }, by.sent[kind]);
          this.inc({ ...l, direction: 'received', kind }, by.received[kind]);
        }
      });
    },
  });
  new prom.Counter({
    name: 'hs_ring_drops_total',
    help: 'Datagrams dropped before reaching the protocol, by reason',
    labelNames: ['member', 'reason'],
    registers,
    collect() {
      this.reset();
      each((m, l) => {
        const drops = m.status().drops;
        for (const reason of LEADERSHIP_DROP_REASONS) this.inc({ ...l, reason }, drops[reason]);
      });
    },
  });
  const leaderChanges = new prom.Counter({
    name: 'hs_ring_leader_changes_total',
    help: 'Terms this member learned of (a new leader, or a new epoch of the same one), its own included',
    labelNames: ['member'],
    registers,
  });
  const failover = new prom.Histogram({
    name: 'hs_ring_failover_seconds',
    help: 'From the last sign of the previous term (its last Renew heard, or this member leaving office) to the first sign of the next',
    labelNames: ['member'],
    buckets: FAILOVER_BUCKETS,
    registers,
  });
  return { members, leaderChanges, failover };
}
