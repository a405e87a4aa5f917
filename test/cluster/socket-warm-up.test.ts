/** The launched node's socket warm-up: bounces datagrams on the node's own port, then leaves it free for the node. */
import test from 'ava';
import { warmUpSocket } from '../../src/cluster/socket-warm-up.js';
import { UdpTransport } from '../../src/transport/udp.js';
import { reserveUdpPorts } from '../../src/transport/ports.js';

test('cluster: the socket warm-up bounces its datagrams and releases the port for the node', async (t) => {
  const [port] = await reserveUdpPorts('127.0.0.1', 1);
  t.is(await warmUpSocket({ host: '127.0.0.1', port: port! }, 100, 5000), 100);
  const node = await UdpTransport.bind({ host: '127.0.0.1', port: port! });
  const got: number[] = [];
  node.onDatagram((b) => got.push(b.length));
  await new Promise((r) => setTimeout(r, 50));
  t.deepEqual(got, [], 'no warm-up datagram reaches the node');
  await node.close();
});

test('cluster: a socket warm-up on a busy port gives up at once and leaves the error to the node\'s bind', async (t) => {
  const busy = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  t.is(await warmUpSocket(busy.local, 100, 5000), 0);
  await busy.close();
});
