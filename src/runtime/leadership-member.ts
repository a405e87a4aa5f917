/**
 * Leadership as a service over UDP: createMember() runs one member of the leadership protocol
 * (src/core/leadership/member.ts) on its own socket, carries out what the pure core asks (persist
 * synchronously, send, one timer) and tells the application when it leads, with a fencing token
 * and an AbortSignal that fires before its lease can end.
 */
import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Address } from '../config/address.js';
import { LeadershipMember, type MemberConfig } from '../core/leadership/member.js';
import type { Epoch, LeadershipMessageKind, LeadershipStep, StepDownReason } from '../core/leadership/types.js';
import { HsRingError, NodeClosedError } from '../errors.js';
import { UdpTransport } from '../transport/udp.js';
import type { Clock } from './clock.js';
import { SendFaults, driftingClock } from './leadership-faults.js';
import { type EventLoopLag, EventLoopLagMonitor } from './event-loop-lag.js';
import { LEADERSHIP_DROP_REASONS, type LeadershipDropReason, decodeLeadership, encodeLeadership } from './leadership-frames.js';
import { type CheckedMember, type MemberOptions, checkMemberOptions } from './leadership-options.js';
import { PeerAddresses } from './leadership-peers.js';
import { loadState, prepareStateDir, saveState } from './leadership-state.js';
import { createThreadedMember } from './leadership-thread.js';
import { runInOffice } from './office-work.js';

export type { MemberOptions } from './leadership-options.js';
export type { LeadershipDropReason } from './leadership-frames.js';
export type { MemberFaults } from './leadership-faults.js';
export type { EventLoopLag } from './event-loop-lag.js';

/** Why a member left office: the core's reasons, or `closed` (close() while leading; no Release is sent). */
export type LeaveReason = StepDownReason | 'closed';

/**
 * The events of a member, each with one object argument. `atMs` and `leaseEndMs` are on the
 * member's monotonic clock (performance.now(), unless a clock-rate fault is injected);
 * `leaseLeftMs` is what is left of the lease in real ms when the event is emitted.
 */
export interface MemberEvents {
  /** This member took office: act only with `token` (the epoch) and stop at once when `signal` aborts. */
  leader: [{ readonly token: Epoch; readonly epoch: Epoch; readonly signal: AbortSignal; readonly leaseEndMs: number; readonly leaseLeftMs: number; readonly atMs: number }];
  /** A majority renewed this leader's lease: it now ends at `leaseEndMs` on the monotonic clock. */
  lease: [{ readonly epoch: Epoch; readonly leaseEndMs: number; readonly leaseLeftMs: number; readonly atMs: number }];
  /** This member follows `leader`, heard renewing epoch `epoch`; `advertise` is what the leader advertises, or null. */
  follower: [{ readonly leader: number; readonly epoch: Epoch; readonly advertise: string | null; readonly atMs: number }];
  /** This member left office (its signal has aborted): the lease ran out unrenewed, a higher epoch deposed it, it resigned or was closed. */
  deposed: [{ readonly epoch: Epoch; readonly reason: LeaveReason; readonly atMs: number }];
  /** A datagram was dropped before reaching the protocol. */
  drop: [{ readonly reason: LeadershipDropReason; readonly detail: string; readonly from: Address }];
  /** The failure detector suspects `member`: nothing heard from it for S (since `lastHeardMs`, or since the start if null). */
  suspect: [{ readonly member: number; readonly lastHeardMs: number | null; readonly atMs: number }];
  /** A suspected `member` was heard again. */
  trust: [{ readonly member: number; readonly atMs: number }];
  /** A peer's host name, looked up again after a suspicion, stands for a new address: datagrams go there, and come from there as that peer. */
  address: [{ readonly member: number; readonly host: string; readonly address: Address; readonly previous: Address; readonly atMs: number }];
  /** The member stopped because its state could not be saved (it closed itself: a promise it cannot keep must not leave). */
  failed: [{ readonly error: HsRingError }];
}

/** A snapshot for status pages and tests. */
export interface MemberStatus {
  readonly id: number;
  readonly state: 'created' | 'running' | 'closed' | 'failed';
  readonly role: 'follower' | 'candidate' | 'leader';
  /** The epoch it leads or stands for, -1 if none. */
  readonly epoch: Epoch;
  /** The leader it knows of (itself while leading), or null. */
  readonly leader: number | null;
  /** What that leader advertises, or null. */
  readonly leaderAdvertise: string | null;
  readonly isLeader: boolean;
  /** End of its lease on the monotonic clock while leading, else null. */
  readonly leaseEndMs: number | null;
  /** The highest epoch it promised (persisted). */
  readonly promised: Epoch;
  /** Datagrams sent and received; `lost`: those the member's own injected faults dropped instead of sending. */
  readonly datagrams: { readonly sent: number; readonly received: number; readonly lost: number };
  /**
   * How late the member's timer fired, in ms, the last time and at worst: the event loop was
   * busy. A lag near stepDownMargin means the signal may abort after the lease has ended.
   */
  readonly timerLagMs: { readonly last: number; readonly max: number };
  /**
   * How late the calling thread's event loop ran since start(), in ms (monitorEventLoopDelay): a
   * long synchronous task there delays the signal, events and work. With `thread: true` the
   * protocol's timers run elsewhere and timerLagMs is theirs.
   */
  readonly eventLoopLagMs: EventLoopLag;
  readonly drops: Readonly<Record<LeadershipDropReason, number>>;
  /** The datagrams of `datagrams` by message kind; received counts only those that decoded. */
  readonly datagramsByKind: { readonly sent: Readonly<Record<LeadershipMessageKind, number>>; readonly received: Readonly<Record<LeadershipMessageKind, number>> };
  /** Suspicions of peers since the start (each a `suspect` event), and the peers suspected now. */
  readonly suspicions: number;
  readonly suspected: readonly number[];
  /** Fresh lookups of suspected peers' names: how many found a new address, and how many failed (the old address stays). */
  readonly resolutions: { readonly changed: number; readonly failed: number };
  /** The newest term this member knows (its own included): its leader, epoch, and when it was first and last heard (a Renew, or its own office). */
  readonly term: Term | null;
  /** The term before `term`, as it was last heard: the end of the previous leader's term, as this member saw it. */
  readonly previousTerm: Term | null;
}

/** A leader's term as one member saw it, on the monotonic clock. */
export interface Term {
  readonly leader: number;
  readonly epoch: Epoch;
  readonly sinceMs: number;
  readonly lastMs: number;
}

/** Every message kind once (a record, so a kind added to the core fails to compile until listed here). */
const KINDS: Record<LeadershipMessageKind, null> = { Request: null, Grant: null, Refuse: null, Renew: null, RenewAck: null, Release: null, Heartbeat: null };
export const LEADERSHIP_MESSAGE_KINDS = Object.keys(KINDS) as readonly LeadershipMessageKind[];

function zeroByKind(): Record<LeadershipMessageKind, number> {
  return Object.fromEntries(LEADERSHIP_MESSAGE_KINDS.map((k) => [k, 0])) as Record<LeadershipMessageKind, number>;
}

/** A leadership member created by createMember. */
export interface HsRingMember extends EventEmitter<MemberEvents> {
  readonly id: number;
  readonly address: Address;
  /** Starts the protocol (once). It grants nothing for one grant period: promises it made before a restart may still be live. */
  start(): void;
  /** True only while this member leads and its lease has not ended on the monotonic clock. */
  isLeader(): boolean;
  status(): MemberStatus;
  /**
   * Waits until this member takes office, runs `work(token, signal)`, and resigns once it has
   * returned (or thrown), so a successor can take office at once. Resolves with what `work`
   * returns; rejects with NodeClosedError if the member is closed before it leads.
   */
  runWhileLeader<T>(work: (token: Epoch, signal: AbortSignal) => Promise<T> | T): Promise<T>;
  /** Aborts the current leader's signal, waits for runWhileLeader work to return, then releases the grants. A no-op unless leading. */
  resign(): Promise<void>;
  /** Releases the socket and the timer; a leader's signal aborts first. Does not resign: the successor waits for the lease to run out. */
  close(): Promise<void>;
}

/**
 * Checks `options` (InvalidConfigError), prepares the state directory and loads it
 * (CorruptStateError for a corrupt state file), resolves the ring's host names (InvalidConfigError
 * if one does not resolve), binds the member's address from the ring (PortInUseError,
 * AddressUnavailableError) and returns the member, not yet started. With `thread: true` all but
 * the check happen in a worker thread (leadership-thread.ts).
 */
export async function createMember(options: MemberOptions): Promise<HsRingMember> {
  return createMemberWithCore(options, {});
}

/**
 * For tests only, and not exported from src/index.ts: what createMember builds in, replaced. A
 * test runs a sabotaged core over real UDP this way, or cuts single links.
 */
export interface MemberInternals {
  /** Builds the protocol core instead of LeadershipMember (a sabotaged build). */
  readonly core?: (config: MemberConfig) => LeadershipMember;
  /** While true for a peer, nothing is sent to it and nothing from it is read: that link is cut both ways. */
  readonly cut?: (peer: number) => boolean;
}

/** createMember with `internals` (tests only). */
export async function createMemberWithCore(options: MemberOptions, internals: MemberInternals): Promise<HsRingMember> {
  const c = checkMemberOptions(options);
  if (c.thread) return createThreadedMember(options, c);
  prepareStateDir(c.stateDir);
  const persisted = loadState(c.stateDir);
  const peers = await PeerAddresses.create(c.members, c.self, c.lookup);
  const transport = await UdpTransport.bind(peers.listen);
  return new Member(c, persisted, transport, peers, internals);
}

/** How often the name of a peer that stays suspected is looked up again. */
const RELOOKUP_MS = 1000;

interface Office {
  readonly epoch: Epoch;
  readonly controller: AbortController;
  /** runWhileLeader work still running in this office. */
  working: number;
  readonly settled: Set<Promise<unknown>>;
}

class Member extends EventEmitter<MemberEvents> implements HsRingMember {
  readonly id: number;
  readonly address: Address;
  private readonly core: LeadershipMember;
  private readonly session = randomInt(1, 2 ** 32);
  private readonly drops = Object.fromEntries(LEADERSHIP_DROP_REASONS.map((r) => [r, 0])) as Record<LeadershipDropReason, number>;
  private state: MemberStatus['state'] = 'created';
  private timer: unknown;
  private office: Office | null = null;
  /** The last value each member advertised with a Renew. */
  private readonly advertised = new Map<number, string>();
  private lag = { last: 0, max: 0 };
  private readonly clock: Clock;
  private readonly rate: number;
  private readonly faults: SendFaults | undefined;
  private readonly loopLag = new EventLoopLagMonitor();
  private timerAt = Infinity;
  private sent = 0;
  private received = 0;
  private readonly byKind = { sent: zeroByKind(), received: zeroByKind() };
  private term: { leader: number; epoch: Epoch; sinceMs: number; lastMs: number } | null = null;
  private previousTerm: Term | null = null;
  /** Inputs that arrive while a step is carried out (from an event listener) wait their turn: steps never interleave. */
  private stepping = false;
  private readonly pending: (() => void)[] = [];
  private readonly waiting = new Set<{ resolve: (o: Office) => void; reject: (e: Error) => void }>();
  private suspicions = 0;
  /** Suspected peers with a host name, and when their name was last looked up (monotonic ms). */
  private readonly lookedUp = new Map<number, number>();
  private readonly resolutions = { changed: 0, failed: 0 };

  constructor(
    private readonly c: CheckedMember,
    private readonly persisted: { readonly promised: Epoch; readonly counter: number },
    private readonly transport: UdpTransport,
    private readonly peers: PeerAddresses,
    private readonly internals: MemberInternals,
  ) {
    super();
    this.id = c.self;
    this.address = transport.local;
    this.rate = c.faults?.clockRate ?? 1;
    this.clock = driftingClock(this.rate);
    this.faults = c.faults ? new SendFaults(c.faults) : undefined;
    const config: MemberConfig = { members: c.ids, self: c.self, timing: c.timing, random: Math.random, voteOnly: c.voteOnly, heartbeats: c.heartbeats };
    this.core = internals.core ? internals.core(config) : new LeadershipMember(config);
    transport.onDatagram((bytes, from) => this.onDatagram(bytes, from));
  }

  start(): void {
    if (this.state === 'closed' || this.state === 'failed') throw new NodeClosedError(`member ${this.id} is closed`);
    if (this.state === 'running') return;
    this.state = 'running';
    this.loopLag.start();
    this.input((now) => this.core.start(now, this.persisted));
  }

  isLeader(): boolean {
    // Not after the signal aborted either (resign() aborts it before the grants are released).
    const o = this.office;
    return this.state === 'running' && o !== null && !o.controller.signal.aborted && this.core.inOffice(this.clock.now());
  }

  status(): MemberStatus {
    const s = this.core.status();
    const leading = this.isLeader();
    return {
      id: this.id,
      state: this.state,
      role: this.state === 'running' ? s.role : 'follower',
      epoch: this.state === 'running' ? s.epoch : -1,
      leader: this.state === 'running' ? s.leader : null,
      leaderAdvertise: this.state === 'running' && s.leader !== null ? (s.leader === this.id ? (this.c.advertise ?? null) : (this.advertised.get(s.leader) ?? null)) : null,
      isLeader: leading,
      leaseEndMs: leading ? s.leaseEnd : null,
      promised: this.state === 'created' ? this.persisted.promised : s.promised,
      datagrams: { sent: this.sent, received: this.received, lost: this.faults?.lost ?? 0 },
      timerLagMs: { ...this.lag },
      eventLoopLagMs: this.loopLag.snapshot(),
      drops: { ...this.drops },
      datagramsByKind: { sent: { ...this.byKind.sent }, received: { ...this.byKind.received } },
      term: this.term && { ...this.term },
      previousTerm: this.previousTerm,
      suspicions: this.suspicions,
      suspected: this.state === 'running' ? s.suspected : [],
      resolutions: { ...this.resolutions },
    };
  }

  /** Records that `leader` was heard in office in `epoch` at `now`; a newer term moves the current one to previousTerm. */
  private noteTerm(leader: number, epoch: Epoch, now: number): void {
    const t = this.term;
    if (t && t.leader === leader && t.epoch === epoch) {
      t.lastMs = now;
      return;
    }
    if (t && epoch < t.epoch) return;
    this.previousTerm = t && { ...t };
    this.term = { leader, epoch, sinceMs: now, lastMs: now };
  }

  async runWhileLeader<T>(work: (token: Epoch, signal: AbortSignal) => Promise<T> | T): Promise<T> {
    const office = await this.nextOffice();
    return runInOffice(office, work, () => this.office === office, () => this.input((now) => this.core.resign(now)));
  }

  async resign(): Promise<void> {
    const office = this.office;
    if (!office) return;
    if (!office.controller.signal.aborted) office.controller.abort(new Error('resign'));
    await Promise.allSettled([...office.settled]);
    if (this.office === office) this.input((now) => this.core.resign(now));
  }

  async close(): Promise<void> {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.state = 'closed';
    this.stop('closed');
    await this.transport.close();
  }

  /** The office this member holds now (signal not yet aborted), or the next one. */
  private nextOffice(): Promise<Office> {
    if (this.state === 'closed' || this.state === 'failed') return Promise.reject(new NodeClosedError(`member ${this.id} is closed`));
    const o = this.office;
    if (o && !o.controller.signal.aborted && this.isLeader()) return Promise.resolve(o);
    return new Promise((resolve, reject) => this.waiting.add({ resolve, reject }));
  }

  private stop(reason: LeaveReason): void {
    this.loopLag.stop();
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
    const o = this.office;
    this.office = null;
    if (o) this.leave(o, reason);
    for (const w of this.waiting) w.reject(new NodeClosedError(`member ${this.id} was closed before it led`));
    this.waiting.clear();
  }

  private leave(o: Office, reason: LeaveReason): void {
    if (!o.controller.signal.aborted) o.controller.abort(new Error(reason));
    this.emit('deposed', { epoch: o.epoch, reason, atMs: this.clock.now() });
  }

  private onDatagram(bytes: Uint8Array, from: Address): void {
    if (this.state !== 'running' || this.faults?.isolated()) return;
    const sender = this.peers.idOf(from);
    if (sender !== undefined && this.internals.cut?.(sender)) return;
    this.received += 1;
    const d = decodeLeadership(bytes, this.c.digest, this.c.key);
    if (!d.ok) return this.drop(d.reason, d.detail, from);
    if (sender === undefined) return this.drop('unknown-sender', 'the source address is no member of the ring', from);
    const now = this.clock.now();
    this.byKind.received[d.message.kind] += 1;
    // A Renew of the term already known extends it; a new term starts only with the core's follower command.
    if (d.message.kind === 'Renew' && this.term?.leader === sender && this.term.epoch === d.message.epoch) this.term.lastMs = now;
    // Recorded before the step: the follower event it may cause names the value.
    if (d.message.kind === 'Renew') {
      if (d.advertise === undefined) this.advertised.delete(sender);
      else this.advertised.set(sender, d.advertise);
    }
    this.input((now) => this.core.receive(now, sender, d.message));
  }

  private drop(reason: LeadershipDropReason, detail: string, from: Address): void {
    this.drops[reason] += 1;
    this.emit('drop', { reason, detail, from });
  }

  /** Runs one input of the core and carries out its commands, one step at a time. */
  private input(step: (now: number) => LeadershipStep): void {
    if (this.state !== 'running') return;
    if (this.stepping) {
      this.pending.push(() => this.input(step));
      return;
    }
    this.stepping = true;
    const now = this.clock.now();
    // Whatever input comes first after a busy spell (a datagram, often) finds the deadline passed.
    if (now > this.timerAt) {
      const late = now - this.timerAt;
      this.lag = { last: late, max: Math.max(this.lag.max, late) };
    }
    try {
      this.carryOut(step(now));
      this.relookup(now);
    } finally {
      this.stepping = false;
    }
    this.pending.shift()?.();
  }

  private carryOut(step: LeadershipStep): void {
    for (const c of step.commands) {
      if (this.state !== 'running') return;
      switch (c.type) {
        case 'persist':
          // Synchronous and complete before the next command: a Grant or Request never leaves ahead of its promise.
          try {
            saveState(this.c.stateDir, c.state);
          } catch (err) {
            this.state = 'failed';
            this.stop('closed');
            void this.transport.close();
            this.emit('failed', { error: err as HsRingError });
            return;
          }
          break;
        case 'send':
          if (this.faults?.loses() || this.internals.cut?.(c.to)) break;
          // Only a leader's Renew carries the advertised value: that is when followers learn who leads.
          this.transport.send(
            encodeLeadership(c.message, this.session, this.c.digest, this.c.key, c.message.kind === 'Renew' ? this.c.advertise : undefined),
            this.peers.addressOf(c.to),
          );
          this.sent += 1;
          this.byKind.sent[c.message.kind] += 1;
          break;
        case 'timer':
          this.arm(c.at);
          break;
        case 'takeOffice': {
          const office: Office = { epoch: c.epoch, controller: new AbortController(), working: 0, settled: new Set() };
          this.office = office;
          // Taken office with the lease (nearly) over, the process having been stopped since the step began:
          // the signal is aborted before anyone sees it, and no runWhileLeader work starts in it.
          const late = this.realMsUntil(c.leaseEnd) <= this.c.timing.stepDownMargin;
          if (late) office.controller.abort(new Error('lease'));
          this.noteTerm(this.id, c.epoch, this.clock.now());
          this.emit('leader', { token: c.epoch, epoch: c.epoch, signal: office.controller.signal, leaseEndMs: c.leaseEnd, leaseLeftMs: this.realMsUntil(c.leaseEnd), atMs: this.clock.now() });
          if (late) break;
          for (const w of this.waiting) w.resolve(office);
          this.waiting.clear();
          break;
        }
        case 'extendLease':
          // The core holds the lease end (isLeader() and status() read it there); the event lets an observer bound a term.
          this.noteTerm(this.id, c.epoch, this.clock.now());
          this.emit('lease', { epoch: c.epoch, leaseEndMs: c.leaseEnd, leaseLeftMs: this.realMsUntil(c.leaseEnd), atMs: this.clock.now() });
          break;
        case 'stepDown': {
          const o = this.office;
          this.office = null;
          if (o) this.noteTerm(this.id, o.epoch, this.clock.now());
          if (o) this.leave(o, c.reason);
          break;
        }
        case 'follower':
          this.noteTerm(c.leader, c.epoch, this.clock.now());
          this.emit('follower', { leader: c.leader, epoch: c.epoch, advertise: this.advertised.get(c.leader) ?? null, atMs: this.clock.now() });
          break;
        case 'suspect':
          this.suspicions += 1;
          this.emit('suspect', { member: c.member, lastHeardMs: c.lastHeard, atMs: this.clock.now() });
          // A silent peer may have moved: look its name up again (the old address stays meanwhile).
          if (this.peers.hasName(c.member)) {
            this.lookedUp.set(c.member, this.clock.now());
            this.follow(c.member);
          }
          break;
        case 'trust':
          this.lookedUp.delete(c.member);
          this.emit('trust', { member: c.member, atMs: this.clock.now() });
          break;
      }
    }
  }

  /** Names of peers that stay suspected are looked up again every RELOOKUP_MS: a DNS change may come after the move. */
  private relookup(now: number): void {
    for (const [id, at] of this.lookedUp) {
      if (now - at < RELOOKUP_MS) continue;
      this.lookedUp.set(id, now);
      this.follow(id);
    }
  }

  /** Looks the name of peer `id` up again and counts what came of it; a new address is used from then on. */
  private follow(id: number): void {
    void this.peers.reresolve(id).then((r) => {
      if (!r || r.kind === 'same' || this.state !== 'running') return;
      if (r.kind === 'failed') {
        this.resolutions.failed += 1;
        return;
      }
      this.resolutions.changed += 1;
      this.emit('address', { member: id, host: r.host, address: r.address, previous: r.previous, atMs: this.clock.now() });
    });
  }

  /** The core asks for one timer at a time: a new one replaces the last. */
  private arm(at: number): void {
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    if (!Number.isFinite(at)) return;
    // Rounded up: a timer that fired a fraction of a ms early would only be asked for again.
    this.timerAt = at;
    // The member's clock turns its own ms into real ones (a drifting clock scales them).
    this.timer = this.clock.setTimer(() => this.input((now) => this.core.tick(now)), Math.max(0, Math.ceil(at - this.clock.now())));
  }

  /** Real ms until `at` on this member's clock. */
  private realMsUntil(at: number): number {
    return (at - this.clock.now()) / this.rate;
  }
}
