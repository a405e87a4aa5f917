/**
 * `hs-ring launch --stay`: a ring of `hs-ring node --stay` members on loopback for a while, with
 * the leader killed (SIGKILL, then restarted on its state dir) or paused (SIGSTOP, SIGCONT after
 * its lease) at intervals. The launcher is the outside observer: it places every member's lines
 * on the host's monotonic clock, shows each failover live on stderr, and judges the run with
 * stay-report.ts (exit 0 safe, 1 an overlap or a repeated or decreasing token, 3 no leader).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { launchOnFreePorts } from '../cluster/free-ports.js';
import { type ObservedEvent, type StayReport, stayReport } from '../cluster/stay-report.js';
import { DEFAULT_TIMING } from '../core/leadership/settings.js';
import { InterruptedError, InvalidConfigError, PortInUseError } from '../errors.js';
import { EXIT } from './exit-codes.js';

/** The CLI entry point the members run (`hs-ring node --stay`). */
const cliPath = fileURLToPath(new URL('./main.js', import.meta.url));
/** How long members may take to print `ready` before the launch is abandoned. */
const READY_TIMEOUT_MS = 20_000;
/** After SIGTERM at the end, how long members may take to resign and exit before SIGKILL. */
const STOP_GRACE_MS = 5_000;

export interface StayLaunchOptions {
  readonly ids: readonly number[];
  readonly seed: number | null;
  readonly host: string;
  readonly durationMs: number;
  readonly killEveryMs?: number;
  readonly pauseEveryMs?: number;
  readonly keyFile?: string;
  readonly json: boolean;
}

/** The host's monotonic clock in ms, the one every member's `hostMs` is read on. */
export function hostNow(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** One member line, as `node --stay` prints it. */
interface MemberLine {
  readonly event: 'ready' | 'leader' | 'lease' | 'follower' | 'deposed' | 'stopped';
  readonly id: number;
  readonly epoch?: number;
  readonly token?: number;
  readonly leaseLeftMs?: number;
  readonly hostMs: number;
}

/** One running member process. */
interface Proc {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  paused: boolean;
}

/** Runs the ring, the faults and the report; sets process.exitCode. */
export async function runStayLaunch(o: StayLaunchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hs-ring-launch-stay-'));
  try {
    const report = await launchOnFreePorts(o.host, o.ids.length, (ports) => observe(o, dir, ports));
    print(o, report);
    process.exitCode = !report.safe ? EXIT.unsafe : report.terms.length === 0 ? EXIT.stalled : EXIT.ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts the members on `ports`, injects the faults for the duration, stops them and judges. */
async function observe(o: StayLaunchOptions, dir: string, ports: readonly number[]): Promise<StayReport> {
  const ringFile = join(dir, 'ring.json');
  writeFileSync(ringFile, JSON.stringify({ members: o.ids.map((id, i) => ({ id, host: o.host, port: ports[i] })) }));
  const events: ObservedEvent[] = [];
  const procs = new Map<number, Proc>();
  /** The member in office as last seen, with its epoch; null once it left office or its process died. */
  let leader: { id: number; epoch: number } | null = null;
  /** The last fault whose successor has not yet been seen. */
  let pending: { fault: 'kill' | 'pause'; id: number; at: number } | null = null;
  let failovers = 0;
  let startFailed: string | null = null;
  let ready = 0;
  let onReady: () => void = () => undefined;
  const allReady = new Promise<void>((resolve) => (onReady = resolve));

  const start = (id: number) => {
    const args = [cliPath, 'node', '--ring', ringFile, '--self', String(id), '--stay', '--state-dir', join(dir, `state-${id}`)];
    if (o.keyFile !== undefined) args.push('--key-file', o.keyFile);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let lastErr = '';
    let wasReady = false;
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
      switch (l.event) {
        case 'ready':
          wasReady = true;
          if (++ready === o.ids.length) onReady();
          break;
        case 'leader':
          events.push({ kind: 'leader', id, epoch: l.epoch!, token: l.token!, at: l.hostMs, leaseEnd: l.hostMs + l.leaseLeftMs! });
          leader = { id, epoch: l.epoch! };
          if (pending) {
            failovers += 1;
            const what = pending.fault === 'kill' ? 'kill' : 'pause';
            progress(`failover ${failovers}: epoch ${l.epoch}, leader ${id} in office ${(l.hostMs - pending.at).toFixed(1)} ms after the ${what} of ${pending.id}`);
            pending = null;
          } else if (!o.json) {
            progress(`epoch ${l.epoch}: leader ${id} in office`);
          }
          break;
        case 'lease':
          events.push({ kind: 'lease', id, epoch: l.epoch!, at: l.hostMs, leaseEnd: l.hostMs + l.leaseLeftMs! });
          break;
        case 'deposed':
          events.push({ kind: 'deposed', id, epoch: l.epoch!, at: l.hostMs });
          if (leader?.id === id && leader.epoch === l.epoch) leader = null;
          break;
      }
    });
    const exited = new Promise<void>((resolve) =>
      child.on('close', () => {
        // Read on the launcher's clock when it saw the exit: the process acted no later than that.
        events.push({ kind: 'exit', id, at: hostNow() });
        if (leader?.id === id) leader = null;
        if (procs.get(id)?.child === child) procs.delete(id);
        if (!wasReady && startFailed === null) {
          startFailed = lastErr.replace(/^hs-ring: /, '') || `member ${id} exited before it was ready`;
          onReady();
        }
        resolve();
      }),
    );
    procs.set(id, { child, exited, paused: false });
  };

  const stopAll = async () => {
    for (const p of procs.values()) {
      if (p.paused) p.child.kill('SIGCONT');
      p.child.kill('SIGTERM');
    }
    const all = Promise.all([...procs.values()].map((p) => p.exited));
    const grace = setTimeout(() => procs.forEach((p) => p.child.kill('SIGKILL')), STOP_GRACE_MS);
    await all;
    clearTimeout(grace);
  };
  // Never leave members behind: not on Ctrl-C, not when the launcher exits early.
  let interrupted: NodeJS.Signals | undefined;
  let wake: () => void = () => undefined;
  const onSignal = (s: NodeJS.Signals) => {
    interrupted = s;
    wake();
  };
  const killAll = () => procs.forEach((p) => p.child.kill('SIGKILL'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', killAll);
  const timers: NodeJS.Timeout[] = [];
  let stopping = false;
  try {
    for (const id of o.ids) start(id);
    const readyTimer = setTimeout(() => {
      startFailed ??= `only ${ready} of ${o.ids.length} members were ready after ${READY_TIMEOUT_MS} ms`;
      onReady();
    }, READY_TIMEOUT_MS);
    await Promise.race([allReady, new Promise<void>((r) => (wake = r))]);
    clearTimeout(readyTimer);
    if (interrupted) throw new InterruptedError(interrupted);
    if (startFailed !== null) {
      await stopAll();
      // A port taken between reservation and bind: launchOnFreePorts tries fresh ones.
      if (/port already in use/.test(startFailed)) throw new PortInUseError(startFailed);
      throw new InvalidConfigError(startFailed);
    }
    if (!o.json) progress(`${o.ids.length} members ready on ${o.host}${o.seed === null ? '' : ` (seed ${o.seed})`}: ${o.ids.join(', ')}`);

    /** The leader, if it is in office and its process runs: the one a fault may hit. */
    const target = (): Proc | undefined => {
      if (leader === null || pending !== null) return undefined;
      const p = procs.get(leader.id);
      return p && !p.paused ? p : undefined;
    };
    if (o.killEveryMs !== undefined) {
      timers.push(setInterval(() => {
        const p = target();
        if (!p) return;
        const id = leader!.id;
        pending = { fault: 'kill', id, at: hostNow() };
        events.push({ kind: 'fault', fault: 'kill', id, at: pending.at });
        p.child.kill('SIGKILL');
        // Restarted on its state dir a lease later: it must keep the promises it made before the kill.
        timers.push(setTimeout(() => void p.exited.then(() => {
          if (!stopping) start(id);
        }), DEFAULT_TIMING.lease));
      }, o.killEveryMs));
    }
    if (o.pauseEveryMs !== undefined) {
      timers.push(setInterval(() => {
        const p = target();
        if (!p) return;
        const id = leader!.id;
        pending = { fault: 'pause', id, at: hostNow() };
        events.push({ kind: 'fault', fault: 'pause', id, at: pending.at });
        p.child.kill('SIGSTOP');
        p.paused = true;
        // Twice the lease: the ring must not wait for it, and it must find its lease gone on waking.
        timers.push(setTimeout(() => {
          p.paused = false;
          p.child.kill('SIGCONT');
        }, 2 * DEFAULT_TIMING.lease));
      }, o.pauseEveryMs));
    }
    const end = setTimeout(() => wake(), o.durationMs);
    await new Promise<void>((r) => (wake = r));
    clearTimeout(end);
    stopping = true;
    for (const t of timers) clearTimeout(t);
    await stopAll();
    if (interrupted) throw new InterruptedError(interrupted);
    return stayReport(events, hostNow());
  } finally {
    for (const t of timers) clearTimeout(t);
    killAll();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('exit', killAll);
  }
}

function progress(line: string): void {
  process.stderr.write(line + '\n');
}

function round(v: number): number {
  return Number(v.toFixed(1));
}

function ms(v: number): string {
  return `${v.toFixed(1)} ms`;
}

/** The report: one JSON object with --json, else a few lines. */
function print(o: StayLaunchOptions, r: StayReport): void {
  const done = r.failovers.filter((f) => f.withoutLeaderMs !== null);
  if (o.json) {
    process.stdout.write(JSON.stringify({
      members: o.ids,
      seed: o.seed,
      durationMs: o.durationMs,
      safe: r.safe,
      failovers: done.length,
      faults: r.failovers.length,
      withoutLeaderMs: r.withoutLeaderMs && { p50: round(r.withoutLeaderMs.p50), p99: round(r.withoutLeaderMs.p99), max: round(r.withoutLeaderMs.max) },
      tokens: r.tokens,
      tokensIncreasing: r.tokenProblems.length === 0,
      tokenProblems: r.tokenProblems,
      overlaps: r.overlaps,
      failoverList: r.failovers,
      terms: r.terms,
    }) + '\n');
    return;
  }
  const out = (l: string) => process.stdout.write(l + '\n');
  out(`${r.failovers.length} faults, ${done.length} failovers${done.length < r.failovers.length ? ` (${r.failovers.length - done.length} without a successor before the end)` : ''}`);
  if (r.withoutLeaderMs) out(`time without a leader in office, from the fault to the successor's leader line: p50 ${ms(r.withoutLeaderMs.p50)}, p99 ${ms(r.withoutLeaderMs.p99)}, max ${ms(r.withoutLeaderMs.max)}`);
  out(`tokens (epochs) in office: ${r.tokens.join(', ') || 'none'} (${r.tokenProblems.length === 0 ? 'all increasing, none repeated' : `${r.tokenProblems.length} repeated or decreasing`})`);
  for (const p of r.tokenProblems) out(`  token ${p.token} of member ${p.id} is ${p.problem} (after ${p.previous})`);
  out(`overlapping terms in office: ${r.overlaps.length}`);
  for (const v of r.overlaps) out(`  member ${v.first.id} (epoch ${v.first.epoch}) and member ${v.second.id} (epoch ${v.second.epoch}) for ${ms(v.ms)}`);
  out(r.safe ? 'safe: no overlap, tokens increasing' : 'UNSAFE: see above');
}
