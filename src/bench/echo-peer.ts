/** A process that echoes UDP datagrams: the far end of the one-hop latency measurement. */
import { createSocket } from 'node:dgram';

/**
 * The far end of the one-hop latency probe: a process that echoes every UDP datagram to its
 * sender. It prints its port on stdout and exits when stdin closes.
 */
const socket = createSocket('udp4');
socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
socket.bind(0, '127.0.0.1', () => {
  process.stdout.write(`${socket.address().port}\n`);
});
process.stdin.on('end', () => socket.close());
process.stdin.resume();
