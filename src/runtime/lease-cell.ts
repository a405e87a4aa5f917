/**
 * The lease of a member whose protocol runs in a worker thread, shared with the thread that acts
 * on it: the worker writes the epoch it leads and when that lease ends, and the application's
 * thread reads them in isLeader() even while the worker's messages wait in its queue. One writer;
 * a sequence number, odd while a write is under way, lets a reader retry instead of pairing one
 * write's epoch with another's lease end.
 */

/** The office a lease backs: its epoch and its end on the process-wide monotonic clock (ms). */
export interface SharedLease {
  readonly epoch: number;
  readonly leaseEndMs: number;
}

export class LeaseCell {
  readonly buffer: SharedArrayBuffer;
  private readonly seq: Int32Array;
  private readonly values: BigInt64Array;

  /** A new cell, or (given the buffer another thread made) a view of the same one. */
  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(24);
    this.seq = new Int32Array(this.buffer, 0, 1);
    this.values = new BigInt64Array(this.buffer, 8, 2);
    if (!buffer) this.write(null);
  }

  /** Writer only. Microseconds: Atomics take integers, and a lease end needs no finer grain. */
  write(lease: SharedLease | null): void {
    Atomics.add(this.seq, 0, 1);
    Atomics.store(this.values, 0, BigInt(lease ? lease.epoch : -1));
    Atomics.store(this.values, 1, BigInt(lease ? Math.floor(lease.leaseEndMs * 1000) : 0));
    Atomics.add(this.seq, 0, 1);
  }

  /**
   * The lease last written, or null when the worker holds no office. Also null should a write
   * never complete (a worker terminated halfway through one): no lease is safer than a guess.
   */
  read(): SharedLease | null {
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const before = Atomics.load(this.seq, 0);
      if (before % 2 !== 0) continue;
      const epoch = Number(Atomics.load(this.values, 0));
      const endUs = Atomics.load(this.values, 1);
      if (Atomics.load(this.seq, 0) !== before) continue;
      return epoch < 0 ? null : { epoch, leaseEndMs: Number(endUs) / 1000 };
    }
    return null;
  }
}
