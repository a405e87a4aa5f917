/**
 * `npm run soak`: many UDP elections with the fault shim, all nodes in this process (each on its
 * own loopback socket), and a verdict: wrong and unfinished elections must be 0. Prints the time
 * distribution of elections (start to the last node's decision).
 *
 *   npm run soak                                  1000 elections of 16 nodes at 20% loss
 *   npm run soak -- --elections 50 --nodes 8 --loss 0.3 --concurrency 2 --seed 7
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { randomIds } from '../../src/config/ids.js';
import { summarize } from '../../src/cluster/ring-summary.js';
import { NodeGroup } from '../../src/runtime/multi.js';

const { values } = parseArgs({
  options: {
    elections: { type: 'string', default: '1000' },
    nodes: { type: 'string', default: '16' },
    loss: { type: 'string', default: '0.2' },
    concurrency: { type: 'string', default: '8' },
    seed: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '30000' },
  },
});
const elections = Number(values.elections);
const n = Number(values.nodes);
const loss = Number(values.loss);
const concurrency = Number(values.concurrency);
const seed0 = Number(values.seed);
const timeoutMs = Number(values.timeout);

interface Outcome {
  readonly seed: number;
  readonly outcome: 'elected' | 'stalled' | 'wrong';
  readonly electionMs: number;
  readonly retransmissions: number;
}

async function one(seed: number): Promise<Outcome> {
  const ids = randomIds(n, seed);
  const group = await NodeGroup.localRing(ids, '127.0.0.1', {
    timeoutMs,
    faults: { loss, duplicate: 0, delayMs: [0, 0], reorder: false, seed },
  });
  const started = performance.now();
  const results = await group.run();
  const decided = results.map((r) => r.decidedMs);
  const electionMs = decided.every((d): d is number => d !== null) ? Math.max(...decided) : Number.NaN;
  const s = summarize(ids, seed, results, { electionMs: Number.isNaN(electionMs) ? null : electionMs, elapsedMs: performance.now() - started });
  return { seed, outcome: s.outcome, electionMs, retransmissions: s.datagrams.retransmissions };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const started = performance.now();
const outcomes: Outcome[] = [];
let next = 0;
console.log(`soak: ${elections} UDP elections of ${n} nodes, ${loss * 100}% loss on send (fault shim), ${concurrency} at a time, seeds ${seed0}..${seed0 + elections - 1}`);
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < elections) {
      const seed = seed0 + next++;
      const o = await one(seed);
      outcomes.push(o);
      if (o.outcome !== 'elected') console.log(`  seed ${seed}: ${o.outcome.toUpperCase()}`);
      if (outcomes.length % 100 === 0) console.log(`  ${outcomes.length} done, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }),
);
const wrong = outcomes.filter((o) => o.outcome === 'wrong').length;
const unfinished = outcomes.filter((o) => o.outcome === 'stalled').length;
const times = outcomes.filter((o) => o.outcome === 'elected').map((o) => o.electionMs).sort((a, b) => a - b);
const retx = outcomes.reduce((s, o) => s + o.retransmissions, 0);
const f = (x: number) => `${x.toFixed(1)} ms`;
console.log(`elected ${times.length} of ${elections}; wrong ${wrong}; unfinished ${unfinished}`);
if (times.length > 0) {
  console.log(
    `time to the last decision: min ${f(times[0]!)}, median ${f(quantile(times, 0.5))}, p90 ${f(quantile(times, 0.9))}, ` +
      `p99 ${f(quantile(times, 0.99))}, max ${f(times[times.length - 1]!)}`,
  );
}
console.log(`retransmissions: ${(retx / elections).toFixed(1)} per election; wall time ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exitCode = wrong === 0 && unfinished === 0 ? 0 : 1;
