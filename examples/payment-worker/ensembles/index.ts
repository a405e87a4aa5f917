/** One entry to the throwaway server sets, by name. */
import type { Ensemble } from './ensemble.js';
import { startEtcd } from './etcd.js';
import { startPostgres } from './postgres.js';
import { startZooKeeper } from './zookeeper.js';

export type { Ensemble } from './ensemble.js';
export { MissingPackageError, EnsembleStartError } from './process.js';
export const ensembleKinds = ['zookeeper', 'etcd', 'postgres'] as const;
export type EnsembleKind = (typeof ensembleKinds)[number];

export function startEnsemble(kind: EnsembleKind): Promise<Ensemble> {
  switch (kind) {
    case 'zookeeper': return startZooKeeper();
    case 'etcd': return startEtcd();
    case 'postgres': return startPostgres();
  }
}
