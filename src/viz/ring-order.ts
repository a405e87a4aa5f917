// The ring order of a set of per-node traces, read from the traces themselves: `hs-ring node`
// knows only its neighbours' addresses, so its trace carries no {"ring": [...]} header.
import type { TraceEvent } from '../core/trace.js';
import { TraceFormatError } from './spacetime.js';

/**
 * The ids in ring order (rightwards, from the smallest), from first-hop probes: a probe received
 * with hops 1 came straight from its origin, so a node receiving one on its left side has the
 * origin as its left neighbour, and on its right side as its right neighbour. Every node sends
 * phase 0 probes both ways at Start, so a whole trace names every link. Throws a
 * TraceFormatError naming the node whose neighbour is unknown or disputed.
 */
export function ringFromTraces(events: readonly TraceEvent[]): number[] {
  const nodes = [...new Set(events.map((e) => e.node))].sort((a, b) => a - b);
  if (nodes.length === 0) throw new TraceFormatError('no trace events: nothing to order');
  const rightOf = new Map<number, number>();
  const link = (from: number, to: number) => {
    const known = rightOf.get(from);
    if (known !== undefined && known !== to) throw new TraceFormatError(`the traces disagree on node ${from}'s right neighbour (${known} or ${to})`);
    rightOf.set(from, to);
  };
  for (const e of events) {
    const m = e.received;
    if (m?.kind !== 'probe' || m.hops !== 1) continue;
    if (e.from === 'left') link(m.origin, e.node);
    else link(e.node, m.origin);
  }
  const ring = [nodes[0]!];
  for (;;) {
    const at = ring[ring.length - 1]!;
    const next = rightOf.get(at);
    if (next === undefined) throw new TraceFormatError(`cannot tell node ${at}'s right neighbour from the traces (no first-hop probe between them was received)`);
    if (next === ring[0]) break;
    if (ring.includes(next)) throw new TraceFormatError(`the traces' links do not close into one ring (node ${next} comes round twice)`);
    ring.push(next);
  }
  const missing = nodes.filter((id) => !ring.includes(id));
  if (missing.length) throw new TraceFormatError(`the traces' links leave node ${missing.join(', ')} off the ring through ${ring.join(', ')}`);
  return ring;
}
