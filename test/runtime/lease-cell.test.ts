/**
 * The lease cell a worker-thread member shares with the application's thread: a reader racing a
 * writer in another thread never pairs one write's epoch with another's lease end.
 */
import test from 'ava';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { LeaseCell } from '../../src/runtime/lease-cell.js';

test('lease cell: reads racing a writer thread see whole writes only', async (t) => {
  const cell = new LeaseCell();
  t.is(cell.read(), null, 'a new cell holds no lease');
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const url = new URL('../../src/runtime/lease-cell.js', import.meta.url).href;
  // Writes lease k with end 10k (none every 7th), with a short pause between writes (a member
  // writes once per renewal; a writer that never pauses would leave the reader nothing whole).
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(${JSON.stringify(url)}).then(({ LeaseCell }) => {
      const cell = new LeaseCell(workerData.cell);
      parentPort.postMessage('writing');
      for (let k = 1; Atomics.load(workerData.stop, 0) === 0; k++) {
        cell.write(k % 7 === 0 ? null : { epoch: k, leaseEndMs: k * 10 });
        for (let i = 0; i < 20; i++) Atomics.load(workerData.stop, 0);
      }
    });`;
  const worker = new Worker(code, { eval: true, workerData: { cell: cell.buffer, stop } });
  await once(worker, 'message');
  let reads = 0;
  const torn: string[] = [];
  const seen = new Set<number>();
  // Until many writes were seen: on a loaded machine the writer may get little time.
  const until = performance.now() + 5000;
  while (seen.size < 1000 && performance.now() < until) {
    const lease = cell.read();
    reads += 1;
    if (lease === null) continue;
    seen.add(lease.epoch);
    if (lease.leaseEndMs !== lease.epoch * 10) torn.push(`${lease.epoch} with ${lease.leaseEndMs}`);
  }
  Atomics.store(stop, 0, 1);
  await once(worker, 'exit');
  t.true(seen.size > 10, `${seen.size} different leases seen in ${reads} reads: the writer was writing`);
  t.deepEqual(torn.slice(0, 5), []);
});
