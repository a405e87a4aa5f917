/** The real runtime (RingNode over an in-memory network) under fast-check's scheduler: the safety properties hold in every order. */
import test from 'ava';
import fc from 'fast-check';
import { RingNode } from '../../src/runtime/node.js';
import type { NodeResult } from '../../src/node/result.js';
import { MemoryNetwork } from '../../src/transport/memory.js';
import { SeededRandom } from '../../src/util/random.js';
import { referenceLeader, runs, withShrinkBudget } from './harness.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

/**
 * Virtual time whose progress is one of fast-check's scheduled tasks. While any timer is pending
 * a "tick" task is queued; when the scheduler picks it, time jumps to the earliest timer, which
 * fires. So timers fire in time order, but the scheduler decides how they interleave with the
 * datagram deliveries in flight: a delivery may happen at once, or after any number of timeouts.
 */
class ScheduledClock extends VirtualClock {
  private tickQueued = false;

  constructor(private readonly s: fc.Scheduler) {
    super();
  }

  override setTimer(fn: () => void, delayMs: number): unknown {
    const timer = super.setTimer(fn, delayMs);
    this.armTick();
    return timer;
  }

  private armTick(): void {
    if (this.tickQueued || this.pending === 0) return;
    this.tickQueued = true;
    void this.s.schedule(Promise.resolve(), 'clock tick').then(() => {
      this.tickQueued = false;
      this.fireNext();
      this.armTick();
    });
  }
}

/**
 * The real RingNode runtime (not the simulator) over MemoryNetwork, with fast-check's scheduler
 * choosing the order of every receive and timer callback; each datagram is lost or duplicated
 * with the given probabilities (seeded).
 */
async function electOnScheduler(s: fc.Scheduler, ids: readonly number[], faults: Faults, seed: number): Promise<NodeResult[]> {
  const network = new MemoryNetwork();
  const clock = new ScheduledClock(s);
  const fate = new SeededRandom(seed ^ 0x2545f491);
  network.schedule = (deliver, _bytes, from, to) => {
    const copies = fate.next() < faults.loss ? 0 : fate.next() < faults.duplicate ? 2 : 1;
    for (let c = 0; c < copies; c++) void s.schedule(Promise.resolve(), `${from.port}→${to.port}`).then(deliver);
  };
  const address = (i: number) => ({ host: '127.0.0.1', port: 10_000 + i });
  const n = ids.length;
  const random = new SeededRandom(seed).fn;
  const nodes = ids.map(
    (id, i) =>
      new RingNode({
        id,
        transport: network.bind(address(i)),
        left: address((i + n - 1) % n),
        right: address((i + 1) % n),
        timeoutMs: 120_000,
        clock,
        random,
      }),
  );
  const results = Promise.all(nodes.map((node) => node.run()));
  await s.waitAll();
  return results;
}

/** Ids mostly below 100, so a shrunk case reads easily; one in four anywhere up to 2^53 - 1. */
const ringId = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 99 }), weight: 3 }, { arbitrary: fc.maxSafeNat(), weight: 1 });
/** Mostly 1-8 nodes; one case in ten up to 24 (phases up to 5), which costs about as much as the rest. */
const ringIds = fc.oneof(
  { arbitrary: fc.uniqueArray(ringId, { minLength: 1, maxLength: 8, size: 'max' }), weight: 9 },
  { arbitrary: fc.uniqueArray(ringId, { minLength: 1, maxLength: 24, size: 'max' }), weight: 1 },
);
interface Faults {
  readonly loss: number;
  readonly duplicate: number;
}
const faults: fc.Arbitrary<Faults> = fc.record({
  loss: fc.integer({ min: 0, max: 300 }).map((k) => k / 1000),
  duplicate: fc.integer({ min: 0, max: 300 }).map((k) => k / 1000),
});

test('RingNode over MemoryNetwork, fc.scheduler() ordering callbacks: AtMostOneLeader, LeaderIsMax, Agreement, Termination', async (t) => {
  await assertPropertyAsync(
    fc.asyncProperty(fc.scheduler(), ringIds, faults, fc.integer({ min: 0, max: 2 ** 32 - 1 }), async (s, ids, f, seed) => {
      const results = await electOnScheduler(s, ids, f, seed);
      const leaders = results.filter((r) => r.isLeader).length;
      const named = new Set(results.map((r) => r.leader));
      if (leaders > 1) throw new Error(`AtMostOneLeader violated: ${leaders} leaders`);
      if (named.size > 1) throw new Error(`Agreement violated: ${[...named].join(', ')}`);
      if (!named.has(referenceLeader(ids))) throw new Error(`LeaderIsMax/Termination violated: named ${[...named].join(', ')}`);
      const stalled = results.filter((r) => r.outcome !== 'ok');
      if (stalled.length > 0) throw new Error(`Termination violated: ${stalled.map((r) => r.stall?.reason).join('; ')}`);
    }),
    runs(60),
  );
  t.pass();
});

/** As assertProperty, for async properties (HS_REPLAY=SEED:PATH replays one case). */
async function assertPropertyAsync<T>(property: fc.IAsyncProperty<T>, numRuns: number): Promise<void> {
  const replay = process.env.HS_REPLAY;
  const details = await fc.check(
    withShrinkBudget(property) as fc.IAsyncProperty<T>,
    replay
      ? { seed: Number(replay.split(':')[0]), path: replay.slice(replay.indexOf(':') + 1), numRuns: 1, verbose: fc.VerbosityLevel.Verbose }
      : { numRuns },
  );
  if (!details.failed) return;
  const [, ids, f, seed] = (details.counterexample ?? []) as unknown as [unknown, number[], Faults, number];
  throw new Error(
    `${String(details.errorInstance)}\nids ${JSON.stringify(ids)}, faults ${JSON.stringify(f)}, seed ${seed}\n` +
      `${fc.defaultReportMessage(details)}\nReplay: HS_REPLAY=${details.seed}:${details.counterexamplePath} npx ava dist/test/properties/runtime-scheduler.test.js`,
  );
}
