/**
 * Runs a ring of node processes for the bench as `hs-ring launch --processes K` does, and samples
 * the resident memory of every process from /proc while it runs.
 */
import { readFileSync } from 'node:fs';
import { launchRing } from '../cluster/launch.js';
import { type NodeSettings, defaultNodeSettings } from '../cluster/node-config.js';
import type { Member } from '../config/ring-file.js';
import type { NodeResult } from '../node/result.js';
import { launchOnFreePorts } from '../cluster/free-ports.js';

/** One node process of a ring and the memory it held. */
export interface ProcessSample {
  readonly pid: number;
  readonly nodes: number;
  /** From spawning the process to its last node's "ready" line (start-up, bind and warm-up), ms. */
  readonly startupMs: number | null;
  /** VmRSS once all its nodes had bound and warmed up, before the start signal (KiB; null without /proc). */
  readonly readyRssKiB: number | null;
  /** VmRSS and VmHWM (peak) when its last node decided, while still lingering. */
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
 * Runs a ring exactly as `hs-ring launch --processes K` does (each node on its own UDP socket,
 * contiguous stretches of the ring per process), with the resident memory of every process.
 */
export async function spawnRing(
  ids: readonly number[],
  processes: number,
  opts: { host?: string; node?: NodeSettings; readyTimeoutMs?: number } = {},
): Promise<SpawnedRun> {
  const host = opts.host ?? '127.0.0.1';
  const memory = new Map<number, { ready: number | null; decided: number | null; peak: number | null }>();
  const at = (index: number) => memory.get(index) ?? memory.set(index, { ready: null, decided: null, peak: null }).get(index)!;
  // A port the OS offered can be taken before the node binds it: chosen again, as launch does.
  const run = await launchOnFreePorts(host, ids.length, (ports) => {
    memory.clear();
    const members: Member[] = ids.map((id, i) => ({ id, host, port: ports[i]! }));
    return launchRing({
      members,
      processes,
      node: opts.node ?? defaultNodeSettings(),
      readyTimeoutMs: opts.readyTimeoutMs ?? 30_000 + 50 * ids.length,
      onProcessReady: (index, pid) => void (at(index).ready = readStatus(pid, 'VmRSS')),
      onProcessDecided: (index, pid) => {
        at(index).decided = readStatus(pid, 'VmRSS');
        at(index).peak = readStatus(pid, 'VmHWM');
      },
    });
  });
  return {
    results: run.results,
    electionMs: run.electionMs,
    processes: run.processes.map((p, i) => ({
      ...p,
      readyRssKiB: memory.get(i)?.ready ?? null,
      decidedRssKiB: memory.get(i)?.decided ?? null,
      peakRssKiB: memory.get(i)?.peak ?? null,
    })),
    failures: run.failures.map((f) => `node ${f.id}: ${f.message}`),
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

/** CPU time (user and system) process `pid` has used, in ms from /proc/PID/stat (10 ms ticks), or null without /proc. */
export function readCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    return Number.isFinite(ticks) ? ticks * 10 : null;
  } catch {
    return null;
  }
}
