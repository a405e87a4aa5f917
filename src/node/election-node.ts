/**
 * One ring node without I/O: an election core (any algorithm of the registry) composed with a
 * reliable link to each of its two neighbours, and the node's lifecycle (start, decide, linger,
 * give up). Datagrams and timer firings go in with the current time; datagrams to send, timers
 * to set and events come out. The UDP runtime and the simulator both drive this class.
 */
import { ALGORITHMS, DEFAULT_ALGORITHM } from '../core/algorithms.js';
import type { CoreFactory, CoreState, ElectionCore } from '../core/election-core.js';
import { traceEvent, type TraceEvent } from '../core/trace.js';
import type { Direction, Message, Step } from '../core/types.js';
import { STAMPED_MESSAGE_CODEC, type StampedMessage, UNKNOWN_INCARNATION } from '../wire/message-codec.js';
import { type LinkConfig, DEFAULT_LINK_CONFIG, linkConfigProblem } from '../link/config.js';
import { Link, type LinkContext } from '../link/link.js';
import { type PeerSet, receiveDatagram } from '../link/links.js';
import { type LinkOutput, type TimerKey, linkTimerKeys } from '../link/output.js';
import type { LinkCounts } from '../link/stats.js';
import { NO_RING_DIGEST, type PayloadCodec } from '../wire/frame.js';
import { RING_LANES, RING_PEERS, sideOf } from './ring.js';
import { type NodeStats, emptyStats } from './stats.js';

/**
 * A finished node retries its last announcement at least RETRIES_PER_LINGER times per linger
 * period of the neighbour, and stops only after GIVE_UP_RETRIES retries in a row went unanswered.
 * A neighbour still alive and waiting decides on the first retry that reaches it, so giving up
 * wrongly needs GIVE_UP_RETRIES consecutive losses (0.9^128 ≈ 1e-6 at 90% loss); a neighbour that
 * already left after lingering costs us GIVE_UP_RETRIES × lingerMs / RETRIES_PER_LINGER of retrying.
 */
const RETRIES_PER_LINGER = 8;
const GIVE_UP_RETRIES = 128;

/** The node's own timer, numbered after its links' timers. */
export const LINGER_TIMER: TimerKey = linkTimerKeys(RING_PEERS.length);
/** How many timer keys a ring node uses (0 .. TIMER_KEYS - 1). */
export const TIMER_KEYS = LINGER_TIMER + 1;

/** What a node asks its driver (UDP runtime or simulator) to do, or tells it. */
export type Output =
  | LinkOutput
  | { readonly type: 'phase'; readonly phase: number }
  | { readonly type: 'decide'; readonly leader: number; readonly isLeader: boolean }
  | { readonly type: 'trace'; readonly event: TraceEvent }
  /** Finished, everything acknowledged, and quiet for the linger time: the node may close. */
  | { readonly type: 'exit' }
  /**
   * A message of this node's id arrived stamped with another incarnation: another node has this
   * id (or this node restarted while the ring still carried its earlier messages). The node has
   * stopped: it ignores every later input, and must not report the run as a success.
   */
  | { readonly type: 'duplicate-id'; readonly id: number; readonly detail: string };

export interface ElectionNodeOptions {
  readonly id: number;
  /** This process's incarnation, written into every frame. */
  readonly session: number;
  readonly config?: LinkConfig;
  /** Uniform in [0, 1); seeded in simulation. Used only for retransmission jitter. */
  readonly random: () => number;
  /** Emit a `trace` output for every core step. */
  readonly trace?: boolean;
  /** The election algorithm; the registry's default unless given (e.g. LCR, or a broken core in tests). */
  readonly core?: CoreFactory;
  /**
   * Cluster key. With it every frame is authenticated (HMAC-SHA256) and a neighbour's session is
   * accepted only once one of its frames echoes our session (spec/protocol.md §4), so frames
   * replayed from an earlier run can never be taken for the neighbour. The session must be non-zero.
   */
  readonly key?: Uint8Array;
  /**
   * Digest of the ring configuration (config/ring-digest.ts), NO_RING_DIGEST (0) without a ring
   * file. Frames of a non-zero digest other than ours are dropped as `ring-mismatch`.
   */
  readonly ringDigest?: number;
  /** Leadership epoch written into every frame; 0, the default, in a plain election. */
  readonly epoch?: number;
}

/** Where a node is in its life. */
export type Lifecycle = 'idle' | 'running' | 'lingering' | 'exited';

/** Once the leader is known, only announcements are still of use to a neighbour (it learns the leader from them). */
function neededOnceDecided(p: StampedMessage): boolean {
  return p.message.kind === 'announcement';
}

/** The id a message speaks for: its origin, or the leader it announces. */
function originOf(m: Message): number {
  return m.kind === 'announcement' ? m.leader : m.origin;
}

/**
 * The node is its links' context (settings, counters, outputs, deliveries) itself: on a big
 * simulated ring a separate context object and its closures per node would cost memory for nothing.
 */
export class ElectionNode implements LinkContext<StampedMessage> {
  readonly core: ElectionCore;
  readonly stats: NodeStats = emptyStats();
  // The counters bumped on every input, reached without going through `stats` (one object fewer
  // touched per input: on a big simulated ring each one is a cache miss).
  readonly counts: LinkCounts = this.stats.datagrams;
  private readonly sentCounts = this.stats.algorithm.sent;
  private readonly receivedCounts = this.stats.algorithm.received;
  readonly config: LinkConfig;
  readonly session: number;
  readonly key: Uint8Array | undefined;
  readonly ringDigest: number;
  readonly epoch: number;
  readonly random: () => number;
  readonly codec: PayloadCodec<StampedMessage> = STAMPED_MESSAGE_CODEC;
  private readonly traceSteps: boolean;
  private readonly links: readonly Link<StampedMessage>[];
  // Two fields as well as the array: the core speaks of sides, and one lookup fewer per send.
  private readonly left: Link<StampedMessage>;
  private readonly right: Link<StampedMessage>;
  /** Outputs of the input being handled; created on the first one, so that no array waits in an idle node. */
  private out: Output[] | undefined;
  private life: Lifecycle = 'idle';
  private now = 0;
  private decidedAt: number | undefined;
  private finishedAt: number | undefined;
  private readonly id: number;
  /** Why the node stopped on finding its id elsewhere on the ring, once it has (see the `duplicate-id` output). */
  private duplicate: string | undefined;
  /** The core said `done` (cheaper to keep than to build its state snapshot on every input). */
  private coreDone = false;
  /** In the order they were given up; an array, as a Set per node weighs more than it saves. */
  private readonly unconfirmedSides: Direction[] = [];

  constructor(options: ElectionNodeOptions) {
    this.config = options.config ?? DEFAULT_LINK_CONFIG;
    this.traceSteps = options.trace ?? false;
    const problem = linkConfigProblem(this.config);
    if (problem) throw new RangeError(problem);
    // Session 0 is the echo of "no session known yet": a keyed node with it would verify anyone.
    if (options.key && options.session === 0) throw new RangeError('a keyed node needs a non-zero session');
    this.core = (options.core ?? ALGORITHMS[DEFAULT_ALGORITHM].create)(options.id);
    this.id = options.id;
    this.session = options.session;
    this.key = options.key;
    this.ringDigest = options.ringDigest ?? NO_RING_DIGEST;
    this.epoch = options.epoch ?? 0;
    this.random = options.random;
    this.left = new Link(this, 0, RING_PEERS[0]!);
    this.right = new Link(this, 1, RING_PEERS[1]!);
    this.links = [this.left, this.right];
  }

  /** Starts the election at this node. */
  start(now: number): Output[] {
    this.now = now;
    this.life = 'running';
    this.applyStep(this.core.start());
    // Arm the retransmission timers now: if every first datagram is lost and nothing arrives,
    // no later input would ever arm them.
    this.afterInput();
    return this.flush();
  }

  /** Handles one datagram; `from` says which neighbours its source address belongs to. */
  onDatagram(now: number, bytes: Uint8Array, from: PeerSet): Output[] {
    this.now = now;
    this.counts.received += 1;
    // Not started: neither deliver nor acknowledge, so the sender keeps the message and retries.
    if (this.life === 'idle' || this.life === 'exited' || this.duplicate !== undefined) return this.flush();
    if (receiveDatagram(this, this.links, RING_LANES, now, bytes, from)) this.afterInput();
    return this.flush();
  }

  /** Handles a timer this node asked for. */
  onTimer(now: number, key: TimerKey): Output[] {
    this.now = now;
    if (this.duplicate !== undefined) return this.flush();
    if (key === LINGER_TIMER) {
      if (this.life === 'lingering') {
        this.life = 'exited';
        this.emit({ type: 'exit' });
        return this.flush();
      }
    } else {
      const link = this.links[key >> 1]!;
      if ((key & 1) === 1) link.ackDue();
      else this.retransmit(link);
    }
    this.afterInput();
    return this.flush();
  }

  private retransmit(link: Link<StampedMessage>): void {
    const finished = this.finishedAt !== undefined;
    // A finished node's last announcement goes to a neighbour that lingers for lingerMs of
    // quiet: retry often enough that several retries fall inside that window.
    link.retransmit(this.now, finished ? this.config.lingerMs / RETRIES_PER_LINGER : undefined, finished);
    if (finished) this.maybeGiveUp(link);
  }

  /** The core's state. */
  state(): CoreState {
    return this.core.state();
  }

  /** Where the node is in its life. */
  lifecycle(): Lifecycle {
    return this.life;
  }

  /** When the leader became known here, in the caller's clock, or undefined. */
  decidedTime(): number | undefined {
    return this.decidedAt;
  }

  /** What is still unfinished per side, for a stall report. */
  diagnose(now: number): Record<Direction, { unacked: number; oldestUnackedMs: number; lastHeardMs: number | null }> {
    return { left: this.left.diagnose(now), right: this.right.diagnose(now) };
  }

  /**
   * The neighbour behind `link` has answered none of GIVE_UP_RETRIES retries of our final
   * announcement. It is done only once it has that announcement, so it has lingered and left, or
   * crashed; retrying longer helps no one. We stop and report the delivery as unconfirmed.
   */
  private maybeGiveUp(link: Link<StampedMessage>): void {
    if (link.pending() === 0 || link.unansweredRetries < GIVE_UP_RETRIES) return;
    link.abandon(() => false);
    const side = sideOf(link.peer);
    if (!this.unconfirmedSides.includes(side)) this.unconfirmedSides.push(side);
  }

  /** Sides whose final announcement was never acknowledged (see maybeGiveUp). */
  unconfirmed(): Direction[] {
    return [...this.unconfirmedSides];
  }

  /** A message the link to `peer` delivered for the first time (LinkContext). */
  deliver(peer: number, payload: StampedMessage): void {
    if (this.life !== 'running' || this.duplicate !== undefined) return;
    const message = payload.message;
    const incarnation = payload.incarnation;
    this.receivedCounts[message.kind] += 1;
    if (originOf(message) === this.id && incarnation !== this.session && incarnation !== UNKNOWN_INCARNATION) {
      this.stopOnDuplicate(message, incarnation, sideOf(peer));
      return;
    }
    const from = sideOf(peer);
    this.applyStep(this.core.receive(from, message), { from, message }, incarnation);
  }

  /**
   * Another incarnation sent a message of our id: handing it to the core would let it decide on
   * someone else's probe (two leaders), so the node stops here, before the core sees it.
   */
  private stopOnDuplicate(message: Message, incarnation: number, from: Direction): void {
    const detail =
      `id ${this.id} is not unique: a ${message.kind} of id ${this.id} from session ${incarnation} arrived on the ${from} side, ` +
      `but this node is session ${this.session}; give every node its own id (or a restarted node got its earlier run's messages)`;
    this.duplicate = detail;
    this.emit({ type: 'duplicate-id', id: this.id, detail });
  }

  /** Why the node stopped on a duplicate id, or undefined if it has not. */
  duplicateId(): string | undefined {
    return this.duplicate;
  }

  /**
   * Carries out a core step. Each message sent is stamped with its originator's incarnation: ours
   * for a message of our id, else the stamp of the input it was made from (a relayed or bounced
   * message keeps its origin), else unknown.
   */
  private applyStep(step: Step, input?: { from: Direction; message: Message }, inputStamp = UNKNOWN_INCARNATION): void {
    if (this.traceSteps) this.emit({ type: 'trace', event: traceEvent(this.now, this.core.state(), step, input) });
    for (const c of step.commands) {
      switch (c.type) {
        case 'send':
          this.sentCounts[c.message.kind] += 1;
          (c.direction === 'left' ? this.left : this.right).send(this.now, { message: c.message, incarnation: this.stampFor(c.message, input, inputStamp) });
          break;
        case 'decide':
          this.decidedAt = this.now;
          // Probes and replies still unacknowledged are useless to the neighbours now; stop
          // retrying them so no node waits on a neighbour that has already finished and left.
          this.left.abandon(neededOnceDecided);
          this.right.abandon(neededOnceDecided);
          this.emit({ type: 'decide', leader: c.leader, isLeader: c.isLeader });
          break;
        case 'phase':
          this.emit({ type: 'phase', phase: c.phase });
          break;
        case 'done':
          this.coreDone = true;
          break;
      }
    }
  }

  private stampFor(m: Message, input: { message: Message } | undefined, inputStamp: number): number {
    const origin = originOf(m);
    if (origin === this.id) return this.session;
    return input !== undefined && originOf(input.message) === origin ? inputStamp : UNKNOWN_INCARNATION;
  }

  /** Re-arms timers after any input, and moves to lingering when the work is over. */
  private afterInput(): void {
    const finished = this.coreDone;
    if (finished && this.finishedAt === undefined) this.finishedAt = this.now;
    this.left.afterInput(this.now, finished);
    this.right.afterInput(this.now, finished);
    const allAcked = this.left.pending() === 0 && this.right.pending() === 0;
    if (finished && allAcked && this.life === 'running') this.life = 'lingering';
    if (this.life === 'lingering') {
      // Every datagram heard restarts the quiet period: a neighbour still retransmitting has not
      // seen our ack, and would retry forever if we were gone.
      this.emit({ type: 'setTimer', key: LINGER_TIMER, delayMs: this.config.lingerMs });
    }
  }

  /** Queues an output of the input being handled (LinkContext). */
  emit(output: Output): void {
    (this.out ??= []).push(output);
  }

  private flush(): Output[] {
    const out = this.out ?? [];
    this.out = undefined;
    return out;
  }
}

