/** Runs the selected bench parts and writes results.json and the plots. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeSettings } from '../cluster/node-config.js';
import { DEFAULT_LINK_CONFIG } from '../link/config.js';
import { FULL_LATENCY, type LatencyRow, QUICK_LATENCY, runLatencyBench } from './latency.js';
import { type CompareResult, FULL_COMPARE, QUICK_COMPARE, runCompareBench } from './compare.js';
import { comparePlots } from './compare-plots.js';
import { FULL_FAILOVER, type FailoverRow, type FailoverSetting, QUICK_FAILOVER, runFailoverBench } from './failover.js';
import { type MemoryRow, runMemoryBench } from './memory.js';
import { FULL_MESSAGES, type MessagesResult, QUICK_MESSAGES, runMessagesBench } from './messages.js';
import { FULL_OVERHEAD, type OverheadRow, QUICK_OVERHEAD, runOverheadBench } from './overhead.js';
import { failoverSpec, latencySpec, messagesSpec, overheadSpec, renderSvg } from './plots.js';
import type { Progress } from './progress.js';
import { FULL_SCALE, QUICK_SCALE, type SimScaleRow, type UdpScaleRow, runSimScale, runUdpScale } from './scale.js';
import { FULL_WORKER, QUICK_WORKER, type WorkerResult, runWorkerBench } from './worker.js';
import { workerSpec } from './worker-plot.js';

/** The benchmark parts, in the order they run; `--only` picks a subset. */
export const BENCH_PARTS = ['messages', 'overhead', 'latency', 'scale', 'memory', 'compare', 'failover', 'worker'] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];
/**
 * What runs without --only: the worker part needs ZooKeeper and etcd installed and a built
 * checkout, and the failover part takes about 20 minutes, so each is asked for by name.
 */
export const DEFAULT_PARTS: readonly BenchPart[] = BENCH_PARTS.filter((p) => p !== 'worker' && p !== 'failover');

export interface BenchOptions {
  readonly quick: boolean;
  readonly only: readonly BenchPart[];
  readonly progress: Progress;
  /** Ring sizes of the latency part instead of its plan's. */
  readonly latencySizes?: readonly number[];
  /** Settings for the latency part's nodes other than the defaults (e.g. another ack delay). */
  readonly nodeSettings?: NodeSettings;
  /** The `hs-ring node` flags those settings came from, recorded with the results. */
  readonly nodeFlags?: readonly string[];
  /** Rings of the failover part instead of its plan's. */
  readonly failoverRings?: readonly FailoverSetting[];
}

/** Everything one bench run measured; what `--json` prints and `--out` saves. */
export interface BenchResults {
  readonly quick: boolean;
  readonly startedAt: string;
  readonly machine: { readonly node: string; readonly cpus: number; readonly platform: string; readonly loadAverage: readonly number[] };
  readonly link: typeof DEFAULT_LINK_CONFIG;
  /** The --node-flags the latency part's nodes ran with, if any: `link` above is then not the whole story. */
  readonly nodeFlags?: readonly string[];
  messages?: MessagesResult;
  overhead?: OverheadRow[];
  latency?: LatencyRow[];
  scale?: { sim: SimScaleRow[]; udp: UdpScaleRow[] };
  memory?: MemoryRow[];
  compare?: CompareResult;
  failover?: FailoverRow[];
  worker?: WorkerResult;
  /** Parts that failed, with why; their results are absent. */
  readonly errors: Partial<Record<BenchPart, string>>;
  wallSeconds?: number;
}

/** Runs the selected parts; each is measured from scratch, nothing is read from earlier runs. */
export async function runBench(opts: BenchOptions): Promise<BenchResults> {
  const { availableParallelism, loadavg, platform } = await import('node:os');
  const t0 = performance.now();
  const results: BenchResults = {
    quick: opts.quick,
    startedAt: new Date().toISOString(),
    machine: { node: process.version, cpus: availableParallelism(), platform: platform(), loadAverage: loadavg().map((x) => Math.round(x * 100) / 100) },
    link: DEFAULT_LINK_CONFIG,
    ...(opts.nodeFlags?.length ? { nodeFlags: opts.nodeFlags } : {}),
    errors: {},
  };
  const q = opts.quick;
  // Each part runs on its own: one that fails is recorded in `errors` and the others still run.
  const part = async (p: BenchPart, run: () => Promise<void> | void) => {
    if (!opts.only.includes(p)) return;
    try {
      await run();
    } catch (err) {
      results.errors[p] = (err as Error).message;
      opts.progress(`${p}: FAILED: ${(err as Error).message}`);
    }
  };
  await part('messages', () => void (results.messages = runMessagesBench(q ? QUICK_MESSAGES : FULL_MESSAGES, opts.progress)));
  await part('overhead', () => void (results.overhead = runOverheadBench(q ? QUICK_OVERHEAD : FULL_OVERHEAD, opts.progress)));
  await part('latency', async () => {
    const plan = q ? QUICK_LATENCY : FULL_LATENCY;
    results.latency = await runLatencyBench(
      { ...plan, ...(opts.latencySizes ? { sizes: opts.latencySizes } : {}), ...(opts.nodeSettings ? { nodeSettings: opts.nodeSettings } : {}) },
      opts.progress,
    );
  });
  await part('scale', async () => {
    const plan = q ? QUICK_SCALE : FULL_SCALE;
    results.scale = { sim: runSimScale(plan.simSizes, opts.progress), udp: await runUdpScale(plan.udp, opts.progress) };
  });
  await part('memory', async () => {
    results.memory = await runMemoryBench(
      q ? [{ nodes: 4, processes: 4 }] : [{ nodes: 16, processes: 16 }, { nodes: 256, processes: 2 }],
      opts.progress,
    );
  });
  await part('compare', async () => {
    results.compare = await runCompareBench(q ? QUICK_COMPARE : FULL_COMPARE, opts.progress);
  });
  await part('failover', async () => {
    const plan = q ? QUICK_FAILOVER : FULL_FAILOVER;
    results.failover = await runFailoverBench(opts.failoverRings ? { ...plan, settings: opts.failoverRings } : plan, opts.progress);
  });
  await part('worker', async () => {
    results.worker = await runWorkerBench(q ? QUICK_WORKER : FULL_WORKER, opts.progress);
  });
  results.wallSeconds = Math.round((performance.now() - t0) / 100) / 10;
  return results;
}

/**
 * Writes results.json and one SVG plot per measured part into the folder `dir`, which must exist
 * (`hs-ring bench --out` creates it before the run, so a bad path fails before minutes of
 * measuring); returns the paths written.
 */
export async function writeBenchOutput(dir: string, r: BenchResults): Promise<string[]> {
  const written: string[] = [];
  const put = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    written.push(path);
  };
  await put('results.json', JSON.stringify(r, null, 2) + '\n');
  if (r.messages) await put('messages.svg', await renderSvg(messagesSpec(r.messages)));
  if (r.latency) await put('latency.svg', await renderSvg(latencySpec(r.latency)));
  if (r.overhead) await put('overhead.svg', await renderSvg(overheadSpec(r.overhead)));
  if (r.failover) await put('failover.svg', await renderSvg(failoverSpec(r.failover)));
  if (r.worker && r.worker.rows.length > 0) await put('worker.svg', await renderSvg(workerSpec(r.worker)));
  if (r.compare) for (const [name, spec] of Object.entries(comparePlots(r.compare))) await put(name, await renderSvg(spec));
  return written;
}
