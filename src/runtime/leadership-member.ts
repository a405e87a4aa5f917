/**
 * Leadership as a service over UDP: createMember() runs one member of the leadership protocol
 * (src/core/leadership/member.ts) on its own socket, carries out what the pure core asks (persist
 * synchronously, send, one timer) and tells the application when it leads, with a fencing token
 * and an AbortSignal that fires before its lease can end.
 */
import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Address } from '../config/address.js';
import { LeadershipMember } from '../core/leadership/member.js';
import type { Epoch, LeadershipStep, StepDownReason } from '../core/leadership/types.js';
import { HsRingError, NodeClosedError } from '../errors.js';
import { UdpTransport } from '../transport/udp.js';
import { systemClock } from './clock.js';
import { LEADERSHIP_DROP_REASONS, type LeadershipDropReason, decodeLeadership, encodeLeadership } from './leadership-frames.js';
import { type CheckedMember, type MemberOptions, checkMemberOptions } from './leadership-options.js';
import { PeerAddresses } from './leadership-peers.js';
import { loadState, prepareStateDir, saveState } from './leadership-state.js';

export type { MemberOptions } from './leadership-options.js';
export type { LeadershipDropReason } from './leadership-frames.js';

/** Why a member left office: the core's reasons, or `closed` (close() while leading; no Release is sent). */
export type LeaveReason = StepDownReason | 'closed';

/** The events of a member, each with one object argument; `atMs` is the monotonic clock (performance.now()). */
export interface MemberEvents {
  /** This member took office: act only with `token` (the epoch) and stop at once when `signal` aborts. */
  leader: [{ readonly token: Epoch; readonly epoch: Epoch; readonly signal: AbortSignal; readonly leaseEndMs: number; readonly atMs: number }];
  /** A majority renewed this leader's lease: it now ends at `leaseEndMs` on the monotonic clock. */
  lease: [{ readonly epoch: Epoch; readonly leaseEndMs: number; readonly atMs: number }];
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
  readonly datagrams: { readonly sent: number; readonly received: number };
  /**
   * How late the member's timer fired, in ms, the last time and at worst: the event loop was
   * busy. A lag near stepDownMargin means the signal may abort after the lease has ended.
   */
  readonly timerLagMs: { readonly last: number; readonly max: number };
  readonly drops: Readonly<Record<LeadershipDropReason, number>>;
  /** Suspicions of peers since the start (each a `suspect` event), and the peers suspected now. */
  readonly suspicions: number;
  readonly suspected: readonly number[];
  /** Fresh lookups of suspected peers' names: how many found a new address, and how many failed (the old address stays). */
  readonly resolutions: { readonly changed: number; readonly failed: number };
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
 * AddressUnavailableError) and returns the member, not yet started.
 */
export async function createMember(options: MemberOptions): Promise<HsRingMember> {
  const c = checkMemberOptions(options);
  prepareStateDir(c.stateDir);
  const persisted = loadState(c.stateDir);
  const peers = await PeerAddresses.create(c.members, c.self, c.lookup);
  const transport = await UdpTransport.bind(peers.listen);
  return new Member(c, persisted, transport, peers);
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
  private timer: NodeJS.Timeout | undefined;
  private office: Office | null = null;
  /** The last value each member advertised with a Renew. */
  private readonly advertised = new Map<number, string>();
  private lag = { last: 0, max: 0 };
  private timerAt = Infinity;
  private sent = 0;
  private received = 0;
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
  ) {
    super();
    this.id = c.self;
    this.address = transport.local;
    this.core = new LeadershipMember({ members: c.ids, self: c.self, timing: c.timing, random: Math.random, voteOnly: c.voteOnly });
    transport.onDatagram((bytes, from) => this.onDatagram(bytes, from));
  }

  start(): void {
    if (this.state === 'closed' || this.state === 'failed') throw new NodeClosedError(`member ${this.id} is closed`);
    if (this.state === 'running') return;
    this.state = 'running';
    this.input((now) => this.core.start(now, this.persisted));
  }

  isLeader(): boolean {
    // Not after the signal aborted either (resign() aborts it before the grants are released).
    const o = this.office;
    return this.state === 'running' && o !== null && !o.controller.signal.aborted && this.core.inOffice(systemClock.now());
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
      datagrams: { sent: this.sent, received: this.received },
      timerLagMs: { ...this.lag },
      drops: { ...this.drops },
      suspicions: this.suspicions,
      suspected: this.state === 'running' ? s.suspected : [],
      resolutions: { ...this.resolutions },
    };
  }

  async runWhileLeader<T>(work: (token: Epoch, signal: AbortSignal) => Promise<T> | T): Promise<T> {
    const office = await this.nextOffice();
    office.working += 1;
    const run = (async () => work(office.epoch, office.controller.signal))();
    office.settled.add(run);
    try {
      return await run;
    } finally {
      office.working -= 1;
      office.settled.delete(run);
      // Only now, the work having returned, may a successor take office before this lease ends.
      if (office.working === 0 && this.office === office) this.input((now) => this.core.resign(now));
    }
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
    clearTimeout(this.timer);
    this.timer = undefined;
    const o = this.office;
    this.office = null;
    if (o) this.leave(o, reason);
    for (const w of this.waiting) w.reject(new NodeClosedError(`member ${this.id} was closed before it led`));
    this.waiting.clear();
  }

  private leave(o: Office, reason: LeaveReason): void {
    if (!o.controller.signal.aborted) o.controller.abort(new Error(reason));
    this.emit('deposed', { epoch: o.epoch, reason, atMs: systemClock.now() });
  }

  private onDatagram(bytes: Uint8Array, from: Address): void {
    if (this.state !== 'running') return;
    this.received += 1;
    const d = decodeLeadership(bytes, this.c.digest, this.c.key);
    const sender = this.peers.idOf(from);
    if (!d.ok) return this.drop(d.reason, d.detail, from);
    if (sender === undefined) return this.drop('unknown-sender', 'the source address is no member of the ring', from);
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
    const now = systemClock.now();
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
          // Only a leader's Renew carries the advertised value: that is when followers learn who leads.
          this.transport.send(
            encodeLeadership(c.message, this.session, this.c.digest, this.c.key, c.message.kind === 'Renew' ? this.c.advertise : undefined),
            this.peers.addressOf(c.to),
          );
          this.sent += 1;
          break;
        case 'timer':
          this.arm(c.at);
          break;
        case 'takeOffice': {
          const office: Office = { epoch: c.epoch, controller: new AbortController(), working: 0, settled: new Set() };
          this.office = office;
          this.emit('leader', { token: c.epoch, epoch: c.epoch, signal: office.controller.signal, leaseEndMs: c.leaseEnd, atMs: systemClock.now() });
          for (const w of this.waiting) w.resolve(office);
          this.waiting.clear();
          break;
        }
        case 'extendLease':
          // The core holds the lease end (isLeader() and status() read it there); the event lets an observer bound a term.
          this.emit('lease', { epoch: c.epoch, leaseEndMs: c.leaseEnd, atMs: systemClock.now() });
          break;
        case 'stepDown': {
          const o = this.office;
          this.office = null;
          if (o) this.leave(o, c.reason);
          break;
        }
        case 'follower':
          this.emit('follower', { leader: c.leader, epoch: c.epoch, advertise: this.advertised.get(c.leader) ?? null, atMs: systemClock.now() });
          break;
        case 'suspect':
          this.suspicions += 1;
          this.emit('suspect', { member: c.member, lastHeardMs: c.lastHeard, atMs: systemClock.now() });
          // A silent peer may have moved: look its name up again (the old address stays meanwhile).
          if (this.peers.hasName(c.member)) {
            this.lookedUp.set(c.member, systemClock.now());
            this.follow(c.member);
          }
          break;
        case 'trust':
          this.lookedUp.delete(c.member);
          this.emit('trust', { member: c.member, atMs: systemClock.now() });
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
      this.emit('address', { member: id, host: r.host, address: r.address, previous: r.previous, atMs: systemClock.now() });
    });
  }

  /** The core asks for one timer at a time: a new one replaces the last. */
  private arm(at: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    if (!Number.isFinite(at)) return;
    // Rounded up: a timer that fired a fraction of a ms early would only be asked for again.
    this.timerAt = at;
    this.timer = setTimeout(() => this.input((now) => this.core.tick(now)), Math.max(0, Math.ceil(at - systemClock.now())));
  }
}
