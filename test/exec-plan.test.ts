/**
 * `hs-ring exec`'s timing arithmetic: the leader steps down at least grace + safety before its
 * lease can end, so SIGKILL lands before the lease ends; a grace with no room left for winning a
 * lease is refused in one line.
 */
import test from 'ava';
import fc from 'fast-check';
import { DEFAULT_KILL_GRACE_MS, EXEC_SAFETY_MS, planExec } from '../src/cli/exec-plan.js';
import { DEFAULT_TIMING, timingProblem } from '../src/core/leadership/settings.js';
import { InvalidConfigError } from '../src/errors.js';

test('exec plan: the default grace raises stepDownMargin to grace + safety (100 + 40 = 140 ms of a 500 ms lease)', (t) => {
  const plan = planExec(DEFAULT_TIMING);
  if (plan instanceof InvalidConfigError) return t.fail(plan.message);
  t.is(plan.graceMs, DEFAULT_KILL_GRACE_MS);
  t.is(plan.timing.stepDownMargin, DEFAULT_KILL_GRACE_MS + EXEC_SAFETY_MS);
  t.deepEqual({ ...plan.timing, stepDownMargin: DEFAULT_TIMING.stepDownMargin }, DEFAULT_TIMING, 'nothing else changes');
  t.is(timingProblem(plan.timing), undefined);
});

test('exec plan: a margin already larger than grace + safety is kept, never lowered', (t) => {
  const plan = planExec({ ...DEFAULT_TIMING, stepDownMargin: 200 }, 10);
  if (plan instanceof InvalidConfigError) return t.fail(plan.message);
  t.is(plan.timing.stepDownMargin, 200);
  const zero = planExec(DEFAULT_TIMING, 0);
  if (zero instanceof InvalidConfigError) return t.fail(zero.message);
  t.is(zero.timing.stepDownMargin, EXEC_SAFETY_MS, 'a grace of 0: SIGKILL at once, still the safety margin');
});

test('exec plan: the longest grace a 500 ms lease allows is just under lease - attemptTimeout - safety (210 ms)', (t) => {
  const limit = DEFAULT_TIMING.lease - DEFAULT_TIMING.attemptTimeout - EXEC_SAFETY_MS;
  t.is(limit, 210);
  t.false(planExec(DEFAULT_TIMING, limit - 1) instanceof InvalidConfigError);
  const refused = planExec(DEFAULT_TIMING, limit);
  t.true(refused instanceof InvalidConfigError);
  t.is((refused as InvalidConfigError).message.split('\n').length, 1, 'one line');
  t.regex((refused as InvalidConfigError).message, /--kill-grace 210 ms is too long for a 500 ms lease: .* give less than 210 ms/);
});

test('exec plan: bad graces and bad timing are refused, naming the problem', (t) => {
  for (const g of [-1, Number.NaN, Infinity]) t.regex((planExec(DEFAULT_TIMING, g) as InvalidConfigError).message, /--kill-grace must be a number of ms >= 0/);
  t.regex((planExec({ ...DEFAULT_TIMING, lease: 0 }, 10) as InvalidConfigError).message, /^timing: lease must be a positive number/);
});

test('exec plan (property): every plan satisfies the protocol\'s timing check and leaves grace + safety before the lease ends; every refusal is a grace past the limit', (t) => {
  const timing = fc.record({
    lease: fc.integer({ min: 100, max: 10_000 }),
    attemptFraction: fc.double({ min: 0.05, max: 0.8, noNaN: true }),
    margin: fc.integer({ min: 0, max: 50 }),
    grace: fc.integer({ min: 0, max: 10_000 }),
  });
  fc.assert(
    fc.property(timing, ({ lease, attemptFraction, margin, grace }) => {
      const base = { ...DEFAULT_TIMING, lease, attemptTimeout: Math.floor(lease * attemptFraction), stepDownMargin: margin };
      if (timingProblem(base) !== undefined) return true;
      const plan = planExec(base, grace);
      if (plan instanceof InvalidConfigError) return grace >= lease - base.attemptTimeout - EXEC_SAFETY_MS;
      return timingProblem(plan.timing) === undefined && plan.timing.stepDownMargin >= grace + EXEC_SAFETY_MS && plan.timing.stepDownMargin >= margin;
    }),
    { verbose: 1 },
  );
  t.pass();
});
