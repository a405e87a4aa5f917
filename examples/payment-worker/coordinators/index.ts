/** Builds a coordinator by name, loading only that one's client library (etcd3 alone takes seconds to load on a busy machine). */
import type { Coordinator, CoordinatorKind, CoordinatorOptions } from './coordinator.js';

export * from './coordinator.js';

export async function createCoordinator(kind: CoordinatorKind, opts: CoordinatorOptions): Promise<Coordinator> {
  switch (kind) {
    case 'zookeeper': return new (await import('./zookeeper.js')).ZooKeeperCoordinator(opts);
    case 'etcd': return new (await import('./etcd.js')).EtcdCoordinator(opts);
    case 'ring': return (await import('./ring.js')).ringCoordinator(opts);
  }
}
