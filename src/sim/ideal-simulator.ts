/** The simulator over ideal exactly-once channels: cores alone, no link. */
import type { ElectionCore } from '../core/election-core.js';
import { HsNode } from '../core/hs.js';
import { traceEvent } from '../core/trace.js';
import type { Direction, Message, Step } from '../core/types.js';
import { DROP_REASONS, type DropReason } from '../link/stats.js';
import { type NodeResult, nodeResult } from '../node/result.js';
import { EventQueue, bucketWidthFor } from './event-queue.js';
import { idealNetworkProblem } from './link-mode.js';
import { Scheduler, checkSimOptions, defaultTimeLimitMs, simResult, virtualTime } from './sim-common.js';
import type { SimOptions, SimResult } from './simulator.js';

/** Ideal channels drop nothing; one frozen record of zeros serves every node. */
const NO_DROPS = Object.freeze(Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>);

/** The side a message arrives on, at the receiver. */
const LEFT = 0;
const RIGHT = 1;

/** Message kinds as numbers, in MESSAGE_KINDS order (the order the counts are kept in). */
const PROBE = 0;
const REPLY = 1;
const ANNOUNCEMENT = 2;

/*
 * An event's fields in the queue. A message travels as numbers (kind, origin or leader, phase,
 * hops: what the wire format carries), not as the core's object: nothing the core allocates then
 * outlives its step, so the garbage collector never copies or promotes messages in flight, and
 * the queue reads an event from one place in memory. Doubles hold ids up to 2^53-1 exactly.
 */
const F_NODE = 0;
const F_SIDE = 1;
const F_KIND = 2;
const F_VALUE = 3;
const F_PHASE = 4;
const F_HOPS = 5;

/**
 * Runs one election over ideal exactly-once channels: each node's core (HS, or the factory's) is
 * driven directly, and every message it sends is handed once to the neighbour's core after a
 * delay drawn as the full simulator draws it (both draw through Scheduler, sim-common.ts: per-link
 * FIFO unless `reorder`, ties in seeded random order, or global FIFO). No frames, acks, retransmissions or timers, so it counts exactly
 * the algorithm messages the analysis bounds, and runs in seconds where the full link takes about a minute at n = 100,000.
 *
 * Where it differs from the full link: every node starts before any message is delivered (with
 * zero delays the full link can deliver a datagram to a node not yet started, which drops it and
 * gets it again later), and a node's run ends when its core is done (there is no linger). The
 * result has the full simulator's shape, with datagrams equal to algorithm messages and every
 * link-level count (acks, retransmissions, duplicates, drops) zero.
 */
export function simulateIdeal(options: SimOptions): SimResult {
  return new IdealSimulation(options).run();
}

/*
 * Per-node counters, interleaved: node i's are state[i * STATE + field]. A delivery goes to a
 * random place on the ring, so each separate array it touched was another cache miss; side by
 * side, what a step reads and writes fits in one or two cache lines.
 */
const STATE = 8;
/** Messages received by kind code (S_RECEIVED + PROBE etc.), then sent. */
const S_RECEIVED = 0;
const S_SENT = 3;
/** Latest delivery time on the node's outgoing links, leftwards and rightwards, for per-link FIFO. */
const S_LAST_LEFT = 6;
const S_LAST_RIGHT = 7;

class IdealSimulation {
  private readonly n: number;
  private readonly cores: ElectionCore[];
  private readonly state: Float64Array;
  /** Rarely touched: when each node decided and finished (NaN: not yet), and its last phase. */
  private readonly decidedAt: Float64Array;
  private readonly doneAt: Float64Array;
  private readonly lastPhase: Int32Array;
  private readonly queue: EventQueue;
  private readonly scheduler: Scheduler;
  private readonly timeLimitMs: number;
  private readonly onTrace: SimOptions['onTrace'];
  private now = 0;
  private inFlight = 0;
  private events = 0;
  private delivered = 0;
  private sentTotal = 0;
  private decisions = 0;

  constructor(private readonly options: SimOptions) {
    const ids = options.ids;
    const n = (this.n = ids.length);
    const model = checkSimOptions(options, idealNetworkProblem);
    this.scheduler = new Scheduler(model, options.seed);
    this.queue = new EventQueue(bucketWidthFor(model.delayMs[1]));
    const make = options.core ?? ((id: number) => new HsNode(id));
    this.cores = ids.map((id) => make(id));
    this.onTrace = options.onTrace;
    this.timeLimitMs = options.timeLimitMs ?? defaultTimeLimitMs(n, model);
    this.state = new Float64Array(STATE * n);
    this.decidedAt = new Float64Array(n).fill(Number.NaN);
    this.doneAt = new Float64Array(n).fill(Number.NaN);
    this.lastPhase = new Int32Array(n);
  }

  run(): SimResult {
    this.startAll();
    const q = this.queue;
    const progress = this.options.progress;
    const every = progress?.everyEvents ?? 0;
    // Report whenever the event count (starts included) is a multiple of `every`.
    let untilReport = every > 0 ? every - (this.n % every) : -1;
    let timedOut = false;
    const limit = this.timeLimitMs;
    while (q.size > 0) {
      const at = q.pop(limit);
      if (at === Infinity) {
        timedOut = true;
        break;
      }
      this.now = at;
      this.events += 1;
      if (--untilReport === 0) {
        untilReport = every;
        progress!.report({
          virtualMs: this.now,
          events: this.events,
          algorithmMessages: this.sentTotal,
          datagramsInFlight: this.inFlight,
          decided: this.decisions,
        });
      }
      this.deliver(q.field(F_NODE), q.field(F_SIDE) === LEFT ? 'left' : 'right');
    }
    return this.result(timedOut);
  }

  /**
   * Every node starts at time 0, before any message is delivered (the full simulator queues the
   * starts, so with a zero delay a message can reach a node first; it is then retried). The start
   * order is drawn as the full simulator draws it: a seeded tie-break per node, or ring order
   * under global FIFO.
   */
  private startAll(): void {
    const order = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) order[i] = this.scheduler.nextOrder();
    const nodes = Array.from({ length: this.n }, (_, i) => i).sort((a, b) => order[a]! - order[b]!);
    for (const i of nodes) this.carryOut(i, this.cores[i]!.start(), undefined, undefined);
    this.events = this.n;
  }

  /** Hands the message of the event just popped to node `to`, which receives it on side `from`. */
  private deliver(to: number, from: Direction): void {
    const q = this.queue;
    const core = this.cores[to]!;
    const kind = q.field(F_KIND);
    const value = q.field(F_VALUE);
    // A fresh message per delivery, as the core's API takes one: it dies young, so it costs
    // little (reusing one object per kind measured no faster), and a core or trace may keep it.
    const message: Message =
      kind === PROBE
        ? { kind: 'probe', origin: value, phase: q.field(F_PHASE), hops: q.field(F_HOPS) }
        : kind === REPLY
          ? { kind: 'reply', origin: value, phase: q.field(F_PHASE) }
          : { kind: 'announcement', leader: value };
    this.state[to * STATE + S_RECEIVED + kind]! += 1;
    this.inFlight -= 1;
    this.delivered += 1;
    this.carryOut(to, core.receive(from, message), from, message);
  }

  private carryOut(i: number, step: Step, from: Direction | undefined, message: Message | undefined): void {
    if (this.onTrace) this.onTrace(traceEvent(this.now, this.cores[i]!.state(), step, from === undefined ? undefined : { from, message: message! }));
    const commands = step.commands;
    for (let k = 0; k < commands.length; k++) {
      const c = commands[k]!;
      switch (c.type) {
        case 'send':
          this.send(i, c.direction, c.message);
          break;
        case 'decide':
          if (Number.isNaN(this.decidedAt[i]!)) this.decisions += 1;
          this.decidedAt[i] = this.now;
          break;
        case 'phase':
          this.lastPhase[i] = c.phase;
          break;
        case 'done':
          this.doneAt[i] = this.now;
          break;
      }
    }
  }

  /** Queues `m` for the neighbour on side `d`, where it arrives on its opposite side. */
  private send(from: number, d: Direction, m: Message): void {
    const kind = m.kind === 'probe' ? PROBE : m.kind === 'reply' ? REPLY : ANNOUNCEMENT;
    const base = from * STATE;
    this.state[base + S_SENT + kind]! += 1;
    this.sentTotal += 1;
    const rightwards = d === 'right';
    const n = this.n;
    const to = rightwards ? (from + 1 === n ? 0 : from + 1) : from === 0 ? n - 1 : from - 1;
    const at = this.scheduler.arrival(this.now, this.state, base + (rightwards ? S_LAST_RIGHT : S_LAST_LEFT));
    this.inFlight += 1;
    const order = this.scheduler.nextOrder();
    // Sent rightwards, it arrives on the receiver's left.
    const side = rightwards ? LEFT : RIGHT;
    if (m.kind === 'probe') this.queue.push(at, order, to, side, PROBE, m.origin, m.phase, m.hops);
    else if (m.kind === 'reply') this.queue.push(at, order, to, side, REPLY, m.origin, m.phase);
    else this.queue.push(at, order, to, side, ANNOUNCEMENT, m.leader);
  }

  private result(timedOut: boolean): SimResult {
    let lastDecision = 0;
    const results = this.cores.map((core, i): NodeResult => {
      const state = core.state();
      const at = i * STATE;
      const decided = this.decidedAt[i]!;
      if (!Number.isNaN(decided)) lastDecision = Math.max(lastDecision, decided);
      const done = state.status === 'done';
      const sent = this.counts(at + S_SENT);
      const received = this.counts(at + S_RECEIVED);
      return nodeResult({
        outcome: done ? 'ok' : 'stalled',
        state,
        lastPhase: this.lastPhase[i]!,
        stats: {
          algorithm: { sent, received },
          datagrams: {
            sent: sent.probe + sent.reply + sent.announcement,
            received: received.probe + received.reply + received.announcement,
            retransmissions: 0,
            pureAcks: 0,
            duplicates: 0,
            abandoned: 0,
            dropped: NO_DROPS,
          },
        },
        decidedMs: Number.isNaN(decided) ? null : decided,
        elapsedMs: done ? this.doneAt[i]! : this.now,
        unconfirmed: [],
        // No links: a stalled node names no neighbour, and its reason speaks of its core alone.
        neighbour: () => '',
        when: virtualTime(this.now),
      });
    });
    return simResult(this.options, {
      linkMode: 'ideal',
      results,
      decisions: this.decisions,
      lastDecisionMs: lastDecision,
      now: this.now,
      inFlight: { datagrams: this.inFlight, unacknowledged: 0 },
      network: { delivered: this.delivered, lost: 0, duplicated: 0, toExited: 0 },
      events: this.events,
      stopped: timedOut,
    });
  }

  /** The three per-kind counts starting at `from` in the state array. */
  private counts(from: number): { probe: number; reply: number; announcement: number } {
    const s = this.state;
    return { probe: s[from + PROBE]!, reply: s[from + REPLY]!, announcement: s[from + ANNOUNCEMENT]! };
  }
}
