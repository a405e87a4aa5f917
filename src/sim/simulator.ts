/** The discrete-event simulator over the full link: the real node layer in virtual time. */
import type { CoreFactory } from '../core/election-core.js';
import type { TraceEvent } from '../core/trace.js';
import type { Direction } from '../core/types.js';
import { DEFAULT_LINK_CONFIG, type LinkConfig } from '../link/config.js';
import type { PeerSet } from '../link/links.js';
import { ElectionNode, type Output, TIMER_KEYS } from '../node/election-node.js';
import { FROM_BOTH, FROM_LEFT, FROM_RIGHT, RIGHT_PEER } from '../node/ring.js';
import { type NodeResult, nodeResult } from '../node/result.js';
import { SeededRandom } from '../util/random.js';
import { EventQueue, bucketWidthFor } from './event-queue.js';
import { simulateIdeal } from './ideal-simulator.js';
import type { LinkMode } from './link-mode.js';
import type { NetworkModel } from './network-model.js';
import { PayloadStore } from './payload-store.js';
import { Scheduler, checkSimOptions, defaultTimeLimitMs, simResult, virtualTime } from './sim-common.js';

export { defaultTimeLimitMs } from './sim-common.js';

/** Everything that determines a run: the same options give the same result and trace. */
export interface SimOptions {
  /** Ids in ring order: node i's right neighbour is node i+1 (mod n). */
  readonly ids: readonly number[];
  /** Seeds the scheduler (delays, ties, loss, duplication) and the retransmission jitter. */
  readonly seed: number;
  readonly network?: NetworkModel;
  /** Full reliable link per node (default), or ideal exactly-once channels (no loss or duplication). */
  readonly linkMode?: LinkMode;
  /** The election algorithm; Hirschberg–Sinclair by default. */
  readonly core?: CoreFactory;
  /** Tuning of the full link; ideal channels have none. */
  readonly link?: LinkConfig;
  /** Receives every core step, in the order the steps happened. */
  readonly onTrace?: (event: TraceEvent) => void;
  /** Stop at this virtual time; nodes not finished by then are reported as stalled. */
  readonly timeLimitMs?: number;
  /** Called every `everyEvents` processed events, for progress reports. */
  readonly progress?: { readonly everyEvents: number; readonly report: (p: SimProgress) => void };
}

/** A look at a run in progress. */
export interface SimProgress {
  readonly virtualMs: number;
  readonly events: number;
  readonly algorithmMessages: number;
  readonly datagramsInFlight: number;
  readonly decided: number;
}

/** The outcome of a run; `results` feed `summarize()` like the results of launched processes. */
export interface SimResult {
  readonly ids: readonly number[];
  readonly seed: number;
  /** Which channels carried the messages; with `ideal`, datagrams are exactly algorithm messages. */
  readonly linkMode: LinkMode;
  readonly results: NodeResult[];
  /** Virtual time of the last decision, or null if some node never decided. */
  readonly electionMs: number | null;
  /** Virtual time of the last event processed. */
  readonly elapsedMs: number;
  /** What was left unfinished when the run ended; all zero after a clean termination. */
  readonly inFlight: {
    /** Datagrams queued for delivery but never delivered (only when the time limit cut the run). */
    readonly datagrams: number;
    /** Algorithm messages their sender still waited to have acknowledged. */
    readonly unacknowledged: number;
  };
  readonly network: { readonly delivered: number; readonly lost: number; readonly duplicated: number; readonly toExited: number };
  readonly events: number;
  /** The time limit stopped the run before everything finished. */
  readonly timedOut: boolean;
}

const enum Kind {
  Start,
  Datagram,
  Timer,
}

/** An event's fields in the queue: kind and node, then a datagram's sender and payload number, or a timer's key and generation. */
const F_KIND = 0;
const F_NODE = 1;
const F_FROM = 2;
const F_PAYLOAD = 3;
const F_KEY = 2;
const F_GEN = 3;

/** Timer slots per node: one per key of the node layer's timers. */
const TIMERS = TIMER_KEYS;
/** A timer slot's numbers in `timers`: its deadline and tie-break, and its live queue entry's time and generation. */
const T_AT = 0;
const T_ORDER = 1;
const T_QUEUED_AT = 2;
const T_GEN = 3;
const T_STRIDE = 4;


/**
 * Runs one election over a simulated network in virtual time: the same ElectionNode objects (core
 * and reliable links) as the UDP runtime, with the network and the clock replaced by a seeded
 * discrete-event scheduler; or, with `linkMode: 'ideal'`, the cores alone over exactly-once
 * channels (ideal-simulator.ts). Synchronous and deterministic: the result depends only on `options`.
 */
export function simulate(options: SimOptions): SimResult {
  return options.linkMode === 'ideal' ? simulateIdeal(options) : new Simulation(options).run();
}

class Simulation {
  private readonly n: number;
  private readonly model: NetworkModel;
  private readonly link: LinkConfig;
  private readonly endpoints: ElectionNode[];
  private readonly queue: EventQueue;
  private readonly scheduler: Scheduler;
  /**
   * Timers, one slot per node and key (node * TIMERS + key), of T_STRIDE numbers side by side
   * (one cache line on a ring too big for the caches). Nodes re-set their retransmission and
   * ack timers on almost every input, so a queue entry per set would mostly be stale. Instead a
   * slot keeps its deadline (NaN: not set), and the queue holds at most one live entry per slot
   * (queued time NaN: none), never later than the deadline; an entry that comes due early is
   * re-queued at the deadline. The timer still fires exactly at its deadline.
   */
  private readonly timers: Float64Array;
  private readonly lastPhase: Int32Array;
  private readonly exitedAt: Float64Array;
  /** 1 once the node has decided (a core decides once; a broken one is not counted twice). */
  private readonly decided: Uint8Array;
  /** Latest delivery time per directed link (node * 2 + side), for per-link FIFO. */
  private readonly linkLastAt: Float64Array;
  private readonly timeLimitMs: number;
  private readonly payloads = new PayloadStore();
  private decisions = 0;
  private now = 0;
  private inFlight = 0;
  private events = 0;
  private delivered = 0;
  private lost = 0;
  private duplicated = 0;
  private toExited = 0;

  constructor(private readonly options: SimOptions) {
    const ids = options.ids;
    this.n = ids.length;
    this.model = checkSimOptions(options);
    this.link = options.link ?? DEFAULT_LINK_CONFIG;
    this.scheduler = new Scheduler(this.model, options.seed);
    this.queue = new EventQueue(bucketWidthFor(this.model.delayMs[1]));
    // Jitter has its own stream, so a change in how the network draws does not shift every retry.
    const jitter = new SeededRandom((options.seed ^ 0x5bd1e995) >>> 0);
    const random = () => jitter.next();
    this.endpoints = ids.map(
      (id, i) =>
        new ElectionNode({
          id,
          session: i + 1,
          random,
          config: this.link,
          trace: options.onTrace !== undefined,
          ...(options.core ? { core: options.core } : {}),
        }),
    );
    this.timers = new Float64Array(this.n * TIMERS * T_STRIDE);
    for (let t = 0; t < this.timers.length; t += T_STRIDE) {
      this.timers[t + T_AT] = Number.NaN;
      this.timers[t + T_QUEUED_AT] = Number.NaN;
    }
    this.lastPhase = new Int32Array(this.n);
    this.exitedAt = new Float64Array(this.n).fill(Number.NaN);
    this.decided = new Uint8Array(this.n);
    this.linkLastAt = new Float64Array(2 * this.n);
    this.timeLimitMs = options.timeLimitMs ?? defaultTimeLimitMs(this.n, this.model, this.link);
  }

  run(): SimResult {
    for (let i = 0; i < this.n; i++) this.queue.push(0, this.nextOrder(), Kind.Start, i);
    const every = this.options.progress?.everyEvents ?? 0;
    const q = this.queue;
    let timedOut = false;
    const limit = this.timeLimitMs;
    while (q.size > 0) {
      const at = q.pop(limit);
      if (at === Infinity) {
        timedOut = true;
        break;
      }
      this.now = at;
      const node = q.field(F_NODE);
      const kind = q.field(F_KIND);
      this.events += 1;
      if (every > 0 && this.events % every === 0) this.options.progress!.report(this.progress());
      if (kind === Kind.Datagram) this.deliver(node, q.field(F_FROM), this.payloads.take(q.field(F_PAYLOAD)));
      else if (kind === Kind.Timer) this.timerDue(node, q.field(F_KEY), q.field(F_GEN));
      else this.apply(node, this.endpoints[node]!.start(this.now));
    }
    return this.result(timedOut);
  }

  private deliver(to: number, from: number, bytes: Uint8Array): void {
    this.inFlight -= 1;
    const endpoint = this.endpoints[to]!;
    // An exited process has closed its socket, as RingNode does. (The node exited exactly when
    // it output `exit`, which set exitedAt; asking it spares a cache miss on a big ring.)
    if (endpoint.lifecycle() === 'exited') {
      this.toExited += 1;
      return;
    }
    this.delivered += 1;
    this.apply(to, endpoint.onDatagram(this.now, bytes, this.senderSides(from, to)));
  }

  /** A queue entry for a timer came due: fire it, re-queue it at a later deadline, or drop it. */
  private timerDue(node: number, key: number, gen: number): void {
    const t = (node * TIMERS + key) * T_STRIDE;
    const timers = this.timers;
    if (gen !== timers[t + T_GEN]) return;
    timers[t + T_QUEUED_AT] = Number.NaN;
    const at = timers[t + T_AT]!;
    if (Number.isNaN(at)) return;
    if (at > this.now) {
      this.queueTimer(t, node, key, at, timers[t + T_ORDER]!);
      return;
    }
    timers[t + T_AT] = Number.NaN;
    this.apply(node, this.endpoints[node]!.onTimer(this.now, key));
  }

  private setTimer(node: number, key: number, at: number): void {
    const t = (node * TIMERS + key) * T_STRIDE;
    const timers = this.timers;
    const order = this.nextOrder();
    timers[t + T_AT] = at;
    timers[t + T_ORDER] = order;
    const queued = timers[t + T_QUEUED_AT]!;
    if (Number.isNaN(queued) || at < queued) this.queueTimer(t, node, key, at, order);
  }

  /** Queues an entry for the timer whose numbers start at `timers[t]`. */
  private queueTimer(t: number, node: number, key: number, at: number, order: number): void {
    const gen = (this.timers[t + T_GEN]! += 1);
    this.timers[t + T_QUEUED_AT] = at;
    this.queue.push(at, order, Kind.Timer, node, key, gen);
  }

  private apply(i: number, outputs: Output[]): void {
    for (let k = 0; k < outputs.length; k++) {
      const o = outputs[k]!;
      switch (o.type) {
        case 'transmit':
          this.send(i, o.peer === RIGHT_PEER, o.bytes);
          break;
        case 'setTimer':
          this.setTimer(i, o.key, this.now + o.delayMs);
          break;
        case 'cancelTimer':
          this.timers[(i * TIMERS + o.key) * T_STRIDE + T_AT] = Number.NaN;
          break;
        case 'phase':
          this.lastPhase[i] = o.phase;
          break;
        case 'trace':
          this.options.onTrace?.(o.event);
          break;
        case 'exit':
          // The process is gone: its timers die with it, as RingNode clears them.
          this.exitedAt[i] = this.now;
          for (let key = 0; key < TIMERS; key++) this.timers[(i * TIMERS + key) * T_STRIDE + T_AT] = Number.NaN;
          break;
        case 'decide':
          if (this.decided[i] === 0) this.decisions += 1;
          this.decided[i] = 1;
          break;
        case 'drop':
          break;
      }
    }
  }

  /** Hands a datagram to the network (to the right neighbour or the left): lost, delivered once, or twice, after a drawn delay. */
  private send(from: number, rightwards: boolean, bytes: Uint8Array): void {
    const m = this.model;
    const to = rightwards ? (from + 1) % this.n : (from + this.n - 1) % this.n;
    const rng = this.scheduler.rng;
    const copies = m.loss > 0 && rng.next() < m.loss ? 0 : m.duplicate > 0 && rng.next() < m.duplicate ? 2 : 1;
    if (copies === 0) this.lost += 1;
    if (copies === 2) this.duplicated += 1;
    const link = 2 * from + (rightwards ? 1 : 0);
    for (let c = 0; c < copies; c++) {
      const at = this.scheduler.arrival(this.now, this.linkLastAt, link);
      this.inFlight += 1;
      this.queue.push(at, this.nextOrder(), Kind.Datagram, to, from, this.payloads.put(bytes));
    }
  }

  private nextOrder(): number {
    return this.scheduler.nextOrder();
  }

  /** Which of receiver `to`'s neighbours sender `from` is (both on rings of one or two). */
  private senderSides(from: number, to: number): PeerSet {
    if (this.n <= 2) return FROM_BOTH;
    return from === (to + this.n - 1) % this.n ? FROM_LEFT : FROM_RIGHT;
  }

  /**
   * A look at the run. Summing algorithm messages visits every endpoint, which on a big ring
   * costs as much as thousands of events, so it is done only if the reader asks for it.
   */
  private progress(): SimProgress {
    const endpoints = this.endpoints;
    return {
      virtualMs: this.now,
      events: this.events,
      get algorithmMessages() {
        let messages = 0;
        for (const ep of endpoints) {
          const s = ep.stats.algorithm.sent;
          messages += s.probe + s.reply + s.announcement;
        }
        return messages;
      },
      datagramsInFlight: this.inFlight,
      decided: this.decisions,
    };
  }

  private result(timedOut: boolean): SimResult {
    let unacknowledged = 0;
    let lastDecision = 0;
    const n = this.n;
    const ids = this.options.ids;
    const results = this.endpoints.map((ep, i): NodeResult => {
      const decided = ep.decidedTime();
      if (decided !== undefined) lastDecision = Math.max(lastDecision, decided);
      const diagnosis = ep.diagnose(this.now);
      unacknowledged += diagnosis.left.unacked + diagnosis.right.unacked;
      const exited = !Number.isNaN(this.exitedAt[i]!);
      return nodeResult({
        outcome: exited ? 'ok' : 'stalled',
        state: ep.state(),
        lastPhase: this.lastPhase[i]!,
        stats: ep.stats,
        decidedMs: decided ?? null,
        elapsedMs: exited ? this.exitedAt[i]! : this.now,
        unconfirmed: ep.unconfirmed(),
        diagnosis,
        neighbour: (side) => {
          const j = side === 'left' ? (i + n - 1) % n : (i + 1) % n;
          return `sim node ${j} (id ${ids[j]})`;
        },
        when: virtualTime(this.now),
      });
    });
    return simResult(this.options, {
      linkMode: 'full',
      results,
      decisions: this.decisions,
      lastDecisionMs: lastDecision,
      now: this.now,
      inFlight: { datagrams: this.inFlight, unacknowledged },
      network: { delivered: this.delivered, lost: this.lost, duplicated: this.duplicated, toExited: this.toExited },
      events: this.events,
      stopped: timedOut,
    });
  }
}
