/**
 * A throwaway 3-member etcd cluster (Debian's etcd-server 3.4) on loopback ports in a temp dir.
 * Heartbeat 50 ms and election timeout 500 ms bring etcd's minimum lease TTL down to 1 s, so a
 * lease can be shorter than the chaos test's 2 s kill period (etcd's defaults: 100 ms, 1 s).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Ensemble } from './ensemble.js';
import { freePorts, hasBinary, MissingPackageError, startServer, stopGroup, tempDir, waitUntil } from './process.js';

export const etcdBinary = '/usr/bin/etcd';

export interface EtcdOptions {
  heartbeatMs?: number;
  electionMs?: number;
  members?: number;
  startTimeoutMs?: number;
}

/** Starts the cluster and resolves once every member accepts client connections. */
export async function startEtcd(opts: EtcdOptions = {}): Promise<Ensemble> {
  if (!hasBinary(etcdBinary)) throw new MissingPackageError(etcdBinary, 'etcd-server');
  const members = opts.members ?? 3;
  const dir = tempDir('hs-ring-etcd-');
  const ports = await freePorts(members * 2);
  const clientUrl = (i: number) => `http://127.0.0.1:${ports[i * 2]}`;
  const peerUrl = (i: number) => `http://127.0.0.1:${ports[i * 2 + 1]}`;
  const cluster = Array.from({ length: members }, (_, i) => `e${i + 1}=${peerUrl(i)}`).join(',');
  const children: { log: string; child: ChildProcess }[] = [];
  for (let i = 0; i < members; i++) {
    const home = join(dir, `e${i + 1}`);
    mkdirSync(home, { recursive: true });
    const log = join(home, 'server.log');
    children.push({
      log,
      child: startServer(etcdBinary, [
        '--name', `e${i + 1}`,
        '--data-dir', join(home, 'data'),
        '--listen-client-urls', clientUrl(i),
        '--advertise-client-urls', clientUrl(i),
        '--listen-peer-urls', peerUrl(i),
        '--initial-advertise-peer-urls', peerUrl(i),
        '--initial-cluster', cluster,
        '--initial-cluster-state', 'new',
        '--initial-cluster-token', `hs-ring-${ports[0]}`,
        '--heartbeat-interval', String(opts.heartbeatMs ?? 50),
        '--election-timeout', String(opts.electionMs ?? 500),
        '--logger', 'zap',
        '--log-outputs', 'stderr',
      ], { log, env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.env.ETCD_UNSUPPORTED_ARCH ?? '' } }),
    });
  }
  const stop = async (keep = false) => {
    await Promise.all(children.map((c) => stopGroup(c.child)));
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Healthy only once the cluster has a leader and the member can serve a quorum read.
    await Promise.all(children.map((c, i) => waitUntil(async () => {
      const r = await fetch(`${clientUrl(i)}/health`, { signal: AbortSignal.timeout(1000) }).then((x) => x.text()).catch(() => '');
      return /"health":\s*"true"/.test(r);
    }, opts.startTimeoutMs ?? 60_000, `etcd member e${i + 1}`, c.log)));
  } catch (err) {
    await stop(true);
    throw err;
  }
  return { connect: Array.from({ length: members }, (_, i) => clientUrl(i)).join(','), dir, stop };
}
