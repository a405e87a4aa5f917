/**
 * Launching and supervising a ring of node processes on this machine: one process per node (or
 * per stretch of the ring), started together once all are ready, with their results collected.
 * Used by `hs-ring launch`, the bench and tests; the processes run node-process.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { type Member, placementsOf } from '../config/ring-file.js';
import { type HsRingErrorCode, InterruptedError, InvalidConfigError, errorFromCode } from '../errors.js';
import type { NodeResult } from '../node/result.js';
import { nodeProcessV8Flags } from '../runtime/v8-flags.js';
import type { NodeConfig, NodeSettings } from './node-config.js';
import type { NodeLine } from './protocol.js';
import type { DecidedThenKilled } from './ring-summary.js';

/** The lean node process (no yargs, no CLI); it reads its NodeConfig from stdin. */
const childPath = fileURLToPath(new URL('./node-process.js', import.meta.url));

/** A node that exited without a result: its last stderr line, and the cause its error event named, if any. */
export interface NodeFailure {
  readonly id: number;
  readonly message: string;
  readonly code?: HsRingErrorCode;
}

export interface LaunchOptions {
  readonly members: readonly Member[];
  /** Link, timeout, fault and key settings of every node (`nodeSettingsFromFlags` builds them from `hs-ring node` flags). */
  readonly node: NodeSettings;
  /**
   * Give up when no further process has bound its socket for this many ms. Measured from the
   * last process that got ready, not from the launch, so a slow but progressing start on a
   * loaded machine is not mistaken for a failure.
   */
  readonly readyTimeoutMs: number;
  /** Called for the first node to enter each phase. */
  readonly onPhase?: (phase: number, id: number, atMs: number) => void;
  /** A node's trace file, if tracing; one file per node. */
  readonly traceFile?: (id: number | typeof ID_PLACEHOLDER) => string;
  /** Host the nodes in this many processes (contiguous stretches of the ring); default one per node. */
  readonly processes?: number;
  /** SIGKILL the process of node `id` this many ms after the start (a crash, for tests and demos). */
  readonly kill?: { readonly id: number; readonly atMs: number };
  /** Called when the kill happens. */
  readonly onKill?: (id: number, atMs: number) => void;
  /** Called just before the start signal goes out, once every node is ready (e.g. to sample CPU). */
  readonly onStart?: () => void;
  /** Called when the last node has decided. */
  readonly onAllDecided?: () => void;
  /** Called when every node of process `index` has bound its socket and warmed up, before the start signal. */
  readonly onProcessReady?: (index: number, pid: number | undefined) => void;
  /** Called when every node of process `index` has decided (it still lingers). */
  readonly onProcessDecided?: (index: number, pid: number | undefined) => void;
}

export interface LaunchOutcome {
  readonly results: NodeResult[];
  /** From the start signal to the last decision, as seen by the launcher. */
  readonly electionMs: number | null;
  readonly elapsedMs: number;
  /** Nodes that exited without a result, with their last stderr line. */
  readonly failures: NodeFailure[];
  /**
   * Processes whose nodes all gave their results but which then failed (a trace they could not
   * write): the first node of the process and the error its event named. The election stands.
   */
  readonly lateErrors: { id: number; message: string }[];
  /** The node killed by `kill`, if it was. */
  readonly killed: number | null;
  /** The killed node's decision, if it had decided before it was killed (its decision stands; it sent no result). */
  readonly killedAfterDecision: DecidedThenKilled | null;
  /** Each process: how many nodes it hosted and how long it took to get ready. */
  readonly processes: ProcessInfo[];
}

/** One node process of a launched ring. */
export interface ProcessInfo {
  readonly pid: number;
  readonly nodes: number;
  /** From spawning the process to its last node's "ready" line (start-up, bind and warm-up), ms. */
  readonly startupMs: number | null;
}

/**
 * Starts one node process per member (or per group of members, with `processes`), waits until
 * all have bound their sockets, starts them together and collects their results.
 */
export async function launchRing(opts: LaunchOptions): Promise<LaunchOutcome> {
  const { members } = opts;
  const settings = opts.node;
  const n = members.length;
  const results = new Map<number, NodeResult>();
  const failures: NodeFailure[] = [];
  const lateErrors: { id: number; message: string }[] = [];
  let ready = 0;
  let onAllReady: () => void = () => undefined;
  const allReady = new Promise<void>((resolve) => (onAllReady = resolve));
  let startAt = 0;
  let killed: number | null = null;
  let killedAfterDecision: DecidedThenKilled | null = null;
  const decided = new Map<number, { leader: number; isLeader: boolean }>();
  let lastDecision: number | null = null;
  let decisions = 0;
  const phaseSeen = new Set<number>();
  const exits: Promise<void>[] = [];
  let lastReadyAt = performance.now();
  const groups = splitRing(placementsOf(members), opts.processes ?? n);
  const processOf = new Map<number, ChildProcess>();
  const samples = groups.map(() => ({ spawnedAt: 0, readyHere: 0, decidedHere: 0, startup: null as number | null }));
  const children: ChildProcess[] = groups.map((group, p) => {
    const sample = samples[p]!;
    const m = group[0]!;
    const config: NodeConfig = {
      ...settings,
      placements: group,
      ...(opts.traceFile ? { trace: group.length === 1 ? opts.traceFile(m.id) : opts.traceFile(ID_PLACEHOLDER) } : {}),
      // Nobody shows progress: spare every node a pipe write, and the launcher a wake-up, per phase.
      ...(opts.onPhase ? {} : { phaseEvents: false }),
    };
    sample.spawnedAt = performance.now();
    const child = spawn(process.execPath, [...nodeProcessV8Flags(group.length), childPath], { stdio: ['pipe', 'pipe', 'pipe'] });
    // A child that dies early closes its stdin; its exit is reported below, not as a pipe error.
    child.stdin!.on('error', () => undefined);
    child.stdin!.write(JSON.stringify(config) + '\n');
    let lastErr = '';
    /** The child's own account of its failure (its error event), preferred to scraping stderr. */
    let reported: string | undefined;
    let code: HsRingErrorCode | undefined;
    createInterface({ input: child.stderr! }).on('line', (l) => {
      if (l.trim()) lastErr = l.trim();
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let msg: NodeLine;
      try {
        msg = JSON.parse(line) as NodeLine;
      } catch {
        return;
      }
      const now = performance.now();
      switch (msg.event) {
        case 'ready':
          ready += 1;
          lastReadyAt = now;
          sample.readyHere += 1;
          if (sample.readyHere === group.length) {
            sample.startup = now - sample.spawnedAt;
            opts.onProcessReady?.(p, child.pid);
          }
          if (ready === n) onAllReady();
          break;
        case 'phase':
          if (!phaseSeen.has(msg.phase)) {
            phaseSeen.add(msg.phase);
            opts.onPhase?.(msg.phase, msg.id, now - startAt);
          }
          break;
        case 'decide':
        {
          // Nodes, not events: a mesh node reports every change of the leader it knows.
          const first = !decided.has(msg.id);
          decided.set(msg.id, { leader: msg.leader, isLeader: msg.isLeader });
          lastDecision = now - startAt;
          if (!first) break;
          decisions += 1;
          if (decisions === n) opts.onAllDecided?.();
          sample.decidedHere += 1;
          if (sample.decidedHere === group.length) opts.onProcessDecided?.(p, child.pid);
          break;
        }
        case 'result': {
          const { event: _event, ...result } = msg;
          // A mesh launch's results are MeshNodeResults; launch-command reads them back as such.
          results.set(result.id, result as NodeResult);
          break;
        }
        case 'error':
          code = msg.code;
          reported = msg.message;
          if (group.every((g) => results.has(g.id))) lateErrors.push({ id: m.id, message: msg.message });
          break;
      }
    });
    child.on('error', (err) => failures.push({ id: m.id, message: err.message }));
    exits.push(
      new Promise((resolve) =>
      child.on('close', (exitCode, signal) => {
        for (const g of group) {
          if (results.has(g.id)) continue;
          const message = reported ?? (lastErr || (signal ? `killed by ${signal}` : `exited with code ${exitCode}`));
          failures.push({ id: g.id, message, ...(code ? { code } : {}) });
        }
        if (ready < n) onAllReady();
        resolve();
      }),
      ),
    );
    for (const g of group) processOf.set(g.id, child);
    return child;
  });

  const killAll = () => children.forEach((c) => c.kill('SIGKILL'));
  const stalled = new Promise<boolean>((resolve) => {
    const check = () => {
      const quiet = performance.now() - lastReadyAt;
      if (quiet >= opts.readyTimeoutMs) resolve(true);
      else setTimeout(check, opts.readyTimeoutMs - quiet).unref();
    };
    check();
  });
  // Never leave node processes behind holding their ports until their --timeout: not on Ctrl-C,
  // not on kill, not when the launcher exits early (a reader closing our stdout, for one).
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
    killAll();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', killAll);
  try {
    const timedOut = await Promise.race([
      allReady.then(() => false),
      stalled,
    ]);
    if (failures.length > 0 || timedOut) {
      // Taken before killAll: the processes it kills would otherwise be blamed for the failure.
      const f = failures[0];
      killAll();
      await Promise.all(exits);
      if (interrupted) throw new InterruptedError(interrupted);
      // The cause travels with the error: launchOnFreePorts retries on PortInUse.
      if (f) throw errorFromCode(f.code, `node ${f.id} failed to start: ${f.message.replace(/^hs-ring: /, '')}`);
      throw new InvalidConfigError(`only ${ready} of ${n} nodes were ready, none more in the last ${opts.readyTimeoutMs} ms`);
    }
    opts.onStart?.();
    startAt = performance.now();
    // Not end(): a child whose stdin ends tears the stream down at once, in the middle of the
    // election's busiest moment. Each child closes its stdin itself once its nodes are done.
    for (const c of children) c.stdin!.write('start\n');
    const kill = opts.kill;
    const victim = kill ? processOf.get(kill.id) : undefined;
    const killTimer =
      kill && victim
        ? setTimeout(() => {
            killed = kill.id;
            const before = decided.get(kill.id);
            if (before) killedAfterDecision = { id: kill.id, ...before };
            victim.kill('SIGKILL');
            opts.onKill?.(kill.id, performance.now() - startAt);
          }, kill.atMs)
        : undefined;
    await Promise.all(exits);
    clearTimeout(killTimer);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('exit', killAll);
  }
  if (interrupted) throw new InterruptedError(interrupted);
  const elapsedMs = performance.now() - startAt;
  return {
    results: members.map((m) => results.get(m.id)).filter((r): r is NodeResult => r !== undefined),
    electionMs: decisions === n ? lastDecision : null,
    elapsedMs,
    failures,
    lateErrors,
    killed,
    killedAfterDecision,
    processes: groups.map((g, p) => ({ pid: children[p]?.pid ?? -1, nodes: g.length, startupMs: samples[p]!.startup })),
  };
}

/** Stands for the node id in a trace file name given to a process hosting several nodes. */
const ID_PLACEHOLDER = '{id}';

/** Splits the ring into `k` contiguous stretches of nearly equal length (neighbours mostly share a process). */
export function splitRing<T>(members: readonly T[], k: number): T[][] {
  const groups: T[][] = [];
  const n = members.length;
  for (let g = 0; g < k; g++) {
    const from = Math.floor((g * n) / k);
    const to = Math.floor(((g + 1) * n) / k);
    if (to > from) groups.push(members.slice(from, to));
  }
  return groups;
}
