/** Inbound half of one reliable link: duplicate suppression and the acknowledgement to send back. */
import type { Ack } from '../wire/frame.js';
import { MAX_SACKS, NO_SACKS } from '../wire/frame.js';

/**
 * Remembers which sequence numbers were delivered so each payload is handed up exactly once,
 * whatever the network duplicates or reorders.
 */
export class LinkReceiver {
  /** Every seq below this was delivered. */
  private cumulative = 0;
  /**
   * Delivered seqs at or above `cumulative`; created when a seq first arrives out of order, as
   * most links never see one, and a big simulated ring holds two receivers per node.
   */
  private above: Set<number> | undefined;

  /** Records `seq`; true if it is new and must be delivered, false for a duplicate. */
  accept(seq: number): boolean {
    // The common case: the next seq in order, nothing out of order held.
    if (seq === this.cumulative && (this.above === undefined || this.above.size === 0)) {
      this.cumulative += 1;
      return true;
    }
    if (seq < this.cumulative || this.above?.has(seq)) return false;
    const above = (this.above ??= new Set());
    above.add(seq);
    while (above.delete(this.cumulative)) this.cumulative += 1;
    return true;
  }

  /** The acknowledgement to send back; selective acks are the newest ones when there are too many. */
  ack(): Ack {
    // The common case on a quiet link: nothing out of order, so no array to build.
    if (this.above === undefined || this.above.size === 0) return { cumulative: this.cumulative, selective: NO_SACKS };
    let selective = [...this.above];
    if (selective.length > MAX_SACKS) selective = selective.sort((a, b) => a - b).slice(-MAX_SACKS);
    return { cumulative: this.cumulative, selective };
  }
}
