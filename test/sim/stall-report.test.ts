/**
 * What a stalled node says about itself, in the simulator: its reason speaks of its own state
 * (its own unacknowledged messages, its own announcement), never of other nodes'.
 */
import test from 'ava';
import { simulate } from '../../src/sim/simulator.js';

test('sim stall report: a node says "messages unacknowledged" only when it has some, and then names who has not acknowledged them (seed 184)', (t) => {
  // The case of issue 14: cut at 200 ms under 20% loss, node 9 (the leader) has nothing
  // unacknowledged of its own, yet said so because the count ran across the nodes before it.
  const run = simulate({ ids: [3, 9, 5, 7, 1, 8, 2, 6], seed: 184, network: { loss: 0.2, duplicate: 0, reorder: false, delayMs: [1, 10], fifo: false }, timeLimitMs: 200 });
  const stalled = run.results.filter((r) => r.stall);
  t.true(stalled.length > 0, 'the time limit cuts the run');
  for (const r of stalled) {
    const ownUnacked = r.stall!.unreachable.some((u) => u.unacked > 0);
    t.is(/unacknowledged/.test(r.stall!.reason), ownUnacked, `node ${r.id}: ${r.stall!.reason}; unreachable ${JSON.stringify(r.stall!.unreachable)}`);
  }
  const nine = run.results.find((r) => r.id === 9)!;
  t.regex(nine.stall!.reason, /^leader 9 known, still lingering at virtual time/);
});
