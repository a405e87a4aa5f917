/**
 * Raft's leader election alone (Ongaro and Ousterhout, "In Search of an Understandable Consensus
 * Algorithm", USENIX ATC 2014, §5.2; Ongaro's thesis §9.6 for PreVote and §6.2 for CheckQuorum),
 * for one node of a full mesh, as a pure state machine with time as an input. It follows the
 * election rules of etcd-io/raft (raft.go: Step, stepCandidate, campaign, poll, becomeFollower),
 * with no log: every candidate's log counts as up to date, and heartbeats carry only the term.
 *
 * Guarantee, whatever the network does: at most one leader per term (a vote per term, kept in
 * stable storage, and a majority per leader). Liveness needs partial synchrony; the randomized
 * election timeout, drawn from the caller's seeded `random`, breaks split votes.
 */
import { type MeshAlgorithm, type MeshCommand, type MeshCore, type MeshCoreConfig, type MeshStep, MeshCoreUsageError, checkMembers, sendTo } from './mesh-core.js';

/** `term` is the sender's term, except in PreVote traffic, where it is the term the candidate would take. */
export type RaftMessage =
  | { readonly kind: 'preVote'; readonly term: number }
  | { readonly kind: 'preVoteResp'; readonly term: number; readonly granted: boolean }
  | { readonly kind: 'requestVote'; readonly term: number }
  | { readonly kind: 'requestVoteResp'; readonly term: number; readonly granted: boolean }
  | { readonly kind: 'heartbeat'; readonly term: number }
  | { readonly kind: 'heartbeatResp'; readonly term: number };

export const RAFT_MESSAGE_KINDS = ['preVote', 'preVoteResp', 'requestVote', 'requestVoteResp', 'heartbeat', 'heartbeatResp'] as const;

export type RaftTimer = 'election' | 'heartbeat' | 'checkQuorum';
export type RaftRole = 'follower' | 'preCandidate' | 'candidate' | 'leader';

export interface RaftState {
  readonly id: number;
  readonly role: RaftRole;
  readonly term: number;
  readonly votedFor: number | null;
  /** The leader of `term` as this node knows it. */
  readonly leader: number | null;
}

/** What a node keeps in stable storage; Raft's safety needs it to survive a crash. */
export interface RaftDurable {
  readonly term: number;
  readonly votedFor: number | null;
}

/** Timing (milliseconds), as etcd's ticks: the election timeout is drawn from [electionTimeout, 2·electionTimeout). */
export interface RaftSettings {
  readonly electionTimeout: number;
  readonly heartbeatEvery: number;
  /** Ask for pre-votes before raising the term, so a node cut off cannot disturb the cluster on its return. */
  readonly preVote: boolean;
  /** A leader steps down when no majority answered in an election timeout; followers ignore votes while they hear one. */
  readonly checkQuorum: boolean;
}

export const DEFAULT_RAFT_SETTINGS: RaftSettings = { electionTimeout: 300, heartbeatEvery: 50, preVote: true, checkQuorum: true };

export class RaftElectionNode implements MeshCore<RaftMessage, RaftState, RaftTimer> {
  private started = false;
  private role: RaftRole = 'follower';
  private term = 0;
  private votedFor: number | null = null;
  private lead: number | null = null;
  /** When the election clock was last reset (etcd's electionElapsed = now - this). */
  private electionReset = 0;
  private randomizedTimeout: number;
  private readonly votes = new Map<number, boolean>();
  /** Followers heard from since the last quorum check (etcd's RecentActive). */
  private readonly recentActive = new Set<number>();
  private readonly others: readonly number[];
  private readonly peers: ReadonlySet<number>;
  private readonly quorum: number;
  private readonly random: () => number;
  private out: MeshCommand<RaftMessage, RaftTimer>[] = [];

  constructor(
    readonly id: number,
    config: MeshCoreConfig,
    private readonly settings: RaftSettings = DEFAULT_RAFT_SETTINGS,
  ) {
    checkMembers(id, config.members);
    this.others = config.members.filter((m) => m !== id);
    this.peers = new Set(this.others);
    this.quorum = Math.floor(config.members.length / 2) + 1;
    this.random = config.random;
    const restored = config.restored as RaftDurable | undefined;
    if (restored) {
      this.term = restored.term;
      this.votedFor = restored.votedFor;
    }
    this.randomizedTimeout = this.drawTimeout();
  }

  state(): RaftState {
    return { id: this.id, role: this.role, term: this.term, votedFor: this.votedFor, leader: this.lead };
  }

  durable(): RaftDurable {
    return { term: this.term, votedFor: this.votedFor };
  }

  isLeader(): boolean {
    return this.role === 'leader';
  }

  knownLeader(): number | null {
    return this.lead;
  }

  /** Starts as a follower of its stored term (a restart keeps term and vote) and arms the election timer. */
  start(now: number): MeshStep<RaftMessage, RaftTimer> {
    if (this.started) throw new MeshCoreUsageError('start() called twice');
    this.started = true;
    return this.run('Start', () => this.becomeFollower(this.term, null, now));
  }

  fire(timer: RaftTimer, now: number): MeshStep<RaftMessage, RaftTimer> {
    if (!this.started) throw new MeshCoreUsageError('fire() before start()');
    switch (timer) {
      case 'election':
        return this.run('Timeout', () => {
          if (this.role !== 'leader') this.campaign(this.settings.preVote ? 'pre' : 'real', now);
        });
      case 'heartbeat':
        return this.run('SendHeartbeat', () => {
          if (this.role !== 'leader') return;
          this.broadcast({ kind: 'heartbeat', term: this.term });
          this.out.push({ type: 'setTimer', timer: 'heartbeat', at: now + this.settings.heartbeatEvery });
        });
      case 'checkQuorum':
        return this.run('CheckQuorum', () => {
          if (this.role !== 'leader') return;
          if (this.recentActive.size + 1 < this.quorum) {
            this.becomeFollower(this.term, null, now);
            return;
          }
          this.recentActive.clear();
          this.electionReset = now;
          this.out.push({ type: 'setTimer', timer: 'checkQuorum', at: now + this.settings.electionTimeout });
        });
    }
  }

  receive(from: number, m: RaftMessage, now: number): MeshStep<RaftMessage, RaftTimer> {
    if (!this.started) throw new MeshCoreUsageError('receive() before start()');
    if (from === this.id || !this.peers.has(from)) return { action: 'DropForeign', commands: [] };
    return this.run(actionFor(m), () => this.step(from, m, now));
  }

  /** etcd's Step: the term rules first, then the message's own handling. */
  private step(from: number, m: RaftMessage, now: number): void {
    const isVoteRequest = m.kind === 'preVote' || m.kind === 'requestVote';
    if (m.term > this.term) {
      // In lease: we hear a leader, so a vote request is from a node that merely lost touch.
      const inLease = this.settings.checkQuorum && this.lead !== null && now - this.electionReset < this.settings.electionTimeout;
      if (isVoteRequest && inLease) return;
      const keepsTerm = m.kind === 'preVote' || (m.kind === 'preVoteResp' && m.granted);
      if (!keepsTerm) this.becomeFollower(m.term, m.kind === 'heartbeat' ? from : null, now);
    } else if (m.term < this.term) {
      // A stale leader learns the newer term from the reply (etcd answers with MsgAppResp).
      if ((this.settings.checkQuorum || this.settings.preVote) && m.kind === 'heartbeat') {
        this.out.push(sendTo(from, { kind: 'heartbeatResp', term: this.term }));
      } else if (m.kind === 'preVote') {
        this.out.push(sendTo(from, { kind: 'preVoteResp', term: this.term, granted: false }));
      }
      return;
    }
    switch (m.kind) {
      case 'preVote':
      case 'requestVote':
        return this.onVoteRequest(from, m.kind, m.term, now);
      case 'heartbeat':
        return this.onHeartbeat(from, now);
      case 'heartbeatResp':
        if (this.role === 'leader') this.recentActive.add(from);
        return;
      case 'preVoteResp':
        if (this.role === 'preCandidate') this.poll(from, m.granted, now);
        return;
      case 'requestVoteResp':
        if (this.role === 'candidate') this.poll(from, m.granted, now);
        return;
    }
  }

  private onVoteRequest(from: number, kind: 'preVote' | 'requestVote', term: number, now: number): void {
    const canVote =
      this.votedFor === from || (this.votedFor === null && this.lead === null) || (kind === 'preVote' && term > this.term);
    const resp = kind === 'preVote' ? 'preVoteResp' : 'requestVoteResp';
    if (!canVote) {
      this.out.push(sendTo(from, { kind: resp, term: this.term, granted: false }));
      return;
    }
    this.out.push(sendTo(from, { kind: resp, term, granted: true }));
    if (kind === 'requestVote') {
      this.votedFor = from;
      this.resetElectionClock(now);
    }
  }

  private onHeartbeat(from: number, now: number): void {
    if (this.role === 'leader') return; // another leader of our term cannot exist; nothing sound to do
    if (this.role !== 'follower') this.becomeFollower(this.term, from, now);
    this.lead = from;
    this.resetElectionClock(now);
    this.out.push(sendTo(from, { kind: 'heartbeatResp', term: this.term }));
  }

  /** etcd's campaign: a pre-vote round for term+1 without raising the term, or a real one. */
  private campaign(kind: 'pre' | 'real', now: number): void {
    this.votes.clear();
    this.votes.set(this.id, true);
    this.lead = null;
    if (kind === 'pre') {
      this.role = 'preCandidate';
      this.armElectionTimer(now);
      if (this.won()) return this.campaign('real', now);
      this.broadcast({ kind: 'preVote', term: this.term + 1 });
      return;
    }
    this.role = 'candidate';
    this.term += 1;
    this.votedFor = this.id;
    this.armElectionTimer(now);
    if (this.won()) return this.becomeLeader(now);
    this.broadcast({ kind: 'requestVote', term: this.term });
  }

  private poll(from: number, granted: boolean, now: number): void {
    this.votes.set(from, granted);
    if (this.won()) {
      if (this.role === 'preCandidate') this.campaign('real', now);
      else this.becomeLeader(now);
      return;
    }
    let rejected = 0;
    for (const g of this.votes.values()) if (!g) rejected += 1;
    if (rejected >= this.quorum) this.becomeFollower(this.term, null, now);
  }

  private won(): boolean {
    let granted = 0;
    for (const g of this.votes.values()) if (g) granted += 1;
    return granted >= this.quorum;
  }

  private becomeLeader(now: number): void {
    this.role = 'leader';
    this.lead = this.id;
    this.recentActive.clear();
    this.electionReset = now;
    this.out.push({ type: 'cancelTimer', timer: 'election' });
    this.broadcast({ kind: 'heartbeat', term: this.term });
    this.out.push({ type: 'setTimer', timer: 'heartbeat', at: now + this.settings.heartbeatEvery });
    if (this.settings.checkQuorum) this.out.push({ type: 'setTimer', timer: 'checkQuorum', at: now + this.settings.electionTimeout });
  }

  private becomeFollower(term: number, lead: number | null, now: number): void {
    if (term !== this.term) {
      this.term = term;
      this.votedFor = null;
    }
    this.role = 'follower';
    this.lead = lead;
    this.out.push({ type: 'cancelTimer', timer: 'heartbeat' });
    this.out.push({ type: 'cancelTimer', timer: 'checkQuorum' });
    this.armElectionTimer(now);
  }

  /** A new randomized timeout from now, as etcd's reset() does on every change of role. */
  private armElectionTimer(now: number): void {
    this.randomizedTimeout = this.drawTimeout();
    this.resetElectionClock(now);
  }

  /** Restarts the election clock with the current randomized timeout (a heartbeat or a granted vote). */
  private resetElectionClock(now: number): void {
    this.electionReset = now;
    this.out.push({ type: 'setTimer', timer: 'election', at: now + this.randomizedTimeout });
  }

  private drawTimeout(): number {
    const e = this.settings.electionTimeout;
    return e + Math.floor(this.random() * e);
  }

  private broadcast(message: RaftMessage): void {
    for (const p of this.others) this.out.push(sendTo(p, message));
  }

  /** Runs `body`, then reports a change of the known leader as one `leader` command. */
  private run(action: string, body: () => void): MeshStep<RaftMessage, RaftTimer> {
    const before = { leader: this.lead, isLeader: this.role === 'leader' };
    this.out = [];
    body();
    const after = { leader: this.lead, isLeader: this.role === 'leader' };
    if (before.leader !== after.leader || before.isLeader !== after.isLeader) this.out.push({ type: 'leader', ...after });
    return { action, commands: this.out };
  }
}

/** Action names as in Ongaro's TLA+ spec where it has one (HandleRequestVoteRequest, ...). */
function actionFor(m: RaftMessage): string {
  switch (m.kind) {
    case 'preVote':
      return 'HandlePreVoteRequest';
    case 'preVoteResp':
      return 'HandlePreVoteResponse';
    case 'requestVote':
      return 'HandleRequestVoteRequest';
    case 'requestVoteResp':
      return 'HandleRequestVoteResponse';
    case 'heartbeat':
      return 'HandleHeartbeat';
    case 'heartbeatResp':
      return 'HandleHeartbeatResponse';
  }
}

/** Raft-style election as the registry takes it. No message bound: split votes may repeat. */
export function raftAlgorithm(settings: RaftSettings = DEFAULT_RAFT_SETTINGS): MeshAlgorithm<RaftMessage, RaftState, RaftTimer> {
  return {
    name: 'raft',
    topology: 'mesh',
    messageKinds: RAFT_MESSAGE_KINDS,
    heartbeatKinds: ['heartbeat', 'heartbeatResp'],
    create: (id, config) => new RaftElectionNode(id, config, settings),
    termOf: (s) => s.term,
  };
}
