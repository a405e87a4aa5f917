/**
 * The simulator's pending events: a binary min-heap ordered by virtual time, then by `order`, a
 * tie-break the scheduler chooses (random, or the queue count for FIFO).
 *
 * Events live in numbered slots held in typed arrays, and the heap orders slot numbers: with a
 * hundred thousand nodes the heap is large, and comparing keys in contiguous arrays instead of
 * through one object per event is what keeps a pop cheap. A popped slot is reused.
 */
export class EventQueue {
  private heap = new Int32Array(1024);
  private length = 0;
  private at = new Float64Array(1024);
  private order = new Float64Array(1024);
  private kinds = new Uint8Array(1024);
  private nodes = new Int32Array(1024);
  private args = new Int32Array(1024);
  private payloads: (Uint8Array | undefined)[] = [];
  private readonly free: number[] = [];
  private slots = 0;

  get size(): number {
    return this.length;
  }

  /** Queues an event and returns its slot. */
  push(at: number, order: number, kind: number, node: number, arg: number, payload: Uint8Array | undefined): number {
    const slot = this.free.length > 0 ? this.free.pop()! : this.newSlot();
    this.at[slot] = at;
    this.order[slot] = order;
    this.kinds[slot] = kind;
    this.nodes[slot] = node;
    this.args[slot] = arg;
    this.payloads[slot] = payload;
    if (this.length === this.heap.length) this.heap = grow(this.heap);
    const h = this.heap;
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (this.before(p, slot)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = slot;
    return slot;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekAt(): number {
    return this.length === 0 ? Infinity : this.at[this.heap[0]!]!;
  }

  /**
   * Removes the earliest event and returns its slot, valid until the next push. Read it with
   * the accessors below.
   */
  pop(): number {
    const h = this.heap;
    const top = h[0]!;
    const n = --this.length;
    if (n > 0) {
      const last = h[n]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && this.before(h[r]!, h[l]!) ? r : l;
        const child = h[c]!;
        if (this.before(last, child)) break;
        h[i] = child;
        i = c;
      }
      h[i] = last;
    }
    this.free.push(top);
    return top;
  }

  timeOf(slot: number): number {
    return this.at[slot]!;
  }
  kindOf(slot: number): number {
    return this.kinds[slot]!;
  }
  nodeOf(slot: number): number {
    return this.nodes[slot]!;
  }
  argOf(slot: number): number {
    return this.args[slot]!;
  }
  /** The slot's payload, released so the queue does not keep it alive. */
  takePayload(slot: number): Uint8Array | undefined {
    const p = this.payloads[slot];
    this.payloads[slot] = undefined;
    return p;
  }

  private before(a: number, b: number): boolean {
    const ta = this.at[a]!;
    const tb = this.at[b]!;
    return ta < tb || (ta === tb && this.order[a]! <= this.order[b]!);
  }

  private newSlot(): number {
    if (this.slots === this.at.length) {
      this.at = grow(this.at);
      this.order = grow(this.order);
      this.kinds = grow(this.kinds);
      this.nodes = grow(this.nodes);
      this.args = grow(this.args);
    }
    this.payloads.push(undefined);
    return this.slots++;
  }
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}
