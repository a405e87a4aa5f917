/** Free UDP ports on loopback, for launching rings. */
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { AddressUnavailableError } from '../errors.js';

/**
 * Asks the OS for `count` free UDP ports on `host` by binding and releasing them. Another
 * program could take one in between; the node that then fails to bind reports it clearly.
 */
export async function reserveUdpPorts(host: string, count: number): Promise<number[]> {
  const type = isIP(host) === 6 ? 'udp6' : 'udp4';
  const sockets = Array.from({ length: count }, () => createSocket(type));
  try {
    return await Promise.all(
      sockets.map(
        (s) =>
          new Promise<number>((resolve, reject) => {
            s.once('error', (err) => reject(new AddressUnavailableError(`cannot bind a UDP port on ${host}: ${err.message}`)));
            s.bind(0, host, () => resolve(s.address().port));
          }),
      ),
    );
  } finally {
    for (const s of sockets) {
      try {
        s.close();
      } catch {
        // Never bound: nothing to release.
      }
    }
  }
}
