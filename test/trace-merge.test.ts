/** Merging per-node traces into one causal order, whatever the nodes' clocks. */
import test from 'ava';
import { causalMerge } from '../src/cli/trace-files.js';
import type { TraceEvent } from '../src/core/trace.js';
import { opposite } from '../src/core/types.js';
import { runScripted } from './helpers/scripted-ring.js';

/** True when every received message was sent earlier in `events` and not yet received. */
function causal(ids: readonly number[], events: readonly TraceEvent[]): boolean {
  const n = ids.length;
  const inFlight = new Map<string, number>();
  for (const e of events) {
    if (e.received) {
      const k = `${e.node}<${e.from}<${JSON.stringify(e.received)}`;
      const c = inFlight.get(k) ?? 0;
      if (c === 0) return false;
      inFlight.set(k, c - 1);
    }
    const i = ids.indexOf(e.node);
    for (const s of e.sent) {
      const to = ids[s.direction === 'right' ? (i + 1) % n : (i - 1 + n) % n];
      const k = `${to}<${opposite(s.direction)}<${JSON.stringify(s.message)}`;
      inFlight.set(k, (inFlight.get(k) ?? 0) + 1);
    }
  }
  return true;
}

test('trace merge: per-node traces with skewed clocks merge into a causal order', (t) => {
  const ids = [4, 9, 2, 7, 5, 1];
  const { trace } = runScripted(ids, () => 1);
  t.true(causal(ids, trace), 'the scripted run itself is causal');
  // Node i's clock runs 40*i ms behind: sorting by time alone would break causality.
  const perNode = ids.map((id, i) => trace.filter((e) => e.node === id).map((e) => ({ ...e, t: e.t - 40 * i })));
  const byTime = perNode.flat().sort((a, b) => a.t - b.t);
  t.false(causal(ids, byTime), 'time order alone is not causal here, so the test can fail');
  const merged = causalMerge(ids, perNode);
  t.is(merged.length, trace.length);
  t.true(causal(ids, merged));
  for (const id of ids) {
    t.deepEqual(
      merged.filter((e) => e.node === id).map((e) => e.action),
      trace.filter((e) => e.node === id).map((e) => e.action),
      `node ${id} keeps its own order`,
    );
  }
});
