/**
 * Mesh algorithms' messages (Bully, Raft-style) as frame payloads, one codec per algorithm built
 * from its list of message kinds: u8 kind (1 + the kind's index in the list), u8 flags (bit 0:
 * has a term, bit 1: has `granted`, bit 2: the value of `granted`), then u32 term if present.
 * Terms are counters, so 32 bits last a node 136 years at one election a second.
 */
import { checkU32, readU32, writeU32 } from './bytes.js';
import type { PayloadCodec } from './frame.js';

/** What a mesh message may carry besides its kind. */
export interface MeshWireMessage {
  readonly kind: string;
  readonly term?: number;
  readonly granted?: boolean;
}

const HAS_TERM = 1;
const HAS_GRANTED = 2;
const GRANTED = 4;

/** The codec of the messages whose kinds are `kinds` (at most 255). */
export function meshCodec<M extends MeshWireMessage>(kinds: readonly M['kind'][]): PayloadCodec<M> {
  if (kinds.length > 255) throw new RangeError('at most 255 message kinds fit a byte');
  const code = new Map<string, number>(kinds.map((k, i) => [k, i + 1]));
  return {
    size: (m) => 2 + (m.term === undefined ? 0 : 4),
    write(buf, at, m) {
      const c = code.get(m.kind);
      if (c === undefined) throw new RangeError(`message kind ${m.kind} is not one of ${kinds.join(', ')}`);
      buf[at] = c;
      buf[at + 1] = (m.term === undefined ? 0 : HAS_TERM) | (m.granted === undefined ? 0 : HAS_GRANTED | (m.granted ? GRANTED : 0));
      if (m.term !== undefined) writeU32(buf, at + 2, checkU32(m.term, 'term'));
    },
    read(bytes, at) {
      if (bytes.length < at + 2) return 'truncated message';
      const kind = kinds[bytes[at]! - 1];
      if (kind === undefined) return `unknown message kind ${bytes[at]}`;
      const flags = bytes[at + 1]!;
      if (flags & ~(HAS_TERM | HAS_GRANTED | GRANTED)) return `unknown flags ${flags}`;
      const m: { kind: string; term?: number; granted?: boolean } = { kind };
      let end = at + 2;
      if (flags & HAS_TERM) {
        if (bytes.length < end + 4) return 'truncated term';
        m.term = readU32(bytes, end);
        end += 4;
      }
      if (flags & HAS_GRANTED) m.granted = (flags & GRANTED) !== 0;
      return { payload: m as M, end };
    },
  };
}
