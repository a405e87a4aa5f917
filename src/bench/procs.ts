import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Member } from '../config/ring-file.js';
import type { NodeResult } from '../runtime/result.js';
import { reserveUdpPorts } from '../transport/ports.js';

const cliPath = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** One node process of a spawned ring: what it hosted and how much memory it held. */
export interface ProcessSample {
  readonly pid: number;
  readonly nodes: number;
  /** VmRSS once every node in it had bound and warmed up, before the start signal (KiB). */
  readonly readyRssKiB: number | null;
  /** VmRSS and VmHWM (peak) when its last node decided, while still lingering (KiB). */
  readonly decidedRssKiB: number | null;
  readonly peakRssKiB: number | null;
}

export interface SpawnedRun {
  readonly results: NodeResult[];
  /** From the start signal to the last decision reported, ms (launcher's clock). */
  readonly electionMs: number | null;
  readonly processes: ProcessSample[];
  readonly failures: string[];
}

/**
 * Runs a ring as `processes` `hs-ring node --ring FILE --self A,B,...` processes, each hosting a
 * contiguous block of ids (its own UDP socket per node), starts them together like
 * `hs-ring launch`, and samples each process's resident memory from /proc. The bench's own
 * launcher, because it needs process ids and several nodes per process.
 */
export async function spawnRing(
  ids: readonly number[],
  processes: number,
  opts: { host?: string; nodeArgs?: readonly string[]; readyTimeoutMs?: number } = {},
): Promise<SpawnedRun> {
  const host = opts.host ?? '127.0.0.1';
  const ports = await reserveUdpPorts(host, ids.length);
  const members: Member[] = ids.map((id, i) => ({ id, host, port: ports[i]! }));
  const dir = await mkdtemp(join(tmpdir(), 'hs-bench-'));
  const ringFile = join(dir, 'ring.json');
  await writeFile(ringFile, JSON.stringify({ members }));
  const per = Math.ceil(ids.length / processes);
  const groups = Array.from({ length: processes }, (_, p) => ids.slice(p * per, (p + 1) * per)).filter((g) => g.length > 0);
  const results: NodeResult[] = [];
  const failures: string[] = [];
  let ready = 0;
  let decisions = 0;
  let startAt = 0;
  let lastDecision: number | null = null;
  let onAllReady: () => void = () => undefined;
  const allReady = new Promise<void>((r) => (onAllReady = r));
  const samples = groups.map(() => ({ ready: null as number | null, decided: null as number | null, peak: null as number | null }));
  const children: ChildProcess[] = [];
  const exits = groups.map(
    (group, p) =>
      new Promise<void>((resolve) => {
        const child = spawn(
          process.execPath,
          [cliPath, 'node', '--ring', ringFile, '--self', group.join(','), '--ndjson', '--wait-start', ...(opts.nodeArgs ?? [])],
          { stdio: ['pipe', 'pipe', 'pipe'] },
        );
        children.push(child);
        let readyHere = 0;
        let decidedHere = 0;
        let lastErr = '';
        createInterface({ input: child.stderr! }).on('line', (l) => (lastErr = l.trim() || lastErr));
        createInterface({ input: child.stdout! }).on('line', (line) => {
          let msg: { event: string } & Record<string, unknown>;
          try {
            msg = JSON.parse(line);
          } catch {
            return;
          }
          if (msg.event === 'ready') {
            readyHere += 1;
            if (readyHere === group.length) samples[p]!.ready = readStatus(child.pid, 'VmRSS');
            ready += 1;
            if (ready === ids.length) onAllReady();
          } else if (msg.event === 'decide') {
            decisions += 1;
            decidedHere += 1;
            lastDecision = performance.now() - startAt;
            if (decidedHere === group.length) {
              samples[p]!.decided = readStatus(child.pid, 'VmRSS');
              samples[p]!.peak = readStatus(child.pid, 'VmHWM');
            }
          } else if (msg.event === 'result') {
            const { event: _e, ...r } = msg;
            results.push(r as unknown as NodeResult);
          }
        });
        child.on('close', (code) => {
          if (code !== 0) failures.push(`process ${p} (${group.length} nodes) exited ${code}: ${lastErr}`);
          if (ready < ids.length) onAllReady();
          resolve();
        });
      }),
  );
  try {
    const timedOut = await Promise.race([
      allReady.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), opts.readyTimeoutMs ?? 30_000 + 50 * ids.length).unref()),
    ]);
    if (timedOut || ready < ids.length) {
      for (const c of children) c.kill('SIGKILL');
      await Promise.all(exits);
      throw new Error(`only ${ready} of ${ids.length} nodes became ready${failures.length ? `: ${failures[0]}` : ''}`);
    }
    startAt = performance.now();
    for (const c of children) c.stdin!.end('start\n');
    await Promise.all(exits);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const order = new Map(ids.map((id, i) => [id, i]));
  results.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return {
    results,
    electionMs: decisions === ids.length ? lastDecision : null,
    processes: groups.map((g, p) => ({
      pid: children[p]?.pid ?? -1,
      nodes: g.length,
      readyRssKiB: samples[p]!.ready,
      decidedRssKiB: samples[p]!.decided,
      peakRssKiB: samples[p]!.peak,
    })),
    failures,
  };
}

/** A `Vm*` line of /proc/PID/status in KiB, or null where /proc is unavailable. */
export function readStatus(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number | null {
  if (pid === undefined) return null;
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
