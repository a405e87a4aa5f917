/** Turns an election trace into the lifelines, arrows and marks of a space-time diagram. */
import type { TraceEvent } from '../core/trace.js';
import { type Direction, type Message, opposite } from '../core/types.js';

/**
 * What happened to a node itself rather than a step of its core, by the TLA+ action names of the
 * leadership spec: `{"t": ms, "node": id, "action": "Crash"}`. Launch writes a Crash when `--kill`
 * fires; Restart is drawn too, for traces of runs that bring a node back.
 */
export interface LifeEvent {
  readonly t: number;
  readonly node: number;
  readonly action: LifeAction;
}
export const LIFE_ACTIONS = ['Crash', 'Restart'] as const;
export type LifeAction = (typeof LIFE_ACTIONS)[number];

/** True for a trace line that is a LifeEvent (it has no `sent`: no core step produced it). */
export function isLifeEvent(line: unknown): line is LifeEvent {
  const e = line as Partial<LifeEvent> | null;
  return typeof e === 'object' && e !== null && typeof e.node === 'number' && typeof e.t === 'number' && (LIFE_ACTIONS as readonly unknown[]).includes(e.action);
}

/** A parsed trace: the ring (ids in ring order) and the core steps, in file order. */
export interface Trace {
  readonly ring: readonly number[];
  readonly events: readonly TraceEvent[];
  /** Crashes and restarts, in file order. */
  readonly life?: readonly LifeEvent[];
  /** The last line was cut off mid-write (a run killed while tracing) and was left out. */
  readonly cutShort?: boolean;
}

/** The lines of a trace file, with or without the `{"ring": [...]}` header (a node's own trace has none). */
export interface TraceLines {
  readonly ring?: readonly number[];
  readonly events: readonly TraceEvent[];
  readonly life: readonly LifeEvent[];
  readonly cutShort: boolean;
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

/**
 * Something that happened to a node at one time, drawn on its lifeline: a crash, a restart, or
 * the end of its trace before it knew the leader with no crash recorded (killed, stalled or cut).
 */
export interface NodeMark {
  readonly x: number;
  readonly at: number;
  readonly id: number;
  readonly kind: 'crash' | 'restart' | 'trace-ends';
}

/**
 * A stretch of one node's lifeline: `up` from a start or restart to a crash (or the end of the
 * picture), down between a crash and a restart. Stretches of other kinds (a leader in office,
 * an epoch) can be drawn beside these the same way.
 */
export interface LifeSpan {
  readonly x: number;
  readonly from: number;
  /** Undefined: to the end of the picture. */
  readonly to?: number;
  readonly up: boolean;
}

export interface SpaceTime {
  readonly ring: readonly number[];
  /** Each node's lifeline in stretches, in ring order (one stretch for a node that never crashed). */
  readonly spans: readonly LifeSpan[];
  readonly marks: readonly NodeMark[];
  readonly arrows: Arrow[];
  readonly undelivered: Unpaired[];
  /** Receives with no matching send before them (a cut or corrupt trace); should be 0. */
  readonly orphanReceives: number;
  readonly decisions: readonly { x: number; at: number; id: number; isLeader: boolean }[];
}

/** Reads a trace file's text: `{"ring": [...]}` on the first line, then one TraceEvent (or LifeEvent) per line. */
export function parseTrace(text: string): Trace {
  const lines = readTraceLines(text);
  if (!lines.ring) throw new TraceFormatError('line 1 must be {"ring": [ids in ring order]}');
  const { ring, events, life, cutShort } = lines;
  return { ring, events, ...(life.length ? { life } : {}), ...(cutShort ? { cutShort } : {}) };
}

/**
 * Reads the lines of a trace: the ring header if line 1 is one, then events. Refuses a file
 * with nothing in it, or a line that is neither a TraceEvent nor a LifeEvent.
 */
export function readTraceLines(text: string): TraceLines {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new TraceFormatError('empty trace: expected {"ring": [...]} or trace events');
  let header: unknown;
  try {
    header = JSON.parse(lines[0]!);
  } catch {
    if (lines.length === 1 && !text.endsWith('\n')) return { events: [], life: [], cutShort: true };
    throw new TraceFormatError('line 1 is not JSON (expected {"ring": [...]} or a trace event)');
  }
  let ring: number[] | undefined;
  let first = 0;
  if (typeof header === 'object' && header !== null && 'ring' in header) {
    const r = (header as { ring?: unknown }).ring;
    if (!Array.isArray(r) || r.length === 0 || !r.every((x) => typeof x === 'number')) {
      throw new TraceFormatError('line 1 must be {"ring": [ids in ring order]}');
    }
    ring = r as number[];
    first = 1;
  }
  // A process killed while writing leaves a partial last line, and no newline after it: draw
  // what was written rather than refuse the whole trace.
  let body = lines.slice(first);
  const cutShort = !text.endsWith('\n') && body.length > 0 && !parses(body[body.length - 1]!);
  if (cutShort) body = body.slice(0, -1);
  const events: TraceEvent[] = [];
  const life: LifeEvent[] = [];
  body.forEach((l, i) => {
    let e: unknown;
    try {
      e = JSON.parse(l);
    } catch {
      e = undefined;
    }
    if (isLifeEvent(e)) life.push(e);
    else if (isTraceEvent(e)) events.push(e);
    else if (i === 0 && first === 0) throw new TraceFormatError('line 1 must be {"ring": [ids in ring order]} or a trace event (t, node, action, sent, state)');
    else throw new TraceFormatError(`line ${i + first + 1} is not a trace event (t, node, action, sent, state)`);
  });
  return { ...(ring ? { ring } : {}), events, life, cutShort };
}

function isTraceEvent(e: unknown): e is TraceEvent {
  const x = e as Partial<TraceEvent> | null;
  return typeof x === 'object' && x !== null && typeof x.node === 'number' && typeof x.t === 'number' && Array.isArray(x.sent);
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
  return { ring, arrows, undelivered, orphanReceives, decisions, ...lifelines(trace, pos) };
}

/** Every node's lifeline stretches and marks, from the trace's crashes and restarts and where each node's trace ends. */
function lifelines(trace: Trace, pos: ReadonlyMap<number, number>): { spans: LifeSpan[]; marks: NodeMark[] } {
  const spans: LifeSpan[] = [];
  const marks: NodeMark[] = [];
  const last = new Map<number, TraceEvent>();
  for (const e of trace.events) last.set(e.node, e);
  const lifeOf = new Map<number, LifeEvent[]>();
  for (const l of trace.life ?? []) {
    if (!pos.has(l.node)) throw new TraceFormatError(`${l.action} of node ${l.node}, which is not in the ring`);
    lifeOf.set(l.node, [...(lifeOf.get(l.node) ?? []), l]);
  }
  trace.ring.forEach((id, x) => {
    let up = true;
    let from = 0;
    for (const l of [...(lifeOf.get(id) ?? [])].sort((a, b) => a.t - b.t)) {
      // A Crash of a node already down (or a Restart of one up) changes nothing; it is still marked.
      if (up === (l.action === 'Crash')) {
        spans.push({ x, from, to: l.t, up });
        up = !up;
        from = l.t;
      }
      marks.push({ x, at: l.t, id, kind: l.action === 'Crash' ? 'crash' : 'restart' });
    }
    spans.push({ x, from, up });
    const end = last.get(id);
    if (up && end?.state.status !== 'done') marks.push({ x, at: end?.t ?? 0, id, kind: 'trace-ends' });
  });
  return { spans, marks };
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
