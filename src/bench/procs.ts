import { type ProcessSample, launchRing } from '../cli/launch.js';
import { nodeSettingsFromFlags } from '../cli/node-command.js';
import type { Member } from '../config/ring-file.js';
import type { NodeResult } from '../runtime/result.js';
import { reserveUdpPorts } from '../transport/ports.js';

export type { ProcessSample } from '../cli/launch.js';

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
  opts: { host?: string; nodeArgs?: readonly string[]; readyTimeoutMs?: number } = {},
): Promise<SpawnedRun> {
  const host = opts.host ?? '127.0.0.1';
  const ports = await reserveUdpPorts(host, ids.length);
  const members: Member[] = ids.map((id, i) => ({ id, host, port: ports[i]! }));
  const run = await launchRing({
    members,
    processes,
    node: nodeSettingsFromFlags(opts.nodeArgs ?? []),
    readyTimeoutMs: opts.readyTimeoutMs ?? 30_000 + 50 * ids.length,
  });
  return {
    results: run.results,
    electionMs: run.electionMs,
    processes: run.processes,
    failures: run.failures.map((f) => `node ${f.id}: ${f.message}`),
  };
}
