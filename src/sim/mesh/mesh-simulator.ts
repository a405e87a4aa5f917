/**
 * A deterministic simulator for mesh election cores (Bully, Raft-style): n nodes, every pair
 * linked, over a network that loses, duplicates, reorders and delays datagrams, with crashes,
 * restarts and partitions at scheduled times, and an outside observer that checks the election
 * properties after every event. One seed gives one run, exactly.
 *
 * Partial synchrony: from `stableAfter` on, the network neither loses nor duplicates and delays
 * every datagram by at most `stableDelay` (the global stabilisation time of Dwork, Lynch and
 * Stockmeyer). Faults should be scheduled before it for "eventually" properties to be checkable.
 */
import type { MeshAlgorithm, MeshCommand, MeshCore } from '../../core/mesh-core.js';
import { SeededRandom } from '../../util/random.js';
import { MeshObserver, type NodeView, type Settlement, type Violation } from './mesh-observer.js';
import { TimedQueue } from '../timed-queue.js';

/** The network before `stableAfter`. Delays are whole ms drawn uniformly from [minDelay, maxDelay]. */
export interface MeshNetwork {
  readonly loss: number;
  readonly duplicate: number;
  readonly minDelay: number;
  readonly maxDelay: number;
}

/** A fault at simulated time `at` (ms). A partition puts each listed group on its own; unlisted ids form one more group. */
export type MeshFault =
  | { readonly at: number; readonly type: 'crash'; readonly node: number }
  | { readonly at: number; readonly type: 'restart'; readonly node: number }
  | { readonly at: number; readonly type: 'partition'; readonly groups: readonly (readonly number[])[] }
  | { readonly at: number; readonly type: 'heal' };

export interface MeshSimOptions<M extends { readonly kind: string }, S, T extends string> {
  readonly algorithm: MeshAlgorithm<M, S, T>;
  readonly ids: readonly number[];
  readonly seed: number;
  readonly network: MeshNetwork;
  readonly faults?: readonly MeshFault[];
  /** Time from which the network is reliable with delays of at most `stableDelay`; Infinity for never. */
  readonly stableAfter?: number;
  readonly stableDelay?: number;
  /** When each node starts (default: all at 0). */
  readonly startAt?: (id: number) => number;
  /** The run ends at this simulated time (ms). */
  readonly until: number;
  /** Stop after this many events, a guard against a core that floods. */
  readonly maxEvents?: number;
  /**
   * false: only count messages; the observer, whose look at every node costs O(n) per event,
   * never runs, so violations, settlements and leader counts stay empty. Default true.
   */
  readonly observe?: boolean;
}

export interface MeshCounts {
  /** Algorithm messages sent, by kind (each send counts once, lost or not). */
  readonly byKind: Readonly<Record<string, number>>;
  readonly election: number;
  readonly heartbeat: number;
  readonly lost: number;
  readonly duplicated: number;
}

export interface MeshSimResult {
  readonly violations: readonly Violation[];
  readonly maxLeadersAtOnce: number;
  /** Changes of the set of acting leaders seen by the observer. */
  readonly leaderChanges: number;
  /** The settlement holding when the run ended, if any. */
  readonly settled: Settlement | null;
  readonly firstSettledAt: number | null;
  /** Terms in which some node led (algorithms with terms). */
  readonly termsWithLeader: number;
  readonly messages: MeshCounts;
  /** Messages sent before the first settlement: what the first election cost. */
  readonly toFirstSettlement: { readonly election: number; readonly heartbeat: number } | null;
  readonly liveIds: readonly number[];
  /** Live nodes acting as leader when the run ended. */
  readonly finalLeaders: readonly number[];
  /** Time of the last scheduled fault (0 if none). */
  readonly lastFaultAt: number;
  readonly events: number;
  readonly endedAt: number;
}

type Event<M, T> =
  | { readonly type: 'start'; readonly id: number }
  | { readonly type: 'deliver'; readonly from: number; readonly to: number; readonly message: M }
  | { readonly type: 'timer'; readonly id: number; readonly timer: T; readonly gen: number }
  | { readonly type: 'fault'; readonly fault: MeshFault };

interface SimNode<M, S, T extends string> {
  readonly id: number;
  core: MeshCore<M, S, T> | null;
  incarnation: number;
  readonly timers: Map<T, number>;
  durable: unknown;
}

/** Runs one simulation. */
export function simulateMesh<M extends { readonly kind: string }, S, T extends string>(o: MeshSimOptions<M, S, T>): MeshSimResult {
  if (new Set(o.ids).size !== o.ids.length || o.ids.length === 0) throw new RangeError('ids must be distinct and non-empty');
  const net = new SeededRandom(o.seed);
  const queue = new TimedQueue<Event<M, T>>();
  const observer = new MeshObserver();
  const nodes = new Map<number, SimNode<M, S, T>>();
  const heartbeatKinds = new Set<string>(o.algorithm.heartbeatKinds);
  const byKind: Record<string, number> = {};
  for (const k of o.algorithm.messageKinds) byKind[k] = 0;
  let election = 0;
  let heartbeat = 0;
  let lost = 0;
  let duplicated = 0;
  let toFirst: { election: number; heartbeat: number } | null = null;
  let group = new Map<number, number>();
  let timerGen = 0;
  const stableAfter = o.stableAfter ?? Infinity;
  const stableDelay = o.stableDelay ?? o.network.maxDelay;

  for (const id of o.ids) {
    nodes.set(id, { id, core: null, incarnation: 0, timers: new Map(), durable: undefined });
    queue.push(o.startAt?.(id) ?? 0, { type: 'start', id });
  }
  let lastFaultAt = 0;
  for (const f of o.faults ?? []) {
    queue.push(f.at, { type: 'fault', fault: f });
    lastFaultAt = Math.max(lastFaultAt, f.at);
  }

  const reachable = (a: number, b: number) => (group.get(a) ?? -1) === (group.get(b) ?? -1);

  function delay(now: number): number {
    const [lo, hi] = now >= stableAfter ? [Math.min(o.network.minDelay, stableDelay), stableDelay] : [o.network.minDelay, o.network.maxDelay];
    return lo + net.below(hi - lo + 1);
  }

  function transmit(now: number, from: number, to: number, message: M): void {
    byKind[message.kind] = (byKind[message.kind] ?? 0) + 1;
    if (heartbeatKinds.has(message.kind)) heartbeat += 1;
    else election += 1;
    const unstable = now < stableAfter;
    if (!reachable(from, to) || (unstable && net.next() < o.network.loss)) {
      lost += 1;
      return;
    }
    queue.push(now + delay(now), { type: 'deliver', from, to, message });
    if (unstable && net.next() < o.network.duplicate) {
      duplicated += 1;
      queue.push(now + delay(now), { type: 'deliver', from, to, message });
    }
  }

  function apply(now: number, node: SimNode<M, S, T>, commands: readonly MeshCommand<M, T>[]): void {
    for (const c of commands) {
      if (c.type === 'send') transmit(now, node.id, c.to, c.message);
      else if (c.type === 'setTimer') {
        timerGen += 1;
        node.timers.set(c.timer, timerGen);
        queue.push(Math.max(now, c.at), { type: 'timer', id: node.id, timer: c.timer, gen: timerGen });
      } else if (c.type === 'cancelTimer') node.timers.delete(c.timer);
    }
    if (node.core) node.durable = node.core.durable();
  }

  function boot(now: number, node: SimNode<M, S, T>): void {
    const random = new SeededRandom(mix(o.seed, node.id, node.incarnation)).fn;
    const restored = node.incarnation > 0 ? node.durable : undefined;
    node.core = o.algorithm.create(node.id, { members: o.ids, random, restored });
    apply(now, node, node.core.start(now).commands);
  }

  function fault(now: number, f: MeshFault): void {
    if (f.type === 'crash' || f.type === 'restart') {
      const node = nodes.get(f.node);
      if (!node) throw new RangeError(`fault names ${f.node}, not a member`);
      if (f.type === 'crash' && node.core) {
        node.core = null;
        node.timers.clear();
        node.incarnation += 1;
      } else if (f.type === 'restart' && !node.core && node.incarnation > 0) boot(now, node);
    } else if (f.type === 'partition') {
      group = new Map();
      f.groups.forEach((g, i) => {
        for (const id of g) group.set(id, i);
      });
    } else group = new Map();
  }

  const views = (): NodeView[] =>
    o.ids.map((id) => {
      const node = nodes.get(id)!;
      const core = node.core;
      // A node yet to start is live and knows no leader: no settlement before every member is up.
      if (!core) return { id, alive: node.incarnation === 0, isLeader: false, knownLeader: null, term: undefined };
      return { id, alive: true, isLeader: core.isLeader(), knownLeader: core.knownLeader(), term: o.algorithm.termOf?.(core.state()) };
    });

  const maxEvents = o.maxEvents ?? 2_000_000;
  let events = 0;
  let now = 0;
  for (;;) {
    const next = queue.pop();
    if (!next || next.at > o.until || events >= maxEvents) break;
    now = next.at;
    events += 1;
    const e = next.item;
    if (e.type === 'start') {
      const node = nodes.get(e.id)!;
      if (node.incarnation === 0 && !node.core) boot(now, node);
    } else if (e.type === 'deliver') {
      const node = nodes.get(e.to)!;
      if (!node.core || !reachable(e.from, e.to)) {
        lost += 1;
        continue;
      }
      apply(now, node, node.core.receive(e.from, e.message, now).commands);
    } else if (e.type === 'timer') {
      const node = nodes.get(e.id)!;
      if (!node.core || node.timers.get(e.timer) !== e.gen) continue;
      node.timers.delete(e.timer);
      apply(now, node, node.core.fire(e.timer, now).commands);
    } else fault(now, e.fault);
    if (o.observe === false) continue;
    observer.check(now, views());
    if (toFirst === null && observer.firstSettled !== null) toFirst = { election, heartbeat };
  }
  const report = observer.report();
  return {
    violations: report.violations,
    maxLeadersAtOnce: observer.maxLeadersAtOnce,
    leaderChanges: observer.leaderChanges,
    settled: report.settled,
    firstSettledAt: report.firstSettledAt,
    termsWithLeader: report.termsWithLeader,
    messages: { byKind, election, heartbeat, lost, duplicated },
    toFirstSettlement: toFirst,
    liveIds: o.ids.filter((id) => nodes.get(id)!.core !== null),
    finalLeaders: o.ids.filter((id) => nodes.get(id)!.core?.isLeader() === true),
    lastFaultAt,
    events,
    endedAt: now,
  };
}

/** A per-node, per-incarnation seed, so a restarted node draws fresh timeouts. */
function mix(seed: number, id: number, incarnation: number): number {
  let h = (seed ^ 0x5bd1e995) >>> 0;
  for (const x of [id % 2 ** 32, Math.floor(id / 2 ** 32), incarnation]) {
    h = Math.imul(h ^ x, 0x9e3779b1) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
  }
  return h;
}
