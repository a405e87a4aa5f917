/**
 * A deterministic, seeded simulator of N leadership members in simulated real time: a network
 * that loses, duplicates, delays and reorders; partitions; crashes (also between the steps of a
 * persist) and restarts with or without the state directory; pauses with the clock running or
 * stopped; per-member clock-rate drift. The members are the pure core; an Observer outside them
 * checks the invariants after every event, and a simulated resource checks fencing tokens.
 */
import { type HeartbeatTargets, LeadershipMember, type MemberConfig } from '../../core/leadership/member.js';
import { DEFAULT_TIMING, type LeadershipTiming, failoverBound, grantPeriod, livenessBound } from '../../core/leadership/settings.js';
import { FRESH, type LeadershipCommand, type Persisted, type LeadershipMessage, type LeadershipStep } from '../../core/leadership/types.js';
import { SeededRandom } from '../../util/random.js';
import { SimClock } from './clock.js';
import { CRASH_IN_PERSIST_WINDOW, type LeadershipFault, faultsEnd, voids } from './faults.js';
import { LEADERSHIP_INVARIANTS, type LeadershipInvariant, Observer, type Violation } from './observer.js';
import { TimedQueue } from '../timed-queue.js';
import { PERSIST_STEPS, type PersistStep, SimStore } from './store.js';

/** The network while faults last; once they stop there is no loss or duplication. */
export interface NetworkSettings {
  /** Probability that a datagram is lost. */
  readonly loss: number;
  /** Probability that a datagram arrives twice. */
  readonly duplicate: number;
  /** Each copy takes a delay uniform in [delayMin, delayMax] ms, so datagrams reorder. */
  readonly delayMin: number;
  readonly delayMax: number;
}

export const DEFAULT_NETWORK: NetworkSettings = { loss: 0, duplicate: 0, delayMin: 0.2, delayMax: 5 };

/** The longest each persist step takes (each draw is uniform in [0, max]), in ms. */
export type PersistTimes = Readonly<Record<PersistStep, number>>;
export const DEFAULT_PERSIST_TIMES: PersistTimes = { write: 0.05, fsync: 2, rename: 0.05, fsyncDir: 1 };

export interface LeadershipSimOptions {
  /** Member ids in ring order (rank = position). */
  readonly ids: readonly number[];
  readonly seed: number;
  readonly timing?: LeadershipTiming;
  readonly network?: Partial<NetworkSettings>;
  /** Each member's clock rate (local ms per real ms); default 1 for all. */
  readonly rates?: readonly number[];
  readonly faults?: readonly LeadershipFault[];
  /** Real ms to simulate; default: `tail` after the faults stop. */
  readonly duration?: number;
  /** Real ms to simulate after the faults stop; default the liveness bound plus one second. */
  readonly tail?: number;
  readonly persistTimes?: PersistTimes;
  /** Builds each member; tests pass sabotaged builds here. */
  readonly member?: (config: MemberConfig) => LeadershipMember;
  /** The resource's fencing check; the correct one is `token >= highest`. Test-only: sabotage. */
  readonly fence?: (token: number, highest: number) => boolean;
  /** The leader's application writes to the resource this often (local ms) while in office. */
  readonly writeEvery?: number;
  /** Invariants to check; default all whose assumptions the fault schedule keeps. */
  readonly invariants?: readonly LeadershipInvariant[];
  /** Stop at the first violation (default true). */
  readonly stopOnViolation?: boolean;
  /** Keep a JSON-ready trace of every member step. */
  readonly trace?: boolean;
  /** Test-only sabotage: carry out a step's persist after its sends, as a runtime that does not wait for the disk. */
  readonly persistLast?: boolean;
  /** Members (by id) that grant and renew but never stand, as the ring file's `voteOnly` flag makes them. */
  readonly voteOnly?: readonly number[];
  /** Whom followers heartbeat (MemberConfig.heartbeats); default 'all'. */
  readonly heartbeats?: HeartbeatTargets;
  /** Real ms until which the network loses and duplicates; default: until the faults stop. */
  readonly lossyUntil?: number;
  /** Receives the observable events trace validation replays (tla/LeadershipTrace.tla); does not change the run. */
  readonly onEvent?: (event: LeadershipEvent) => void;
}

/**
 * An observable event, in the simulator's real-time order, with the names of tla/LeadershipTrace.tla.
 * Persist: the member's durable state changed (a persist completed, or a crash kept a rename).
 * Grant: its first Grant of `epoch` to `to` left it (to = member: its first Request, its own vote).
 * Crash: `lost` when the state directory went with it.
 */
export type LeadershipEvent =
  | { readonly t: number; readonly ev: 'Persist'; readonly member: number; readonly promised: number; readonly counter: number }
  | { readonly t: number; readonly ev: 'Grant'; readonly member: number; readonly to: number; readonly epoch: number }
  | { readonly t: number; readonly ev: 'TakeOffice'; readonly member: number; readonly epoch: number }
  | { readonly t: number; readonly ev: 'StepDown'; readonly member: number }
  | { readonly t: number; readonly ev: 'Crash'; readonly member: number; readonly lost: boolean }
  | { readonly t: number; readonly ev: 'Restart'; readonly member: number }
  /** One grant period has passed on its clock since its Restart: it may grant again. */
  | { readonly t: number; readonly ev: 'EndQuiet'; readonly member: number };

/** One member step in a trace; actions carry the TLA+ names. */
export interface LeadershipTraceLine {
  readonly t: number;
  readonly member: number;
  readonly actions: readonly string[];
  readonly received?: { readonly from: number; readonly message: LeadershipMessage };
  readonly sent: readonly { readonly to: number; readonly message: LeadershipMessage }[];
  readonly promised: number;
  readonly role: string;
  readonly epoch: number;
}

/** A leader lost (crashed or resigned) and when the next one took office. */
export interface Failover {
  readonly kind: 'crash' | 'resign';
  readonly at: number;
  readonly leader: number;
  /** Real ms from `at` to the next TakeOffice, or null if none within the run. */
  readonly after: number | null;
}

export interface LeadershipSimResult {
  readonly violations: readonly Violation[];
  /** Every TakeOffice: real time, member id, epoch. */
  readonly terms: readonly { readonly at: number; readonly member: number; readonly epoch: number }[];
  readonly faultsEnd: number;
  /** The spec's bound from the faults' end to a leader in office, for this run's settings. */
  readonly livenessBound: number;
  /** The spec's crash failover bound for this run's settings (a stable leader killed, nothing else failing). */
  readonly failoverBound: number;
  /** Real ms from the faults' end to the first instant a member is in office; null if none in the run. */
  readonly timeToLeader: number | null;
  readonly failovers: readonly Failover[];
  readonly datagrams: { readonly sent: number; readonly lost: number };
  readonly writes: { readonly accepted: number; readonly refused: number };
  readonly persists: number;
  /** The real time the run stopped at. */
  readonly end: number;
  readonly checked: readonly LeadershipInvariant[];
  /** Every suspicion a member's failure detector reported: real time, observer id, suspected id. */
  readonly suspicions: readonly { readonly at: number; readonly observer: number; readonly member: number }[];
  readonly trace?: readonly LeadershipTraceLine[];
}

type Input =
  | { readonly kind: 'message'; readonly from: number; readonly message: LeadershipMessage }
  | { readonly kind: 'resign' };

type SimEvent =
  | { readonly kind: 'deliver'; readonly to: number; readonly from: number; readonly message: LeadershipMessage }
  | { readonly kind: 'wake'; readonly m: number; readonly gen: number }
  | { readonly kind: 'persist'; readonly m: number; readonly incarnation: number; readonly step: number }
  | { readonly kind: 'restart'; readonly m: number; readonly incarnation: number }
  | { readonly kind: 'resume'; readonly m: number; readonly pause: number }
  | { readonly kind: 'heal'; readonly partition: number }
  | { readonly kind: 'calm' }
  | { readonly kind: 'disarm'; readonly m: number; readonly armed: object }
  | { readonly kind: 'write'; readonly token: number; readonly term: number }
  | { readonly kind: 'fault'; readonly fault: LeadershipFault };

interface SimMember {
  readonly m: number;
  readonly id: number;
  readonly clock: SimClock;
  readonly store: SimStore;
  core: LeadershipMember | null;
  incarnation: number;
  pause: { id: number; clockStops: boolean } | null;
  busy: { commands: readonly LeadershipCommand[]; next: number } | null;
  inbox: Input[];
  tickPending: boolean;
  timerAt: number;
  timerGen: number;
  acting: { epoch: number; term: number } | null;
  lastWrite: number;
  crashInPersist: { after: PersistStep; downFor: number } | null;
  /** The durable state last reported to onEvent, and the grants reported (epoch:to). */
  disk: Persisted | null;
  readonly grantsSent: Set<string>;
  /** When (local ms) the quiet period of its last restart ends, until reported by EndQuiet. */
  quietUntil: number | null;
}

/** A run has far fewer events than this; more means a member answers itself into a loop. */
const MAX_EVENTS = 2_000_000;

/** Runs one simulation; the same options always give the same result. */
export function simulateLeadership(options: LeadershipSimOptions): LeadershipSimResult {
  return new LeadershipSimulator(options).run();
}

class LeadershipSimulator {
  private readonly rng: SeededRandom;
  private readonly timing: LeadershipTiming;
  private readonly members: SimMember[];
  private readonly queue = new TimedQueue<SimEvent>();
  private readonly observer: Observer;
  private readonly checked: LeadershipInvariant[];
  private network: NetworkSettings;
  private readonly persistTimes: PersistTimes;
  private readonly fence: (token: number, highest: number) => boolean;
  private readonly writeEvery: number;
  private readonly build: (config: MemberConfig) => LeadershipMember;
  /** Active partitions: a side cut from the rest, or one cut link. */
  private readonly partitions = new Map<number, { readonly side: ReadonlySet<number> } | { readonly a: number; readonly b: number }>();
  private readonly faultsEnd: number;
  private readonly bound: number;
  private readonly failoverLimit: number;
  private readonly duration: number;
  private readonly terms: { at: number; member: number; epoch: number }[] = [];
  private readonly failovers: { kind: 'crash' | 'resign'; at: number; leader: number; after: number | null }[] = [];
  private readonly trace: LeadershipTraceLine[] | undefined;
  private now = 0;
  private timeToLeader: number | null = null;
  private nextPartition = 0;
  private nextPause = 0;
  private sent = 0;
  private lost = 0;
  private resourceHighest = -1;
  private accepted = 0;
  private refused = 0;
  private readonly suspicions: { at: number; observer: number; member: number }[] = [];

  constructor(private readonly options: LeadershipSimOptions) {
    const { ids } = options;
    this.rng = new SeededRandom(options.seed);
    this.timing = options.timing ?? DEFAULT_TIMING;
    this.network = { ...DEFAULT_NETWORK, ...options.network };
    this.persistTimes = options.persistTimes ?? DEFAULT_PERSIST_TIMES;
    this.fence = options.fence ?? ((token, highest) => token >= highest);
    this.writeEvery = options.writeEvery ?? this.timing.heartbeat;
    this.build = options.member ?? ((config) => new LeadershipMember(config));
    const faults = options.faults ?? [];
    this.faultsEnd = faultsEnd(faults);
    const persistTotal = PERSIST_STEPS.reduce((s, k) => s + this.persistTimes[k], 0);
    // A message's delta: its delay plus the persist that may hold it back at each end.
    const delta = this.network.delayMax + 2 * persistTotal;
    const minRate = Math.min(1, ...(options.rates ?? []));
    this.bound = livenessBound(this.timing, delta, minRate);
    this.failoverLimit = failoverBound(this.timing, delta, minRate);
    this.duration = options.duration ?? this.faultsEnd + (options.tail ?? this.bound + 1000);
    const void_ = voids(faults);
    this.checked = [
      ...(options.invariants ??
        LEADERSHIP_INVARIANTS.filter((i) => {
          if (void_.stateLoss && (i === 'OneLeaderPerEpoch' || i === 'EpochsIncrease')) return false;
          if (void_.clockStops && (i === 'NoOverlappingLeases' || i === 'EpochsIncrease')) return false;
          return true;
        })),
    ];
    this.observer = new Observer(ids.length, ids, new Set(this.checked));
    this.trace = options.trace ? [] : undefined;
    this.members = ids.map((id, m) => ({
      m,
      id,
      clock: new SimClock(options.rates?.[m] ?? 1, 0, Math.floor(this.rng.next() * 1e6)),
      store: new SimStore(),
      core: null,
      incarnation: 0,
      pause: null,
      busy: null,
      inbox: [],
      tickPending: false,
      timerAt: Infinity,
      timerGen: 0,
      acting: null,
      lastWrite: -Infinity,
      crashInPersist: null,
      disk: null,
      grantsSent: new Set<string>(),
      quietUntil: null,
    }));
    for (const f of faults) this.queue.push(f.at, { kind: 'fault', fault: f });
    this.queue.push(options.lossyUntil ?? this.faultsEnd, { kind: 'calm' });
  }

  run(): LeadershipSimResult {
    for (const sm of this.members) this.queue.push(this.rng.next() * 10, { kind: 'restart', m: sm.m, incarnation: 0 });
    const stopOnViolation = this.options.stopOnViolation ?? true;
    for (let events = 0; ; events++) {
      const ev = this.queue.pop();
      if (!ev || ev.at > this.duration) break;
      if (events > MAX_EVENTS) {
        const last = this.trace?.slice(-8).map((l) => JSON.stringify(l)) ?? [];
        throw new Error([`simulator: more than ${MAX_EVENTS} events by ${this.now.toFixed(3)} ms (a member loops)`, ...last].join('\n'));
      }
      this.now = ev.at;
      this.handle(ev.item);
      this.checkLeases();
      if (stopOnViolation && this.observer.violations.length > 0) break;
    }
    return {
      violations: this.observer.violations,
      terms: this.terms,
      faultsEnd: this.faultsEnd,
      livenessBound: this.bound,
      failoverBound: this.failoverLimit,
      timeToLeader: this.timeToLeader,
      failovers: this.failovers,
      datagrams: { sent: this.sent, lost: this.lost },
      writes: { accepted: this.accepted, refused: this.refused },
      persists: this.members.reduce((s, sm) => s + sm.store.completed, 0),
      end: this.now,
      checked: this.checked,
      suspicions: this.suspicions,
      ...(this.trace ? { trace: this.trace } : {}),
    };
  }

  /** The observer's look at every member after each event, in real time. */
  private checkLeases(): void {
    const leaders: { m: number; epoch: number }[] = [];
    for (const sm of this.members) {
      if (sm.core?.inOffice(sm.clock.local(this.now))) leaders.push({ m: sm.m, epoch: sm.core.status().epoch });
    }
    this.observer.inOffice(this.now, leaders);
    if (this.timeToLeader === null && this.now >= this.faultsEnd && leaders.length > 0) this.timeToLeader = this.now - this.faultsEnd;
  }

  private handle(ev: SimEvent): void {
    switch (ev.kind) {
      case 'deliver': {
        const to = this.members[ev.to]!;
        if (!this.connected(ev.from, ev.to)) {
          this.lost += 1;
          return;
        }
        this.input(to, { kind: 'message', from: this.members[ev.from]!.id, message: ev.message });
        return;
      }
      case 'wake': {
        const sm = this.members[ev.m]!;
        if (ev.gen !== sm.timerGen || !sm.core) return;
        if (sm.pause || sm.busy) sm.tickPending = true;
        else this.step(sm, (core, now) => core.tick(now));
        return;
      }
      case 'persist':
        return this.persistStep(this.members[ev.m]!, ev.incarnation, ev.step);
      case 'restart':
        return this.restart(this.members[ev.m]!, ev.incarnation);
      case 'resume':
        return this.resume(this.members[ev.m]!, ev.pause);
      case 'heal':
        this.partitions.delete(ev.partition);
        return;
      case 'disarm': {
        const sm = this.members[ev.m]!;
        if (sm.crashInPersist === ev.armed) sm.crashInPersist = null;
        return;
      }
      case 'calm':
        this.network = { ...this.network, loss: 0, duplicate: 0 };
        return;
      case 'write': {
        const ok = this.fence(ev.token, this.resourceHighest);
        if (ok) {
          this.resourceHighest = Math.max(this.resourceHighest, ev.token);
          this.accepted += 1;
        } else this.refused += 1;
        this.observer.write(ev.token, ev.term, ok, this.now);
        return;
      }
      case 'fault':
        return this.fault(ev.fault);
    }
  }

  private fault(f: LeadershipFault): void {
    switch (f.kind) {
      case 'crash':
        return this.crash(this.members[f.member]!, f.downFor, f.loseState ?? false);
      case 'crashLeader': {
        const leader = this.leaderNow();
        if (!leader) return;
        this.failovers.push({ kind: 'crash', at: this.now, leader: leader.id, after: null });
        return this.crash(leader, f.downFor, false);
      }
      case 'crashInPersist': {
        const sm = this.members[f.member]!;
        const armed = { after: f.after, downFor: f.downFor };
        sm.crashInPersist = armed;
        this.queue.push(this.now + CRASH_IN_PERSIST_WINDOW, { kind: 'disarm', m: sm.m, armed });
        return;
      }
      case 'pause': {
        const sm = this.members[f.member]!;
        if (!sm.core || sm.pause) return;
        sm.pause = { id: this.nextPause++, clockStops: f.clockStops };
        if (f.clockStops) {
          sm.clock.stop(this.now);
          this.armTimer(sm);
        }
        this.queue.push(this.now + f.duration, { kind: 'resume', m: sm.m, pause: sm.pause.id });
        return;
      }
      case 'partition': {
        const id = this.nextPartition++;
        this.partitions.set(id, { side: new Set(f.side) });
        this.queue.push(this.now + f.duration, { kind: 'heal', partition: id });
        return;
      }
      case 'cut': {
        const id = this.nextPartition++;
        this.partitions.set(id, { a: f.a, b: f.b });
        this.queue.push(this.now + f.duration, { kind: 'heal', partition: id });
        return;
      }
      case 'resign':
        return this.resign(this.members[f.member]!);
      case 'resignLeader': {
        const leader = this.leaderNow();
        if (!leader) return;
        this.failovers.push({ kind: 'resign', at: this.now, leader: leader.id, after: null });
        return this.resign(leader);
      }
    }
  }

  private leaderNow(): SimMember | undefined {
    return this.members.find((sm) => sm.core?.inOffice(sm.clock.local(this.now)));
  }

  /** The application ends its work (it writes nothing more), then resigns. */
  private resign(sm: SimMember): void {
    if (!sm.acting) return;
    sm.acting = null;
    this.input(sm, { kind: 'resign' });
  }

  private connected(a: number, b: number): boolean {
    for (const p of this.partitions.values()) {
      if ('side' in p ? p.side.has(a) !== p.side.has(b) : (p.a === a && p.b === b) || (p.a === b && p.b === a)) return false;
    }
    return true;
  }

  private input(sm: SimMember, input: Input): void {
    if (!sm.core) return;
    if (sm.pause || sm.busy) {
      sm.inbox.push(input);
      return;
    }
    if (input.kind === 'resign') this.step(sm, (core, now) => core.resign(now));
    else this.step(sm, (core, now) => core.receive(now, input.from, input.message), input);
  }

  private step(sm: SimMember, f: (core: LeadershipMember, now: number) => LeadershipStep, input?: Input): void {
    const core = sm.core!;
    const result = f(core, sm.clock.local(this.now));
    if (this.trace) {
      const s = core.status();
      const sent: { to: number; message: LeadershipMessage }[] = [];
      for (const c of result.commands) if (c.type === 'send') sent.push({ to: c.to, message: c.message });
      this.trace.push({
        t: this.now,
        member: sm.id,
        actions: result.actions,
        ...(input?.kind === 'message' ? { received: { from: input.from, message: input.message } } : {}),
        sent,
        promised: s.promised,
        role: s.role,
        epoch: s.epoch,
      });
    }
    const commands = this.options.persistLast
      ? [...result.commands.filter((c) => c.type !== 'persist'), ...result.commands.filter((c) => c.type === 'persist')]
      : result.commands;
    this.carryOut(sm, commands, 0);
  }

  /** Carries out commands from `next` on; a persist suspends the rest until it is durable. */
  private carryOut(sm: SimMember, commands: readonly LeadershipCommand[], next: number): void {
    for (let i = next; i < commands.length; i++) {
      const c = commands[i]!;
      switch (c.type) {
        case 'persist':
          sm.busy = { commands, next: i + 1 };
          sm.store.begin(c.state);
          this.queue.push(this.now + this.rng.next() * this.persistTimes.write, { kind: 'persist', m: sm.m, incarnation: sm.incarnation, step: 0 });
          return;
        case 'send':
          if (c.message.kind === 'Grant' || c.message.kind === 'RenewAck') this.observer.promised(sm.m, c.message.epoch, this.now);
          if (c.message.kind === 'Grant') this.noteGrant(sm, c.to, c.message.epoch);
          if (c.message.kind === 'Request') this.noteGrant(sm, sm.id, c.message.epoch);
          this.send(sm.m, this.indexOf(c.to), c.message);
          break;
        case 'timer':
          sm.timerAt = c.at;
          this.armTimer(sm);
          break;
        case 'takeOffice': {
          const term = this.terms.length;
          this.terms.push({ at: this.now, member: sm.id, epoch: c.epoch });
          this.observer.tookOffice(sm.m, c.epoch, this.now, term);
          this.emit({ t: this.now, ev: 'TakeOffice', member: sm.id, epoch: c.epoch });
          for (const f of this.failovers) if (f.after === null && f.at <= this.now) f.after = this.now - f.at;
          sm.acting = { epoch: c.epoch, term };
          sm.lastWrite = -Infinity;
          break;
        }
        case 'stepDown':
          sm.acting = null;
          this.emit({ t: this.now, ev: 'StepDown', member: sm.id });
          break;
        case 'suspect':
          this.suspicions.push({ at: this.now, observer: sm.id, member: c.member });
          break;
        case 'extendLease':
        case 'follower':
        case 'trust':
          break;
      }
    }
    this.appWork(sm);
  }

  /** The leader's application: writes to the resource with its token while acting. */
  private appWork(sm: SimMember): void {
    if (!sm.acting || !sm.core) return;
    const local = sm.clock.local(this.now);
    if (!sm.core.inOffice(local) || local < sm.lastWrite + this.writeEvery) return;
    sm.lastWrite = local;
    const { delayMin, delayMax } = this.network;
    this.queue.push(this.now + delayMin + this.rng.next() * (delayMax - delayMin), { kind: 'write', token: sm.acting.epoch, term: sm.acting.term });
  }

  private indexOf(id: number): number {
    const m = this.options.ids.indexOf(id);
    if (m < 0) throw new Error(`simulator: no member ${id}`);
    return m;
  }

  private send(from: number, to: number, message: LeadershipMessage): void {
    this.sent += 1;
    if (!this.connected(from, to) || this.rng.next() < this.network.loss) {
      this.lost += 1;
      return;
    }
    const copies = this.rng.next() < this.network.duplicate ? 2 : 1;
    const { delayMin, delayMax } = this.network;
    for (let k = 0; k < copies; k++) {
      this.queue.push(this.now + delayMin + this.rng.next() * (delayMax - delayMin), { kind: 'deliver', to, from, message });
    }
  }

  private armTimer(sm: SimMember): void {
    sm.timerGen += 1;
    if (!sm.core || !Number.isFinite(sm.timerAt)) return;
    const at = sm.clock.realAt(sm.timerAt, this.now);
    if (at !== undefined) this.queue.push(at, { kind: 'wake', m: sm.m, gen: sm.timerGen });
  }

  private persistStep(sm: SimMember, incarnation: number, step: number): void {
    if (sm.incarnation !== incarnation || !sm.busy) return;
    const name = PERSIST_STEPS[step]!;
    sm.store.apply(name);
    this.noteDisk(sm);
    if (sm.crashInPersist?.after === name) {
      const { downFor } = sm.crashInPersist;
      sm.crashInPersist = null;
      return this.crash(sm, downFor, false);
    }
    if (step + 1 < PERSIST_STEPS.length) {
      const nextName = PERSIST_STEPS[step + 1]!;
      this.queue.push(this.now + this.rng.next() * this.persistTimes[nextName], { kind: 'persist', m: sm.m, incarnation, step: step + 1 });
      return;
    }
    const { commands, next } = sm.busy;
    sm.busy = null;
    // The promise counts once durable: a persist cut by a crash promised nothing (nothing left).
    const persisted = commands[next - 1];
    if (persisted?.type === 'persist') this.observer.promised(sm.m, persisted.state.promised, this.now);
    this.carryOut(sm, commands, next);
    this.drain(sm);
  }

  /** Feeds inputs that waited while the member was paused or persisting. */
  private drain(sm: SimMember): void {
    while (sm.core && !sm.pause && !sm.busy && sm.inbox.length > 0) this.input(sm, sm.inbox.shift()!);
    if (sm.core && !sm.pause && !sm.busy && sm.tickPending) {
      sm.tickPending = false;
      this.step(sm, (core, now) => core.tick(now));
    }
  }

  private resume(sm: SimMember, pause: number): void {
    if (!sm.pause || sm.pause.id !== pause) return;
    sm.pause = null;
    if (sm.clock.isStopped) {
      sm.clock.resume(this.now);
      this.armTimer(sm);
    }
    sm.tickPending = true;
    this.drain(sm);
  }

  private crash(sm: SimMember, downFor: number, loseState: boolean): void {
    if (!sm.core) return;
    sm.core = null;
    sm.incarnation += 1;
    sm.busy = null;
    sm.inbox = [];
    sm.tickPending = false;
    sm.acting = null;
    sm.pause = null;
    sm.clock.resume(this.now);
    sm.store.crash(this.rng.next() < 0.5);
    this.noteDisk(sm);
    if (loseState) sm.store.wipe();
    sm.disk = sm.store.load();
    this.emit({ t: this.now, ev: 'Crash', member: sm.id, lost: loseState });
    sm.timerGen += 1;
    if (Number.isFinite(downFor)) this.queue.push(this.now + downFor, { kind: 'restart', m: sm.m, incarnation: sm.incarnation });
  }

  private emit(event: LeadershipEvent): void {
    this.options.onEvent?.(event);
  }

  /** Reports the member's durable state when it changed (only then: a Persist is a step of the trace spec). */
  private noteDisk(sm: SimMember): void {
    const now = sm.store.load();
    if (!now || (sm.disk && sm.disk.promised === now.promised && sm.disk.counter === now.counter)) return;
    sm.disk = now;
    this.emit({ t: this.now, ev: 'Persist', member: sm.id, promised: now.promised, counter: now.counter });
  }

  /** Reports a grant the first time it leaves; repeats change nothing the trace spec tracks. */
  private noteGrant(sm: SimMember, to: number, epoch: number): void {
    if (!this.options.onEvent) return;
    const key = `${epoch}:${to}`;
    if (sm.grantsSent.has(key)) return;
    sm.grantsSent.add(key);
    // The quiet period is the simulator's own account from the correct timing, not the member's.
    if (sm.quietUntil !== null && sm.clock.local(this.now) >= sm.quietUntil) {
      sm.quietUntil = null;
      this.emit({ t: this.now, ev: 'EndQuiet', member: sm.id });
    }
    this.emit({ t: this.now, ev: 'Grant', member: sm.id, to, epoch });
  }

  private restart(sm: SimMember, incarnation: number): void {
    if (sm.core || sm.incarnation !== incarnation) return;
    const core = this.build({
      members: this.options.ids,
      self: sm.id,
      timing: this.timing,
      random: this.rng.fn,
      ...(this.options.voteOnly ? { voteOnly: this.options.voteOnly } : {}),
      ...(this.options.heartbeats ? { heartbeats: this.options.heartbeats } : {}),
    });
    sm.core = core;
    sm.timerAt = Infinity;
    this.emit({ t: this.now, ev: 'Restart', member: sm.id });
    sm.quietUntil = sm.clock.local(this.now) + grantPeriod(this.timing);
    this.step(sm, (c, now) => c.start(now, sm.store.load() ?? FRESH));
  }
}
