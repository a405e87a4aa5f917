/**
 * One full-mesh node without I/O: a mesh election core (Bully, Raft-style) composed with a
 * reliable link to every other member, the same links ring nodes use. Datagrams and timer
 * firings go in with the current time; datagrams to send, timers to set and events come out.
 *
 * A mesh algorithm never stops messaging (its leader heartbeats), so the node itself decides
 * when its part is over: once it has known the same leader for `settleMs` without a change, that
 * leader is its result (`settled`); it then keeps taking part for another `settleMs`, reporting
 * no more changes, and says `exit`. Without that second period the leader, which settles first,
 * would leave first, and the followers still settling would elect again among themselves. Only the newest heartbeat to a peer is worth delivering, so older ones still
 * unacknowledged are given up when a new one is sent; a peer that stays silent (crashed) costs
 * at most MAX_PENDING retried messages.
 */
import type { MeshCommand, MeshCore } from '../core/mesh-core.js';
import type { AnyMeshAlgorithm } from '../core/algorithms.js';
import { type LinkConfig, DEFAULT_LINK_CONFIG, linkConfigProblem } from '../link/config.js';
import { Link, type LinkContext, type PeerSpec, noteDrop } from '../link/link.js';
import { type LinkOutput, type TimerKey, linkTimerKeys } from '../link/output.js';
import { type LinkCounts, emptyLinkCounts } from '../link/stats.js';
import { isSealed, openFrame } from '../wire/auth.js';
import { decodeFrame } from '../wire/codec.js';
import { NO_RING_DIGEST, type PayloadCodec } from '../wire/frame.js';
import { type MeshWireMessage, meshCodec } from '../wire/mesh-codec.js';

/** Unacknowledged messages kept for one peer before all of them are given up (a crashed peer). */
const MAX_PENDING = 32;
/** Lanes are one byte: a member's index in the member list is its lane. */
export const MAX_MESH_MEMBERS = 256;

/** What a mesh node asks its driver to do, or tells it. */
export type MeshOutput =
  | LinkOutput
  /** The leader this node knows changed (null: none); `isLeader` on the leader itself. */
  | { readonly type: 'decide'; readonly leader: number | null; readonly isLeader: boolean }
  /** The same leader known for settleMs: it is the node's result. */
  | { readonly type: 'settled' }
  /** Settled, and kept up for another settleMs: the node may close. */
  | { readonly type: 'exit' };

export interface MeshNodeOptions {
  readonly id: number;
  /** Every member's id, this node's included, in the same order on every node (it fixes the lanes). */
  readonly members: readonly number[];
  readonly algorithm: AnyMeshAlgorithm;
  /** This process's incarnation, written into every frame (non-zero with a key). */
  readonly session: number;
  readonly config?: LinkConfig;
  /** Uniform in [0, 1): retransmission jitter and the core's randomized timeouts. */
  readonly random: () => number;
  /** How long the known leader must hold before the node reports `exit`. */
  readonly settleMs: number;
  /** Cluster key: authenticate every frame (see ElectionNodeOptions.key). */
  readonly key?: Uint8Array;
}

/** Messages sent and received by kind, election and heartbeat traffic apart. */
export interface MeshMessageCounts {
  readonly sent: Record<string, number>;
  readonly received: Record<string, number>;
  election: number;
  heartbeat: number;
}

export class MeshNode implements LinkContext<MeshWireMessage> {
  readonly id: number;
  readonly core: MeshCore<MeshWireMessage, unknown>;
  readonly config: LinkConfig;
  readonly session: number;
  /** A mesh runs plain elections: no leadership epoch, and no ring file to digest. */
  readonly epoch = 0;
  readonly ringDigest = NO_RING_DIGEST;
  readonly key: Uint8Array | undefined;
  readonly random: () => number;
  readonly codec: PayloadCodec<MeshWireMessage>;
  readonly counts: LinkCounts = emptyLinkCounts();
  readonly messages: MeshMessageCounts;
  /** The other members' ids, by peer index. */
  readonly peers: readonly number[];
  private readonly links: Link<MeshWireMessage>[];
  private readonly peerOf = new Map<number, number>();
  private readonly laneToPeer: number[] = new Array<number>(MAX_MESH_MEMBERS).fill(-1);
  private readonly heartbeatKinds: ReadonlySet<string>;
  private readonly settleTimer: TimerKey;
  private readonly coreTimers = new Map<string, TimerKey>();
  private readonly timerNames: string[] = [];
  private out: MeshOutput[] = [];
  private now = 0;
  private running = false;
  private leader: number | null = null;
  private leaderSince = 0;
  private settledView: { leader: number | null; isLeader: boolean; sinceMs: number } | undefined;
  /** Every change of the known leader, in order, with its time. */
  readonly leaderChanges: { readonly atMs: number; readonly leader: number | null }[] = [];

  constructor(private readonly options: MeshNodeOptions) {
    const { id, members } = options;
    this.id = id;
    this.config = options.config ?? DEFAULT_LINK_CONFIG;
    const problem = linkConfigProblem(this.config);
    if (problem) throw new RangeError(problem);
    if (members.length > MAX_MESH_MEMBERS) throw new RangeError(`a mesh has at most ${MAX_MESH_MEMBERS} members, got ${members.length}`);
    if (options.key && options.session === 0) throw new RangeError('a keyed node needs a non-zero session');
    const alg = options.algorithm;
    this.core = alg.create(id, { members, random: options.random });
    this.session = options.session;
    this.key = options.key;
    this.random = options.random;
    this.codec = meshCodec(alg.messageKinds);
    this.heartbeatKinds = new Set(alg.heartbeatKinds);
    const perKind = () => Object.fromEntries(alg.messageKinds.map((k) => [k, 0])) as Record<string, number>;
    this.messages = { sent: perKind(), received: perKind(), election: 0, heartbeat: 0 };
    const self = members.indexOf(id);
    this.peers = members.filter((m) => m !== id);
    this.links = this.peers.map((peerId, p) => {
      const lane = members.indexOf(peerId);
      const spec: PeerSpec = { name: `node ${peerId}`, sendLane: self, receiveLane: lane };
      this.peerOf.set(peerId, p);
      this.laneToPeer[lane] = p;
      return new Link(this, p, spec);
    });
    this.settleTimer = linkTimerKeys(this.peers.length);
  }

  /** The peer index of member `id`, or -1 for an id that is no member (or this node). */
  peerIndex(id: number): number {
    return this.peerOf.get(id) ?? -1;
  }

  /** Starts the core. */
  start(now: number): MeshOutput[] {
    this.now = now;
    this.running = true;
    this.apply(this.core.start(now).commands);
    this.afterInput();
    return this.flush();
  }

  /** Handles one datagram from the address of peer `fromPeer` (-1: no member's address). */
  onDatagram(now: number, bytes: Uint8Array, fromPeer: number): MeshOutput[] {
    this.now = now;
    this.counts.received += 1;
    if (!this.running) return this.flush();
    if (this.receive(now, bytes, fromPeer)) this.afterInput();
    return this.flush();
  }

  /** Handles a timer this node asked for. */
  onTimer(now: number, key: TimerKey): MeshOutput[] {
    this.now = now;
    if (!this.running) return this.flush();
    if (key === this.settleTimer) {
      if (this.settledView) {
        this.running = false;
        this.emit({ type: 'exit' });
        return this.flush();
      }
      this.settledView = { leader: this.leader, isLeader: this.core.isLeader(), sinceMs: this.leaderSince };
      this.emit({ type: 'settled' });
      this.emit({ type: 'setTimer', key: this.settleTimer, delayMs: this.options.settleMs });
      this.afterInput();
      return this.flush();
    }
    if (key > this.settleTimer) {
      this.apply(this.core.fire(this.timerNames[key - this.settleTimer - 1]!, now).commands);
    } else {
      const link = this.links[key >> 1]!;
      if ((key & 1) === 1) link.ackDue();
      else link.retransmit(now, undefined, false);
    }
    this.afterInput();
    return this.flush();
  }

  /** The leader this node settled on (else the one it knows now), and since when (its clock). */
  knownLeader(): { leader: number | null; isLeader: boolean; sinceMs: number } {
    return this.settledView ?? { leader: this.leader, isLeader: this.core.isLeader(), sinceMs: this.leaderSince };
  }

  /** Whether the node still runs (started, not settled). */
  isRunning(): boolean {
    return this.running;
  }

  /** Stops the node where it is (its driver gave up waiting). */
  stop(): void {
    this.running = false;
  }

  /** Decode, authenticate and hand the frame to its link; false if dropped before any link took it. */
  private receive(now: number, bytes: Uint8Array, fromPeer: number): boolean {
    let echo = 0;
    if (this.key) {
      const opened = openFrame(bytes, this.key);
      if (!opened.ok) return this.drop(opened.reason, opened.detail);
      bytes = opened.plain;
      echo = opened.echo;
    } else if (isSealed(bytes)) return this.drop('unexpected-mac', 'authenticated frame, but this node has no key');
    const decoded = decodeFrame(bytes, this.codec);
    if (!decoded.ok) return this.drop(decoded.reason, decoded.detail);
    const peer = this.laneToPeer[decoded.frame.lane]!;
    if (peer < 0) return this.drop('unknown-sender', `frame on lane ${decoded.frame.lane}, which no member sends on`);
    const link = this.links[peer]!;
    if (peer !== fromPeer) return this.drop('unknown-sender', `frame for the ${link.spec.name} link from another address`);
    return link.receive(now, decoded.frame, echo);
  }

  private drop(reason: Parameters<typeof noteDrop>[1], detail: string): false {
    noteDrop(this, reason, detail);
    return false;
  }

  /** A message the link to peer `peer` delivered for the first time (LinkContext). */
  deliver(peer: number, message: MeshWireMessage): void {
    if (!this.running) return;
    this.messages.received[message.kind] = (this.messages.received[message.kind] ?? 0) + 1;
    this.apply(this.core.receive(this.peers[peer]!, message, this.now).commands);
  }

  private apply(commands: readonly MeshCommand<MeshWireMessage>[]): void {
    for (const c of commands) {
      switch (c.type) {
        case 'send':
          this.send(c.to, c.message);
          break;
        case 'setTimer':
          this.emit({ type: 'setTimer', key: this.timerKey(c.timer), delayMs: Math.max(0, c.at - this.now) });
          break;
        case 'cancelTimer':
          this.emit({ type: 'cancelTimer', key: this.timerKey(c.timer) });
          break;
        case 'leader':
          this.leader = c.leader;
          this.leaderSince = this.now;
          // Settled: the result is taken; what happens while the node winds down is not reported.
          if (this.settledView) break;
          this.leaderChanges.push({ atMs: this.now, leader: c.leader });
          this.emit({ type: 'decide', leader: c.leader, isLeader: c.isLeader });
          if (c.leader === null) this.emit({ type: 'cancelTimer', key: this.settleTimer });
          else this.emit({ type: 'setTimer', key: this.settleTimer, delayMs: this.options.settleMs });
          break;
      }
    }
  }

  private send(to: number, message: MeshWireMessage): void {
    const p = this.peerOf.get(to);
    if (p === undefined) return;
    const link = this.links[p]!;
    this.messages.sent[message.kind] = (this.messages.sent[message.kind] ?? 0) + 1;
    const heartbeat = this.heartbeatKinds.has(message.kind);
    if (heartbeat) {
      this.messages.heartbeat += 1;
      // A newer heartbeat says all an older one did.
      link.abandon((m) => !this.heartbeatKinds.has(m.kind));
    } else {
      this.messages.election += 1;
      // An identical message still in flight says nothing the new one does not (delivery is unordered anyway).
      link.abandon((m) => !sameMessage(m, message));
    }
    if (link.pending() >= MAX_PENDING) link.abandon(() => false);
    link.send(this.now, message);
  }

  private timerKey(name: string): TimerKey {
    let key = this.coreTimers.get(name);
    if (key === undefined) {
      this.timerNames.push(name);
      key = this.settleTimer + this.timerNames.length;
      this.coreTimers.set(name, key);
    }
    return key;
  }

  private afterInput(): void {
    for (const link of this.links) link.afterInput(this.now, false);
  }

  /** Queues an output (LinkContext). */
  emit(output: MeshOutput): void {
    this.out.push(output);
  }

  private flush(): MeshOutput[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}

function sameMessage(a: MeshWireMessage, b: MeshWireMessage): boolean {
  return a.kind === b.kind && a.term === b.term && a.granted === b.granted;
}
