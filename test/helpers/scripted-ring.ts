import type { TraceEvent } from '../../src/core/trace.js';
import { opposite } from '../../src/core/types.js';
import { Endpoint, type Output, type TimerKey } from '../../src/link/endpoint.js';
import { SeededRandom } from '../../src/util/random.js';

/** Decides what happens to the k-th datagram put on the wire: 0 copies (lost), 1, or more (duplicated). */
export type Fate = (k: number) => number;

export interface ScriptedRun {
  readonly endpoints: Endpoint[];
  readonly trace: TraceEvent[];
  /** Virtual ms when the last endpoint exited, or undefined if some never did. */
  readonly finishedAt: number | undefined;
}

/**
 * Runs a ring of Endpoints over a scripted network with virtual time: every copy of a datagram
 * takes 1 ms, in send order. Deliberately minimal: the link layer is what is under test here.
 */
export function runScripted(ids: readonly number[], fate: Fate, limitMs = 60_000): ScriptedRun {
  const n = ids.length;
  const rng = new SeededRandom(1);
  const endpoints = ids.map((id, i) => new Endpoint({ id, session: i + 1, random: rng.fn, trace: true }));
  const trace: TraceEvent[] = [];
  type Event = { at: number; order: number; run: () => void };
  const queue: Event[] = [];
  const timers = new Map<string, Event>();
  let order = 0;
  let now = 0;
  let sent = 0;
  const exited = new Set<number>();
  const schedule = (at: number, run: () => void) => {
    const e = { at, order: order++, run };
    queue.push(e);
    return e;
  };
  const apply = (i: number, outs: Output[]) => {
    for (const o of outs) {
      if (o.type === 'transmit') {
        const to = o.side === 'right' ? (i + 1) % n : (i - 1 + n) % n;
        const from = opposite(o.side);
        const copies = fate(sent++);
        for (let c = 0; c < copies; c++) {
          schedule(now + 1, () => apply(to, endpoints[to]!.onDatagram(now, o.bytes, { left: from === 'left' || n <= 2, right: from === 'right' || n <= 2 })));
        }
      } else if (o.type === 'setTimer' || o.type === 'cancelTimer') {
        const key = `${i}:${o.key}`;
        const old = timers.get(key);
        if (old) old.run = () => undefined;
        timers.delete(key);
        if (o.type === 'setTimer') {
          timers.set(key, schedule(now + o.delayMs, () => {
            timers.delete(key);
            apply(i, endpoints[i]!.onTimer(now, o.key as TimerKey));
          }));
        }
      } else if (o.type === 'trace') trace.push(o.event);
      else if (o.type === 'exit') exited.add(i);
    }
  };
  endpoints.forEach((e, i) => apply(i, e.start(0)));
  while (queue.length > 0 && exited.size < n && now <= limitMs) {
    queue.sort((a, b) => a.at - b.at || a.order - b.order);
    const e = queue.shift()!;
    now = e.at;
    e.run();
  }
  return { endpoints, trace, finishedAt: exited.size === n ? now : undefined };
}
