/**
 * Failover figures in the leadership simulator, by command (not a test):
 *   npx tsc -p . && node dist/test/leadership/measure.js [runs=20] [--json]
 * For 5 and 16 members and 0 % / 20 % loss: crash failover (kill of the leader to the next
 * TakeOffice, on the simulator's real-time clock) and resign handover, p50 / p99 / max.
 */
import { DEFAULT_TIMING } from '../../src/core/leadership/settings.js';
import type { LeadershipFault } from '../../src/sim/leadership/faults.js';
import { simulateLeadership } from '../../src/sim/leadership/simulator.js';

const runs = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 20);
const json = process.argv.includes('--json');

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
}

const rows = [];
for (const n of [5, 16]) {
  for (const loss of [0, 0.2]) {
    const crash: number[] = [];
    const resign: number[] = [];
    let violations = 0;
    let missing = 0;
    let bound = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const faults: LeadershipFault[] = [];
      for (let k = 0; k < 10; k++) faults.push(k % 2 === 0 ? { at: 2000 + 2000 * k, kind: 'crashLeader', downFor: 900 } : { at: 2000 + 2000 * k, kind: 'resignLeader' });
      const ids = Array.from({ length: n }, (_, i) => i + 1);
      const r = simulateLeadership({ ids, seed, faults, network: { loss, delayMin: 0.1, delayMax: 2 }, duration: 23_000 });
      violations += r.violations.length;
      bound = r.failoverBound;
      for (const f of r.failovers) {
        if (f.after === null) missing += 1;
        else (f.kind === 'crash' ? crash : resign).push(f.after);
      }
    }
    const stats = (xs: number[]) => ({ count: xs.length, p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), max: Math.max(...xs) });
    rows.push({ members: n, loss, crash: stats(crash), resign: stats(resign), crashBound: bound, noLeader: missing, violations });
  }
}
if (json) console.log(JSON.stringify({ timing: DEFAULT_TIMING, runs, rows }, null, 2));
else {
  console.log(`defaults H=${DEFAULT_TIMING.heartbeat} L=${DEFAULT_TIMING.lease} m=${DEFAULT_TIMING.grantMargin} S=${DEFAULT_TIMING.suspicion}; ${runs} runs of 5 crashes + 5 resigns each; delay 0.1-2 ms`);
  console.log('members loss  crash p50/p99/max ms (n)        bound   resign p50/p99/max ms (n)   no leader  violations');
  for (const r of rows) {
    const f = (s: { count: number; p50: number; p99: number; max: number }) => `${s.p50.toFixed(1)}/${s.p99.toFixed(1)}/${s.max.toFixed(1)} (${s.count})`;
    console.log(`${String(r.members).padStart(7)} ${String(r.loss * 100).padStart(3)}%  ${f(r.crash).padEnd(28)} ${r.crashBound.toFixed(0).padStart(5)}   ${f(r.resign).padEnd(27)} ${String(r.noLeader).padStart(9)}  ${r.violations}`);
  }
}
