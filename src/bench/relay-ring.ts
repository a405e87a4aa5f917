/** A ring of relay-peer processes, timed: the cost of the same datagrams with no algorithm at all. */
import { createSocket, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { busySince, cpuPerDatagram, machineBusyMs } from './machine-cpu.js';
import { killPeers, nextLine, spawnPeers } from './peers.js';
import { median, round } from './stats.js';

const relayPeer = fileURLToPath(new URL('./relay-peer.js', import.meta.url));

/**
 * What n processes passing datagrams round a loopback ring can do on this machine, with the
 * least possible work per datagram: the yardstick an election of n node processes is held to.
 * A ping-pong between two processes understates a hop here, because in a ring every hop wakes
 * a different, idle process.
 */
export interface RelayRing {
  readonly processes: number;
  /** One datagram going round alone: median over the laps of lap time / n (ms). */
  readonly hopMs: number;
  /** `datagrams` datagrams relayed as n tokens at once, the way every node probes in phase 0 (ms). */
  readonly floorMs: number;
  readonly datagrams: number;
  /** Busy CPU of the whole machine per relayed datagram during the floor laps (µs), or null without /proc. */
  readonly cpuUsPerDatagram: number | null;
}

/** Spawns a ring of n relay processes, measures `laps` single-token laps, then `datagrams` relayed n at a time. */
export async function measureRelayRing(n: number, laps: number, datagrams: number): Promise<RelayRing> {
  const peers = spawnPeers(relayPeer, n, ['--max-semi-space-size=1']);
  const home = createSocket('udp4');
  try {
    await new Promise<void>((resolve) => home.bind(0, '127.0.0.1', () => resolve()));
    const ports: number[] = [];
    for (const l of peers.lines) ports.push(Number(await nextLine(l, 'relay')));
    peers.children.forEach((c, i) => c.stdin!.write(JSON.stringify({ next: ports[(i + 1) % n], home: home.address().port }) + '\n'));
    for (const l of peers.lines) await nextLine(l, 'relay');
    const lap = async (tokens: number, hops: number) => {
      const t0 = performance.now();
      await relay(home, ports, tokens, hops);
      return performance.now() - t0;
    };
    // Warm every process's receive and send path first, as the node processes warm up theirs.
    await lap(n, 20);
    const lapMs: number[] = [];
    for (let i = 0; i < laps; i++) lapMs.push(await lap(1, n));
    const perToken = Math.max(1, Math.round(datagrams / n));
    const floor: number[] = [];
    const before = machineBusyMs();
    for (let i = 0; i < 3; i++) floor.push(await lap(n, perToken));
    // Over all three laps: one lap of a small ring is only a tick or two of /proc/stat. The home
    // socket's sends count here as well, as the launcher's do not in an election: a slight overstatement.
    const busy = busySince(before);
    return {
      processes: n,
      hopMs: round(median(lapMs) / n, 4),
      floorMs: round(median(floor), 1),
      datagrams: perToken * n,
      cpuUsPerDatagram: busy === null ? null : cpuPerDatagram(busy, 3 * perToken * n),
    };
  } finally {
    home.close();
    killPeers(peers);
  }
}

/** A lap longer than this means a datagram was lost (loopback drops under overload): report it, do not hang. */
const LAP_TIMEOUT_MS = 10_000;

/** Sends `tokens` datagrams into the ring, spread evenly, each living `hops` hops; resolves when all are home. */
function relay(home: Socket, ports: readonly number[], tokens: number, hops: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let back = 0;
    const timer = setTimeout(() => {
      home.off('message', onMessage);
      reject(new Error(`relay ring: ${tokens - back} of ${tokens} datagrams did not come back within ${LAP_TIMEOUT_MS / 1000} s`));
    }, LAP_TIMEOUT_MS);
    const onMessage = () => {
      back += 1;
      if (back === tokens) {
        clearTimeout(timer);
        home.off('message', onMessage);
        resolve();
      }
    };
    home.on('message', onMessage);
    for (let k = 0; k < tokens; k++) {
      const b = Buffer.alloc(32);
      b.writeUInt32LE(hops, 0);
      home.send(b, ports[Math.floor((k * ports.length) / tokens)]!, '127.0.0.1');
    }
  });
}
