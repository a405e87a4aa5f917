/**
 * `npm run netns -- --elections 100 [--nodes 4] [--loss 20]`: elections across network
 * namespaces with real random nftables loss (see test/helpers/netns.ts); prints the tally.
 * Needs root, iproute2 and nftables. Exits 1 unless every election chose the maximum.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { randomIds } from '../../src/config/ids.js';
import { NetnsLab, netnsUnavailable } from '../helpers/netns.js';

const { values } = parseArgs({
  options: {
    elections: { type: 'string', default: '100' },
    nodes: { type: 'string', default: '4' },
    loss: { type: 'string', default: '20' },
  },
});
const elections = Number(values.elections);
const n = Number(values.nodes);
const loss = Number(values.loss);
const why = await netnsUnavailable();
if (why) {
  console.error(`netns: ${why}`);
  process.exit(2);
}
const lab = await NetnsLab.create(n, loss);
const cleanUp = () => void lab.destroy().then(() => process.exit(130));
process.once('SIGINT', cleanUp);
let right = 0;
const times: number[] = [];
const started = performance.now();
console.log(`netns: ${elections} elections of ${n} nodes in ${n} namespaces, ${loss}% random UDP loss (nftables) on every host`);
try {
  for (let e = 0; e < elections; e++) {
    const ids = randomIds(n, 1000 + e);
    const max = Math.max(...ids);
    try {
      const results = await lab.elect(ids);
      const ok = results.every((r) => r.outcome === 'ok' && r.leader === max) && results.filter((r) => r.isLeader).length === 1;
      if (ok) {
        right += 1;
        times.push(Math.max(...results.map((r) => r.decidedMs ?? 0)));
      } else console.log(`  election ${e}: WRONG or UNFINISHED ${JSON.stringify(results.map((r) => [r.id, r.outcome, r.leader]))}`);
    } catch (err) {
      console.log(`  election ${e}: FAILED ${(err as Error).message}`);
    }
    if ((e + 1) % 10 === 0) console.log(`  ${e + 1} done, ${right} right`);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]?.toFixed(1);
  console.log(`${right} of ${elections} elected the maximum; nftables dropped ${await lab.droppedByNft()} datagrams`);
  if (times.length) console.log(`time to the last decision (node clocks, from each node's own start): median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${q(1)} ms`);
  console.log(`wall time ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await lab.destroy();
}
process.exitCode = right === elections ? 0 : 1;
