/**
 * Liveness in the simulator: once the faults stop with a connected majority up, a leader is in
 * office within the bound of spec/leadership.md (livenessBound in src/core/leadership/settings.ts);
 * a killed stable leader is replaced within failoverBound; a resigned one hands over at once.
 */
import test from 'ava';
import fc from 'fast-check';
import { majority } from '../../src/core/leadership/epoch.js';
import { simulateLeadership } from '../../src/sim/leadership/simulator.js';
import { assertLeadership, caseArbitrary, faultsFor, permanentlyDown, reachesLeader, runCase, runs, voteOnlyArbitrary, voteOnlyIds } from './harness.js';

test('Liveness: once faults stop with a connected majority up, a leader is in office within livenessBound', (t) => {
  assertLeadership('Liveness', reachesLeader(caseArbitrary({ permanent: true })), runs(60));
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

test('Liveness: a leader killed and restarted within the grant period (as a process manager would) is replaced within failoverBound all the same: no view picks a member in its quiet period', (t) => {
  const crash: number[] = [];
  for (let seed = 1; seed <= runs(6); seed++) {
    const faults = [];
    // Back 300 ms after the kill: out of every view by then (S = 150), but its quiet period (D = 525) outlasts the old grants.
    for (let k = 0; k < 6; k++) faults.push({ at: 2000 + 2000 * k, kind: 'crashLeader' as const, downFor: 300 });
    const r = simulateLeadership({ ids: [1, 2, 3, 4, 5], seed, faults, network: { delayMin: 0.1, delayMax: 2 } });
    t.deepEqual(r.violations, []);
    for (const f of r.failovers) {
      t.not(f.after, null, `no leader after the crash at ${f.at} ms (seed ${seed})`);
      t.true(f.after! <= r.failoverBound, `crash failover ${f.after} ms > bound ${r.failoverBound} ms (seed ${seed})`);
      crash.push(f.after!);
    }
  }
  t.true(crash.length >= runs(6) * 5);
  t.log(`crash failover with restart after 300 ms: max ${Math.max(...crash).toFixed(1)} ms`);
});

test('Liveness with vote-only members: once faults stop with a connected majority up, one electable among them, a leader is in office within livenessBound, never a vote-only one', (t) => {
  const property = fc.property(voteOnlyArbitrary({ permanent: true }), (v) => {
    const { c } = v;
    const voteOnly = voteOnlyIds(v);
    const dead = new Set(faultsFor(c).flatMap((f) => (f.kind === 'crash' && !Number.isFinite(f.downFor) ? [c.ids[f.member]!] : [])));
    fc.pre(c.ids.length - dead.size >= majority(c.ids.length));
    fc.pre(c.ids.some((id) => !dead.has(id) && !voteOnly.includes(id)));
    const r = runCase(c, { voteOnly });
    if (r.violations.length > 0) throw new Error(`${r.violations[0]!.invariant} violated: ${r.violations[0]!.detail}`);
    const wrong = r.terms.find((term) => voteOnly.includes(term.member));
    if (wrong) throw new Error(`vote-only member ${wrong.member} took office in epoch ${wrong.epoch}`);
    if (r.timeToLeader === null || r.timeToLeader > r.livenessBound) {
      throw new Error(`no leader in office ${r.livenessBound.toFixed(1)} ms after the faults stopped at ${r.faultsEnd} ms (first at ${r.timeToLeader})`);
    }
  });
  assertLeadership('Liveness vote-only', property, runs(40));
  t.pass();
});

test('a ring whose one electable member is dead has no leader: the vote-only members keep granting nothing and never stand', (t) => {
  for (let seed = 1; seed <= runs(4); seed++) {
    // Member 5 is the only one that may lead; it leads, then dies for good at 2 s.
    const r = simulateLeadership({
      ids: [1, 2, 3, 4, 5],
      seed,
      voteOnly: [1, 2, 3, 4],
      network: { delayMin: 0.1, delayMax: 2 },
      faults: [{ at: 2000, kind: 'crash', member: 4, downFor: Infinity }],
      tail: 5000,
    });
    t.deepEqual(r.violations, []);
    t.true(r.terms.length > 0 && r.terms.every((term) => term.member === 5 && term.at < 2000), `seed ${seed}: terms ${JSON.stringify(r.terms)}`);
    t.true(r.terms.some((term) => term.at < 1000), `seed ${seed}: member 5 leads within a second`);
  }
});

test('Liveness: a resign hands over without waiting out a heartbeat period even when the Release is overtaken (16 members, delays up to 20 ms): p99 of 200 handovers under 50 ms', (t) => {
  const ids = Array.from({ length: 16 }, (_, i) => i + 1);
  const handovers: number[] = [];
  for (let seed = 1; seed <= 20; seed++) {
    const faults = Array.from({ length: 10 }, (_, k) => ({ at: 2000 + 1500 * k, kind: 'resignLeader' as const }));
    const r = simulateLeadership({ ids, seed, faults, network: { delayMin: 0.1, delayMax: 20 } });
    t.deepEqual(r.violations, []);
    for (const f of r.failovers) {
      t.not(f.after, null, `no successor after the resign at ${f.at} ms (seed ${seed})`);
      handovers.push(f.after!);
    }
  }
  handovers.sort((a, b) => a - b);
  const p99 = handovers[Math.ceil(0.99 * handovers.length) - 1]!;
  t.true(p99 < 50, `resign handover p99 ${p99.toFixed(1)} ms`);
  t.log(`resign handover with delays up to 20 ms: p50 ${handovers[99]!.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${handovers.at(-1)!.toFixed(1)} ms`);
});
