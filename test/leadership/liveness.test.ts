/**
 * Liveness in the simulator: once the faults stop with a connected majority up, a leader is in
 * office within the bound of spec/leadership.md (livenessBound in src/core/leadership/settings.ts);
 * a killed stable leader is replaced within failoverBound; a resigned one hands over at once.
 */
import test from 'ava';
import fc from 'fast-check';
import { majority } from '../../src/core/leadership/epoch.js';
import { simulateLeadership } from '../../src/sim/leadership/simulator.js';
import { assertLeadership, caseArbitrary, permanentlyDown, runCase, runs } from './harness.js';

test('Liveness: once faults stop with a connected majority up, a leader is in office within livenessBound', (t) => {
  const property = fc.property(caseArbitrary({ permanent: true }), (c) => {
    fc.pre(c.ids.length - permanentlyDown(c) >= majority(c.ids.length));
    const r = runCase(c);
    if (r.violations.length > 0) throw new Error(`${r.violations[0]!.invariant} violated: ${r.violations[0]!.detail}`);
    if (r.timeToLeader === null || r.timeToLeader > r.livenessBound) {
      throw new Error(`no leader in office ${r.livenessBound.toFixed(1)} ms after the faults stopped at ${r.faultsEnd} ms (first at ${r.timeToLeader})`);
    }
  });
  assertLeadership('Liveness', property, runs(60));
  t.pass();
});

test('Liveness: a crashed leader is replaced within failoverBound, and a resigned one hands over in a few message delays', (t) => {
  const crash: number[] = [];
  const resign: number[] = [];
  for (let seed = 1; seed <= runs(6); seed++) {
    const faults = [];
    for (let k = 0; k < 8; k++) faults.push({ at: 2000 + 2000 * k, kind: k % 2 === 0 ? ('crashLeader' as const) : ('resignLeader' as const), downFor: 900 });
    const r = simulateLeadership({ ids: [1, 2, 3, 4, 5], seed, faults, network: { delayMin: 0.1, delayMax: 2 } });
    t.deepEqual(r.violations, []);
    for (const f of r.failovers) {
      t.not(f.after, null, `no leader after the ${f.kind} at ${f.at} ms (seed ${seed})`);
      if (f.kind === 'crash') t.true(f.after! <= r.failoverBound, `crash failover ${f.after} ms > bound ${r.failoverBound} ms (seed ${seed})`);
      (f.kind === 'crash' ? crash : resign).push(f.after!);
    }
  }
  t.true(crash.length >= runs(6) * 3 && resign.length >= runs(6) * 3);
  // A handover needs no lease to run out: the Release frees every grant.
  t.true(Math.max(...resign) < 100, `resign handovers up to ${Math.max(...resign)} ms`);
  t.log(`crash failover ms: max ${Math.max(...crash).toFixed(1)}; resign handover ms: max ${Math.max(...resign).toFixed(1)}`);
});
