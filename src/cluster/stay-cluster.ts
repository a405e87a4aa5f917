/**
 * A ring of `hs-ring node --stay` member processes on loopback, watched from outside: every
 * member line placed on the host's monotonic clock, and the faults an observer injects into one
 * chosen member (kill, pause, graceful resign, isolation) recorded beside them. `launch --stay`
 * and the failover bench drive it; stay-report.ts judges what it saw.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TIMING } from '../core/leadership/settings.js';
import { hostMonotonicMs as hostNow } from '../runtime/leadership-faults.js';
import { InterruptedError, InvalidConfigError, PortInUseError } from '../errors.js';
import { launchOnFreePorts } from './free-ports.js';
import { type ObservedEvent, type StayFault, type StayReport, stayReport } from './stay-report.js';
import type { HeartbeatTargets } from '../core/leadership/member.js';

/**
 * The members run the shipped command, `hs-ring node --stay`, so what is measured is what a user
 * runs; it is spawned as a program, not imported.
 */
const cliPath = fileURLToPath(new URL('../cli/main.js', import.meta.url));
/** How long members may take to print `ready` before the launch is abandoned. */
const READY_TIMEOUT_MS = 20_000;
/** And this much more per member: they all load the CLI at once on a machine that may have few cores. */
const READY_TIMEOUT_PER_MEMBER_MS = 1_000;
/** After SIGTERM at the end, how long members may take to resign and exit before SIGKILL. */
const STOP_GRACE_MS = 5_000;

/** One member line, as `node --stay` prints it. */
export interface MemberLine {
  readonly event: 'ready' | 'leader' | 'lease' | 'follower' | 'deposed' | 'stopped' | 'isolated' | 'suspect' | 'trust' | 'address';
  /** With suspect, trust and address: the peer. */
  readonly member?: number;
  readonly id: number;
  readonly epoch?: number;
  readonly token?: number;
  readonly leaseLeftMs?: number;
  readonly reason?: string;
  readonly on?: boolean;
  /** With ready and stopped: CPU ms the process has used. */
  readonly cpuMs?: number;
  /** With stopped: the member's datagram counts. */
  readonly datagrams?: { readonly sent: number; readonly received: number; readonly lost: number };
  readonly hostMs: number;
}

export interface StayClusterOptions {
  readonly ids: readonly number[];
  readonly host: string;
  /** Flags given to every member besides the ring, self and state dir (faults, say). */
  readonly memberFlags?: readonly string[];
  readonly keyFile?: string;
  /** Whom followers heartbeat, written into the ring file (default all). */
  readonly heartbeats?: HeartbeatTargets;
}

/** One running member process. */
interface Proc {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  paused: boolean;
}

/**
 * Starts the members on free ports, waits for all of them to be ready, runs `body` and stops
 * them (SIGTERM: each resigns and exits). Members never outlive it: not on an error, not on
 * Ctrl-C (InterruptedError), not when the process exits early.
 */
export async function withStayCluster<T>(o: StayClusterOptions, body: (c: StayCluster) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'hs-ring-stay-'));
  try {
    return await launchOnFreePorts(o.host, o.ids.length, async (ports) => {
      const c = new StayCluster(o, dir, ports);
      try {
        await c.startAll();
        return await body(c);
      } finally {
        await c.close();
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export class StayCluster {
  /** What the observer saw, for stay-report.ts. */
  readonly events: ObservedEvent[] = [];
  /** The member in office as last seen, with its epoch; null once it left office or its process died. */
  leader: { id: number; epoch: number } | null = null;
  /** When the stop began (SIGTERM to all): leader changes after it are the shutdown's own. */
  stoppingAt: number | null = null;
  private readonly procs = new Map<number, Proc>();
  private readonly readyAt_ = new Map<number, number>();
  private report: StayReport | null = null;
  private readonly listeners = new Set<(l: MemberLine) => void>();
  private readonly ringFile: string;
  private interrupted: NodeJS.Signals | undefined;
  private readonly onInterrupt = new Set<(s: NodeJS.Signals) => void>();
  private readonly onSignal = (s: NodeJS.Signals) => {
    this.interrupted = s;
    for (const f of this.onInterrupt) f(s);
  };
  private readonly killAll = () => this.procs.forEach((p) => p.child.kill('SIGKILL'));

  constructor(private readonly o: StayClusterOptions, private readonly dir: string, ports: readonly number[]) {
    this.ringFile = join(dir, 'ring.json');
    const members = o.ids.map((id, i) => ({ id, host: o.host, port: ports[i] }));
    writeFileSync(this.ringFile, JSON.stringify(o.heartbeats === 'ring' ? { heartbeats: 'ring', members } : { members }));
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
    process.once('exit', this.killAll);
  }

  /** Calls `f` with every member line, in the order read. Returns the way to stop listening. */
  onLine(f: (l: MemberLine) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  get ids(): readonly number[] {
    return this.o.ids;
  }

  /** When member `id`'s running process printed ready, on the host's monotonic clock. */
  readyAt(id: number): number | undefined {
    return this.readyAt_.get(id);
  }

  /** The pid of member `id`'s running process. */
  pid(id: number): number | undefined {
    return this.procs.get(id)?.child.pid;
  }

  /** True once member `id`'s running process printed ready, and while it is not paused. */
  isReady(id: number): boolean {
    return this.running(id) && this.readyAt_.has(id);
  }

  /** True while member `id`'s process runs and is not paused. */
  running(id: number): boolean {
    const p = this.procs.get(id);
    return p !== undefined && !p.paused;
  }

  /** Starts every member and waits until each printed ready. */
  async startAll(): Promise<void> {
    const all = Promise.all(this.o.ids.map((id) => this.start(id)));
    const limit = READY_TIMEOUT_MS + READY_TIMEOUT_PER_MEMBER_MS * this.o.ids.length;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new InvalidConfigError(`not every one of the ${this.o.ids.length} members was ready after ${limit} ms`)), limit);
    });
    try {
      await this.interruptible(Promise.race([all, late]));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts member `id` on its state dir; resolves once it printed ready (a restart keeps its promises). */
  start(id: number): Promise<void> {
    const args = [cliPath, 'node', '--ring', this.ringFile, '--self', String(id), '--stay', '--chaos-signals', '--state-dir', join(this.dir, `state-${id}`), ...(this.o.memberFlags ?? [])];
    if (this.o.keyFile !== undefined) args.push('--key-file', this.o.keyFile);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.readyAt_.delete(id);
    let lastErr = '';
    let onReady: () => void = () => undefined;
    let wasReady = false;
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    createInterface({ input: child.stderr! }).on('line', (l) => {
      if (l.trim()) lastErr = l.trim();
    });
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let l: MemberLine;
      try {
        l = JSON.parse(text) as MemberLine;
      } catch {
        return;
      }
      if (l.event === 'ready') {
        wasReady = true;
        this.readyAt_.set(id, l.hostMs);
        onReady();
      }
      this.observe(id, l);
    });
    const exited = new Promise<void>((resolve) =>
      child.on('close', () => {
        // Read on the observer's clock when it saw the exit: the process acted no later than that.
        this.events.push({ kind: 'exit', id, at: hostNow() });
        if (this.leader?.id === id) this.leader = null;
        if (this.procs.get(id)?.child === child) this.procs.delete(id);
        resolve();
      }),
    );
    this.procs.set(id, { child, exited, paused: false });
    return Promise.race([
      ready,
      exited.then(() => {
        if (wasReady) return;
        const why = lastErr.replace(/^hs-ring: /, '') || `member ${id} exited before it was ready`;
        // A port taken between reservation and bind: launchOnFreePorts tries fresh ones.
        throw /port already in use/.test(why) ? new PortInUseError(why) : new InvalidConfigError(why);
      }),
    ]);
  }

  private observe(id: number, l: MemberLine): void {
    switch (l.event) {
      case 'leader':
        this.events.push({ kind: 'leader', id, epoch: l.epoch!, token: l.token!, at: l.hostMs, leaseEnd: l.hostMs + l.leaseLeftMs! });
        this.leader = { id, epoch: l.epoch! };
        break;
      case 'lease':
        this.events.push({ kind: 'lease', id, epoch: l.epoch!, at: l.hostMs, leaseEnd: l.hostMs + l.leaseLeftMs! });
        break;
      case 'deposed':
        this.events.push({ kind: 'deposed', id, epoch: l.epoch!, at: l.hostMs });
        if (this.leader?.id === id && this.leader.epoch === l.epoch) this.leader = null;
        break;
      case 'ready':
        this.events.push({ kind: 'ready', id, at: l.hostMs });
        break;
      case 'suspect':
        this.events.push({ kind: 'suspect', id, member: l.member!, at: l.hostMs });
        break;
      default:
        break;
    }
    for (const f of this.listeners) f({ ...l, id });
  }

  /** Records the fault `fault` on member `id` now and sends its process `signal`: the fault's time, and the process. */
  private hurt(id: number, fault: StayFault, signal: NodeJS.Signals): { at: number; p: Proc } {
    const p = this.procs.get(id);
    if (!p) throw new RangeError(`member ${id} is not running`);
    const at = hostNow();
    this.events.push({ kind: 'fault', fault, id, at });
    p.child.kill(signal);
    return { at, p };
  }

  /** SIGKILL of member `id`: the fault's time, and when the observer saw its process exit. */
  kill(id: number): { at: number; exited: Promise<void> } {
    const { at, p } = this.hurt(id, 'kill', 'SIGKILL');
    return { at, exited: p.exited };
  }

  /** SIGTERM of member `id`: it resigns, so a successor need not wait for its lease, and exits. */
  resign(id: number): { at: number; exited: Promise<void> } {
    const { at, p } = this.hurt(id, 'resign', 'SIGTERM');
    return { at, exited: p.exited };
  }

  /** SIGSTOP of member `id`; `resume` sends SIGCONT. */
  pause(id: number): number {
    const { at, p } = this.hurt(id, 'pause', 'SIGSTOP');
    p.paused = true;
    return at;
  }

  resume(id: number): void {
    const p = this.procs.get(id);
    if (!p?.paused) return;
    p.paused = false;
    p.child.kill('SIGCONT');
    this.events.push({ kind: 'heal', id, at: hostNow() });
  }

  /** Cuts member `id` off (everything it sends and receives lost) or heals it: the members' SIGUSR2 chaos hook. */
  isolate(id: number, on: boolean): number {
    if (on) return this.hurt(id, 'isolate', 'SIGUSR2').at;
    const p = this.procs.get(id);
    if (!p) throw new RangeError(`member ${id} is not running`);
    const at = hostNow();
    p.child.kill('SIGUSR2');
    this.events.push({ kind: 'heal', id, at });
    return at;
  }

  /** The next member line `match` accepts, or null after `timeoutMs`. */
  next(match: (l: MemberLine) => boolean, timeoutMs: number): Promise<MemberLine | null> {
    let timer: NodeJS.Timeout | undefined;
    let stop = (): void => undefined;
    const line = new Promise<MemberLine | null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
      stop = this.onLine((l) => {
        if (match(l)) resolve(l);
      });
    });
    // Settled either way (a line, the timeout, or Ctrl-C): nothing of the wait is left behind.
    return this.interruptible(line).finally(() => {
      clearTimeout(timer);
      stop();
    });
  }

  /** Waits `ms`; InterruptedError on Ctrl-C. */
  sleep(ms: number): Promise<void> {
    return this.interruptible(new Promise((r) => setTimeout(r, ms)));
  }

  /** Resolves with `p`, or rejects with InterruptedError as soon as the observer is interrupted. */
  private interruptible<T>(p: Promise<T>): Promise<T> {
    if (this.interrupted) return Promise.reject(new InterruptedError(this.interrupted));
    let off: () => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => {
      const f = (s: NodeJS.Signals) => reject(new InterruptedError(s));
      this.onInterrupt.add(f);
      off = () => this.onInterrupt.delete(f);
    });
    return Promise.race([p, stopped]).finally(off);
  }

  /** Waits until no process of member `id` runs. */
  async gone(id: number): Promise<void> {
    const p = this.procs.get(id);
    if (p) await p.exited;
  }

  /** Stops every member (SIGTERM: resign and exit; SIGKILL after a grace period) and judges the run (once; again: the same verdict). */
  async stop(): Promise<StayReport> {
    if (this.report) return this.report;
    this.stoppingAt = hostNow();
    for (const p of this.procs.values()) {
      if (p.paused) p.child.kill('SIGCONT');
      p.child.kill('SIGTERM');
    }
    const all = Promise.all([...this.procs.values()].map((p) => p.exited));
    const grace = setTimeout(this.killAll, STOP_GRACE_MS);
    await all;
    clearTimeout(grace);
    if (this.interrupted) throw new InterruptedError(this.interrupted);
    this.report = stayReport(this.events, hostNow(), this.stoppingAt, { ids: this.o.ids, suspicionMs: DEFAULT_TIMING.suspicion, heartbeatMs: DEFAULT_TIMING.heartbeat });
    return this.report;
  }

  /** Kills whatever still runs and lets go of the process's signals. */
  async close(): Promise<void> {
    const left = [...this.procs.values()];
    this.killAll();
    await Promise.all(left.map((p) => p.exited));
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    process.removeListener('exit', this.killAll);
  }
}
