/**
 * A throwaway 3-member ZooKeeper ensemble (Debian's zookeeperd 3.8) on loopback ports in a temp
 * dir, ready once every member leads or follows: every port bound to 127.0.0.1, the admin server (default 8080 on all addresses) disabled,
 * four-letter words limited to ruok/srvr. Nothing here depends on a server already running.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Ensemble } from './ensemble.js';
import { askPort, freePorts, hasBinary, MissingPackageError, startServer, stopGroup, tempDir, waitUntil } from './process.js';

export const zookeeperJar = '/usr/share/java/zookeeper.jar';

export interface ZooKeeperOptions {
  /** ZooKeeper's tick: the session timeout a client may ask for is 2 to 20 ticks. */
  tickMs?: number;
  members?: number;
  startTimeoutMs?: number;
}

/** Starts the ensemble and resolves once every member accepts connections. */
export async function startZooKeeper(opts: ZooKeeperOptions = {}): Promise<Ensemble> {
  if (!hasBinary('/usr/bin/java') || !existsSync(zookeeperJar)) {
    throw new MissingPackageError(zookeeperJar, 'zookeeperd');
  }
  const members = opts.members ?? 3;
  const tickMs = opts.tickMs ?? 250;
  const dir = tempDir('hs-ring-zk-');
  const ports = await freePorts(members * 3);
  const client = (i: number) => ports[i * 3]!;
  const servers = Array.from({ length: members }, (_, i) => `server.${i + 1}=127.0.0.1:${ports[i * 3 + 1]}:${ports[i * 3 + 2]}`);
  const children: { log: string; child: ChildProcess }[] = [];
  for (let i = 0; i < members; i++) {
    const home = join(dir, `zk${i + 1}`);
    mkdirSync(join(home, 'data'), { recursive: true });
    writeFileSync(join(home, 'data', 'myid'), `${i + 1}\n`);
    writeFileSync(join(home, 'zoo.cfg'), [
      `tickTime=${tickMs}`,
      'initLimit=20',
      'syncLimit=10',
      `dataDir=${join(home, 'data')}`,
      `clientPort=${client(i)}`,
      'clientPortAddress=127.0.0.1',
      'admin.enableServer=false',
      '4lw.commands.whitelist=ruok,srvr',
      `minSessionTimeout=${2 * tickMs}`,
      `maxSessionTimeout=${20 * tickMs}`,
      'autopurge.purgeInterval=0',
      ...servers,
      '',
    ].join('\n'));
    const log = join(home, 'server.log');
    children.push({
      log,
      child: startServer('/usr/bin/java', [
        '-Xms32m', '-Xmx192m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss512k',
        `-Dzookeeper.log.dir=${home}`,
        '-Djute.maxbuffer=1048576',
        '-cp', `/etc/zookeeper/conf:${zookeeperJar}`,
        'org.apache.zookeeper.server.quorum.QuorumPeerMain', join(home, 'zoo.cfg'),
      ], { log }),
    });
  }
  const stop = async (keep = false) => {
    await Promise.all(children.map((c) => stopGroup(c.child)));
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Serving only once the quorum has elected: each member then says it leads or follows.
    await Promise.all(children.map((c, i) => waitUntil(async () => /Mode: (leader|follower)/.test(await askPort(client(i), 'srvr')),
      opts.startTimeoutMs ?? 60_000, `zookeeper member ${i + 1}`, c.log)));
  } catch (err) {
    await stop(true);
    throw err;
  }
  return { connect: Array.from({ length: members }, (_, i) => `127.0.0.1:${client(i)}`).join(','), dir, stop };
}
