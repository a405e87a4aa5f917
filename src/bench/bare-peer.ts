/** A node process with the HS core and frame codec on a raw socket, and nothing else (no link layer). */
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { HsNode } from '../core/hs.js';
import { type Command, type Direction, type Message, opposite } from '../core/types.js';
import { decodeFrame, encodeFrame } from '../wire/codec.js';
import { NO_SACKS } from '../wire/frame.js';
import { peerOn, sideOf } from '../node/ring.js';

/**
 * One member of the bare election (see bare-election.ts): our HS core and frame codec over a raw
 * socket, with no link layer at all (no acks, no retransmission, no timers, no sessions). It is
 * what an election of n processes costs on this machine when nothing guards against loss: the
 * yardstick the real nodes' reliability is measured against. A lost datagram stalls it.
 *
 * Protocol with the parent: prints its port; reads `{"id", "left", "right"}` (ports on
 * 127.0.0.1); warms up; prints "ready"; on the line "start", starts; prints "decided LEADER SENT"
 * when it knows the leader, SENT being the datagrams it has sent so far (it sends none afterwards).
 */
const HOST = '127.0.0.1';
const NO_ACK = { cumulative: 0, selective: NO_SACKS };
// Literal addresses only: skip dgram's dns.lookup, as the real nodes do (transport/udp.ts).
const socket = createSocket({ type: 'udp4', lookup: (host, _options, callback) => callback(null, host, 4) });
let node: HsNode | undefined;
let ports = { left: 0, right: 0 };
let started = false;
let sent = 0;
const early: Uint8Array[] = [];

function carryOut(commands: readonly Command[]): void {
  let leader: number | undefined;
  for (const c of commands) {
    if (c.type === 'send') {
      sent += 1;
      socket.send(frame(c.direction, c.message), ports[c.direction], HOST);
    } else if (c.type === 'decide') leader = c.leader;
  }
  // After the sends: the announcement this node relays counts too.
  if (leader !== undefined) process.stdout.write(`decided ${leader} ${sent}\n`);
}

function frame(side: Direction, message: Message): Uint8Array {
  return encodeFrame({ lane: peerOn(side), session: 1, ack: NO_ACK, data: { seq: 0, payload: message } });
}

function receive(bytes: Uint8Array): void {
  const decoded = decodeFrame(bytes);
  if (!decoded.ok || !decoded.frame.data || !node) return;
  // The sender's side, seen from here, is the opposite one: its right neighbour hears it on the left.
  carryOut(node.receive(opposite(sideOf(decoded.frame.lane)), decoded.frame.data.payload).commands);
}

/** Warm the core and codec, then Node's datagram path on our own socket, as the real nodes do before "ready". */
function warmUp(then: () => void): void {
  for (let round = 0; round < 20; round++) {
    const ids = [3, 9, 5, 7, 1];
    const nodes = ids.map((id) => new HsNode(id));
    const queue: { to: number; bytes: Uint8Array }[] = [];
    const take = (i: number, commands: readonly Command[]) => {
      for (const c of commands) {
        if (c.type !== 'send') continue;
        const to = c.direction === 'right' ? (i + 1) % ids.length : (i - 1 + ids.length) % ids.length;
        queue.push({ to, bytes: frame(c.direction, c.message) });
      }
    };
    nodes.forEach((n, i) => take(i, n.start().commands));
    for (let k = 0; k < queue.length; k++) {
      const d = queue[k]!;
      const f = decodeFrame(d.bytes);
      if (f.ok && f.frame.data) take(d.to, nodes[d.to]!.receive(opposite(sideOf(f.frame.lane)), f.frame.data.payload).commands);
    }
  }
  let bounces = 0;
  const own = socket.address().port;
  const finish = () => {
    clearTimeout(budget);
    socket.off('message', bounce);
    socket.on('message', onMessage);
    then();
  };
  const bounce = () => {
    bounces += 1;
    if (bounces < 200) socket.send(WARM_UP, own, HOST);
    else finish();
  };
  // A bounce lost on a swamped machine must not keep the bench waiting for "ready" forever.
  const budget = setTimeout(finish, 500);
  socket.on('message', bounce);
  socket.send(WARM_UP, own, HOST);
}

const WARM_UP = new Uint8Array(32);

function onMessage(bytes: Uint8Array): void {
  if (started) receive(bytes);
  else early.push(bytes);
}

socket.bind(0, HOST, () => process.stdout.write(`${socket.address().port}\n`));
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line === 'start') {
    started = true;
    carryOut(node!.start().commands);
    for (const bytes of early.splice(0)) receive(bytes);
    return;
  }
  const config = JSON.parse(line) as { id: number; left: number; right: number };
  node = new HsNode(config.id);
  ports = { left: config.left, right: config.right };
  warmUp(() => process.stdout.write('ready\n'));
});
lines.on('close', () => socket.close());
