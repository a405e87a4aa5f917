/**
 * createMember({ thread: true }): the member's protocol (socket, timers, state file) runs in a
 * worker thread (leadership-worker.ts), so a long synchronous task on this thread does not stop
 * its heartbeats and renewals. Events, the AbortSignal and runWhileLeader work stay here. Each
 * office gets its own AbortController on this thread, aborted when the worker reports the
 * step-down or, should that report wait in a busy queue, by this thread's own timer at
 * leaseEnd - stepDownMargin; isLeader() reads the lease the worker shares and so is right
 * whenever it is called. Neither can abort anything while this thread is blocked: a paused
 * thread cannot see its signal, and only the fencing token protects the work then.
 */
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Address } from '../config/address.js';
import type { Epoch } from '../core/leadership/types.js';
import { type HsRingError, NodeClosedError, NodeStartError, errorFromCode } from '../errors.js';
import { fromProcessMs, systemClock } from './clock.js';
import { EventLoopLagMonitor } from './event-loop-lag.js';
import { LeaseCell } from './lease-cell.js';
import type { HsRingMember, LeaveReason, MemberEvents, MemberOptions, MemberStatus, Term } from './leadership-member.js';
import type { CheckedMember } from './leadership-options.js';
import type { ErrorData, FromWorker, ToWorker, WorkerEvent } from './leadership-thread-messages.js';
import { runInOffice } from './office-work.js';

type Ready = Extract<FromWorker, { type: 'ready' }>;

/**
 * Starts the worker and waits until its member is bound: the errors of createMember (the state
 * file's, the address's) arrive as the same classes, with their code.
 */
export async function createThreadedMember(options: MemberOptions, c: CheckedMember): Promise<HsRingMember> {
  const cell = new LeaseCell();
  const worker = new Worker(new URL('./leadership-worker.js', import.meta.url), { workerData: { options: plainOptions(options), lease: cell.buffer } });
  const listeners: { error?: (err: Error) => void; exit?: (code: number) => void; message?: (m: FromWorker) => void } = {};
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      listeners.error = (err) => reject(new NodeStartError(`member ${c.self}: its worker thread failed (${err.message})`));
      listeners.exit = (code) => reject(new NodeStartError(`member ${c.self}: its worker thread exited (code ${code}) before it was ready`));
      listeners.message = (m) => (m.type === 'ready' ? resolve(m) : reject(m.type === 'error' ? rebuild(m.error) : new NodeStartError(`member ${c.self}: unexpected ${m.type} from its worker thread`)));
      worker.on('error', listeners.error).on('exit', listeners.exit).on('message', listeners.message);
    });
    worker.off('error', listeners.error!).off('exit', listeners.exit!).off('message', listeners.message!);
    return new ThreadedMember(worker, cell, c, ready);
  } catch (err) {
    await worker.terminate();
    throw err;
  }
}

/** The options as data a worker can be given (no functions, no extra fields), without `thread`. */
function plainOptions(o: MemberOptions): MemberOptions {
  return {
    ring: o.ring.map(({ id, host, port, voteOnly }) => ({ id, host, port, ...(voteOnly !== undefined ? { voteOnly } : {}) })),
    self: o.self,
    stateDir: o.stateDir,
    ...(o.timing !== undefined ? { timing: { ...o.timing } } : {}),
    ...(o.key !== undefined ? { key: new Uint8Array(o.key) } : {}),
    ...(o.advertise !== undefined ? { advertise: o.advertise } : {}),
    ...(o.heartbeats !== undefined ? { heartbeats: o.heartbeats } : {}),
  };
}

function rebuild(e: ErrorData): HsRingError {
  return errorFromCode(e.code, e.message);
}

interface Office {
  readonly epoch: Epoch;
  readonly controller: AbortController;
  /** runWhileLeader work still running in this office. */
  working: number;
  readonly settled: Set<Promise<unknown>>;
  /** This thread's own step-down timer, in case the worker's report waits in the queue. */
  backup: NodeJS.Timeout | undefined;
}

class ThreadedMember extends EventEmitter<MemberEvents> implements HsRingMember {
  readonly id: number;
  readonly address: Address;
  private state: MemberStatus['state'] = 'created';
  private office: Office | null = null;
  /** The worker's last status. */
  private last: MemberStatus;
  private readonly loopLag = new EventLoopLagMonitor();
  private readonly waiting = new Set<{ resolve: (o: Office) => void; reject: (e: Error) => void }>();
  private readonly replies = new Map<number, () => void>();
  private nextReq = 1;
  private exited = false;

  constructor(
    private readonly worker: Worker,
    private readonly cell: LeaseCell,
    private readonly c: CheckedMember,
    ready: Ready,
  ) {
    super();
    this.id = ready.id;
    this.address = ready.address;
    this.last = ready.status;
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (err) => this.fail(new NodeClosedError(`member ${this.id}: its worker thread failed (${err.message})`)));
    worker.on('exit', (code) => {
      this.exited = true;
      for (const reply of this.replies.values()) reply();
      this.replies.clear();
      this.fail(new NodeClosedError(`member ${this.id}: its worker thread exited (code ${code})`));
    });
  }

  start(): void {
    if (this.state === 'closed' || this.state === 'failed') throw new NodeClosedError(`member ${this.id} is closed`);
    if (this.state === 'running') return;
    this.state = 'running';
    this.loopLag.start();
    this.worker.postMessage({ type: 'start' } satisfies ToWorker);
  }

  isLeader(): boolean {
    const o = this.office;
    if (this.state !== 'running' || o === null || o.controller.signal.aborted) return false;
    const lease = this.cell.read();
    return lease !== null && lease.epoch === o.epoch && systemClock.now() < fromProcessMs(lease.leaseEndMs);
  }

  status(): MemberStatus {
    const s = this.last;
    const running = this.state === 'running';
    const leading = this.isLeader();
    const lease = leading ? this.cell.read() : null;
    return {
      ...s,
      state: this.state,
      role: running ? s.role : 'follower',
      epoch: running ? s.epoch : -1,
      leader: running ? s.leader : null,
      leaderAdvertise: running ? s.leaderAdvertise : null,
      isLeader: leading,
      leaseEndMs: lease ? fromProcessMs(lease.leaseEndMs) : null,
      term: onThisClock(s.term),
      previousTerm: onThisClock(s.previousTerm),
      eventLoopLagMs: this.loopLag.snapshot(),
    };
  }

  async runWhileLeader<T>(work: (token: Epoch, signal: AbortSignal) => Promise<T> | T): Promise<T> {
    const office = await this.nextOffice();
    return runInOffice(office, work, () => this.office === office, () => this.resignOffice(office));
  }

  async resign(): Promise<void> {
    const office = this.office;
    if (!office) return;
    if (!office.controller.signal.aborted) office.controller.abort(new Error('resign'));
    await Promise.allSettled([...office.settled]);
    if (this.office === office) await this.resignOffice(office);
  }

  async close(): Promise<void> {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.state = 'closed';
    this.stop('closed');
    await this.request({ type: 'close' });
    await this.worker.terminate();
  }

  /** Aborts the office here, then has the worker resign it: its deposed report closes the office here too. */
  private async resignOffice(office: Office): Promise<void> {
    if (!office.controller.signal.aborted) office.controller.abort(new Error('resign'));
    await this.request({ type: 'resign', epoch: office.epoch });
  }

  private request(m: { type: 'resign'; epoch: Epoch } | { type: 'close' }): Promise<void> {
    if (this.exited) return Promise.resolve();
    const req = this.nextReq++;
    return new Promise((resolve) => {
      this.replies.set(req, resolve);
      this.worker.postMessage({ ...m, req } satisfies ToWorker);
    });
  }

  private nextOffice(): Promise<Office> {
    if (this.state === 'closed' || this.state === 'failed') return Promise.reject(new NodeClosedError(`member ${this.id} is closed`));
    const o = this.office;
    if (o && this.isLeader()) return Promise.resolve(o);
    return new Promise((resolve, reject) => this.waiting.add({ resolve, reject }));
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'status':
        this.last = m.status;
        break;
      case 'event':
        this.last = m.status;
        if (this.state === 'running') this.onEvent(m);
        break;
      case 'failed':
        this.last = m.status;
        this.fail(rebuild(m.error));
        break;
      case 'done':
        this.replies.get(m.req)?.();
        this.replies.delete(m.req);
        break;
      case 'ready':
      case 'error':
        break;
    }
  }

  private onEvent(m: WorkerEvent): void {
    switch (m.name) {
      case 'leader': {
        const { token, epoch, leaseEndMs, leaseLeftMs, atMs } = m.data;
        // The worker reports a step-down before its next office; this one is only a safeguard.
        if (this.office) this.leave(this.office, 'deposed');
        const office: Office = { epoch, controller: new AbortController(), working: 0, settled: new Set(), backup: undefined };
        this.office = office;
        this.armBackup(office, fromProcessMs(leaseEndMs));
        this.emit('leader', { token, epoch, signal: office.controller.signal, leaseEndMs: fromProcessMs(leaseEndMs), leaseLeftMs: leftNow(leaseLeftMs, atMs), atMs: fromProcessMs(atMs) });
        // A report read late may announce an office the worker has already left: its deposed report follows.
        if (!this.isLeader()) break;
        for (const w of this.waiting) w.resolve(office);
        this.waiting.clear();
        break;
      }
      case 'lease':
        this.emit('lease', { ...m.data, leaseEndMs: fromProcessMs(m.data.leaseEndMs), leaseLeftMs: leftNow(m.data.leaseLeftMs, m.data.atMs), atMs: fromProcessMs(m.data.atMs) });
        break;
      case 'deposed': {
        const o = this.office;
        if (o && o.epoch === m.data.epoch) this.leave(o, m.data.reason);
        break;
      }
      case 'follower':
        this.emit('follower', { ...m.data, atMs: fromProcessMs(m.data.atMs) });
        break;
      case 'drop':
        this.emit('drop', m.data);
        break;
      case 'suspect':
        this.emit('suspect', { ...m.data, lastHeardMs: m.data.lastHeardMs === null ? null : fromProcessMs(m.data.lastHeardMs), atMs: fromProcessMs(m.data.atMs) });
        break;
      case 'trust':
        this.emit('trust', { ...m.data, atMs: fromProcessMs(m.data.atMs) });
        break;
      case 'address':
        this.emit('address', { ...m.data, atMs: fromProcessMs(m.data.atMs) });
        break;
      default: {
        // Every event the member emits crosses: a new one fails to compile until handled here.
        const unhandled: never = m;
        void unhandled;
      }
    }
  }

  /**
   * At leaseEnd - stepDownMargin on this thread's clock: a renewed lease (read from the cell) moves
   * the timer on; otherwise the office ends here, and the worker resigns it should it still hold it.
   */
  private armBackup(office: Office, leaseEndMs: number): void {
    clearTimeout(office.backup);
    const at = leaseEndMs - this.c.timing.stepDownMargin;
    office.backup = setTimeout(() => {
      if (this.office !== office) return;
      const lease = this.cell.read();
      if (lease && lease.epoch === office.epoch && fromProcessMs(lease.leaseEndMs) - this.c.timing.stepDownMargin > systemClock.now()) {
        this.armBackup(office, fromProcessMs(lease.leaseEndMs));
        return;
      }
      this.leave(office, 'lease');
      void this.request({ type: 'resign', epoch: office.epoch });
    }, Math.max(0, Math.ceil(at - systemClock.now())));
  }

  private leave(o: Office, reason: LeaveReason): void {
    clearTimeout(o.backup);
    if (this.office === o) this.office = null;
    if (!o.controller.signal.aborted) o.controller.abort(new Error(reason));
    this.emit('deposed', { epoch: o.epoch, reason, atMs: systemClock.now() });
  }

  private stop(reason: LeaveReason): void {
    this.loopLag.stop();
    const o = this.office;
    if (o) this.leave(o, reason);
    for (const w of this.waiting) w.reject(new NodeClosedError(`member ${this.id} was closed before it led`));
    this.waiting.clear();
  }

  private fail(error: HsRingError): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.state = 'failed';
    this.stop('closed');
    this.emit('failed', { error });
    void this.worker.terminate();
  }
}

/** What is left now of `leaseLeftMs`, reported by the worker at `atProcessMs`: the report took time to arrive. */
function leftNow(leaseLeftMs: number, atProcessMs: number): number {
  return leaseLeftMs - (performance.now() - fromProcessMs(atProcessMs));
}

/** A term the worker reported on the process clock, on this thread's monotonic clock. */
function onThisClock(t: Term | null): Term | null {
  return t && { ...t, sinceMs: fromProcessMs(t.sinceMs), lastMs: fromProcessMs(t.lastMs) };
}
