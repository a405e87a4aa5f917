/** The property harness stops after its shrink budget and still reports the failure with its seed. */
import test from 'ava';
import fc from 'fast-check';
import { withShrinkBudget } from './harness.js';

test('property harness: once the shrink budget is spent no more cases are run, so a failure is reported (seed, path, case) in time', (t) => {
  let checked = 0;
  const alwaysFails = fc.property(fc.array(fc.maxSafeNat(), { minLength: 20, maxLength: 20 }), () => {
    checked += 1;
    return false;
  });
  // Budget 0: the first failure is the last case checked.
  const spent = fc.check(withShrinkBudget(alwaysFails, 0) as fc.IProperty<[number[]]>, { seed: 1 });
  t.true(spent.failed);
  t.is(checked, 1);
  t.is(spent.numShrinks, 0);
  t.is(spent.counterexample?.[0]?.length, 20);
  t.is(typeof spent.counterexamplePath, 'string');
  // With time to spare it shrinks as usual.
  checked = 0;
  const shrunk = fc.check(withShrinkBudget(alwaysFails, 60_000) as fc.IProperty<[number[]]>, { seed: 1 });
  t.true(shrunk.numShrinks > 0);
  t.true(checked > 1);
});
