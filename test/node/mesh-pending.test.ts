/**
 * What a mesh node keeps retrying to a silent peer. An overloaded mesh (Bully at 64 members in
 * one process) re-sends the same election message many times; every copy kept in flight was
 * retransmitted on its own clock, which fed the overload. A message identical to one in flight
 * replaces it; messages that differ (another kind, another term) are all kept.
 */
import test from 'ava';
import type { MeshAlgorithm, MeshCommand, MeshCore } from '../../src/core/mesh-core.js';
import type { AnyMeshAlgorithm } from '../../src/core/algorithms.js';
import { MeshNode, type MeshOutput } from '../../src/node/mesh-node.js';
import { retransmitTimer } from '../../src/link/output.js';

type Msg = { readonly kind: 'election' | 'answer'; readonly term?: number };

/** Sends the messages it is told to peer 2 on start and on every firing of its `again` timer. */
function repeater(script: readonly Msg[][]): AnyMeshAlgorithm {
  const alg: MeshAlgorithm<Msg, null, 'again'> = {
    name: 'repeater',
    topology: 'mesh',
    messageKinds: ['election', 'answer'],
    heartbeatKinds: [],
    create: (id): MeshCore<Msg, null, 'again'> => {
      let round = 0;
      const step = (now: number) => {
        const commands: MeshCommand<Msg, 'again'>[] = (script[round] ?? []).map((message) => ({ type: 'send', to: 2, message }));
        round += 1;
        if (round < script.length) commands.push({ type: 'setTimer', timer: 'again', at: now + 1 });
        return { action: 'Repeat', commands };
      };
      return { id, start: step, receive: () => ({ action: 'Receive', commands: [] }), fire: (_t, now) => step(now), state: () => null, durable: () => null, isLeader: () => false, knownLeader: () => null };
    },
  };
  return alg as unknown as AnyMeshAlgorithm;
}

/** Runs the script on node 1 of {1, 2} (node 2 never answers), then fires the retransmission timer late: how many datagrams go out again. */
function retried(script: readonly Msg[][]): { resent: number; abandoned: number } {
  const node = new MeshNode({ id: 1, members: [1, 2], algorithm: repeater(script), session: 7, random: () => 0.5, settleMs: 1000 });
  let out: MeshOutput[] = node.start(0);
  const coreTimer = (o: MeshOutput[]) => o.find((x) => x.type === 'setTimer' && x.key !== retransmitTimer(0) && x.key !== retransmitTimer(0) + 1);
  for (let now = 1, t = coreTimer(out); t && t.type === 'setTimer'; now += 1, t = coreTimer(out)) out = node.onTimer(now, t.key);
  const resent = node.onTimer(60_000, retransmitTimer(0)).filter((x) => x.type === 'transmit').length;
  return { resent, abandoned: node.counts.abandoned };
}

test('mesh node: an election message sent again while the same one is unacknowledged replaces it, so one copy is retried', (t) => {
  const r = retried([[{ kind: 'election' }], [{ kind: 'election' }], [{ kind: 'election' }], [{ kind: 'election' }]]);
  t.is(r.abandoned, 3, 'the three older copies given up, counted');
  t.is(r.resent, 1, 'one datagram retried, not four');
});

test('mesh node: messages that differ in kind or term are all kept and retried', (t) => {
  const r = retried([[{ kind: 'election', term: 1 }], [{ kind: 'election', term: 2 }], [{ kind: 'answer', term: 2 }]]);
  t.is(r.abandoned, 0);
  t.is(r.resent, 3);
});
