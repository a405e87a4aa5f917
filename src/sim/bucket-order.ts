/** Below this many events a bucket is put in order by insertion sort alone. */
const SMALL = 16;

/**
 * The events of one calendar bucket in (time, order) order, for EventQueue: loaded once when the
 * bucket's turn comes, then taken from the front.
 *
 * Sorting a few hundred events once is cheaper than a heap pop per event (fewer comparisons, and
 * comparisons of random keys are mispredicted branches). It is a distribution sort: each event
 * goes to one of `count` sub-buckets by its time within the bucket, which leaves the sequence
 * nearly sorted, and an insertion sort then orders it exactly, in close to linear time.
 */
export class BucketOrder {
  private at = new Float64Array(256);
  private order = new Float64Array(256);
  private index = new Int32Array(256);
  private scratchAt = new Float64Array(256);
  private scratchOrder = new Float64Array(256);
  private scratchIndex = new Int32Array(256);
  private sub = new Int32Array(256);
  private starts = new Int32Array(257);
  private pos = 0;
  private length = 0;

  /** True when every loaded event has been taken. */
  done(): boolean {
    return this.pos === this.length;
  }

  /** Time and tie-break of the next event; only when not done(). */
  nextAt(): number {
    return this.at[this.pos]!;
  }
  nextOrder(): number {
    return this.order[this.pos]!;
  }

  /** The next event's index; only when not done(). */
  take(): number {
    return this.index[this.pos++]!;
  }

  /**
   * Loads `count` events stored in chunks of `chunkSize` (first `head`, then `next[chunk]`) of
   * `events` (`stride` numbers each, time then tie-break first), all in bucket `bucket` of width
   * 1 / perMs, and sorts them.
   */
  load(events: Float64Array, stride: number, head: number, next: Int32Array, chunkSize: number, count: number, bucket: number, perMs: number): void {
    if (count > this.at.length) this.reserve(count);
    const small = count <= SMALL;
    // Small buckets are gathered straight into the result; big ones into scratch, then distributed.
    const at = small ? this.at : this.scratchAt;
    const order = small ? this.order : this.scratchOrder;
    const index = small ? this.index : this.scratchIndex;
    let j = 0;
    for (let chunk = head; j < count; chunk = next[chunk]!) {
      const first = chunk * chunkSize;
      const end = Math.min(chunkSize, count - j);
      for (let p = 0; p < end; p++, j++) {
        const e = first + p;
        at[j] = events[e * stride]!;
        order[j] = events[e * stride + 1]!;
        index[j] = e;
      }
    }
    if (!small) this.distribute(count, bucket, perMs);
    this.insertionSort(count);
    this.pos = 0;
    this.length = count;
  }

  /** Moves the scratch events into the result grouped by sub-bucket (counting sort). */
  private distribute(count: number, bucket: number, perMs: number): void {
    const starts = this.starts;
    starts.fill(0, 0, count + 1);
    for (let j = 0; j < count; j++) {
      // The time's fraction of the way through the bucket, in [0, 1); clamped against rounding.
      const s = Math.min(count - 1, Math.max(0, Math.floor((this.scratchAt[j]! * perMs - bucket) * count)));
      this.sub[j] = s;
      starts[s + 1]! += 1;
    }
    for (let s = 1; s <= count; s++) starts[s]! += starts[s - 1]!;
    for (let j = 0; j < count; j++) {
      const p = starts[this.sub[j]!]!++;
      this.at[p] = this.scratchAt[j]!;
      this.order[p] = this.scratchOrder[j]!;
      this.index[p] = this.scratchIndex[j]!;
    }
  }

  /** Orders the result exactly by (time, order); near-linear on the distributed sequence. */
  private insertionSort(count: number): void {
    const at = this.at;
    const order = this.order;
    const index = this.index;
    for (let i = 1; i < count; i++) {
      const a = at[i]!;
      const o = order[i]!;
      let j = i - 1;
      if (at[j]! < a || (at[j] === a && order[j]! <= o)) continue;
      const x = index[i]!;
      do {
        at[j + 1] = at[j]!;
        order[j + 1] = order[j]!;
        index[j + 1] = index[j]!;
        j -= 1;
      } while (j >= 0 && (at[j]! > a || (at[j] === a && order[j]! > o)));
      at[j + 1] = a;
      order[j + 1] = o;
      index[j + 1] = x;
    }
  }

  private reserve(count: number): void {
    let size = this.at.length;
    while (size < count) size *= 2;
    this.at = new Float64Array(size);
    this.order = new Float64Array(size);
    this.index = new Int32Array(size);
    this.scratchAt = new Float64Array(size);
    this.scratchOrder = new Float64Array(size);
    this.scratchIndex = new Int32Array(size);
    this.sub = new Int32Array(size);
    this.starts = new Int32Array(size + 1);
  }
}
