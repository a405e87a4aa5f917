import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Member } from '../config/ring-file.js';
import { ConfigError } from '../errors.js';
import type { NodeResult } from '../runtime/result.js';
import { formatAddress } from '../transport/address.js';

const cliPath = fileURLToPath(new URL('./main.js', import.meta.url));

/** Events a launched node prints on stdout (one JSON object per line, see node --ndjson). */
type NodeLine =
  | { event: 'ready'; id: number; listen: string }
  | { event: 'phase'; id: number; phase: number; atMs: number }
  | { event: 'decide'; id: number; leader: number; isLeader: boolean; atMs: number }
  | { event: 'drop'; id: number; reason: string }
  | ({ event: 'result' } & NodeResult);

export interface LaunchOptions {
  readonly members: readonly Member[];
  /** Extra flags passed to every `hs-ring node`. */
  readonly nodeArgs: readonly string[];
  /** Milliseconds to wait for every process to bind before giving up. */
  readonly readyTimeoutMs: number;
  /** Called for the first node to enter each phase. */
  readonly onPhase?: (phase: number, id: number, atMs: number) => void;
  /** A node's trace file, if tracing; one file per node. */
  readonly traceFile?: (id: number) => string;
}

export interface LaunchOutcome {
  readonly results: NodeResult[];
  /** From the start signal to the last decision, as seen by the launcher. */
  readonly electionMs: number | null;
  readonly elapsedMs: number;
  /** Nodes that exited without a result, with their last stderr line. */
  readonly failures: { id: number; message: string }[];
}

/**
 * Starts one `hs-ring node` process per member, waits until all have bound their sockets,
 * starts them together and collects their results.
 */
export async function launchRing(opts: LaunchOptions): Promise<LaunchOutcome> {
  const { members } = opts;
  const n = members.length;
  const results = new Map<number, NodeResult>();
  const failures: { id: number; message: string }[] = [];
  let ready = 0;
  let onAllReady: () => void = () => undefined;
  const allReady = new Promise<void>((resolve) => (onAllReady = resolve));
  let startAt = 0;
  let lastDecision: number | null = null;
  let decisions = 0;
  const phaseSeen = new Set<number>();
  const exits: Promise<void>[] = [];

  const children: ChildProcess[] = members.map((m, i) => {
    const left = members[(i - 1 + n) % n]!;
    const right = members[(i + 1) % n]!;
    const args = [
      cliPath,
      'node',
      '--id',
      String(m.id),
      '--listen',
      formatAddress(m),
      '--left',
      formatAddress(left),
      '--right',
      formatAddress(right),
      '--ndjson',
      '--wait-start',
      ...(opts.traceFile ? ['--trace', opts.traceFile(m.id)] : []),
      ...opts.nodeArgs,
    ];
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let lastErr = '';
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
          if (ready === n) onAllReady();
          break;
        case 'phase':
          if (!phaseSeen.has(msg.phase)) {
            phaseSeen.add(msg.phase);
            opts.onPhase?.(msg.phase, msg.id, now - startAt);
          }
          break;
        case 'decide':
          decisions += 1;
          lastDecision = now - startAt;
          break;
        case 'result': {
          const { event: _event, ...result } = msg;
          results.set(m.id, result);
          break;
        }
      }
    });
    child.on('error', (err) => failures.push({ id: m.id, message: err.message }));
    exits.push(
      new Promise((resolve) =>
      child.on('close', (code) => {
        if (!results.has(m.id)) failures.push({ id: m.id, message: lastErr || `exited with code ${code}` });
        if (ready < n) onAllReady();
        resolve();
      }),
      ),
    );
    return child;
  });

  const killAll = () => children.forEach((c) => c.kill('SIGKILL'));
  process.once('SIGINT', killAll);
  try {
    const timedOut = await Promise.race([
      allReady.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), opts.readyTimeoutMs).unref()),
    ]);
    if (failures.length > 0 || timedOut) {
      killAll();
      await Promise.all(exits);
      const f = failures[0];
      if (f) throw new ConfigError(`node ${f.id} failed to start: ${f.message.replace(/^hs-ring: /, '')}`);
      throw new ConfigError(`only ${ready} of ${n} nodes were ready after ${opts.readyTimeoutMs} ms`);
    }
    startAt = performance.now();
    for (const c of children) c.stdin!.end('start\n');
    await Promise.all(exits);
  } finally {
    process.removeListener('SIGINT', killAll);
  }
  const elapsedMs = performance.now() - startAt;
  return {
    results: members.map((m) => results.get(m.id)).filter((r): r is NodeResult => r !== undefined),
    electionMs: decisions === n ? lastDecision : null,
    elapsedMs,
    failures,
  };
}
