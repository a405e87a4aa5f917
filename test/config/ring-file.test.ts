/** Ring files: their shape, their checks, and each member's neighbours in ring order. */
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Member, parseRing, placementOf, placementsOf, readLeadershipRingFile } from '../../src/config/ring-file.js';
import { ConfigError } from '../../src/errors.js';
import { ringDigest } from '../../src/config/ring-digest.js';

const ring: Member[] = parseRing(
  {
    members: [
      { id: 5, host: '127.0.0.1', port: 7000 },
      { id: 3, host: '127.0.0.1', port: 7001 },
      { id: 9, host: '10.0.0.2', port: 7000 },
      { id: 1, host: '127.0.0.1', port: 7003 },
    ],
  },
  'test ring',
);

test('placementsOf: places every member in ring order, as placementOf places each id', (t) => {
  t.deepEqual(
    placementsOf(ring),
    ring.map((m) => placementOf(ring, m.id)),
  );
  t.deepEqual(placementsOf(ring)[0], {
    id: 5,
    listen: { host: '127.0.0.1', port: 7000 },
    left: { host: '127.0.0.1', port: 7003 },
    right: { host: '127.0.0.1', port: 7001 },
    ringDigest: ringDigest(ring),
  });
});

test('placementsOf: a ring of one is its own neighbour on both sides', (t) => {
  const alone = ring.slice(0, 1);
  const at = { host: '127.0.0.1', port: 7000 };
  t.deepEqual(placementsOf(alone), [{ id: 5, listen: at, left: at, right: at, ringDigest: ringDigest(alone) }]);
  t.deepEqual(placementsOf(alone), [placementOf(alone, 5)]);
});

test('placementOf: an id not in the ring is a ConfigError naming the ring ids', (t) => {
  t.throws(() => placementOf(ring, 4), { instanceOf: ConfigError, message: '--self 4 is not a member of the ring (ids: 5, 3, 9, 1)' });
});

test('placementsOf: a ring of 20000 members is placed in one pass', (t) => {
  const n = 20_000;
  // 7919 is prime to 20000, so the ids are a permutation of 0..n-1: unique, and not in ring order.
  const big: Member[] = Array.from({ length: n }, (_, i) => ({ id: (i * 7919) % n, host: '127.0.0.1', port: 1 + i }));
  const placements = placementsOf(big);
  t.is(placements.length, n);
  for (const i of [0, 1, 12_345, n - 1]) t.deepEqual(placements[i], placementOf(big, big[i]!.id));
  t.is(placements[0]!.left.port, n);
  t.is(placements[n - 1]!.right.port, 1);
});

test('a leadership ring file: "heartbeats" is "all" unless it says "ring"; anything else is refused by name', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hs-ring-file-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = (content: object) => {
    const path = join(dir, `${Math.random()}.json`);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };
  const members = [{ id: 1, host: '127.0.0.1', port: 7000 }, { id: 2, host: 'node-b.example', port: 7000 }];
  t.like(await readLeadershipRingFile(file({ members })), { heartbeats: 'all', members });
  t.like(await readLeadershipRingFile(file({ heartbeats: 'ring', members })), { heartbeats: 'ring' });
  await t.throwsAsync(readLeadershipRingFile(file({ heartbeats: 'neighbours', members })), { instanceOf: ConfigError, message: /heartbeats must be "all" or "ring", got "neighbours"/ });
});
