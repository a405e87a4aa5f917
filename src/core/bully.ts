/**
 * The Bully algorithm (Garcia-Molina, "Elections in a distributed computing system", IEEE TC
 * 31(1) 1982) for one node of a full mesh, as a pure state machine with time as an input.
 * Every node knows every id. A node that calls an election sends `election` to every higher id;
 * a live higher node answers and calls its own; a node that hears no answer within the round
 * trip bound takes office and tells everyone (`coordinator`). The leader repeats itself as a
 * `heartbeat`; a follower that stops hearing it calls an election again.
 *
 * Its guarantees rest on the failure detector the timeouts make: accurate only when every
 * message arrives within `delayBound` (no loss, no partition). See spec/elections.md.
 */
import { type MeshAlgorithm, type MeshCommand, type MeshCore, type MeshCoreConfig, type MeshStep, MeshCoreUsageError, checkMembers, sendTo } from './mesh-core.js';

export type BullyMessage =
  | { readonly kind: 'election' }
  | { readonly kind: 'answer' }
  | { readonly kind: 'coordinator' }
  | { readonly kind: 'heartbeat' };

export const BULLY_MESSAGE_KINDS = ['election', 'answer', 'coordinator', 'heartbeat'] as const;

/** `answer`: waiting for a higher node to answer; `coordinator`: answered, waiting for its announcement. */
export type BullyTimer = 'answer' | 'coordinator' | 'leaderCheck' | 'heartbeat';

/**
 * - `idle`: not started;
 * - `electing`: called an election, no answer yet;
 * - `waiting`: a higher node answered, waiting for a coordinator;
 * - `follower`: knows a higher leader and watches its heartbeats;
 * - `leader`: in office.
 */
export type BullyStatus = 'idle' | 'electing' | 'waiting' | 'follower' | 'leader';

export interface BullyState {
  readonly id: number;
  readonly status: BullyStatus;
  readonly leader: number | null;
  /** Elections this node has called since it (re)started. */
  readonly elections: number;
}

/** Timing the detector is built from (milliseconds). */
export interface BullySettings {
  /** Longest one-way delay of a message, processing included: the detector is accurate only if it holds. */
  readonly delayBound: number;
  /** The leader's heartbeat period. */
  readonly heartbeatEvery: number;
}

export const DEFAULT_BULLY_SETTINGS: BullySettings = { delayBound: 10, heartbeatEvery: 50 };

/**
 * Timeouts derived from the settings, each a little over the delay it waits for, so that a
 * message arriving exactly at the bound is never raced by the timer:
 * - answer: the election's round trip (2 bounds);
 * - coordinator: a higher node gets our election (1), waits out its own answers (2), announces (1);
 * - leaderCheck: a heartbeat period plus the spread of two deliveries.
 */
export function bullyTimeouts(s: BullySettings): { answer: number; coordinator: number; leaderCheck: number } {
  return { answer: 2 * s.delayBound + 1, coordinator: 4 * s.delayBound + 2, leaderCheck: s.heartbeatEvery + 2 * s.delayBound + 1 };
}

/** Bully at one node. Ids are compared as numbers; the highest live id is meant to win. */
export class BullyNode implements MeshCore<BullyMessage, BullyState, BullyTimer> {
  private status: BullyStatus = 'idle';
  private leader: number | null = null;
  private elections = 0;
  /** When the leader we follow was last heard (coordinator or heartbeat). */
  private heardAt = 0;
  private readonly higher: readonly number[];
  private readonly others: readonly number[];
  private readonly peers: ReadonlySet<number>;
  private readonly timeouts: ReturnType<typeof bullyTimeouts>;
  private out: MeshCommand<BullyMessage, BullyTimer>[] = [];

  constructor(
    readonly id: number,
    config: MeshCoreConfig,
    private readonly settings: BullySettings = DEFAULT_BULLY_SETTINGS,
  ) {
    checkMembers(id, config.members);
    this.others = config.members.filter((m) => m !== id);
    this.peers = new Set(this.others);
    this.higher = this.others.filter((m) => m > id);
    this.timeouts = bullyTimeouts(settings);
  }

  state(): BullyState {
    return { id: this.id, status: this.status, leader: this.leader, elections: this.elections };
  }

  /** Bully keeps nothing across a crash: a restarted node calls an election like a new one. */
  durable(): unknown {
    return null;
  }

  isLeader(): boolean {
    return this.status === 'leader';
  }

  knownLeader(): number | null {
    return this.leader;
  }

  /** A node calls an election as soon as it starts (or restarts). */
  start(now: number): MeshStep<BullyMessage, BullyTimer> {
    if (this.status !== 'idle') throw new MeshCoreUsageError('start() called twice');
    return this.run('Start', () => this.callElection(now));
  }

  receive(from: number, message: BullyMessage, now: number): MeshStep<BullyMessage, BullyTimer> {
    if (this.status === 'idle') throw new MeshCoreUsageError('receive() before start()');
    if (from === this.id || !this.peers.has(from)) return { action: 'DropForeign', commands: [] };
    switch (message.kind) {
      case 'election':
        return this.run('ReceiveElection', () => this.onElection(from, now));
      case 'answer':
        return this.run('ReceiveAnswer', () => this.onAnswer(from, now));
      case 'coordinator':
      case 'heartbeat':
        return this.run(message.kind === 'coordinator' ? 'ReceiveCoordinator' : 'ReceiveHeartbeat', () => this.onCoordinator(from, now));
    }
  }

  fire(timer: BullyTimer, now: number): MeshStep<BullyMessage, BullyTimer> {
    if (this.status === 'idle') throw new MeshCoreUsageError('fire() before start()');
    switch (timer) {
      case 'answer':
        // No higher node answered within the round trip: none is alive (if the detector is accurate).
        return this.run('AnswerTimeout', () => (this.status === 'electing' ? this.takeOffice(now) : undefined));
      case 'coordinator':
        return this.run('CoordinatorTimeout', () => (this.status === 'waiting' ? this.callElection(now) : undefined));
      case 'leaderCheck':
        return this.run('LeaderTimeout', () => (this.status === 'follower' ? this.callElection(now) : undefined));
      case 'heartbeat':
        return this.run('SendHeartbeat', () => {
          if (this.status !== 'leader') return;
          for (const p of this.others) this.out.push(sendTo(p, { kind: 'heartbeat' }));
          this.out.push({ type: 'setTimer', timer: 'heartbeat', at: now + this.settings.heartbeatEvery });
        });
    }
  }

  /** Runs `body`, then reports a change of the known leader as one `leader` command. */
  private run(action: string, body: () => void): MeshStep<BullyMessage, BullyTimer> {
    const before = this.leaderView();
    this.out = [];
    body();
    const after = this.leaderView();
    if (before.leader !== after.leader || before.isLeader !== after.isLeader) this.out.push({ type: 'leader', ...after });
    return { action, commands: this.out };
  }

  private leaderView(): { leader: number | null; isLeader: boolean } {
    return { leader: this.leader, isLeader: this.status === 'leader' };
  }

  private callElection(now: number): void {
    this.elections += 1;
    this.leader = null;
    this.cancelAll();
    if (this.higher.length === 0) {
      this.takeOffice(now);
      return;
    }
    this.status = 'electing';
    for (const p of this.higher) this.out.push(sendTo(p, { kind: 'election' }));
    this.out.push({ type: 'setTimer', timer: 'answer', at: now + this.timeouts.answer });
  }

  private takeOffice(now: number): void {
    this.cancelAll();
    this.status = 'leader';
    this.leader = this.id;
    for (const p of this.others) this.out.push(sendTo(p, { kind: 'coordinator' }));
    this.out.push({ type: 'setTimer', timer: 'heartbeat', at: now + this.settings.heartbeatEvery });
  }

  private onElection(from: number, now: number): void {
    if (from > this.id) return; // elections go only upwards; a correct peer never sends this
    this.out.push(sendTo(from, { kind: 'answer' }));
    if (this.status === 'leader') this.out.push(sendTo(from, { kind: 'coordinator' }));
    // A follower whose leader is on time leaves the reply to the leader, which the sender also
    // asked; one whose leader missed a beat takes the sender's election as a hint and calls its own.
    // Heartbeats within the bound arrive up to a period plus the delay bound apart: not late before that.
    else if (this.status === 'follower' && now - this.heardAt > this.settings.heartbeatEvery + this.settings.delayBound) this.callElection(now);
    // electing or waiting: our own election is already under way.
  }

  private onAnswer(from: number, now: number): void {
    if (this.status !== 'electing' || from < this.id) return;
    this.status = 'waiting';
    this.out.push({ type: 'cancelTimer', timer: 'answer' });
    this.out.push({ type: 'setTimer', timer: 'coordinator', at: now + this.timeouts.coordinator });
  }

  /**
   * A coordinator announcement or heartbeat from `from`. A higher claimant is followed at once,
   * even while we follow another (the latest claim wins: that is how a failover reaches nodes
   * before their own leader check fires). A lower claimant is reminded by a leader, else ignored:
   * it will hear a higher leader's heartbeat, or its election will reach that leader.
   */
  private onCoordinator(from: number, now: number): void {
    if (from < this.id) {
      if (this.status === 'leader') this.out.push(sendTo(from, { kind: 'coordinator' }));
      return;
    }
    if (this.status !== 'follower' || this.leader !== from) this.cancelAll();
    this.status = 'follower';
    this.leader = from;
    this.heardAt = now;
    this.out.push({ type: 'setTimer', timer: 'leaderCheck', at: now + this.timeouts.leaderCheck });
  }

  private cancelAll(): void {
    for (const timer of ['answer', 'coordinator', 'leaderCheck', 'heartbeat'] as const) this.out.push({ type: 'cancelTimer', timer });
  }
}

/**
 * Messages of one election when all n members start together over a network within its delay
 * bound, with no crash: elections to every higher id (n(n-1)/2), one answer each, the top
 * node's n-1 coordinators, and one more coordinator to each lower node whose election reaches
 * it once in office: (n-1)(n+2). Heartbeats are not election messages.
 */
export function bullyMessageBound(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`member count ${n} must be a positive integer`);
  return (n - 1) * (n + 2);
}

/** Bully as the registry takes it. */
export function bullyAlgorithm(settings: BullySettings = DEFAULT_BULLY_SETTINGS): MeshAlgorithm<BullyMessage, BullyState, BullyTimer> {
  return {
    name: 'bully',
    topology: 'mesh',
    messageKinds: BULLY_MESSAGE_KINDS,
    heartbeatKinds: ['heartbeat'],
    create: (id, config) => new BullyNode(id, config, settings),
    messageBound: bullyMessageBound,
  };
}
