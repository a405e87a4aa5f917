/**
 * The algorithm registry (src/core/algorithms.ts): every name a user may pass resolves to its core
 * and its own message bound, and LCR's exact count matches a naive walk round the ring.
 */
import test from 'ava';
import fc from 'fast-check';
import { ALGORITHMS, ALGORITHM_NAMES, DEFAULT_ALGORITHM, algorithm, isAlgorithmName } from '../../src/core/algorithms.js';
import { messageBound } from '../../src/core/bound.js';
import { HsNode } from '../../src/core/hs.js';
import { LcrNode, lcrExactMessages, lcrMessageBound } from '../../src/core/lcr.js';

test('registry: hs (the default) and lcr, each with its own core, bound and formula', (t) => {
  t.deepEqual([...ALGORITHM_NAMES], ['hs', 'lcr']);
  t.is(DEFAULT_ALGORITHM, 'hs');
  t.true(ALGORITHM_NAMES[0] === DEFAULT_ALGORITHM, 'the default first');
  t.like(algorithm('hs'), { name: 'hs', title: 'Hirschberg–Sinclair', boundFormula: '8n(1+ceil(log2 n))+n' });
  t.like(algorithm('lcr'), { name: 'lcr', title: 'LCR (Le Lann / Chang–Roberts)', boundFormula: 'n(n+1)/2+n' });
  t.true(algorithm('hs').create(4) instanceof HsNode);
  t.is(algorithm('hs').create(4).id, 4);
  t.true(algorithm('lcr').create(4) instanceof LcrNode);
  t.is(algorithm('lcr').create(7).id, 7);
  for (const n of [1, 2, 5, 64]) {
    t.is(algorithm('hs').messageBound(n), messageBound(n));
    t.is(algorithm('lcr').messageBound(n), lcrMessageBound(n));
  }
  t.is(algorithm('hs').exactMessages, undefined, 'HS counts depend on the schedule once traffic is late');
  t.is(ALGORITHMS.lcr.exactMessages, lcrExactMessages);
});

test('registry: a name is an algorithm only if registered, case and all', (t) => {
  t.true(isAlgorithmName('hs'));
  t.true(isAlgorithmName('lcr'));
  for (const name of ['HS', 'bully', '', 'hs ', 'toString']) t.false(isAlgorithmName(name), name);
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
