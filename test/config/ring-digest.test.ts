/** The ring digest of a ring file: equal for the same ring however it is listed, different otherwise, never 0. */
import test from 'ava';
import fc from 'fast-check';
import { ringDigest } from '../../src/config/ring-digest.js';
import { placementOf, placementsOf } from '../../src/config/ring-file.js';
import { NO_RING_DIGEST } from '../../src/wire/frame.js';

const ring = [
  { id: 5, host: '127.0.0.1', port: 7000 },
  { id: 9, host: '127.0.0.1', port: 7001 },
  { id: 2, host: '127.0.0.1', port: 7002 },
  { id: 7, host: '::1', port: 7003 },
];

test('ring digest: a rotated listing of the same ring digests the same; each member is placed with it', (t) => {
  const d = ringDigest(ring);
  for (let k = 1; k < ring.length; k++) t.is(ringDigest([...ring.slice(k), ...ring.slice(0, k)]), d, `rotated by ${k}`);
  t.true(placementsOf(ring).every((p) => p.ringDigest === d));
  t.is(placementOf(ring, 7).ringDigest, d);
  // The same address spelt another way (as the duplicate checks compare them) is the same ring.
  t.is(ringDigest(ring.map((m) => (m.id === 5 ? { ...m, host: '::FFFF:127.0.0.1' } : m))), d);
});

test('ring digest: another order, id, host or port is another digest', (t) => {
  const d = ringDigest(ring);
  t.not(ringDigest([ring[0]!, ring[2]!, ring[1]!, ring[3]!]), d, 'order');
  t.not(ringDigest([...ring].reverse()), d, 'direction');
  t.not(ringDigest(ring.map((m) => (m.id === 9 ? { ...m, id: 10 } : m))), d, 'id');
  t.not(ringDigest(ring.map((m) => (m.id === 9 ? { ...m, port: 7009 } : m))), d, 'port');
  t.not(ringDigest(ring.map((m) => (m.id === 9 ? { ...m, host: '127.0.0.2' } : m))), d, 'host');
  t.not(ringDigest(ring.slice(0, 3)), d, 'a member fewer');
});

test('ring digest: never 0, which means "no ring file, not checked", and fits 32 bits', (t) => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.nat(1000), { minLength: 1, maxLength: 8 }), (ids) => {
      const d = ringDigest(ids.map((id, i) => ({ id, host: '127.0.0.1', port: 7000 + i })));
      return d !== NO_RING_DIGEST && Number.isInteger(d) && d > 0 && d <= 0xffff_ffff;
    }),
  );
  t.pass();
});

test('ring digest: a member flagged voteOnly is another ring (members that disagree who may lead refuse each other as ring-mismatch); voteOnly false is no flag', (t) => {
  const flagged = ring.map((m) => (m.id === 9 ? { ...m, voteOnly: true } : m));
  t.not(ringDigest(flagged), ringDigest(ring));
  t.is(ringDigest(ring.map((m) => ({ ...m, voteOnly: false }))), ringDigest(ring));
  t.is(ringDigest([...flagged.slice(2), ...flagged.slice(0, 2)]), ringDigest(flagged), 'rotated, still the same ring');
});

test('ring digest: ring heartbeats are another ring (still the same however the file is rotated); heartbeats to every member digest as a file without the setting', (t) => {
  const d = ringDigest(ring);
  t.is(ringDigest(ring, 'all'), d);
  const r = ringDigest(ring, 'ring');
  t.not(r, d);
  for (let k = 1; k < ring.length; k++) t.is(ringDigest([...ring.slice(k), ...ring.slice(0, k)], 'ring'), r, `rotated by ${k}`);
});
