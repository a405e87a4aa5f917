/** Replay of an earlier run's frames: a keyed ring ignores it; an unkeyed one shows why keys matter. */
import test from 'ava';
import { runEndpointRing } from '../helpers/endpoint-ring.js';

const KEY = new TextEncoder().encode('replay-test-cluster-key');

/**
 * A ring runs, an attacker records every datagram; the ring is started again at the same
 * addresses with one member replaced by a smaller id, and the recording is replayed to every
 * node before any live frame arrives. The old run's announcement names a leader (50) that is no
 * longer on the ring.
 */
function replayedRun(key: Uint8Array | undefined) {
  const opts = key ? { key } : {};
  const first = runEndpointRing({ ids: [10, 50, 30, 20], seed: 1, capture: true, ...opts });
  const inject = first.captured.map((delivery) => ({ atMs: 0, delivery }));
  return runEndpointRing({ ids: [10, 40, 30, 20], seed: 2, inject, ...opts });
}

test('replay: a keyed ring ignores a replayed earlier run and elects its own maximum', (t) => {
  const r = replayedRun(KEY);
  t.true(r.terminated);
  t.deepEqual(r.leaders, [40, 40, 40, 40]);
  const dropped = r.endpoints.reduce((s, e) => s + e.stats.datagrams.dropped.stale + e.stats.datagrams.dropped.unverified, 0);
  t.true(dropped > 0, 'the replayed frames were dropped as stale or unverified');
});

test('replay: without a key the same replay takes over the links (why keyed rings verify sessions)', (t) => {
  const r = replayedRun(undefined);
  const right = r.terminated && r.leaders.every((l) => l === 40);
  t.false(right, 'an unkeyed ring cannot tell a replayed run from a live one (docs/operations.md: run on a trusted network)');
});
