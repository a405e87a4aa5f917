/** A ring whose every datagram's fate (lost, delayed, duplicated) a test scripts, for deterministic link tests. */
import type { TraceEvent } from '../../src/core/trace.js';
import { ElectionNode, type Output } from '../../src/node/election-node.js';
import { FROM_BOTH, FROM_LEFT, FROM_RIGHT, RIGHT_PEER } from '../../src/node/ring.js';
import { SeededRandom } from '../../src/util/random.js';
import { decodeFrame } from '../../src/wire/index.js';
import { decodeNodeFrame } from './node-frames.js';

/**
 * Decides what happens to the k-th datagram put on the wire: a number of copies, each taking 1 ms
 * (0: lost, 1, or more: duplicated), or one delay in ms (at least 1) per copy, so that a copy
 * can be overtaken by datagrams sent after it (reordered) or arrive long after its message was
 * acknowledged.
 */
export type Fate = (k: number) => number | readonly number[];

export interface ScriptedRun {
  readonly endpoints: ElectionNode[];
  readonly trace: TraceEvent[];
  /** Virtual ms when the last endpoint exited, or undefined if some never did. */
  readonly finishedAt: number | undefined;
  /** Data frames that arrived after a frame of a higher seq on the same link: how much the fate reordered. */
  readonly overtaken: number;
}

/**
 * Runs a ring of ElectionNodes over a scripted network with virtual time: every copy of a datagram
 * takes 1 ms, in send order, unless `fate` gives it another delay. Copies due at the same time
 * arrive in send order. Deliberately minimal: the link layer is what is under test here.
 */
export function runScripted(ids: readonly number[], fate: Fate, limitMs = 60_000): ScriptedRun {
  const n = ids.length;
  const rng = new SeededRandom(1);
  const endpoints = ids.map((id, i) => new ElectionNode({ id, session: i + 1, random: rng.fn, trace: true }));
  const trace: TraceEvent[] = [];
  type Event = { at: number; order: number; run: () => void };
  const queue: Event[] = [];
  const timers = new Map<string, Event>();
  let order = 0;
  let now = 0;
  let sent = 0;
  const exited = new Set<number>();
  const highestSeq = new Map<string, number>();
  let overtaken = 0;
  const noteArrival = (to: number, from: string, bytes: Uint8Array) => {
    const d = decodeNodeFrame(bytes);
    if (!d.ok || !d.frame.data) return;
    const link = `${to}:${from}`;
    const highest = highestSeq.get(link) ?? -1;
    if (d.frame.data.seq < highest) overtaken += 1;
    else highestSeq.set(link, d.frame.data.seq);
  };
  const schedule = (at: number, run: () => void) => {
    const e = { at, order: order++, run };
    queue.push(e);
    return e;
  };
  const apply = (i: number, outs: Output[]) => {
    for (const o of outs) {
      if (o.type === 'transmit') {
        const rightwards = o.peer === RIGHT_PEER;
        const to = rightwards ? (i + 1) % n : (i - 1 + n) % n;
        // Sent rightwards, it arrives from the receiver's left neighbour.
        const from = rightwards ? 'left' : 'right';
        const f = fate(sent++);
        const delays = typeof f === 'number' ? Array.from({ length: f }, () => 1) : f;
        for (const d of delays) {
          schedule(now + Math.max(1, d), () => {
            noteArrival(to, from, o.bytes);
            apply(to, endpoints[to]!.onDatagram(now, o.bytes, n <= 2 ? FROM_BOTH : from === 'left' ? FROM_LEFT : FROM_RIGHT));
          });
        }
      } else if (o.type === 'setTimer' || o.type === 'cancelTimer') {
        const key = `${i}:${o.key}`;
        const old = timers.get(key);
        if (old) old.run = () => undefined;
        timers.delete(key);
        if (o.type === 'setTimer') {
          timers.set(key, schedule(now + o.delayMs, () => {
            timers.delete(key);
            apply(i, endpoints[i]!.onTimer(now, o.key));
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
  return { endpoints, trace, finishedAt: exited.size === n ? now : undefined, overtaken };
}
