/** A min-heap of event slots keyed by (time, order), for the event queue. */
import { grow } from '../util/grow.js';

/**
 * A min-heap of slot numbers keyed by (time, order), the building block of EventQueue.
 *
 * Each entry's time and tie-break sit next to its slot number, so a sift compares neighbouring
 * array cells instead of chasing slot numbers into scattered memory. It is 4-ary: half the levels
 * of a binary heap, and the four children of a node share a cache line. Pops follow the total
 * order by (time, order), so any correct heap gives the same sequence.
 */
export class SlotHeap {
  private at = new Float64Array(256);
  private order = new Float64Array(256);
  private slot = new Int32Array(256);
  private length = 0;

  get size(): number {
    return this.length;
  }

  /** Time of the earliest entry; Infinity when empty. */
  minAt(): number {
    return this.length === 0 ? Infinity : this.at[0]!;
  }

  /** True if the earliest entry comes before an event at (`at`, `order`); false when empty. */
  before(at: number, order: number): boolean {
    if (this.length === 0) return false;
    const a = this.at[0]!;
    return a < at || (a === at && this.order[0]! < order);
  }

  push(at: number, order: number, slot: number): void {
    if (this.length === this.at.length) this.grow();
    const hAt = this.at;
    const hOrder = this.order;
    const hSlot = this.slot;
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pAt = hAt[parent]!;
      if (pAt < at || (pAt === at && hOrder[parent]! <= order)) break;
      hAt[i] = pAt;
      hOrder[i] = hOrder[parent]!;
      hSlot[i] = hSlot[parent]!;
      i = parent;
    }
    hAt[i] = at;
    hOrder[i] = order;
    hSlot[i] = slot;
  }

  /** Removes the earliest entry and returns its slot; the heap must not be empty. */
  pop(): number {
    const hAt = this.at;
    const hOrder = this.order;
    const hSlot = this.slot;
    const top = hSlot[0]!;
    const n = --this.length;
    if (n > 0) {
      const lastAt = hAt[n]!;
      const lastOrder = hOrder[n]!;
      const lastSlot = hSlot[n]!;
      let i = 0;
      for (;;) {
        const first = 4 * i + 1;
        if (first >= n) break;
        // The earliest of up to four children.
        let c = first;
        let cAt = hAt[first]!;
        let cOrder = hOrder[first]!;
        const end = first + 4 < n ? first + 4 : n;
        for (let k = first + 1; k < end; k++) {
          const kAt = hAt[k]!;
          if (kAt < cAt || (kAt === cAt && hOrder[k]! < cOrder)) {
            c = k;
            cAt = kAt;
            cOrder = hOrder[k]!;
          }
        }
        if (lastAt < cAt || (lastAt === cAt && lastOrder <= cOrder)) break;
        hAt[i] = cAt;
        hOrder[i] = cOrder;
        hSlot[i] = hSlot[c]!;
        i = c;
      }
      hAt[i] = lastAt;
      hOrder[i] = lastOrder;
      hSlot[i] = lastSlot;
    }
    return top;
  }

  private grow(): void {
    this.at = grow(this.at);
    this.order = grow(this.order);
    this.slot = grow(this.slot);
  }
}
