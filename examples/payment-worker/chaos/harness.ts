/**
 * The chaos harness: a throwaway coordinator ensemble (and PostgreSQL if asked), a queue of
 * payments, N replica processes; every `killEveryMs` the current leader is SIGKILLed and restarted
 * `restartAfterMs` later, and some of those ticks instead stop the leader (SIGSTOP) right after
 * its leadership check until a newer leader has raised the fence, then resume it. The verdict is
 * read from the ledger (see audit.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CoordinatorKind } from '../coordinators/coordinator.js';
import type { Ensemble } from '../ensembles/ensemble.js';
import { startEtcd } from '../ensembles/etcd.js';
import { startPostgres } from '../ensembles/postgres.js';
import { tempDir } from '../ensembles/process.js';
import { startLossyProxies } from '../ensembles/lossy-proxy.js';
import { startRing } from '../ensembles/ring.js';
import { startZooKeeper } from '../ensembles/zookeeper.js';
import { openStore } from '../open-store.js';
import { workload, type PaymentStore } from '../store.js';
import { processCpuMs } from './cpu.js';
import { audit, failures, percentiles, type Audit, type Percentiles } from './audit.js';

export interface ChaosOptions {
  coordinator: CoordinatorKind;
  store: 'sqlite' | 'postgres';
  replicas: number;
  payments: number;
  accounts: number;
  killEveryMs: number;
  restartAfterMs: number;
  /** How many chaos ticks stop the leader after its check instead of killing it. */
  pauses: number;
  /** A pause every this many ticks from `firstPauseTick` on. */
  pauseEvery: number;
  firstPauseTick: number;
  leaseMs: number;
  /** The leader's signal fires this long before its lease can end. */
  marginMs: number;
  /**
   * Fraction of datagrams lost (undefined: 0.2 for the ring, none for the others): each ring member
   * loses its own (seeded by `seed` and its id); ZooKeeper and etcd get it through lossy proxies.
   */
  loss: number | undefined;
  workMs: number;
  seed: number;
  /** Test-only: replicas built without the token check. The run must then fail. */
  unfenced: boolean;
  maxSeconds: number;
  /** No more kills or pauses after this many seconds; the queue then drains (the short test's bound on a loaded machine). */
  chaosSeconds: number;
  keep: boolean;
}

export const defaults: ChaosOptions = {
  coordinator: 'zookeeper', store: 'sqlite', replicas: 5, payments: 2000, accounts: 20, killEveryMs: 2000,
  restartAfterMs: 1000, pauses: 3, pauseEvery: 4, firstPauseTick: 2, leaseMs: 1000, marginMs: 200, loss: undefined, workMs: 5, seed: 1, unfenced: false,
  maxSeconds: 600, chaosSeconds: Number.POSITIVE_INFINITY, keep: false,
};

export interface ChaosReport {
  options: ChaosOptions;
  passed: boolean;
  failures: string[];
  audit: Audit;
  kills: number;
  pauses: number;
  /** How long each paused leader stayed stopped, ms. */
  pauseMs: Percentiles;
  /** Terms of office reported by replicas. */
  terms: number;
  /** Why terms ended without a kill: signal (lease ran out or connection lost), stale, conflict, stopped. */
  stepdowns: Record<string, number>;
  durationMs: number;
  /** Payments per second over the run. */
  throughput: number;
  /** CPU the replica processes used (the coordinator's client or member, the worker, the store), ms; null without /proc. */
  replicaCpuMs: number | null;
  dir?: string;
}

interface Replica {
  name: string;
  child: ChildProcess | undefined;
  leadingToken: bigint | undefined;
  stopped: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const replicaJs = fileURLToPath(new URL('../replica.js', import.meta.url));

/** The loss a run has: asked for, or the coordinator's default (the ring's is the issue's 20 %). */
export function lossOf(opts: Pick<ChaosOptions, 'coordinator' | 'loss'>): number {
  return opts.loss ?? (opts.coordinator === 'ring' ? 0.2 : 0);
}

/** The coordinator's servers for one run; the ring has none, only the ring file its replicas share. */
function startCoordinators(opts: ChaosOptions): Promise<Ensemble> {
  switch (opts.coordinator) {
    case 'zookeeper': return startZooKeeper();
    case 'etcd': return startEtcd();
    case 'ring': return startRing(opts.replicas);
  }
}

/**
 * Runs one chaos test. `running` is a coordinator ensemble already started for `opts.coordinator`
 * (the test suite runs several short runs on one); without it the run starts and stops its own.
 */
export async function runChaos(opts: ChaosOptions, progress: (line: string) => void = () => undefined, running?: Ensemble): Promise<ChaosReport> {
  const dir = tempDir('hs-ring-chaos-');
  const cleanups: (() => Promise<void>)[] = [];
  let store: PaymentStore | undefined;
  try {
    const ensemble: Ensemble = running ?? await startCoordinators(opts);
    if (!running) cleanups.push(() => ensemble.stop(opts.keep));
    let storeSpec = `sqlite:${join(dir, 'payments.db')}`;
    if (opts.store === 'postgres') {
      const pgc = await startPostgres();
      cleanups.push(() => pgc.stop(opts.keep));
      storeSpec = pgc.connect;
    }
    store = await openStore(storeSpec, { fenced: true });
    await store.setup();
    const w = workload(opts.seed, opts.accounts, opts.payments);
    await store.seed(w.accounts, w.payments);
    const loss = lossOf(opts);
    let connect = ensemble.connect;
    if (loss > 0 && opts.coordinator !== 'ring') {
      const proxies = await startLossyProxies(ensemble.connect, loss, opts.seed);
      cleanups.push(() => proxies.close());
      connect = proxies.connect;
    }
    const lossNote = loss > 0 ? `, ${Math.round(loss * 100)} % loss${opts.coordinator === 'ring' ? '' : ' through proxies'}` : '';
    const at = `${opts.coordinator === 'ring' ? 'ring file' : 'ensemble at'} ${ensemble.connect}${lossNote}`;
    progress(`${opts.coordinator} ${at}; store ${opts.store}; ${opts.payments} payments, ${opts.replicas} replicas${opts.unfenced ? ' (UNFENCED build)' : ''}`);

    // Every term, stepdown, kill and pause with its time, for reading a run afterwards (--keep).
    const events = openSync(join(dir, 'events.log'), 'a');
    const t00 = performance.now();
    const note = (line: string) => writeSync(events, `${((performance.now() - t00) / 1000).toFixed(3)} ${line}\n`);
    const replicas: Replica[] = Array.from({ length: opts.replicas }, (_, i) => ({ name: `r${i + 1}`, child: undefined, leadingToken: undefined, stopped: false }));
    let terms = 0;
    const stepdowns: Record<string, number> = {};
    let pausesDone = 0;
    let pausing = false;
    const pauseDurations: number[] = [];
    const live = new Set<ChildProcess>();
    const restarts = new Set<NodeJS.Timeout>();

    let finished = false;
    // Read from /proc just before a replica is killed or stopped: a dead process's count is gone.
    let replicaCpu: number | null = 0;
    const countCpu = (child: ChildProcess) => {
      const ms = processCpuMs(child.pid);
      replicaCpu = ms === null || replicaCpu === null ? null : replicaCpu + ms;
    };
    const onPausing = async (r: Replica, child: ChildProcess, token: bigint) => {
      r.stopped = true;
      const t0 = performance.now();
      // Keep it stopped past its lease and until a newer leader has raised the fence.
      const cap = t0 + 10 * opts.leaseMs + 10_000;
      while (!finished && performance.now() < cap) {
        await sleep(100);
        const highest = await store!.progress().then((p) => p.highest, () => token);
        if (highest > token && performance.now() - t0 > opts.leaseMs + 300) break;
      }
      pauseDurations.push(performance.now() - t0);
      child.kill('SIGCONT');
      note(`${r.name} resumed after ${Math.round(performance.now() - t0)} ms`);
      r.stopped = false;
      pausesDone++;
      pausing = false;
    };

    const start = (r: Replica) => {
      const args = ['--coordinator', opts.coordinator, '--connect', connect, '--store', storeSpec, '--name', r.name,
        '--lease-ms', String(opts.leaseMs), '--margin-ms', String(opts.marginMs), '--work-ms', String(opts.workMs), '--pause-hook',
        ...(opts.unfenced ? ['--unfenced'] : []),
        // The member's promises outlive the process: a restarted member must keep them.
        ...(opts.coordinator === 'ring' ? ['--state-dir', join(dir, 'ring-state', r.name), '--loss', String(loss), '--seed', String(opts.seed)] : [])];
      const err = openSync(join(dir, `${r.name}.log`), 'a');
      const child = fork(replicaJs, args, { stdio: ['ignore', err, err, 'ipc'], execArgv: [] });
      r.child = child;
      live.add(child);
      child.on('message', (m: { type: string; token?: string; why?: string; applied?: number }) => {
        note(`${r.name} ${m.type} ${m.token ?? ''} ${m.why ?? ''} ${m.applied ?? ''}`);
        if (m.type === 'leader') { r.leadingToken = BigInt(m.token!); terms++; }
        if (m.type === 'stepdown') stepdowns[m.why!] = (stepdowns[m.why!] ?? 0) + 1;
        if (m.type === 'stepdown' && r.leadingToken === BigInt(m.token!)) r.leadingToken = undefined;
        if (m.type === 'pausing') void onPausing(r, child, BigInt(m.token!));
      });
      child.on('exit', () => {
        live.delete(child);
        if (r.child === child) { r.child = undefined; r.leadingToken = undefined; }
      });
    };
    replicas.forEach(start);
    cleanups.push(async () => {
      for (const t of restarts) clearTimeout(t);
      for (const c of live) { countCpu(c); c.kill('SIGCONT'); c.kill('SIGTERM'); }
      const deadline = Date.now() + 5000;
      while (live.size > 0 && Date.now() < deadline) await sleep(50);
      for (const c of live) c.kill('SIGKILL');
    });

    const leader = () => replicas
      .filter((r) => r.child && !r.stopped && r.leadingToken !== undefined)
      .sort((a, b) => (a.leadingToken! > b.leadingToken! ? -1 : 1))[0];

    // The clock and the chaos start once the first leader is in office.
    while (!replicas.some((r) => r.leadingToken !== undefined)) {
      await sleep(50);
      if (live.size === 0) throw new Error(`every replica exited; see ${dir}/r*.log`);
    }
    const t0 = performance.now();
    let kills = 0;
    let tick = 0;
    let nextTick = t0 + opts.killEveryMs;
    let nextReport = t0 + 2000;
    let done = false;
    while (!done) {
      await sleep(50);
      const now = performance.now();
      const p = await store.progress();
      done = p.applied === p.total;
      if (now - t0 > opts.maxSeconds * 1000) break;
      if (now >= nextReport) {
        nextReport += 2000;
        const l = leader();
        progress(`t=${((now - t0) / 1000).toFixed(0)}s applied ${p.applied}/${p.total} leader ${l ? `${l.name} (token ${l.leadingToken})` : 'none'} kills ${kills} pauses ${pausesDone}`);
      }
      if (now < nextTick || done || now - t0 > opts.chaosSeconds * 1000) continue;
      nextTick += opts.killEveryMs;
      tick++;
      if (pausing) continue;
      const l = leader();
      if (!l?.child) continue;
      const wantPause = pausesDone < opts.pauses && tick >= opts.firstPauseTick && (tick - opts.firstPauseTick) % opts.pauseEvery === 0;
      if (wantPause) {
        pausing = true;
        note(`${l.name} pause armed`);
        l.child.send({ type: 'arm-pause' });
      } else {
        countCpu(l.child);
        l.child.kill('SIGKILL');
        note(`${l.name} killed`);
        kills++;
        const t = setTimeout(() => { restarts.delete(t); note(`${l.name} restarted`); start(l); }, opts.restartAfterMs);
        restarts.add(t);
      }
    }
    const durationMs = performance.now() - t0;
    finished = true;
    await cleanups.pop()!(); // replicas first, then the ledger is final
    const a = audit(await store.dump());
    const why = failures(a, pausesDone);
    if (!done) why.unshift(`not every payment was applied within ${opts.maxSeconds} s`);
    if (opts.pauses > 0 && pausesDone === 0) why.push('no leader was paused: the run ended before the first pause');
    return {
      options: opts, passed: why.length === 0, failures: why, audit: a, kills, pauses: pausesDone,
      pauseMs: percentiles(pauseDurations), terms, stepdowns, durationMs: Math.round(durationMs),
      throughput: Math.round((a.appliedExactlyOnce / durationMs) * 1000), replicaCpuMs: replicaCpu,
      ...(opts.keep ? { dir } : {}),
    };
  } finally {
    await store?.close().catch(() => undefined);
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
}
