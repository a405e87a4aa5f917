/**
 * False suspicions on a lossy network: the formula of spec/leadership.md ("False suspicions")
 * against the failure detector itself (every loss pattern, weighted exactly) and against the
 * simulator's members over a long lossy run (seed printed).
 */
import test from 'ava';
import fc from 'fast-check';
import { expectedSuspicions, falseSuspicionRate, missedHeartbeats, suspicionChance } from '../../src/core/leadership/false-suspicion.js';
import { DEFAULT_TIMING } from '../../src/core/leadership/settings.js';
import { View } from '../../src/core/leadership/view.js';
import { simulateLeadership } from '../../src/sim/leadership/simulator.js';

test('the defaults (S = 3H) need two heartbeats lost and the third lost or late; S = 140 ms needs two lost', (t) => {
  t.deepEqual(missedHeartbeats(DEFAULT_TIMING), { lost: 2, boundary: true });
  t.deepEqual(missedHeartbeats({ heartbeat: 50, suspicion: 140 }), { lost: 2, boundary: false });
  t.deepEqual(missedHeartbeats({ heartbeat: 50, suspicion: 160 }), { lost: 3, boundary: false });
  // 20 heartbeats/s, (1 - p) p^2 (p + (1 - p) / 2) = 0.99 * 1e-4 * 0.505 at 1 % loss.
  t.true(Math.abs(falseSuspicionRate(DEFAULT_TIMING, 0.01) - 20 * 0.99 * 1e-4 * 0.505) < 1e-12);
  t.true(Math.abs(falseSuspicionRate({ heartbeat: 50, suspicion: 140 }, 0.01) - 20 * 0.99 * 1e-4) < 1e-12);
  t.is(falseSuspicionRate(DEFAULT_TIMING, 0), 0);
  t.is(falseSuspicionRate(DEFAULT_TIMING, 1), 0, 'a peer never heard is suspected once, not at a rate');
  t.throws(() => suspicionChance(DEFAULT_TIMING, 1.5), { instanceOf: RangeError });
});

/** Suspicions the detector reports over heartbeats 1..h (at iH, `delivered` says which arrive), heartbeat 0 heard at time 0, observed until (h+1)H. */
function suspicionsOf(H: number, S: number, delivered: readonly boolean[], onTime: boolean): number {
  const view = new View(0, S, [0, 1]);
  view.start(0);
  view.heard(1, 0);
  view.transitions(0);
  const arrivals = delivered.flatMap((d, i) => (d ? [(i + 1) * H] : []));
  const end = (delivered.length + 1) * H;
  let count = 0;
  let now = 0;
  let next = 0;
  for (;;) {
    const arrival = arrivals[next] ?? Infinity;
    const deadline = view.nextChange(now) ?? Infinity;
    if (Math.min(arrival, deadline) >= end) break;
    // A heartbeat due at the deadline itself arrives first (onTime) or just after it.
    if (arrival < deadline || (arrival === deadline && onTime)) {
      now = arrival;
      next += 1;
      view.heard(1, now);
    } else now = deadline;
    count += view.transitions(now).filter((x) => x.kind === 'suspect').length;
  }
  return count;
}

test('the expected count matches the failure detector exactly, summed over every loss pattern', (t) => {
  const property = fc.property(
    fc.integer({ min: 2, max: 100 }),
    fc.integer({ min: 1, max: 4 }),
    fc.integer({ min: 0, max: 99 }),
    fc.integer({ min: 0, max: 9 }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.boolean(),
    (H, whole, rest, h, p, onTime) => {
      // S = whole H + a part of H (none: the boundary case).
      const S = whole * H + (rest % H);
      let expected = 0;
      for (let mask = 0; mask < 2 ** h; mask++) {
        const delivered = Array.from({ length: h }, (_, i) => ((mask >> i) & 1) === 1);
        const lost = delivered.filter((d) => !d).length;
        expected += p ** lost * (1 - p) ** (h - lost) * suspicionsOf(H, S, delivered, onTime);
      }
      const formula = expectedSuspicions({ heartbeat: H, suspicion: S }, p, h, onTime ? 1 : 0);
      if (Math.abs(expected - formula) > 1e-9 * Math.max(1, formula)) throw new Error(`H=${H} S=${S} h=${h} p=${p}: detector ${expected}, formula ${formula}`);
    },
  );
  fc.assert(property, { numRuns: 200 });
  t.pass();
});

for (const { name, suspicion, seed } of [
  { name: 'the defaults (S = 3H)', suspicion: DEFAULT_TIMING.suspicion, seed: 11 },
  { name: 'S = 2.8H', suspicion: 140, seed: 12 },
]) {
  test(`simulated members suspect a live peer as often as the formula says, ${name}, 20 % loss`, (t) => {
    const loss = 0.2;
    const seconds = 600;
    const timing = { ...DEFAULT_TIMING, suspicion };
    // Member 1, the one that may lead, is down from the start: members 2 and 3 only exchange heartbeats.
    const r = simulateLeadership({
      ids: [1, 2, 3],
      seed,
      timing,
      voteOnly: [2, 3],
      network: { loss, delayMin: 0.2, delayMax: 5 },
      faults: [{ at: 20, kind: 'crash', member: 0, downFor: Infinity }],
      lossyUntil: Infinity,
      duration: seconds * 1000 + 1000,
    });
    const observed = r.suspicions.filter((s) => s.member !== 1 && s.at >= 1000).length;
    // Two ordered pairs (2 of 3, 3 of 2); the count is close to Poisson, so allow 4 standard deviations.
    const expected = 2 * seconds * falseSuspicionRate(timing, loss);
    const tolerance = 4 * Math.sqrt(expected);
    t.log(`seed ${seed}: ${observed} suspicions in ${seconds} s, expected ${expected.toFixed(1)} ± ${tolerance.toFixed(1)}`);
    t.deepEqual(r.violations, []);
    t.deepEqual(r.terms, [], 'vote-only members never take office');
    t.true(Math.abs(observed - expected) <= tolerance, `seed ${seed}: observed ${observed}, expected ${expected.toFixed(1)} ± ${tolerance.toFixed(1)}`);
  });
}
