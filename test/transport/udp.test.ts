/** The UDP transport: no datagram lost while the receiver is busy, and names resolved only where needed. */
import test from 'ava';
import { UdpTransport } from '../../src/transport/udp.js';
import { PortInUseError } from '../../src/errors.js';
import { waitFor } from '../helpers/wait.js';

function busyWait(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // Keep the event loop blocked so datagrams pile up with no receive pending.
  }
}

/** The transport's queue of datagrams that arrived before a handler was installed (private). */
const heldEarly = (t: UdpTransport) => (t as unknown as { early: unknown[] }).early.length;

const u32be = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};

test('udp: no datagram is lost while the receiver is busy and no receive is pending', async (t) => {
  const rx = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  const tx = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  const got: number[] = [];
  rx.onDatagram((bytes) => {
    got.push(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0));
    // A slow handler: a naive recv() loop would not be waiting during this time.
    busyWait(1);
  });
  // Bursts of 10 tiny datagrams, few enough for any socket receive buffer, so the kernel drops
  // none (a single burst of 150 relied on the buffer holding 150). tx sends to an IP literal
  // without a lookup, so a whole burst is queued at rx before rx reads any of it; Node then emits
  // it datagram after datagram, and a receiver with no listener between two of them loses the
  // rest: a dgram-as-promised recv() loop that yields to the event loop between calls (awaiting a
  // send, a timer, I/O) fails here. (A loop that awaits only recv() itself re-arms in the microtask
  // checkpoint Node runs after each datagram, and loses nothing.)
  const bursts = 15;
  const size = 10;
  for (let b = 0; b < bursts; b++) {
    for (let i = 0; i < size; i++) tx.send(u32be(b * size + i), rx.local);
    if (!(await waitFor(() => got.length >= (b + 1) * size, 5000))) break;
  }
  await tx.close();
  await rx.close();
  t.is(got.length, bursts * size);
  t.deepEqual(got, Array.from({ length: bursts * size }, (_, i) => i));
});

test('udp: datagrams that arrive before a handler is installed are kept', async (t) => {
  const rx = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  const tx = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  tx.send(new Uint8Array([1, 2, 3]), rx.local);
  // Wait until the transport has read it (not a fixed sleep, which a loaded machine can outlast).
  t.true(await waitFor(() => heldEarly(rx) === 1), 'the datagram reached the transport');
  const got: Uint8Array[] = [];
  rx.onDatagram((b) => got.push(b));
  t.deepEqual(got.map((b) => [...b]), [[1, 2, 3]]);
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
  await waitFor(() => got.length >= 2);
  t.deepEqual(got.sort(), [1, 2]);
  t.is(tx.sendErrors, 0);
  await tx.close();
  await rx.close();
});

test('udp: binding a port in use is a PortInUseError naming the address', async (t) => {
  const a = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  const err = await t.throwsAsync(UdpTransport.bind(a.local), { instanceOf: PortInUseError });
  t.regex(err!.message, new RegExp(`127\\.0\\.0\\.1:${a.local.port}: port already in use`));
  await a.close();
});
