/**
 * Hosts the mesh nodes (Bully, Raft-style) of one process from a validated NodeConfig, as
 * node-host.ts does for ring nodes: binds every socket, warms up, reports ready, waits for the
 * start signal, runs until each node's leader has settled and returns the results.
 */
import { UDP_MESH_TIMING, meshAlgorithm } from '../core/algorithms.js';
import { loadKeyFile } from '../config/key.js';
import { InvalidConfigError } from '../errors.js';
import type { MeshNodeResult } from '../node/mesh-result.js';
import { MeshGroup } from '../runtime/mesh-group.js';
import { DEFAULT_SETTLE_MS } from '../runtime/mesh-runner.js';
import { type HostOptions, readyThenStart } from './node-host.js';
import type { NodeConfig } from './node-config.js';
import { warmUpSocket } from './socket-warm-up.js';

/** Runs the mesh nodes of `config` to their results (in placement order). */
export async function hostMesh(config: NodeConfig, opts: HostOptions): Promise<MeshNodeResult[]> {
  try {
    return await host(config, opts);
  } finally {
    opts.start?.close();
  }
}

async function host(config: NodeConfig, opts: HostOptions): Promise<MeshNodeResult[]> {
  const mesh = config.mesh;
  if (!mesh || config.algorithm === undefined) throw new InvalidConfigError('node config: a mesh algorithm needs "algorithm" and "mesh"');
  if (config.trace !== undefined) throw new InvalidConfigError(`--trace: ${config.algorithm} nodes write no trace`);
  const key = opts.key ?? (config.keyFile !== undefined ? loadKeyFile(config.keyFile) : undefined);
  if (opts.start) await warmUpSocket(config.placements[0]!.listen);
  const group = await MeshGroup.bind(
    mesh.map((m) => ({ id: m.id, address: { host: m.host, port: m.port } })),
    config.placements.map((p) => p.id),
    {
      algorithm: meshAlgorithm(config.algorithm).algorithm(UDP_MESH_TIMING),
      link: config.link,
      settleMs: DEFAULT_SETTLE_MS,
      timeoutMs: config.timeoutMs,
      ...(key ? { key } : {}),
      ...(config.faults ? { faults: config.faults } : {}),
    },
  );
  const emit = opts.onEvent;
  for (const { id, runner } of group.members) {
    runner.on('decide', (leader, isLeader, atMs) => {
      if (leader !== null) emit({ event: 'decide', id, leader, isLeader, atMs });
    });
    runner.on('drop', (reason, detail, from) => emit({ event: 'drop', id, reason, detail, from }));
  }
  await readyThenStart(group, opts);
  return (await group.run()).results;
}
