/**
 * One term of `hs-ring exec`: the command runs in a process group of its own (under
 * exec-keeper.js) until it exits or `signal` aborts; then the group gets SIGTERM and, after the
 * grace period, SIGKILL, so it is gone before the lease that the signal guards can end.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const KEEPER = fileURLToPath(new URL('./exec-keeper.js', import.meta.url));

/** How a term ended: the command exited by itself, or exec stopped it. */
export interface TermOutcome {
  readonly ended: 'exited' | 'stopped';
  /** The command's exit code, or 128 + signal number as a shell reports it (127: it could not be started). */
  readonly exitCode: number;
}

export interface TermOptions {
  /** CMD ARGS... */
  readonly command: readonly string[];
  /** The command's environment (exec adds the token). */
  readonly env: NodeJS.ProcessEnv;
  /** Time between SIGTERM and SIGKILL (planExec). */
  readonly graceMs: number;
  /** Aborts when the command must stop: the member left office, or exec was told to stop. */
  readonly signal: AbortSignal;
  /** What is left of the lease, in ms of exec's monotonic clock (negative: it has ended), for the stopping and stopped lines. */
  readonly leaseLeftMs: () => number;
  /** Writes one JSON line of exec's output. */
  readonly line: (event: string, fields: Record<string, unknown>) => void;
}

interface KeeperReport {
  readonly started?: number;
  readonly exit?: { readonly code: number | null; readonly signal: NodeJS.Signals | null };
  readonly error?: string;
}

/** 128 + n for a signal, as a shell reports a command it killed. */
export function shellExitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal !== null ? (constants.signals[signal] ?? 0) : 0);
}

/** True while any process of group `pgid` exists (or may: EPERM). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the command for one term; resolves once it and its whole process group are gone (or SIGKILLed). */
export async function runTerm(o: TermOptions): Promise<TermOutcome> {
  const keeper = spawn(process.execPath, [KEEPER, ...o.command], { detached: true, stdio: ['ignore', 'inherit', 'inherit', 'pipe'], env: o.env });
  let report: KeeperReport = {};
  let pid: number | undefined;
  createInterface({ input: keeper.stdio[3] as Readable }).on('line', (text) => {
    let r: KeeperReport;
    try {
      r = JSON.parse(text) as KeeperReport;
    } catch {
      return; // Not a keeper report (a torn write): the keeper's exit still ends the term.
    }
    if (r.started !== undefined) {
      pid = r.started;
      o.line('started', { pid, pgid: keeper.pid, command: o.command });
    } else report = r;
  });
  let keeperGone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close', not 'exit': the keeper's last report line has been read by then.
    keeper.once('close', (code, signal) => {
      keeperGone = true;
      resolve({ code, signal });
    });
    keeper.once('error', () => {
      keeperGone = true;
      resolve({ code: 127, signal: null });
    });
  });
  const pgid = keeper.pid;
  const stop = new Promise<void>((resolve) => (o.signal.aborted ? resolve() : o.signal.addEventListener('abort', () => resolve(), { once: true })));
  const first = await Promise.race([exited.then(() => 'exited' as const), stop.then(() => 'stop' as const)]);
  if (first === 'exited' && !o.signal.aborted) {
    // What the command left behind in its group must not outlive the term either.
    if (pgid !== undefined && groupAlive(pgid)) await stopGroup(pgid, o.graceMs, () => keeperGone);
    const keeperExit = await exited;
    if (report.error !== undefined) {
      o.line('failed', { command: o.command, error: report.error });
      return { ended: 'exited', exitCode: 127 };
    }
    const { code, signal } = report.exit ?? keeperExit;
    const exitCode = shellExitCode(code, signal);
    o.line('exited', { pid, code, signal, exitCode });
    return { ended: 'exited', exitCode };
  }

  const reason = o.signal.reason instanceof Error ? o.signal.reason.message : String(o.signal.reason);
  o.line('stopping', { pid, reason, graceMs: o.graceMs, leaseLeftMs: o.leaseLeftMs() });
  const killed = pgid !== undefined && (await stopGroup(pgid, o.graceMs, () => keeperGone));
  const keeperExit = await exited;
  const { code, signal } = report.exit ?? keeperExit;
  o.line('stopped', { pid, code, signal, killed, leaseLeftMs: o.leaseLeftMs() });
  return { ended: 'stopped', exitCode: shellExitCode(code, signal) };
}

/**
 * SIGTERM to the group, then SIGKILL once `graceMs` has passed unless the keeper has exited and
 * the group is empty by then; resolves with whether SIGKILL was sent.
 */
async function stopGroup(pgid: number, graceMs: number, keeperGone: () => boolean): Promise<boolean> {
  const deadline = performance.now() + graceMs;
  signalGroup(pgid, 'SIGTERM');
  for (;;) {
    if (keeperGone() && !groupAlive(pgid)) return false;
    const left = deadline - performance.now();
    if (left <= 0) break;
    await sleep(Math.min(5, left));
  }
  signalGroup(pgid, 'SIGKILL');
  return true;
}
