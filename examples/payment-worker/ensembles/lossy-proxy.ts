/**
 * Loss for the TCP coordinators, so ZooKeeper and etcd can run under the loss the ring's members
 * inflict on themselves: a proxy in front of each server forwards what the replicas and the server
 * send each other, and each chunk is "lost" with probability `loss`. TCP never loses data, it
 * retransmits: a lost segment arrives one retransmission timeout later (Linux: 200 ms at least,
 * doubling with each loss of the same segment), holding back everything behind it on that
 * connection. That is what the proxy does. Only the replicas' links get it, not the servers' own.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { prng } from '../store.js';
import { freePorts } from './process.js';

/** Linux's minimum retransmission timeout, which a loopback connection's RTO sits at. */
const MIN_RTO_MS = 200;

export interface LossyProxies {
  /** `connect` with every 127.0.0.1:port replaced by its proxy's port. */
  readonly connect: string;
  close(): Promise<void>;
}

/** One direction of one connection: chunks leave in order, each after its own retransmissions. */
function lossyPipe(from: Socket, to: Socket, loss: number, random: () => number): void {
  let releaseAt = 0;
  from.on('data', (chunk: Buffer) => {
    let delay = 0;
    for (let rto = MIN_RTO_MS; random() < loss; rto *= 2) delay += rto;
    releaseAt = Math.max(releaseAt, performance.now() + delay);
    const wait = releaseAt - performance.now();
    if (wait <= 0) to.write(chunk);
    else setTimeout(() => { if (!to.destroyed) to.write(chunk); }, wait);
  });
  from.on('end', () => setTimeout(() => to.end(), Math.max(0, releaseAt - performance.now())));
  from.on('error', () => to.destroy());
  from.on('close', () => setTimeout(() => to.destroy(), Math.max(0, releaseAt - performance.now())));
}

/** Starts a proxy for each 127.0.0.1:port in `connect` (a connect string or endpoint URLs). */
export async function startLossyProxies(connect_: string, loss: number, seed: number): Promise<LossyProxies> {
  const targets = [...connect_.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
  const ports = await freePorts(targets.length);
  const random = prng(seed);
  const sockets = new Set<Socket>();
  const servers: Server[] = await Promise.all(targets.map((target, i) => new Promise<Server>((resolve, reject) => {
    const server = createServer((client) => {
      const upstream = connect(target, '127.0.0.1');
      for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); }
      lossyPipe(client, upstream, loss, random);
      lossyPipe(upstream, client, loss, random);
    });
    server.once('error', reject);
    server.listen(ports[i], '127.0.0.1', () => resolve(server));
  })));
  let i = 0;
  return {
    connect: connect_.replace(/127\.0\.0\.1:(\d+)/g, () => `127.0.0.1:${ports[i++]}`),
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}
