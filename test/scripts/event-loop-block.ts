/**
 * `npm run loop-block`: a leader's thread is blocked by a long synchronous task, with the protocol
 * on that thread and with `thread: true`, side by side. A ring of three on loopback at the default
 * timing (heartbeat 50 ms, lease 500 ms); the two others run in worker threads, so they go on
 * during the block. Prints, per mode, how often the leader lost office and another member took
 * it, whether isLeader() held right after the block, and how late timers and the event loop ran.
 *
 *   npm run loop-block                                   800 ms blocks, 3 trials per mode
 *   npm run loop-block -- --block 300 --trials 5 --json
 */
import { parseArgs } from 'node:util';
import { type BlockOutcome, blockWhileLeading } from '../helpers/event-loop-block.js';

const { values } = parseArgs({
  options: {
    block: { type: 'string', default: '800' },
    trials: { type: 'string', default: '3' },
    settle: { type: 'string', default: '1000' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log('Usage: npm run loop-block -- [--block MS] [--trials N] [--settle MS] [--json]');
  process.exit(0);
}
const blockMs = Number(values.block);
const trials = Number(values.trials);
const settleMs = Number(values.settle);
for (const [name, v] of [['--block', blockMs], ['--trials', trials], ['--settle', settleMs]] as const) {
  if (!Number.isInteger(v) || v <= 0) {
    console.error(`loop-block: ${name} must be a positive integer, got ${JSON.stringify(values[name.slice(2) as 'block'])}`);
    process.exit(2);
  }
}

const median = (xs: readonly number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};
const fmt = (x: number | null) => (x === null ? '-' : x.toFixed(0));

const outcomes: BlockOutcome[] = [];
for (let i = 0; i < trials; i++) {
  for (const thread of [false, true]) {
    const o = await blockWhileLeading({ thread, blockMs, settleMs });
    outcomes.push(o);
    if (values.json) console.log(JSON.stringify(o));
  }
}

if (!values.json) {
  console.log(`loop-block: the leader's thread blocked for ${blockMs} ms, ${trials} trials per mode, ring of 3 on loopback, heartbeat 50 ms, lease 500 ms`);
  const rows = [false, true].map((thread) => {
    const os = outcomes.filter((o) => o.thread === thread);
    const count = (f: (o: BlockOutcome) => boolean) => `${os.filter(f).length}/${os.length}`;
    return [
      thread ? 'thread: true' : 'in-thread',
      count((o) => o.deposed !== null),
      count((o) => o.successor !== null),
      fmt(median(os.flatMap((o) => (o.successor ? [o.successor.atBlockMs] : [])))),
      count((o) => o.leaderRightAfter),
      fmt(median(os.map((o) => o.renewalsInBlock))),
      fmt(median(os.map((o) => o.timerLagMaxMs))),
      fmt(median(os.map((o) => o.eventLoopLagMaxMs))),
    ];
  });
  const head = ['member', 'deposed', 'failover', 'successor at (ms into block)', 'isLeader() after', 'renewals in block', 'timer lag max (ms)', 'event-loop lag max (ms)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  console.log('Either way this thread ran nothing during the block: no work, no signal. Only the fencing token protects the work across a pause.');
}
