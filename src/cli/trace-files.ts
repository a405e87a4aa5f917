/** The per-node trace files of a launched ring, and their causal merge into one trace. */
import { readFile, rm, writeFile } from 'node:fs/promises';
import type { TraceEvent } from '../core/trace.js';
import { opposite } from '../core/types.js';
import { outputWriteError } from '../errors.js';
import { type LifeEvent, readTraceLines } from '../viz/spacetime.js';

/** Per-node trace file used while a launched ring runs; merged into `path` afterwards. */
export function traceFileFor(path: string, id: number | string): string {
  return `${path}.node-${id}.part`;
}

/**
 * Merges the per-node traces into one file, preceded by the header `{"ring": [ids in ring
 * order]}` that the trace checker needs; a node killed by `--kill` gets a Crash line at the
 * launcher's time of the kill (its trace may end in a line cut short: left out).
 */
export async function mergeTraces(path: string, ids: readonly number[], crashes: readonly { id: number; atMs: number }[] = []): Promise<void> {
  const perNode: TraceEvent[][] = [];
  for (const id of ids) {
    const part = traceFileFor(path, id);
    const text = await readFile(part, 'utf8').catch(() => '');
    perNode.push(text.trim() === '' ? [] : [...readTraceLines(text).events]);
  }
  const life: LifeEvent[] = crashes.map((c) => ({ t: c.atMs, node: c.id, action: 'Crash' }));
  const merged = withLife(causalMerge(ids, perNode), life);
  try {
    await writeFile(path, [JSON.stringify({ ring: ids }), ...merged.map((e) => JSON.stringify(e))].join('\n') + '\n');
  } catch (err) {
    // The per-node files stay: they are all that is left of the run's trace.
    throw outputWriteError(path, '--trace', err);
  }
  for (const id of ids) await rm(traceFileFor(path, id), { force: true });
}

/**
 * Interleaves per-node event lists into one order in which every message is received after it
 * was sent. Node clocks only roughly agree (each starts on the launcher's signal), so sorting by
 * time alone could put a receive before its send. Among the nodes whose next event is possible
 * now, the earliest by local time goes first; each node's own order is kept.
 */
export function causalMerge(ids: readonly number[], perNode: readonly (readonly TraceEvent[])[]): TraceEvent[] {
  const n = ids.length;
  const inFlight = new Map<string, number>();
  const key = (to: number, from: string, m: unknown) => `${to}<${from}<${JSON.stringify(m)}`;
  const next = perNode.map(() => 0);
  const out: TraceEvent[] = [];
  const ready = (e: TraceEvent) => !e.received || (inFlight.get(key(e.node, e.from as string, e.received)) ?? 0) > 0;
  for (;;) {
    let pick = -1;
    for (let i = 0; i < n; i++) {
      const e = perNode[i]![next[i]!];
      if (e && ready(e) && (pick < 0 || e.t < perNode[pick]![next[pick]!]!.t)) pick = i;
    }
    if (pick < 0) break;
    const e = perNode[pick]![next[pick]!]!;
    next[pick]! += 1;
    if (e.received) {
      const k = key(e.node, e.from as string, e.received);
      inFlight.set(k, inFlight.get(k)! - 1);
    }
    for (const s of e.sent) {
      const to = ids[s.direction === 'right' ? (pick + 1) % n : (pick - 1 + n) % n]!;
      const k = key(to, opposite(s.direction), s.message);
      inFlight.set(k, (inFlight.get(k) ?? 0) + 1);
    }
    out.push(e);
  }
  // Events that could not be placed (a trace cut short) keep their time order at the end, so
  // the checker reports them instead of the merge hiding them.
  const rest = perNode.flatMap((events, i) => events.slice(next[i]));
  return [...out, ...rest.sort((a, b) => a.t - b.t)];
}

/**
 * `events` with each crash or restart placed after its node's last event before it, so a node's
 * own lines stay in time order; the checker skips these lines, the viewer draws them.
 */
export function withLife(events: readonly TraceEvent[], life: readonly LifeEvent[]): (TraceEvent | LifeEvent)[] {
  const out: (TraceEvent | LifeEvent)[] = [...events];
  for (const l of [...life].sort((a, b) => a.t - b.t)) {
    let at = 0;
    out.forEach((e, i) => {
      if (e.node === l.node && e.t <= l.t) at = i + 1;
    });
    out.splice(at, 0, l);
  }
  return out;
}
