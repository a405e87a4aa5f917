/** The simulator's event queue: events ordered by (time, order), in buckets. */
import { BucketOrder } from './bucket-order.js';
import { grow } from '../util/grow.js';
import { SlotHeap } from './slot-heap.js';

/** Buckets in the calendar window; a power of two, so a bucket's ring position is a bit mask. */
const BUCKETS = 4096;
const MASK = BUCKETS - 1;
/** Numbers per stored event: time, tie-break, and the caller's six fields. */
const STRIDE = 8;
/** Events per chunk of a bucket's storage. */
const CHUNK = 32;
const NONE = -1;

/**
 * A bucket width for events mostly due within `maxDelayMs` of now: the window then spans four
 * delays, and on a 100,000-node ring the busiest bucket holds a few hundred events.
 */
export function bucketWidthFor(maxDelayMs: number): number {
  return Math.max(maxDelayMs, 1) / (BUCKETS / 4);
}

/**
 * The simulator's pending events, popped in order of virtual time, then of `order`, a tie-break
 * the scheduler chooses (random, or the queue count for FIFO). An event is its time, its
 * tie-break and six numbers of the caller's (node, kind, a packed message...): no objects.
 *
 * One heap of all pending events was the simulator's bottleneck on big rings: a hundred thousand
 * nodes keep some 200,000 events pending, every pop walked a heap far larger than the CPU caches,
 * and every event's fields were scattered over several arrays. So this is a calendar queue
 * (Brown, CACM 31(10), 1988). Time is cut into buckets of `bucketWidthMs`; each bucket of the
 * window (the current one and BUCKETS - 1 after it) keeps its events one after another, in
 * chunks of one shared array, unsorted. When a bucket's turn comes it is sorted once, in cache
 * (BucketOrder), and popped in order; an event pushed into the current bucket while it is being
 * popped (only with delays shorter than a bucket) joins a small heap (`late`) merged with it, and
 * is stored in a slot of its own, freed once popped: with every event at one instant (zero
 * delays) the queue never moves on to another bucket, and must not keep every event of the run.
 * Events beyond the window (mostly the full link's retransmission and linger timers) wait in
 * `far`. Every event of the current bucket is earlier than every event elsewhere, so the pop
 * order is exactly the total order by (time, order), whatever the width: the width sets the speed.
 */
export class EventQueue {
  /** Where the last popped event is stored (the arena or lateStore, and its offset); it stays there until the next pop (see field()). */
  private poppedStore: Float64Array;
  private popped = 0;
  /** The late slot of the last popped event, freed at the next pop; NONE if it came from the arena. */
  private poppedLate = NONE;
  private readonly perMs: number;
  /** Absolute index of the current bucket, the one being popped. */
  private current = 0;
  private length = 0;
  /** Event storage: chunks of CHUNK events of STRIDE numbers; an event's index is chunk * CHUNK + place. */
  private arena = new Float64Array(64 * CHUNK * STRIDE);
  private chunkNext = new Int32Array(64);
  private freeChunks = new Int32Array(64);
  private freeChunkCount = 0;
  private chunks = 0;
  /** Per ring position: first and last chunk of the bucket's events, and how many it has. */
  private readonly headChunk = new Int32Array(BUCKETS).fill(NONE);
  private readonly tailChunk = new Int32Array(BUCKETS).fill(NONE);
  private readonly counts = new Int32Array(BUCKETS);
  /**
   * One bit per bucket with events, so moving on skips empty buckets 32 at a time: late in a big
   * election a handful of messages cross a window of thousands of buckets, over and over.
   */
  private readonly occupied = new Int32Array(BUCKETS / 32);
  /** Events in buckets after the current one. */
  private bucketed = 0;
  /** The current bucket's events in order, and those pushed into it since it was sorted. */
  private readonly sorted = new BucketOrder();
  private readonly late = new SlotHeap();
  private lateStore = new Float64Array(64 * STRIDE);
  private lateFree = new Int32Array(64);
  private lateFreeCount = 0;
  private lateSlots = 0;
  private readonly far = new SlotHeap();
  private farStore = new Float64Array(64 * STRIDE);
  private farFree = new Int32Array(64);
  private farFreeCount = 0;
  private farSlots = 0;

  /**
   * `bucketWidthMs`: fastest when a bucket holds some tens to hundreds of events at the busiest
   * time and the window of BUCKETS buckets spans the usual delays (see bucketWidthFor).
   */
  constructor(bucketWidthMs = 1) {
    if (!(bucketWidthMs > 0 && Number.isFinite(bucketWidthMs))) throw new RangeError(`bucket width ${bucketWidthMs} must be a positive number of ms`);
    this.perMs = 1 / bucketWidthMs;
    this.poppedStore = this.arena;
  }

  get size(): number {
    return this.length;
  }

  /** Queues an event due at `at` with tie-break `order` and up to six numbers of the caller's. */
  push(at: number, order: number, f0: number, f1 = 0, f2 = 0, f3 = 0, f4 = 0, f5 = 0): void {
    this.length += 1;
    const k = Math.floor(at * this.perMs);
    if (k <= this.current) {
      // Due in the bucket being popped (or, for a caller going back in time, earlier).
      const s = this.lateSlot();
      write(this.lateStore, s * STRIDE, at, order, f0, f1, f2, f3, f4, f5);
      this.late.push(at, order, s);
    } else if (k < this.current + BUCKETS) {
      // `& MASK` is k mod BUCKETS for any k below 2^53: ToInt32 wraps modulo 2^32.
      this.append(k & MASK, at, order, f0, f1, f2, f3, f4, f5);
      this.bucketed += 1;
    } else {
      const s = this.farSlot();
      write(this.farStore, s * STRIDE, at, order, f0, f1, f2, f3, f4, f5);
      this.far.push(at, order, s);
    }
  }

  /**
   * Removes the earliest event and returns its time (its fields: field()); but if that time is
   * after `limit`, returns Infinity and leaves the event queued. The queue must not be empty.
   */
  pop(limit = Infinity): number {
    if (this.length === 0) throw new RangeError('pop from an empty event queue');
    if (this.poppedLate !== NONE) {
      // The last popped event's fields have been read: its slot may be reused.
      if (this.lateFreeCount === this.lateFree.length) this.lateFree = grow(this.lateFree);
      this.lateFree[this.lateFreeCount++] = this.poppedLate;
      this.poppedLate = NONE;
    }
    const sorted = this.sorted;
    const late = this.late;
    if (sorted.done() && late.size === 0) this.advance();
    let store: Float64Array;
    let e: number;
    if (late.size > 0 && (sorted.done() || late.before(sorted.nextAt(), sorted.nextOrder()))) {
      if (late.minAt() > limit) return Infinity;
      e = late.pop();
      this.poppedLate = e;
      store = this.lateStore;
    } else {
      if (sorted.nextAt() > limit) return Infinity;
      e = sorted.take();
      store = this.arena;
    }
    this.poppedStore = store;
    this.popped = e * STRIDE;
    this.length -= 1;
    return store[this.popped]!;
  }

  /**
   * Field `f` (0..5) of the last popped event, until the next pop. Read in place: a bucket's
   * storage is given back only when the queue moves on to the next bucket, and a late slot at the
   * next pop. (Should a push in between grow the storage, the old array still holds the event.)
   */
  field(f: number): number {
    return this.poppedStore[this.popped + 2 + f]!;
  }

  /** Stores an event in the bucket at ring position `b` and returns its index in the arena. */
  private append(b: number, at: number, order: number, f0: number, f1: number, f2: number, f3: number, f4: number, f5: number): number {
    const count = this.counts[b]!;
    const place = count % CHUNK;
    let chunk: number;
    if (place === 0) {
      chunk = this.newChunk();
      if (count === 0) {
        this.headChunk[b] = chunk;
        this.occupied[b >>> 5]! |= 1 << (b & 31);
      } else this.chunkNext[this.tailChunk[b]!] = chunk;
      this.tailChunk[b] = chunk;
    } else chunk = this.tailChunk[b]!;
    this.counts[b] = count + 1;
    const e = chunk * CHUNK + place;
    write(this.arena, e * STRIDE, at, order, f0, f1, f2, f3, f4, f5);
    return e;
  }

  /** The current bucket is used up: free it, move to the next bucket with events, and sort it. */
  private advance(): void {
    while (this.sorted.done() && this.late.size === 0) {
      this.release(this.current & MASK);
      // Nothing left in the window: jump to the earliest far event's bucket instead of walking.
      if (this.bucketed === 0) this.current = Math.max(this.current + 1, Math.floor(this.far.minAt() * this.perMs));
      else this.current += this.distanceToNextOccupied();
      const b = this.current & MASK;
      const count = this.counts[b]!;
      this.bucketed -= count;
      this.sorted.load(this.arena, STRIDE, this.headChunk[b]!, this.chunkNext, CHUNK, count, this.current, this.perMs);
      // The window moved on: far events now inside it go to their buckets (or to `late`).
      const end = this.current + BUCKETS;
      while (this.far.size > 0 && Math.floor(this.far.minAt() * this.perMs) < end) {
        const f = this.far.pop();
        const o = f * STRIDE;
        const fs = this.farStore;
        this.length -= 1;
        this.push(fs[o]!, fs[o + 1]!, fs[o + 2]!, fs[o + 3]!, fs[o + 4]!, fs[o + 5]!, fs[o + 6]!, fs[o + 7]!);
        if (this.farFreeCount === this.farFree.length) this.farFree = grow(this.farFree);
        this.farFree[this.farFreeCount++] = f;
      }
    }
  }

  /** Gives the chunks of the bucket at ring position `b` back, emptying it. */
  private release(b: number): void {
    let chunk = this.headChunk[b]!;
    while (chunk !== NONE) {
      if (this.freeChunkCount === this.freeChunks.length) this.freeChunks = grow(this.freeChunks);
      this.freeChunks[this.freeChunkCount++] = chunk;
      chunk = chunk === this.tailChunk[b] ? NONE : this.chunkNext[chunk]!;
    }
    this.headChunk[b] = NONE;
    this.tailChunk[b] = NONE;
    this.counts[b] = 0;
    this.occupied[b >>> 5]! &= ~(1 << (b & 31));
  }

  /** How many buckets after the current one the next bucket with events is (some bucket has). */
  private distanceToNextOccupied(): number {
    const from = (this.current + 1) & MASK;
    const words = BUCKETS / 32;
    // The first word from bit `from` on; then whole words, round the ring and back to `from`'s word.
    let w = from >>> 5;
    let bits = this.occupied[w]! & (-1 << (from & 31));
    for (let step = 0; bits === 0 && step < words; step++) {
      w = (w + 1) % words;
      bits = this.occupied[w]!;
    }
    // The lowest set bit: 31 - clz32 of the bit isolated.
    const b = (w << 5) + (31 - Math.clz32(bits & -bits));
    return ((b - this.current) & MASK) || BUCKETS;
  }

  private newChunk(): number {
    if (this.freeChunkCount > 0) return this.freeChunks[--this.freeChunkCount]!;
    if (this.chunks === this.chunkNext.length) {
      this.chunkNext = grow(this.chunkNext);
      this.arena = grow(this.arena);
    }
    return this.chunks++;
  }

  private lateSlot(): number {
    if (this.lateFreeCount > 0) return this.lateFree[--this.lateFreeCount]!;
    if ((this.lateSlots + 1) * STRIDE > this.lateStore.length) this.lateStore = grow(this.lateStore);
    return this.lateSlots++;
  }

  /** Slots ever used for late events (for tests: with zero delays it stays near the most pending at once). */
  get lateCapacity(): number {
    return this.lateSlots;
  }

  private farSlot(): number {
    if (this.farFreeCount > 0) return this.farFree[--this.farFreeCount]!;
    if ((this.farSlots + 1) * STRIDE > this.farStore.length) this.farStore = grow(this.farStore);
    return this.farSlots++;
  }
}

function write(s: Float64Array, o: number, at: number, order: number, f0: number, f1: number, f2: number, f3: number, f4: number, f5: number): void {
  s[o] = at;
  s[o + 1] = order;
  s[o + 2] = f0;
  s[o + 3] = f1;
  s[o + 4] = f2;
  s[o + 5] = f3;
  s[o + 6] = f4;
  s[o + 7] = f5;
}
