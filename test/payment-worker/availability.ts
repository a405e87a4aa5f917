/**
 * Whether the Debian packages the payment-worker tests need are here. CI installs them (.ci/run),
 * so there a missing one fails the test; only a developer machine may skip, loudly, by title.
 */
import { existsSync } from 'node:fs';
import { etcdBinary } from '../../examples/payment-worker/ensembles/etcd.js';
import { postgresBinDir } from '../../examples/payment-worker/ensembles/postgres.js';
import { zookeeperJar } from '../../examples/payment-worker/ensembles/zookeeper.js';

export const ci = (process.env.CI ?? '') !== '' && process.env.CI !== 'false';

/** Why `pkg` cannot be used here, or undefined when it can. */
export function missing(pkg: 'zookeeperd' | 'etcd-server' | 'postgresql'): string | undefined {
  const ok = pkg === 'zookeeperd' ? existsSync(zookeeperJar) && existsSync('/usr/bin/java')
    : pkg === 'etcd-server' ? existsSync(etcdBinary)
      : postgresBinDir() !== undefined;
  return ok ? undefined : `Debian package ${pkg} is not installed (apt-get install -y ${pkg})`;
}
