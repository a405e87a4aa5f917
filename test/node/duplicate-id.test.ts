/**
 * Two nodes given the same id must not both finish as leader: a message of a node's id stamped
 * with another incarnation reveals the duplicate. The node layer in virtual time, on many
 * schedules, with and without loss (over UDP: test/runtime/duplicate-id.test.ts).
 */
import test from 'ava';
import { runEndpointRing } from '../helpers/endpoint-ring.js';

const RING = [10, 42, 20, 42, 30];

test('duplicate id in virtual time: on every schedule, with or without loss, a 42 stops on the duplicate and no node decides', (t) => {
  for (let seed = 1; seed <= 40; seed++) {
    for (const loss of [0, 0.2]) {
      const run = runEndpointRing({ ids: RING, seed, loss, limitMs: 20_000 });
      const found = run.endpoints.map((e) => e.duplicateId());
      const where = `seed ${seed}, loss ${loss}`;
      t.true(found.some((d) => d !== undefined), where);
      t.true(found.every((d, i) => d === undefined || RING[i] === 42), where);
      // The reason names the id, the message, both sessions, the side, and what to do.
      for (const d of found.filter((x) => x !== undefined)) {
        t.regex(d!, /^id 42 is not unique: a (probe|reply|announcement) of id 42 from session \d+ arrived on the (left|right) side, but this node is session \d+; give every node its own id/, where);
      }
      t.deepEqual(run.leaders, RING.map(() => undefined), where);
      t.false(run.terminated, where);
    }
  }
});

test('duplicate id below the maximum: found when the two meet, unseen when larger ids always swallow their probes', (t) => {
  // Adjacent duplicates: their phase-0 probes reach each other.
  const adjacent = runEndpointRing({ ids: [10, 5, 5, 30, 20], seed: 3 });
  t.true(adjacent.endpoints.some((e) => e.duplicateId() !== undefined));
  t.false(adjacent.terminated);
  // Each 5 lies between larger ids, which swallow every probe of id 5: the two never exchange a
  // message, nothing reveals them, and the election is still right (99, the maximum, everywhere).
  const apart = runEndpointRing({ ids: [5, 99, 5, 98], seed: 3 });
  t.true(apart.endpoints.every((e) => e.duplicateId() === undefined));
  t.true(apart.terminated);
  t.deepEqual(apart.leaders, [99, 99, 99, 99]);
});

test('a node of a unique id never takes its own returning messages for a duplicate', (t) => {
  for (let seed = 1; seed <= 20; seed++) {
    const run = runEndpointRing({ ids: [1], seed });
    t.true(run.terminated && run.endpoints[0]!.duplicateId() === undefined, `ring of one, seed ${seed}`);
    const two = runEndpointRing({ ids: [4, 8], seed, loss: 0.2 });
    t.true(two.terminated && two.endpoints.every((e) => e.duplicateId() === undefined), `ring of two, seed ${seed}`);
  }
});
