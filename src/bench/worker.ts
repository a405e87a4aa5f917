/**
 * `bench --only worker`: the payment worker's chaos run (examples/payment-worker) on ZooKeeper,
 * etcd and the ring in one bench run, one coordinator at a time (the machine may have 2 cores),
 * the same workload and the same loss each: failover gap, throughput, CPU, and the false
 * failovers each timeout setting causes, over a sweep of each one's timeout (ZooKeeper session
 * timeout, etcd lease TTL, ring lease).
 *
 * The examples are not part of the library, so the bench does not import them: it spawns the
 * compiled chaos runner from dist/examples of a built checkout and reads its --json report.
 * That keeps the library's layers and its dependencies free of the examples' client libraries
 * (etcd3, node-zookeeper-client, better-sqlite3: dev dependencies only); an installed package,
 * which ships no examples, gets a clear error instead.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TIMING } from '../core/leadership/settings.js';
import type { Progress } from './progress.js';

export const WORKER_COORDINATORS = ['zookeeper', 'etcd', 'ring'] as const;
export type WorkerCoordinator = (typeof WORKER_COORDINATORS)[number];

export interface WorkerPlan {
  /** Timeout settings per coordinator, ms: the first is the default the others are compared with. */
  readonly leases: Readonly<Record<WorkerCoordinator, readonly number[]>>;
  /** Chaos runner flags every run shares (the workload). */
  readonly workload: readonly string[];
  /** Fraction of datagrams lost, the same for every coordinator (the ring's members drop their own; the others' links go through lossy proxies). */
  readonly loss: number;
}

/**
 * The chaos runner's defaults (2,000 payments, a kill every 2 s, 3 pauses, 5 replicas). ZooKeeper
 * and etcd start at the runner's 1 s (far below their own defaults, which fail over in tens of
 * seconds); the ring starts at the library's defaults (lease 500 ms, step-down margin 40 ms).
 */
export const FULL_WORKER: WorkerPlan = {
  leases: { zookeeper: [1000, 500, 2000], etcd: [1000, 2000, 3000], ring: [DEFAULT_TIMING.lease, 250, 1000, 2000] },
  workload: [],
  loss: 0.2,
};

export const QUICK_WORKER: WorkerPlan = {
  leases: { zookeeper: [1000], etcd: [1000], ring: [DEFAULT_TIMING.lease] },
  workload: ['--payments', '300', '--work', '10', '--pauses', '1', '--first-pause', '1', '--chaos-seconds', '10', '--max-seconds', '120'],
  loss: 0.2,
};

/** One chaos run of one coordinator at one timeout setting. */
export interface WorkerRow {
  readonly coordinator: WorkerCoordinator;
  /** Lease / session timeout / TTL asked for, ms (etcd rounds up to whole seconds). */
  readonly leaseMs: number;
  readonly isDefault: boolean;
  /** How long before its lease can end the leader's signal fires, ms. */
  readonly marginMs: number;
  /** Loss the coordinator ran under (the ring's members inflict it on themselves; ZooKeeper's and etcd's clients reach them through lossy proxies). */
  readonly loss: number;
  readonly passed: boolean;
  readonly failures: readonly string[];
  /** No replica processing at a change of leader, ms. */
  readonly gapMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly leaderChanges: number;
  readonly kills: number;
  readonly pauses: number;
  /** Terms that ended because the leader's signal fired while it ran unpaused: a failover nobody caused. */
  readonly falseFailovers: number;
  readonly falseFailoversPerMinute: number;
  readonly staleWritesRefused: number;
  readonly runSeconds: number;
  readonly paymentsPerSecond: number;
  /** CPU of the replica processes, and of everything the run started (servers and their start-up included), s. */
  readonly replicaCpuSeconds: number | null;
  readonly totalCpuSeconds: number | null;
}

export interface WorkerResult {
  readonly rows: WorkerRow[];
  /** Coordinators that could not run here (a package missing) or whose run crashed, with why. */
  readonly skipped: Partial<Record<WorkerCoordinator, string>>;
}

/** The chaos runner's report, the fields the bench reads. */
interface ChaosJson {
  passed: boolean;
  failures: string[];
  audit: { gapMs: { p50: number; p99: number; max: number }; leaderChanges: number; staleWritesRefused: number };
  kills: number;
  pauses: number;
  stepdowns: Record<string, number>;
  durationMs: number;
  throughput: number;
  replicaCpuMs: number | null;
  cpuMs: number | null;
}

/** The compiled chaos runner next to this file in dist/ (dist/src/bench -> dist/examples). */
export const chaosRunner = fileURLToPath(new URL('../../examples/payment-worker/chaos/main.js', import.meta.url));

/** Exit code of the chaos runner when it cannot run here (a Debian package missing, servers that did not start). */
const CANNOT_RUN = 3;

export class ChaosRunnerMissingError extends Error {
  override readonly name = 'ChaosRunnerMissingError';
}

export async function runWorkerBench(plan: WorkerPlan, progress: Progress): Promise<WorkerResult> {
  if (!existsSync(chaosRunner)) {
    throw new ChaosRunnerMissingError(`the worker part runs the payment-worker example, which is not built here (${chaosRunner} is missing): run it from a checkout after npm run build`);
  }
  const rows: WorkerRow[] = [];
  const skipped: Partial<Record<WorkerCoordinator, string>> = {};
  for (const coordinator of WORKER_COORDINATORS) {
    for (const [i, leaseMs] of plan.leases[coordinator].entries()) {
      const loss = plan.loss;
      const margin = stepDownMarginFor(coordinator, leaseMs);
      const args = ['--coordinator', coordinator, '--lease', String(leaseMs), '--margin', String(margin), '--loss', String(loss), ...plan.workload, '--json'];
      progress(`worker: ${coordinator}, lease ${leaseMs} ms${loss ? `, ${loss * 100} % loss` : ''}`);
      const run = await runChaos(args);
      if (run.code === CANNOT_RUN) {
        skipped[coordinator] = run.stderr.trim().split('\n').pop() ?? 'cannot run here';
        progress(`worker: ${coordinator} skipped: ${skipped[coordinator]}`);
        break;
      }
      let r: ChaosJson;
      try {
        r = JSON.parse(run.stdout) as ChaosJson;
      } catch {
        // A crash of one coordinator's run must not lose the others' minutes of measuring.
        skipped[coordinator] = `the chaos runner exited ${run.code} without a report: ${run.stderr.trim().split('\n').slice(-3).join(' / ')}`;
        progress(`worker: ${coordinator}: ${skipped[coordinator]}`);
        break;
      }
      const falseFailovers = r.stepdowns.signal ?? 0;
      const row: WorkerRow = {
        coordinator, leaseMs, isDefault: i === 0, marginMs: margin, loss, passed: r.passed, failures: r.failures,
        gapMs: r.audit.gapMs, leaderChanges: r.audit.leaderChanges, kills: r.kills, pauses: r.pauses,
        falseFailovers, falseFailoversPerMinute: Math.round((falseFailovers / (r.durationMs / 60_000)) * 100) / 100,
        staleWritesRefused: r.audit.staleWritesRefused, runSeconds: Math.round(r.durationMs / 100) / 10, paymentsPerSecond: r.throughput,
        replicaCpuSeconds: r.replicaCpuMs === null ? null : Math.round(r.replicaCpuMs / 100) / 10,
        totalCpuSeconds: r.cpuMs === null ? null : Math.round(r.cpuMs / 100) / 10,
      };
      rows.push(row);
      progress(`worker: ${coordinator} lease ${leaseMs}: ${r.passed ? 'passed' : 'FAILED'}, gap p50 ${row.gapMs.p50} p99 ${row.gapMs.p99} ms, ${falseFailovers} false failovers, ${row.paymentsPerSecond} payments/s`);
    }
  }
  return { rows, skipped };
}

/**
 * The ring at its default lease gets the library's default margin too; otherwise 200 ms, or a
 * fifth of a shorter lease (the ring needs attempt timeout + margin < lease).
 */
export function stepDownMarginFor(coordinator: WorkerCoordinator, leaseMs: number): number {
  if (coordinator === 'ring' && leaseMs === DEFAULT_TIMING.lease) return DEFAULT_TIMING.stepDownMargin;
  return Math.min(200, Math.floor(leaseMs / 5));
}

function runChaos(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [chaosRunner, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
