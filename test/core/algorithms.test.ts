/**
 * The algorithm registry (src/core/algorithms.ts): every name a user may pass resolves to its core
 * and its own message bound, and LCR's exact count matches a naive walk round the ring.
 */
import test from 'ava';
import fc from 'fast-check';
import { ALGORITHMS, ALGORITHM_NAMES, DEFAULT_ALGORITHM, MESH_ALGORITHMS, algorithm, isAlgorithmName, isRingAlgorithm, meshAlgorithm, ringAlgorithm } from '../../src/core/algorithms.js';
import { messageBound } from '../../src/core/bound.js';
import { HsNode } from '../../src/core/hs.js';
import { LcrNode, lcrExactMessages, lcrMessageBound } from '../../src/core/lcr.js';

test('registry: hs (the default) and lcr on a ring, each with its own core, bound and formula', (t) => {
  t.deepEqual([...ALGORITHM_NAMES], ['hs', 'lcr', 'bully', 'raft']);
  t.is(DEFAULT_ALGORITHM, 'hs');
  t.true(ALGORITHM_NAMES[0] === DEFAULT_ALGORITHM, 'the default first');
  t.like(algorithm('hs'), { name: 'hs', topology: 'ring', title: 'Hirschberg–Sinclair', boundFormula: '8n(1+ceil(log2 n))+n' });
  t.like(algorithm('lcr'), { name: 'lcr', topology: 'ring', title: 'LCR (Le Lann / Chang–Roberts)', boundFormula: 'n(n+1)/2+n' });
  const hs = ringAlgorithm('hs');
  const lcr = ringAlgorithm('lcr');
  t.true(hs.create(4) instanceof HsNode);
  t.is(hs.create(4).id, 4);
  t.true(lcr.create(4) instanceof LcrNode);
  t.is(lcr.create(7).id, 7);
  for (const n of [1, 2, 5, 64]) {
    t.is(hs.messageBound(n), messageBound(n));
    t.is(lcr.messageBound(n), lcrMessageBound(n));
  }
  t.is(hs.exactMessages, undefined, 'HS counts depend on the schedule once traffic is late');
  t.is(ALGORITHMS.lcr.exactMessages, lcrExactMessages);
});

test('registry: bully and raft run on a mesh, and asking for the other topology is a RangeError', (t) => {
  for (const name of ['bully', 'raft'] as const) {
    t.false(isRingAlgorithm(name), name);
    t.is(meshAlgorithm(name), MESH_ALGORITHMS[name]);
    t.is(meshAlgorithm(name).topology, 'mesh');
    t.throws(() => ringAlgorithm(name), { instanceOf: RangeError, message: `${name} is a mesh algorithm` });
  }
  for (const name of ['hs', 'lcr'] as const) {
    t.true(isRingAlgorithm(name), name);
    t.throws(() => meshAlgorithm(name), { instanceOf: RangeError, message: `${name} is a ring algorithm` });
  }
});

test('registry: a name is an algorithm only if registered, case and all', (t) => {
  t.true(isAlgorithmName('hs'));
  t.true(isAlgorithmName('lcr'));
  t.true(isAlgorithmName('bully'));
  t.true(isAlgorithmName('raft'));
  for (const name of ['HS', 'Bully', 'paxos', '', 'hs ', 'toString']) t.false(isAlgorithmName(name), name);
});

test('LCR exact count: each id travels right to the next larger one, the maximum all the way round, plus n announcements', (t) => {
  t.is(lcrExactMessages([5]), 2);
  t.is(lcrExactMessages([5, 4, 3, 2, 1]), lcrMessageBound(5), 'descending: the worst case n(n+1)/2 + n');
  t.is(lcrExactMessages([1, 2, 3, 4, 5]), 2 * 5 - 1 + 5, 'ascending: one hop each, n for the maximum');
  const naive = (ids: readonly number[]) => {
    const n = ids.length;
    let sum = n;
    for (let i = 0; i < n; i++) {
      let d = 1;
      while (d < n && ids[(i + d) % n]! < ids[i]!) d += 1;
      sum += d;
    }
    return sum;
  };
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 12 }), (ids) => lcrExactMessages(ids) === naive(ids)),
    { numRuns: 300 },
  );
});
