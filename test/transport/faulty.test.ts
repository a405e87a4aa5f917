/** The fault-injecting transport: loss, duplication, delay and reordering at the rates asked, repeatable per seed. */
import test from 'ava';
import { MemoryNetwork } from '../../src/transport/memory.js';
import { parseDelayRange } from '../../src/config/delay.js';
import { type FaultConfig, FaultyTransport, faultConfigProblem, NO_FAULTS } from '../../src/transport/faulty.js';

const A = { host: '10.0.0.1', port: 1 };
const B = { host: '10.0.0.2', port: 2 };

/** Sends `count` numbered datagrams A → B through a faulty A; resolves with the numbers B got, in order. */
async function transfer(config: FaultConfig, count: number, settleMs = 0): Promise<number[]> {
  const net = new MemoryNetwork();
  const tx = new FaultyTransport(net.bind(A), config);
  const rx = net.bind(B);
  const got: number[] = [];
  rx.onDatagram((bytes) => got.push(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0)));
  for (let i = 0; i < count; i++) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, i);
    tx.send(b, B);
  }
  await new Promise((r) => setTimeout(r, settleMs + 5));
  await tx.close();
  return got;
}

test('faults: loss drops about that share of datagrams, and the same seed drops the same ones', async (t) => {
  const config = { ...NO_FAULTS, loss: 0.2, seed: 42 };
  const got = await transfer(config, 10_000);
  t.true(Math.abs(got.length / 10_000 - 0.8) < 0.02, `${got.length} of 10000 delivered`);
  t.deepEqual(await transfer(config, 10_000), got);
  t.notDeepEqual(await transfer({ ...config, seed: 43 }, 10_000), got);
});

test('faults: duplication sends about that share twice', async (t) => {
  const got = await transfer({ ...NO_FAULTS, duplicate: 0.05, seed: 7 }, 10_000);
  t.true(Math.abs(got.length / 10_000 - 1.05) < 0.01, `${got.length} deliveries of 10000`);
  t.is(new Set(got).size, 10_000);
});

test('faults: delay without --reorder keeps each destination\'s order; with --reorder the order changes', async (t) => {
  const fifo = await transfer({ ...NO_FAULTS, delayMs: [0, 20], seed: 3 }, 300, 60);
  t.is(fifo.length, 300);
  t.deepEqual(fifo, [...fifo].sort((a, b) => a - b));
  const shuffled = await transfer({ ...NO_FAULTS, delayMs: [0, 20], reorder: true, seed: 3 }, 300, 60);
  t.is(shuffled.length, 300);
  t.notDeepEqual(shuffled, [...shuffled].sort((a, b) => a - b));
  // --reorder alone delays 0-10 ms, which is enough to reorder.
  const alone = await transfer({ ...NO_FAULTS, reorder: true, seed: 3 }, 300, 40);
  t.notDeepEqual(alone, [...alone].sort((a, b) => a - b));
});

test('faults: impossible settings are named', (t) => {
  t.regex(faultConfigProblem({ ...NO_FAULTS, loss: 1 }) ?? '', /--loss must be a probability in \[0, 1\)/);
  t.regex(faultConfigProblem({ ...NO_FAULTS, loss: -0.1 }) ?? '', /--loss/);
  t.regex(faultConfigProblem({ ...NO_FAULTS, duplicate: 1.5 }) ?? '', /--dup/);
  t.regex(faultConfigProblem({ ...NO_FAULTS, delayMs: [5, 2] }) ?? '', /--delay/);
  t.regex(faultConfigProblem({ ...NO_FAULTS, seed: -1 }) ?? '', /--fault-seed/);
  t.is(faultConfigProblem({ loss: 0.2, duplicate: 0.05, delayMs: [0, 20], reorder: true, seed: 9 }), undefined);
  t.deepEqual(parseDelayRange('0-20'), [0, 20]);
  t.deepEqual(parseDelayRange('7'), [7, 7]);
  t.is(parseDelayRange('20-0'), undefined);
  t.is(parseDelayRange('soon'), undefined);
});
