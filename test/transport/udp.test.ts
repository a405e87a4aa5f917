import test from 'ava';
import { createSocket } from 'node:dgram';
import { UdpTransport } from '../../src/transport/udp.js';
import { ConfigError } from '../../src/errors.js';

function busyWait(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // Keep the event loop blocked so datagrams pile up with no receive pending.
  }
}

test('udp: no datagram is lost while the receiver is busy and no receive is pending', async (t) => {
  const rx = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  const got: number[] = [];
  rx.onDatagram((bytes) => {
    got.push(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0));
    // A slow handler: a naive recv() loop would not be waiting during this time.
    busyWait(1);
  });
  const tx = createSocket('udp4');
  const count = 150;
  for (let i = 0; i < count; i++) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(i);
    tx.send(b, rx.local.port, '127.0.0.1');
  }
  busyWait(100);
  const deadline = Date.now() + 5000;
  while (got.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  tx.close();
  await rx.close();
  t.is(got.length, count);
  t.deepEqual(got, Array.from({ length: count }, (_, i) => i));
});

test('udp: datagrams that arrive before a handler is installed are kept', async (t) => {
  const rx = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  const tx = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  tx.send(new Uint8Array([1, 2, 3]), rx.local);
  await new Promise((r) => setTimeout(r, 50));
  const got: Uint8Array[] = [];
  rx.onDatagram((b) => got.push(b));
  t.deepEqual([...got[0]!], [1, 2, 3]);
  await tx.close();
  await rx.close();
});

test('udp: a destination given by name still goes through the resolver; literals skip it', async (t) => {
  const rx = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  const tx = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  const got: number[] = [];
  rx.onDatagram((b) => got.push(b[0]!));
  tx.send(new Uint8Array([1]), { host: 'localhost', port: rx.local.port });
  tx.send(new Uint8Array([2]), rx.local);
  const deadline = Date.now() + 2000;
  while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  t.deepEqual(got.sort(), [1, 2]);
  t.is(tx.sendErrors, 0);
  await tx.close();
  await rx.close();
});

test('udp: the warm-up bounces datagrams off its own socket, and a neighbour\'s datagram meanwhile is kept, not eaten', async (t) => {
  const rx = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  const tx = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  const warming = rx.warmUp(500, 5000);
  tx.send(new Uint8Array([7, 7, 7]), rx.local);
  t.is(await warming, 500);
  // Every bounce came back and the last sent nothing more: none can arrive late.
  t.is(rx.strayWarmUps, 0);
  // A warm-up that runs out of time leaves a datagram in flight: it must not reach the node either.
  const back = await rx.warmUp(100, 0);
  const got: Uint8Array[] = [];
  rx.onDatagram((b) => got.push(b));
  // Only the neighbour's datagram reaches the node: none of the warm-up's own.
  await new Promise((r) => setTimeout(r, 50));
  t.deepEqual(got.map((b) => [...b]), [[7, 7, 7]]);
  // One bounce is in flight when the time runs out, unless all 100 beat the zero-delay timer.
  t.is(rx.strayWarmUps, back < 100 ? 1 : 0);
  t.is(rx.sendErrors, 0);
  await tx.close();
  await rx.close();
});

test('udp: binding a port in use is a ConfigError naming the address', async (t) => {
  const a = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  const err = await t.throwsAsync(UdpTransport.bind(a.local), { instanceOf: ConfigError });
  t.regex(err!.message, new RegExp(`127\\.0\\.0\\.1:${a.local.port}: port already in use`));
  await a.close();
});
