/**
 * `hs-ring node --stay` members as child processes (on loopback, or each inside a network
 * namespace through a command prefix), their lines turned into the observer's events on the
 * host's monotonic clock, so src/cluster/stay-report.ts can judge the run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ObservedEvent } from '../../src/cluster/stay-report.js';
import { hostMonotonicMs } from '../../src/runtime/leadership-faults.js';
import { cliPath } from './cli.js';

/** One line of `node --stay`, as printed. */
export interface StayLine {
  readonly event: 'ready' | 'leader' | 'lease' | 'follower' | 'deposed' | 'stopped';
  readonly id: number;
  readonly epoch?: number;
  readonly token?: number;
  readonly reason?: string;
  readonly leaseLeftMs?: number;
  readonly hostMs: number;
}

export interface StayProcess {
  readonly id: number;
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  paused: boolean;
  /** The last line on stderr, for a failure message. */
  lastError: string;
}

/** Runs members and records what they print; every process it started is killed by killAll(). */
export class StayProcesses {
  /** Every member line seen, in arrival order. */
  readonly lines: StayLine[] = [];
  /** The observer's events, for stayReport(). */
  readonly events: ObservedEvent[] = [];
  readonly running = new Map<number, StayProcess>();

  /** `prefix(id)`: the command before node (e.g. ['ip', 'netns', 'exec', NS]); none for loopback. */
  constructor(private readonly ringFile: string, private readonly prefix: (id: number) => readonly string[] = () => []) {}

  /** Starts member `id` on `stateDir` with extra `node` flags; resolves once it printed `ready`. */
  start(id: number, stateDir: string, flags: readonly string[] = []): StayProcess {
    const argv = [...this.prefix(id), process.execPath, cliPath, 'node', '--ring', this.ringFile, '--self', String(id), '--stay', '--state-dir', stateDir, ...flags];
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let onReady: () => void = () => undefined;
    let onFail: (e: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onFail = reject;
    });
    const p: StayProcess = {
      id,
      child,
      ready,
      paused: false,
      lastError: '',
      exited: new Promise<void>((resolve) =>
        child.on('close', (code) => {
          // Read when the observer saw the exit: the process acted no later than that.
          this.events.push({ kind: 'exit', id, at: hostMonotonicMs() });
          if (this.running.get(id) === p) this.running.delete(id);
          onFail(new Error(`member ${id} exited (${code}) before it was ready: ${p.lastError}`));
          resolve();
        }),
      ),
    };
    ready.catch(() => undefined);
    createInterface({ input: child.stderr! }).on('line', (l) => {
      if (l.trim()) p.lastError = l.trim();
    });
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let l: StayLine;
      try {
        l = JSON.parse(text) as StayLine;
      } catch {
        return;
      }
      this.lines.push(l);
      if (l.event === 'ready') onReady();
      else if (l.event === 'leader') this.events.push({ kind: 'leader', id, epoch: l.epoch!, token: l.token!, at: l.hostMs, leaseEnd: l.hostMs + l.leaseLeftMs! });
      else if (l.event === 'lease') this.events.push({ kind: 'lease', id, epoch: l.epoch!, at: l.hostMs, leaseEnd: l.hostMs + l.leaseLeftMs! });
      else if (l.event === 'deposed') this.events.push({ kind: 'deposed', id, epoch: l.epoch!, at: l.hostMs });
    });
    this.running.set(id, p);
    return p;
  }

  /** The member in office by the lines seen so far (its last leader line, not followed by its deposed line), or undefined. */
  leader(): { id: number; epoch: number } | undefined {
    const open = new Map<number, number>();
    for (const l of this.lines) {
      if (l.event === 'leader') open.set(l.id, l.epoch!);
      else if (l.event === 'deposed' && open.get(l.id) === l.epoch) open.delete(l.id);
    }
    for (const id of [...open.keys()]) if (!this.running.has(id)) open.delete(id);
    const last = [...open].at(-1);
    return last && { id: last[0], epoch: last[1] };
  }

  /** A crash: SIGKILL (no resign), resolved once the process is gone. */
  async kill(id: number): Promise<void> {
    const p = this.running.get(id);
    if (!p) return;
    this.events.push({ kind: 'fault', fault: 'kill', id, at: hostMonotonicMs() });
    p.child.kill('SIGKILL');
    await p.exited;
  }

  pause(id: number): void {
    const p = this.running.get(id);
    if (!p || p.paused) return;
    p.paused = true;
    this.events.push({ kind: 'fault', fault: 'pause', id, at: hostMonotonicMs() });
    p.child.kill('SIGSTOP');
  }

  resume(id: number): void {
    const p = this.running.get(id);
    if (!p || !p.paused) return;
    p.paused = false;
    p.child.kill('SIGCONT');
  }

  /** Stops every member (SIGTERM: they resign), SIGKILL after `graceMs`. */
  async stopAll(graceMs = 5000): Promise<void> {
    const all = [...this.running.values()];
    for (const p of all) {
      if (p.paused) p.child.kill('SIGCONT');
      p.child.kill('SIGTERM');
    }
    const grace = setTimeout(() => all.forEach((p) => p.child.kill('SIGKILL')), graceMs);
    await Promise.all(all.map((p) => p.exited));
    clearTimeout(grace);
  }

  /** SIGKILL to every process still running (teardown, exit). */
  killAll(): void {
    for (const p of this.running.values()) p.child.kill('SIGKILL');
  }
}
