// `hs-ring trace merge` and `trace view` of several files: per-node traces (as `hs-ring node
// --trace` writes them, without a ring header) merged into one trace in causal order, the
// merge launch does for its own nodes.
import type { TraceEvent } from '../core/trace.js';
import { ConfigError } from '../errors.js';
import { ringFromTraces } from '../viz/ring-order.js';
import { type LifeEvent, TraceFormatError, readTraceLines } from '../viz/spacetime.js';
import { causalMerge, withLife } from './trace-files.js';

/** One input file: its name (for messages) and its text. */
export interface TraceText {
  readonly name: string;
  readonly text: string;
}

/** A merged trace: the ring, its lines in causal order, and what the user should know about the inputs. */
export interface MergedTrace {
  readonly ring: readonly number[];
  readonly lines: readonly (TraceEvent | LifeEvent)[];
  readonly events: number;
  /** One line each: a file cut short, a ring member with no trace. */
  readonly notes: readonly string[];
}

/**
 * Merges traces of one ring's nodes (any number of nodes per file; each node in one file only).
 * The ring order is `ring` if given, else the header of the inputs that have one (they must
 * agree), else read from the traces' first-hop probes. A ConfigError names the file or the reason.
 */
export function mergeTraceTexts(files: readonly TraceText[], ring?: readonly number[]): MergedTrace {
  const notes: string[] = [];
  const eventsOf = new Map<number, TraceEvent[]>();
  const fileOf = new Map<number, string>();
  const life: LifeEvent[] = [];
  let header: readonly number[] | undefined;
  for (const f of files) {
    let lines;
    try {
      lines = readTraceLines(f.text);
    } catch (err) {
      if (err instanceof TraceFormatError) throw new ConfigError(`trace ${f.name}: ${err.message}`);
      throw err;
    }
    if (lines.cutShort) notes.push(`trace ${f.name}: its last line was cut short (a node stopped mid-write) and is left out`);
    if (lines.ring) {
      if (header && header.join() !== lines.ring.join()) throw new ConfigError(`trace ${f.name}: its ring header differs from another file's`);
      header = lines.ring;
    }
    for (const e of lines.events) {
      const other = fileOf.get(e.node);
      if (other !== undefined && other !== f.name) throw new ConfigError(`trace ${f.name}: node ${e.node}'s events are also in ${other} (give each node's trace once)`);
      fileOf.set(e.node, f.name);
      let list = eventsOf.get(e.node);
      if (!list) eventsOf.set(e.node, (list = []));
      list.push(e);
    }
    life.push(...lines.life);
  }
  const all = [...eventsOf.values()].flat();
  let order: readonly number[];
  try {
    order = ring ?? header ?? ringFromTraces(all);
  } catch (err) {
    if (err instanceof TraceFormatError) throw new ConfigError(`trace merge: ${err.message}; give the order with --ring ID,ID,...`);
    throw err;
  }
  for (const id of [...eventsOf.keys(), ...life.map((l) => l.node)]) {
    if (!order.includes(id)) throw new ConfigError(`trace ${fileOf.get(id) ?? 'merge'}: node ${id} is not on the ring ${order.join(', ')}`);
  }
  const silent = order.filter((id) => !eventsOf.has(id));
  if (silent.length) notes.push(`no trace of node ${silent.join(', ')}: drawn as a node whose trace ends at once`);
  const merged = causalMerge(order, order.map((id) => eventsOf.get(id) ?? []));
  return { ring: order, lines: withLife(merged, life), events: all.length, notes };
}

/** The merged trace as the text of a trace file: the ring header, then one line per event. */
export function traceFileText(m: MergedTrace): string {
  return [JSON.stringify({ ring: m.ring }), ...m.lines.map((e) => JSON.stringify(e))].join('\n') + '\n';
}
