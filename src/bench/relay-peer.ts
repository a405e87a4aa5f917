/** A process that relays datagrams round a ring: the floor an election's datagrams cannot beat. */
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';

/**
 * One member of the relay ring (see relay-ring.ts): the least work a ring process can do per
 * datagram. It prints its port, reads `{"next": PORT, "home": PORT}` on stdin, then forwards
 * each datagram to `next`, counting its first 4 bytes down; one that reaches 0 goes `home`.
 */
const socket = createSocket('udp4');
let next = 0;
let home = 0;
socket.on('message', (msg) => {
  const left = msg.readUInt32LE(0) - 1;
  msg.writeUInt32LE(left, 0);
  socket.send(msg, left === 0 ? home : next, '127.0.0.1');
});
socket.bind(0, '127.0.0.1', () => process.stdout.write(`${socket.address().port}\n`));
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const config = JSON.parse(line) as { next: number; home: number };
  next = config.next;
  home = config.home;
  process.stdout.write('ok\n');
});
lines.on('close', () => socket.close());
