/**
 * Warms Node's own datagram and timer code before a launched node says ready, on a socket of its
 * own that is closed again before the node binds: the warmth belongs to the process's code, not
 * to a socket, so the node's transport needs no warm-up logic in its receive path. A launched
 * ring's process handles only a few dozen datagrams in all, and the first sends of a cold process
 * cost several times what warm ones do (`hs-ring bench --only latency` shows the election).
 */
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Address } from '../config/address.js';

/**
 * Binds `address` itself (the node's own port, which launch reserved for it: binding another
 * could take a port reserved for a node that has not bound yet), bounces up to `count` datagrams
 * off it, and closes it. Gives up quietly after `budgetMs`, or at once if the address cannot be
 * bound (the node's own bind then reports why). Resolves with the datagrams that came back.
 */
export function warmUpSocket(address: Address, count = 200, budgetMs = 500): Promise<number> {
  for (let i = 0; i < 50; i++) clearTimeout(setTimeout(() => undefined, 1000));
  const socket = createSocket(isIP(address.host) === 6 ? 'udp6' : 'udp4');
  const payload = new Uint8Array(64);
  return new Promise((resolve) => {
    let back = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      socket.removeAllListeners('message');
      socket.close(() => resolve(back));
    };
    socket.once('error', () => {
      clearTimeout(timer);
      try {
        socket.close();
      } catch {
        // Never bound: nothing to release.
      }
      resolve(back);
    });
    socket.on('message', () => {
      back += 1;
      if (back >= count) finish();
      else socket.send(payload, socket.address().port, address.host);
    });
    socket.bind(address.port, address.host, () => {
      timer = setTimeout(finish, budgetMs);
      socket.send(payload, socket.address().port, address.host);
    });
  });
}
