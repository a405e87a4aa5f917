/** What one node counts: algorithm messages (what the analysis bounds) and wire datagrams, kept apart. */
import type { MessageKind } from '../core/types.js';
import { type LinkCounts, emptyLinkCounts } from '../link/stats.js';

export interface NodeStats {
  readonly algorithm: {
    readonly sent: Record<MessageKind, number>;
    readonly received: Record<MessageKind, number>;
  };
  readonly datagrams: LinkCounts;
}

export function emptyStats(): NodeStats {
  // A literal, not built from MESSAGE_KINDS: counted on every message, it keeps one fixed shape.
  const perKind = (): Record<MessageKind, number> => ({ probe: 0, reply: 0, announcement: 0 });
  return { algorithm: { sent: perKind(), received: perKind() }, datagrams: emptyLinkCounts() };
}
