import type { TraceEvent } from '../core/trace.js';
import { type Direction, type Message, opposite } from '../core/types.js';

/** A parsed trace: the ring (ids in ring order) and the core steps, in file order. */
export interface Trace {
  readonly ring: readonly number[];
  readonly events: readonly TraceEvent[];
  /** The last line was cut off mid-write (a run killed while tracing) and was left out. */
  readonly cutShort?: boolean;
}

/** One delivered algorithm message, drawn from its send to its receive. */
export interface Arrow {
  /** Ring positions; a message across the ring's seam ends on a ghost column (-1 or n). */
  readonly x1: number;
  readonly x2: number;
  readonly sentAt: number;
  readonly receivedAt: number;
  readonly kind: Message['kind'];
  /** Colour group: "phase k" for probes and replies, "announcement" otherwise. */
  readonly group: string;
  readonly label: string;
}

/** A message that was sent but has no receive in the trace (given up after the decision, or cut). */
export interface Unpaired {
  readonly x: number;
  readonly sentAt: number;
  readonly label: string;
}

export interface SpaceTime {
  readonly ring: readonly number[];
  readonly arrows: Arrow[];
  readonly undelivered: Unpaired[];
  /** Receives with no matching send before them (a cut or corrupt trace); should be 0. */
  readonly orphanReceives: number;
  readonly decisions: readonly { x: number; at: number; id: number; isLeader: boolean }[];
}

/** Reads a trace file's text: `{"ring": [...]}` on the first line, then one TraceEvent per line. */
export function parseTrace(text: string): Trace {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new TraceFormatError('empty trace: expected {"ring": [...]} on the first line');
  let header: unknown;
  try {
    header = JSON.parse(lines[0]!);
  } catch {
    throw new TraceFormatError('line 1 is not JSON (expected {"ring": [...]})');
  }
  const ring = (header as { ring?: unknown }).ring;
  if (!Array.isArray(ring) || ring.length === 0 || !ring.every((x) => typeof x === 'number')) {
    throw new TraceFormatError('line 1 must be {"ring": [ids in ring order]}');
  }
  // A process killed while writing leaves a partial last line, and no newline after it: draw
  // what was written rather than refuse the whole trace.
  let body = lines.slice(1);
  const cutShort = !text.endsWith('\n') && body.length > 0 && !parses(body[body.length - 1]!);
  if (cutShort) body = body.slice(0, -1);
  const events = body.map((l, i) => {
    try {
      const e = JSON.parse(l) as TraceEvent;
      if (typeof e.node !== 'number' || typeof e.t !== 'number' || !Array.isArray(e.sent)) throw new Error('shape');
      return e;
    } catch {
      throw new TraceFormatError(`line ${i + 2} is not a trace event (t, node, action, sent, state)`);
    }
  });
  return cutShort ? { ring: ring as number[], events, cutShort } : { ring: ring as number[], events };
}

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/** A trace that cannot be read; the CLI reports it as a configuration error. */
export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
}

/**
 * Pairs every receive with its send. A message is identified by (receiver, side it arrives on,
 * content); links need not be FIFO and identical messages can be in flight together, so each
 * such key holds a queue of sends in trace order and a receive takes the oldest. Identical
 * messages are indistinguishable, so which of them a receive is paired with does not change
 * what the picture shows. Trace order is causal (launch merges node traces causally, the
 * simulator writes in step order), so a send always precedes its receive.
 */
export function spaceTime(trace: Trace): SpaceTime {
  const { ring, events } = trace;
  const n = ring.length;
  const pos = new Map(ring.map((id, i) => [id, i]));
  const pending = new Map<string, { x1: number; x2: number; at: number; message: Message }[]>();
  const arrows: Arrow[] = [];
  const decisions: { x: number; at: number; id: number; isLeader: boolean }[] = [];
  let orphanReceives = 0;
  for (const e of events) {
    const p = pos.get(e.node);
    if (p === undefined) throw new TraceFormatError(`event of node ${e.node}, which is not in the ring`);
    if (e.received && e.from) {
      const k = key(p, e.from, e.received);
      const q = pending.get(k);
      const s = q?.shift();
      if (s) arrows.push(arrow(s.x1, s.x2, s.at, e.t, s.message));
      else orphanReceives += 1;
    }
    for (const { direction, message } of e.sent) {
      const toPos = (p + (direction === 'right' ? 1 : n - 1)) % n;
      const k = key(toPos, opposite(direction), message);
      const x2 = direction === 'right' ? p + 1 : p - 1;
      let q = pending.get(k);
      if (!q) pending.set(k, (q = []));
      q.push({ x1: p, x2, at: e.t, message });
    }
    if (e.action === 'BecomeLeader' || e.action === 'RelayAnnouncement') {
      decisions.push({ x: p, at: e.t, id: e.node, isLeader: e.action === 'BecomeLeader' });
    }
  }
  const undelivered = [...pending.values()].flat().map((s) => ({ x: s.x1, sentAt: s.at, label: describe(s.message) }));
  return { ring, arrows, undelivered, orphanReceives, decisions };
}

function key(receiverPos: number, arrival: Direction, m: Message): string {
  return m.kind === 'announcement' ? `${receiverPos}|${arrival}|a|${m.leader}` : `${receiverPos}|${arrival}|${m.kind}|${m.origin}|${m.phase}|${m.kind === 'probe' ? m.hops : ''}`;
}

function arrow(x1: number, x2: number, sentAt: number, receivedAt: number, m: Message): Arrow {
  return { x1, x2, sentAt, receivedAt, kind: m.kind, group: m.kind === 'announcement' ? 'announcement' : `phase ${m.phase}`, label: describe(m) };
}

function describe(m: Message): string {
  if (m.kind === 'announcement') return `announcement(leader ${m.leader})`;
  if (m.kind === 'reply') return `reply(origin ${m.origin}, phase ${m.phase})`;
  return `probe(origin ${m.origin}, phase ${m.phase}, hops ${m.hops})`;
}
