/**
 * One member of the leadership protocol (spec/leadership.md) as a deterministic state machine.
 *
 * Inputs: start() with the persisted state (or none), receive() of a message from a peer, tick()
 * when the timer it asked for fires, resign() after the application's work has ended, and
 * nominate() when the node layer's election names a candidate. Every input carries the member's
 * monotonic clock reading `now`; back-off jitter comes from the seeded `random` it is given.
 * Outputs: the actions taken (TLA+ names) and the commands to carry out, persist first.
 *
 * Safety rests on the majority grant alone: a member grants epoch e only above everything it
 * promised, never while it holds an unexpired grant to another member, and never in the first
 * grant period after a start; the promise is persisted before the Grant leaves.
 */
import { epochOf, majority, nextCounter, rankOfEpoch } from './epoch.js';
import { DEFAULT_TIMING, type LeadershipTiming, backoffFor, grantPeriod, timingProblem } from './settings.js';
import {
  type Epoch,
  type LeadershipAction,
  type LeadershipCommand,
  type LeadershipMessage,
  type LeadershipStep,
  NO_EPOCH,
  type Persisted,
  type RefuseReason,
  type StepDownReason,
} from './types.js';
import { View } from './view.js';

/** How a member finds the candidate it may stand as. */
export type CandidateChoice =
  /** The highest id it sees alive (heartbeat-driven view), minus members sitting out or with more than H of their quiet period left. */
  | 'view'
  /**
   * The node layer names the candidate through nominate(), e.g. from a Hirschberg–Sinclair run
   * over the members it sees; the member stands only while it is the nominee.
   */
  | 'external';

/** Whom a member that is not in office sends its heartbeats. */
export type HeartbeatTargets =
  /** Every other member, every H. */
  | 'all'
  /**
   * While it follows a leader whose last Renew is less than 1.5 H old: its two ring neighbours
   * that its view holds (the next live member each way round the ring, so a suspected neighbour
   * is passed over). The leader's Renews carry the members it heard itself, which every
   * follower's view takes in. Otherwise (no leader, one Renew missed, or more than H of its own
   * quiet period left) every other member, as with 'all'.
   */
  | 'ring';

/** True for a HeartbeatTargets value (ring files, options and flags are checked with it). */
export function isHeartbeatTargets(x: unknown): x is HeartbeatTargets {
  return x === 'all' || x === 'ring';
}

/** What a member needs to know about its ring and itself. */
export interface MemberConfig {
  /** The ring file's ids in ring order: the rank of a member is its position. */
  readonly members: readonly number[];
  readonly self: number;
  readonly timing?: LeadershipTiming;
  /** Seeded source of numbers in [0, 1) for back-off jitter (the core draws no randomness itself). */
  readonly random: () => number;
  readonly candidateChoice?: CandidateChoice;
  /**
   * Members that grant and renew but never stand (the ring file's `voteOnly` members). Every
   * member must be given the same list: the view's pick skips them, and a pick that is vote-only
   * on one member and not on another would leave nobody standing, or two.
   */
  readonly voteOnly?: readonly number[];
  /** Default 'all'. Every member must be given the same: a follower on a 'ring' ring hears most members only through the leader's Renews. */
  readonly heartbeats?: HeartbeatTargets;
}

/** A grant this member holds: it promised `leader` to back epoch `epoch` until `expiresAt` (local). */
export interface HeldGrant {
  readonly epoch: Epoch;
  readonly leader: number;
  readonly expiresAt: number;
}

/** A snapshot of a member, for observers, tests and status reports. */
export interface MemberStatus {
  readonly id: number;
  readonly role: 'follower' | 'candidate' | 'leader';
  /** The epoch it leads or stands for, if any. */
  readonly epoch: Epoch;
  /** End of its lease on its own clock while leader, else -Infinity. */
  readonly leaseEnd: number;
  readonly promised: Epoch;
  readonly counter: number;
  readonly grant: HeldGrant | null;
  /** The leader it follows, heard through renewals less than S ago. */
  readonly leader: number | null;
  /** The peers its failure detector suspects now, in ring order. */
  readonly suspected: readonly number[];
}

interface Attempt {
  readonly epoch: Epoch;
  /** When the first Request of this epoch left: the lease is measured from here. */
  readonly sentAt: number;
  lastSent: number;
  readonly deadline: number;
  readonly grants: Set<number>;
  readonly stale: Set<number>;
  /** Members asked again at once after refusing as `held` a grant already released. */
  readonly askedAgain: Set<number>;
}

interface Office {
  readonly epoch: Epoch;
  leaseEnd: number;
  round: number;
  lastRenewAt: number;
  readonly rounds: Map<number, { readonly sentAt: number; readonly acks: Set<number> }>;
}

/** Collects a step's actions and commands. */
class Out {
  readonly actions: LeadershipAction[] = [];
  readonly commands: LeadershipCommand[] = [];
  act(a: LeadershipAction): void {
    this.actions.push(a);
  }
  push(c: LeadershipCommand): void {
    this.commands.push(c);
  }
}

/** One member of the protocol. Throws only on a misconfiguration or an input before start(). */
export class LeadershipMember {
  readonly id: number;
  readonly rank: number;
  readonly n: number;
  readonly timing: LeadershipTiming;
  /** G = L(1 + rho) + m. */
  readonly grantPeriod: number;
  private readonly choice: CandidateChoice;
  private readonly view: View;

  private started = false;
  private promised: Epoch = NO_EPOCH;
  private counter = 0;
  private highestSeen: Epoch = NO_EPOCH;
  private grant: HeldGrant | null = null;
  private quietUntil = 0;
  private backoffUntil = -Infinity;
  private lastHeartbeatAt = -Infinity;
  /**
   * Ring heartbeats: when this member must heartbeat everyone at once because its leader's Renews
   * stopped (1.5 H after the last one); Infinity while nothing is urgent (no leader followed, or a
   * Release ended the following: the views are fresh then, and a burst would slow the hand-over).
   */
  private fallbackAt = Infinity;
  private attempt: Attempt | null = null;
  private office: Office | null = null;
  private leaderSeen: { id: number; epoch: Epoch; at: number } | null = null;
  private followed: { leader: number; epoch: Epoch } | null = null;
  /** Members (this one included) that resigned epoch `epoch` and stand in no election until `until` or a later leader. */
  private readonly sittingOut = new Map<number, { epoch: Epoch; until: number }>();
  private nominee: number | null = null;
  /** The highest epoch each member was heard to release (its Release). */
  private readonly released = new Map<number, Epoch>();
  private readonly voteOnly: ReadonlySet<number>;
  private readonly heartbeats: HeartbeatTargets;

  constructor(private readonly config: MemberConfig) {
    const { members, self } = config;
    if (new Set(members).size !== members.length) throw new Error('leadership: member ids must be distinct');
    this.rank = members.indexOf(self);
    if (this.rank < 0) throw new Error(`leadership: ${self} is not among the members ${members.join(', ')}`);
    this.id = self;
    this.n = members.length;
    this.timing = config.timing ?? DEFAULT_TIMING;
    const problem = timingProblem(this.timing);
    if (problem) throw new Error(`leadership: ${problem}`);
    this.grantPeriod = grantPeriod(this.timing);
    this.choice = config.candidateChoice ?? 'view';
    this.view = new View(self, this.timing.suspicion, members);
    const stranger = (config.voteOnly ?? []).find((m) => !members.includes(m));
    if (stranger !== undefined) throw new Error(`leadership: vote-only ${stranger} is not among the members ${members.join(', ')}`);
    this.voteOnly = new Set(config.voteOnly);
    this.heartbeats = config.heartbeats ?? 'all';
  }

  /** True when this member may stand for election (it is not vote-only). */
  get electable(): boolean {
    return !this.voteOnly.has(this.id);
  }

  /** Grants needed to take office (this member's own included). Overridden only by sabotaged test builds. */
  protected quorum(): number {
    return majority(this.n);
  }

  /**
   * Why this member must refuse to grant `epoch` to `from` now, or null when it may grant.
   * Overridden only by sabotaged test builds.
   */
  protected refusalFor(now: number, from: number, epoch: Epoch): RefuseReason | null {
    if (now < this.quietUntil) return 'quiet';
    if (this.grant && now < this.grant.expiresAt && this.grant.leader !== from) return 'held';
    if (epoch <= this.promised) return 'stale';
    return null;
  }

  /**
   * Starts (or restarts) the member with what it persisted, or FRESH if nothing was; it grants
   * nothing for one grant period, since grants it gave before the restart may still be live.
   */
  start(now: number, persisted: Persisted): LeadershipStep {
    if (this.started) throw new Error('leadership: start() called twice; a restart is a new member');
    this.started = true;
    this.promised = persisted.promised;
    this.counter = persisted.counter;
    this.highestSeen = persisted.promised;
    this.quietUntil = now + this.grantPeriod;
    this.view.start(now);
    const out = new Out();
    out.act('Restart');
    return this.finish(now, out);
  }

  /** Handles `message` from member `from`. Messages from non-members are ignored. */
  receive(now: number, from: number, message: LeadershipMessage): LeadershipStep {
    this.checkStarted();
    const out = new Out();
    if (from === this.id || !this.config.members.includes(from)) return this.finish(now, out);
    this.view.heard(from, now);
    this.expire(now, out);
    switch (message.kind) {
      case 'Request':
        this.onRequest(now, from, message.epoch, out);
        break;
      case 'Grant':
        this.onGrant(now, from, message.epoch, out);
        break;
      case 'Refuse':
        this.see(message.promised);
        this.see(message.leaderEpoch);
        if (this.attempt && message.epoch === this.attempt.epoch && message.reason === 'stale') {
          this.attempt.stale.add(from);
          // Refused as stale by so many that no majority is left: stand again later, higher.
          if (this.attempt.stale.size >= this.n - this.quorum() + 1) this.abandon(now, true, out);
        }
        if (this.attempt && message.epoch === this.attempt.epoch && message.reason === 'held') this.onHeld(from, message.leader, message.leaderEpoch, out);
        break;
      case 'Renew':
        this.onRenew(now, from, message, out);
        break;
      case 'RenewAck':
        this.onRenewAck(from, message.epoch, message.round, out);
        break;
      case 'Release':
        this.onRelease(now, from, message.epoch, message.sitOut, out);
        break;
      case 'Heartbeat':
        // No quiet period is longer than D: a larger claim (another timing, a bug) cannot keep a member out of the pick for long.
        this.view.heardQuiet(from, now, Math.min(message.quietLeft, this.grantPeriod));
        break;
    }
    return this.finish(now, out);
  }

  /** The timer fired (or any time the caller likes: ticks are idempotent). */
  tick(now: number): LeadershipStep {
    this.checkStarted();
    const out = new Out();
    out.act('Tick');
    this.expire(now, out);
    return this.finish(now, out);
  }

  /**
   * The application resigns. Call it only after the work done as leader has returned: the grants
   * are released at once, so a successor may take office before this lease would have ended.
   * The member then sits out the next election. A no-op unless in office.
   */
  resign(now: number): LeadershipStep {
    this.checkStarted();
    const out = new Out();
    this.expire(now, out);
    const office = this.office;
    if (office) {
      out.act('Resign');
      this.leave(office.epoch, 'resign', out);
      this.grant = null;
      this.leaderSeen = null;
      this.sittingOut.set(this.id, { epoch: office.epoch, until: now + this.grantPeriod });
      for (const to of this.others()) out.push({ type: 'send', to, message: { kind: 'Release', epoch: office.epoch, sitOut: true } });
    }
    return this.finish(now, out);
  }

  /**
   * The node layer's election names `candidate` (null: none yet). Used with candidateChoice
   * 'external'; an attempt in progress ends if the nominee is no longer this member.
   */
  nominate(now: number, candidate: number | null): LeadershipStep {
    this.checkStarted();
    this.nominee = candidate;
    const out = new Out();
    this.expire(now, out);
    return this.finish(now, out);
  }

  /** A snapshot of the member. */
  status(): MemberStatus {
    return {
      id: this.id,
      role: this.office ? 'leader' : this.attempt ? 'candidate' : 'follower',
      epoch: this.office?.epoch ?? this.attempt?.epoch ?? NO_EPOCH,
      leaseEnd: this.office?.leaseEnd ?? -Infinity,
      promised: this.promised,
      counter: this.counter,
      grant: this.grant,
      leader: this.office ? this.id : (this.leaderSeen?.id ?? null),
      suspected: this.config.members.filter((m) => this.view.isSuspected(m)),
    };
  }

  /** True while this member leads with a lease that has not ended at local time `now`. */
  inOffice(now: number): boolean {
    return this.office !== null && now < this.office.leaseEnd;
  }

  private checkStarted(): void {
    if (!this.started) throw new Error('leadership: start() first');
  }

  private others(): number[] {
    return this.config.members.filter((m) => m !== this.id);
  }

  private see(epoch: Epoch): void {
    if (epoch > this.highestSeen) this.highestSeen = epoch;
  }

  /** Deadlines that act by themselves: grant expiry, step-down, attempt timeout, stale views. */
  private expire(now: number, out: Out): void {
    if (this.grant && now >= this.grant.expiresAt) this.grant = null;
    if (this.office && now >= this.office.leaseEnd - this.timing.stepDownMargin) this.leave(this.office.epoch, 'lease', out);
    if (this.attempt && now >= this.attempt.deadline) this.abandon(now, true, out);
    if (this.leaderSeen && now - this.leaderSeen.at >= this.timing.suspicion) this.leaderSeen = null;
    for (const [id, s] of this.sittingOut) if (now >= s.until) this.sittingOut.delete(id);
  }

  private onRequest(now: number, from: number, epoch: Epoch, out: Out): void {
    this.see(epoch);
    const g = this.grant;
    if (g && g.leader === from && g.epoch === epoch && epoch === this.promised) {
      // A repeated request: the grant stands, say so again.
      out.act('GrantEpoch');
      out.push({ type: 'send', to: from, message: { kind: 'Grant', epoch } });
      return;
    }
    const reason = this.refusalFor(now, from, epoch);
    if (reason) {
      out.act('RefuseEpoch');
      out.push({ type: 'send', to: from, message: this.refusal(epoch, reason) });
      return;
    }
    this.promise(now, from, epoch, out);
    out.push({ type: 'send', to: from, message: { kind: 'Grant', epoch } });
  }

  /** Promises `epoch` to `leader`: persist first, and the caller sends nothing of this step before that is durable. */
  private promise(now: number, leader: number, epoch: Epoch, out: Out): void {
    out.act('GrantEpoch');
    this.promised = epoch;
    this.grant = { epoch, leader, expiresAt: now + this.grantPeriod };
    out.push({ type: 'persist', state: { promised: this.promised, counter: this.counter } });
    if (this.attempt && this.attempt.epoch < epoch) this.abandon(now, false, out);
  }

  private refusal(epoch: Epoch, reason: RefuseReason): LeadershipMessage {
    return {
      kind: 'Refuse',
      epoch,
      reason,
      promised: this.promised,
      leader: this.grant?.leader ?? null,
      leaderEpoch: this.grant?.epoch ?? NO_EPOCH,
    };
  }

  private onGrant(now: number, from: number, epoch: Epoch, out: Out): void {
    const a = this.attempt;
    if (!a || a.epoch !== epoch) return;
    a.grants.add(from);
    a.stale.delete(from);
    this.maybeTakeOffice(now, out);
  }

  private maybeTakeOffice(now: number, out: Out): void {
    const a = this.attempt;
    if (!a || a.grants.size < this.quorum()) return;
    const leaseEnd = a.sentAt + this.timing.lease;
    this.attempt = null;
    if (now >= leaseEnd - this.timing.stepDownMargin) return;
    out.act('TakeOffice');
    this.office = { epoch: a.epoch, leaseEnd, round: 0, lastRenewAt: now, rounds: new Map() };
    this.fallbackAt = Infinity;
    this.leaderSeen = { id: this.id, epoch: a.epoch, at: now };
    this.followed = null;
    this.clearSitOuts(a.epoch);
    out.push({ type: 'takeOffice', epoch: a.epoch, leaseEnd });
  }

  private onRenew(now: number, from: number, message: Extract<LeadershipMessage, { kind: 'Renew' }>, out: Out): void {
    const { epoch, round } = message;
    this.see(epoch);
    if (rankOfEpoch(epoch, this.n) !== this.config.members.indexOf(from)) return;
    // A Renew that the leader's Release overtook: acking it would take the released grant back up for D.
    if ((this.released.get(from) ?? NO_EPOCH) >= epoch) return;
    if (epoch < this.promised) {
      // An older leader, still renewing: tell it, but stand for nothing while it does (it may
      // still hold a majority, and a member that lost its partition's attempt must not depose it).
      out.act('RefuseEpoch');
      out.push({ type: 'send', to: from, message: this.refusal(epoch, 'stale') });
      this.sawLeader(from, epoch, now);
      return;
    }
    // Liveness only: the members the leader heard itself less than S ago.
    for (const r of message.alive) {
      const m = this.config.members[r];
      if (m !== undefined && m !== this.id) this.view.heardThrough(m, now);
    }
    if (epoch === this.promised) {
      // The epoch was promised to `from` (epochs name their leader): extend, or take back up the
      // grant a restart forgot; the promise itself was already durable.
      this.grant = { epoch, leader: from, expiresAt: now + this.grantPeriod };
      out.act('AckRenew');
      out.push({ type: 'send', to: from, message: { kind: 'RenewAck', epoch, round } });
    } else {
      // A leader this member never granted: acking it is granting it, under the same rules.
      const reason = this.refusalFor(now, from, epoch);
      if (reason) {
        out.act('RefuseEpoch');
        out.push({ type: 'send', to: from, message: this.refusal(epoch, reason) });
      } else {
        this.promise(now, from, epoch, out);
        out.act('AckRenew');
        out.push({ type: 'send', to: from, message: { kind: 'RenewAck', epoch, round } });
      }
    }
    // A leader is renewing: do not disturb it (the PreVote/CheckQuorum spirit).
    if (this.office && this.office.epoch < epoch) this.leave(this.office.epoch, 'deposed', out);
    if (this.attempt && this.attempt.epoch < epoch) this.abandon(now, false, out);
    this.sawLeader(from, epoch, now);
    this.clearSitOuts(epoch);
    if (!this.followed || this.followed.leader !== from || this.followed.epoch !== epoch) {
      this.followed = { leader: from, epoch };
      out.push({ type: 'follower', leader: from, epoch });
    }
  }

  /** `leader` renews `epoch`: this member stands for nothing while it does, and on a 'ring' ring heartbeats its neighbours only. */
  private sawLeader(leader: number, epoch: Epoch, now: number): void {
    this.leaderSeen = { id: leader, epoch, at: now };
    if (this.heartbeats === 'ring') this.fallbackAt = now + 1.5 * this.timing.heartbeat;
  }

  private onRenewAck(from: number, epoch: Epoch, round: number, out: Out): void {
    const o = this.office;
    if (!o || o.epoch !== epoch) return;
    const r = o.rounds.get(round);
    if (!r) return;
    r.acks.add(from);
    this.extendIfQuorum(o, r.sentAt, r.acks, out);
  }

  private extendIfQuorum(o: Office, sentAt: number, acks: ReadonlySet<number>, out: Out): void {
    const leaseEnd = sentAt + this.timing.lease;
    if (acks.size < this.quorum() || leaseEnd <= o.leaseEnd) return;
    o.leaseEnd = leaseEnd;
    out.act('ExtendLease');
    out.push({ type: 'extendLease', epoch: o.epoch, leaseEnd });
  }

  /**
   * `from` still holds a grant this member saw released (its Request overtook the Release): ask
   * again at once rather than H later, once per member and attempt, so a Release that was lost
   * costs no more than one extra Request.
   */
  private onHeld(from: number, leader: number | null, leaderEpoch: Epoch, out: Out): void {
    const a = this.attempt!;
    if (leader === null || a.askedAgain.has(from) || (this.released.get(leader) ?? NO_EPOCH) < leaderEpoch) return;
    a.askedAgain.add(from);
    out.push({ type: 'send', to: from, message: { kind: 'Request', epoch: a.epoch } });
  }

  private onRelease(now: number, from: number, epoch: Epoch, sitOut: boolean, out: Out): void {
    if (epoch > (this.released.get(from) ?? NO_EPOCH)) this.released.set(from, epoch);
    if (this.grant && this.grant.leader === from && this.grant.epoch === epoch) {
      out.act('ReleaseGrant');
      this.grant = null;
    }
    if (this.leaderSeen && this.leaderSeen.id === from && this.leaderSeen.epoch === epoch) {
      this.leaderSeen = null;
      this.fallbackAt = Infinity;
    }
    if (sitOut) this.sittingOut.set(from, { epoch, until: now + this.grantPeriod });
  }

  private clearSitOuts(epoch: Epoch): void {
    for (const [id, s] of this.sittingOut) if (s.epoch < epoch) this.sittingOut.delete(id);
  }

  /** Leaves office (the application must stop acting at once). */
  private leave(epoch: Epoch, reason: StepDownReason, out: Out): void {
    out.act('StepDown');
    this.office = null;
    if (this.leaderSeen?.id === this.id) this.leaderSeen = null;
    out.push({ type: 'stepDown', epoch, reason });
  }

  /** Gives up the attempt: it will never take office in that epoch, so its grants can go. */
  private abandon(now: number, backOff: boolean, out: Out): void {
    const a = this.attempt;
    if (!a) return;
    out.act('AbandonAttempt');
    this.attempt = null;
    if (this.grant?.leader === this.id && this.grant.epoch === a.epoch) this.grant = null;
    for (const to of this.others()) out.push({ type: 'send', to, message: { kind: 'Release', epoch: a.epoch, sitOut: false } });
    if (backOff) this.backoffUntil = now + backoffFor(this.timing, this.rank, this.n, this.config.random());
  }

  /**
   * The candidate this member's view (or the node layer) names now, or null. A member with more
   * than H of its quiet period left is passed over: it could not stand before then, and waiting
   * for it would add up to D to the failover after a leader that was restarted at once. With H
   * or less left it is waited for, so members started together (whose quiet periods end within
   * a heartbeat of each other) all still name the highest.
   */
  private candidate(now: number): number | null {
    if (this.choice === 'external') return this.nominee;
    let best: number | null = null;
    for (const m of this.config.members) {
      if (this.voteOnly.has(m) || this.sittingOut.has(m) || !this.view.alive(m, now)) continue;
      const quietLeft = m === this.id ? this.quietUntil - now : this.view.quietLeft(m, now);
      if (quietLeft > this.timing.heartbeat) continue;
      if (best === null || m > best) best = m;
    }
    return best;
  }

  /** Regular work after every input: renewals, re-sent requests, heartbeats, and standing for election. */
  private drive(now: number, out: Out): void {
    const o = this.office;
    if (o && now >= o.lastRenewAt + this.timing.heartbeat) this.sendRenew(now, o, out);
    const a = this.attempt;
    if (a && this.candidate(now) !== this.id) this.abandon(now, false, out);
    else if (a && now >= a.lastSent + this.timing.heartbeat) {
      a.lastSent = now;
      for (const to of this.others()) if (!a.grants.has(to)) out.push({ type: 'send', to, message: { kind: 'Request', epoch: a.epoch } });
    }
    const toAll = !this.followingOnRing(now);
    // A Renew missed: the leader may be dead, and every view must hear everyone directly before S.
    if (!this.office && (now >= this.lastHeartbeatAt + this.timing.heartbeat || (toAll && now >= this.fallbackAt))) {
      this.lastHeartbeatAt = now;
      if (toAll) this.fallbackAt = Infinity;
      out.act('Heartbeat');
      const quietLeft = Math.ceil(Math.max(0, this.quietUntil - now));
      for (const to of toAll ? this.others() : this.liveRingNeighbours(now)) out.push({ type: 'send', to, message: { kind: 'Heartbeat', quietLeft } });
    }
    if (!this.office && !this.attempt && this.mayStand(now)) this.requestGrants(now, out);
  }

  /**
   * True while this member heartbeats only its ring neighbours: on a 'ring' ring, following a
   * leader whose last Renew is less than 1.5 H old, and with at most H of its quiet period left
   * (until then every view must hear it is quiet, or the pick could wait for it).
   */
  private followingOnRing(now: number): boolean {
    const l = this.leaderSeen;
    return this.heartbeats === 'ring' && l !== null && l.id !== this.id && now < l.at + 1.5 * this.timing.heartbeat && this.quietUntil - now <= this.timing.heartbeat;
  }

  /** The nearest member each way round the ring that this member's view holds (every other member if it sees none). */
  private liveRingNeighbours(now: number): number[] {
    const { members } = this.config;
    const targets = new Set<number>();
    for (const step of [1, -1]) {
      for (let k = 1; k < this.n; k++) {
        const m = members[(this.rank + step * k + this.n) % this.n]!;
        if (this.view.alive(m, now)) {
          targets.add(m);
          break;
        }
      }
    }
    return targets.size > 0 ? [...targets] : this.others();
  }

  private mayStand(now: number): boolean {
    if (!this.electable) return false;
    if (now < this.quietUntil || now < this.backoffUntil || this.leaderSeen) return false;
    if (this.grant && this.grant.leader !== this.id && now < this.grant.expiresAt) return false;
    // A view without a majority cannot win: standing would only raise epochs.
    let seen = 0;
    for (const m of this.config.members) if (this.view.alive(m, now)) seen += 1;
    if (seen < this.quorum()) return false;
    return this.candidate(now) === this.id;
  }

  /** Stands for election: a fresh epoch above all it has seen, its own promise and counter persisted before any Request leaves. */
  private requestGrants(now: number, out: Out): void {
    this.counter = nextCounter(this.counter, Math.max(this.highestSeen, this.promised), this.rank, this.n);
    const epoch = epochOf(this.counter, this.rank, this.n);
    this.promised = epoch;
    this.highestSeen = epoch;
    this.grant = { epoch, leader: this.id, expiresAt: now + this.grantPeriod };
    out.act('RequestGrants');
    out.push({ type: 'persist', state: { promised: this.promised, counter: this.counter } });
    this.attempt = {
      epoch,
      sentAt: now,
      lastSent: now,
      deadline: now + this.timing.attemptTimeout,
      grants: new Set([this.id]),
      stale: new Set(),
      askedAgain: new Set(),
    };
    for (const to of this.others()) out.push({ type: 'send', to, message: { kind: 'Request', epoch } });
    this.maybeTakeOffice(now, out);
  }

  private sendRenew(now: number, o: Office, out: Out): void {
    o.round += 1;
    o.lastRenewAt = now;
    const acks = new Set([this.id]);
    o.rounds.set(o.round, { sentAt: now, acks });
    // Rounds whose lease would already be over can no longer extend it.
    for (const [k, r] of o.rounds) if (r.sentAt + this.timing.lease <= now) o.rounds.delete(k);
    this.grant = { epoch: o.epoch, leader: this.id, expiresAt: now + this.grantPeriod };
    out.act('SendRenew');
    // Only members it heard itself: passing on what it learned from an earlier leader would keep a dead member in every view longer.
    const alive = this.heartbeats === 'ring' ? this.config.members.flatMap((m, r) => (this.view.heardDirectly(m, now) ? [r] : [])) : [];
    for (const to of this.others()) out.push({ type: 'send', to, message: { kind: 'Renew', epoch: o.epoch, round: o.round, alive } });
    this.extendIfQuorum(o, now, acks, out);
  }

  /** Runs the regular work and asks for the next tick at the earliest deadline. */
  private finish(now: number, out: Out): LeadershipStep {
    for (const t of this.view.transitions(now)) {
      out.push(t.kind === 'suspect' ? { type: 'suspect', member: t.member, lastHeard: t.lastHeard } : { type: 'trust', member: t.member });
    }
    this.drive(now, out);
    const t = this.timing;
    const deadlines: number[] = [];
    if (this.office) deadlines.push(this.office.lastRenewAt + t.heartbeat, this.office.leaseEnd - t.stepDownMargin);
    else deadlines.push(this.lastHeartbeatAt + t.heartbeat);
    if (this.attempt) deadlines.push(this.attempt.lastSent + t.heartbeat, this.attempt.deadline);
    if (this.grant) deadlines.push(this.grant.expiresAt);
    if (this.leaderSeen) deadlines.push(this.leaderSeen.at + t.suspicion);
    deadlines.push(this.fallbackAt);
    deadlines.push(this.quietUntil, this.backoffUntil);
    for (const s of this.sittingOut.values()) deadlines.push(s.until);
    const viewChange = this.view.nextChange(now);
    if (viewChange !== undefined) deadlines.push(viewChange);
    let at = Infinity;
    for (const d of deadlines) if (d > now && d < at) at = d;
    out.push({ type: 'timer', at });
    return { actions: out.actions, commands: out.commands };
  }
}
