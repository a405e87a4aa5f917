/** A transport wrapper that loses, duplicates, delays and reorders what it sends (seeded). */
import { SeededRandom } from '../util/random.js';
import { type Address, formatAddress } from '../config/address.js';
import type { DatagramHandler, Transport } from './transport.js';
import { delayRangeProblem } from '../config/delay.js';

/** Delays `--reorder` uses when no `--delay` range is given, ms: enough to overtake on loopback. */
export const DEFAULT_REORDER_DELAY_MS: readonly [number, number] = [0, 10];

/**
 * Faults a node inflicts on its own outgoing datagrams, drawn from a seeded generator so a run
 * can be repeated. Every datagram is lost with probability `loss`; a survivor is sent twice with
 * probability `duplicate`; each copy waits a delay drawn uniformly from `delayMs`. Without
 * `reorder` copies to one destination leave in the order they were sent (a later one waits for
 * an earlier one); with it each copy's delay is independent, so order changes.
 */
export interface FaultConfig {
  /** Probability in [0, 1) that a datagram is lost. */
  readonly loss: number;
  /** Probability in [0, 1] that a datagram is sent twice. */
  readonly duplicate: number;
  /** Inclusive range of added delays, ms. */
  readonly delayMs: readonly [number, number];
  readonly reorder: boolean;
  /** Seed of the fault generator. */
  readonly seed: number;
}

export const NO_FAULTS: FaultConfig = { loss: 0, duplicate: 0, delayMs: [0, 0], reorder: false, seed: 1 };

/** True if the config changes anything at all. */
export function hasFaults(c: FaultConfig): boolean {
  return c.loss > 0 || c.duplicate > 0 || c.delayMs[1] > 0 || c.reorder;
}

/** Why a fault config is unusable, or undefined. Loss must stay below 1, or nothing could finish. */
export function faultConfigProblem(c: FaultConfig): string | undefined {
  if (!(c.loss >= 0 && c.loss < 1)) return `--loss must be a probability in [0, 1), got ${c.loss}`;
  if (!(c.duplicate >= 0 && c.duplicate <= 1)) return `--dup must be a probability in [0, 1], got ${c.duplicate}`;
  const delayProblem = delayRangeProblem(c.delayMs[0], c.delayMs[1]);
  if (delayProblem) return delayProblem;
  if (!(Number.isInteger(c.seed) && c.seed >= 0 && c.seed < 2 ** 32)) return `--fault-seed must be an integer in 0..2^32-1, got ${c.seed}`;
  return undefined;
}


/** The fault seed of one node of a ring: nodes given one --fault-seed still draw different faults. */
export function faultSeedFor(seed: number, id: number): number {
  const mixed = Math.imul((seed ^ (id % 2 ** 32) ^ Math.floor(id / 2 ** 32)) >>> 0, 0x9e3779b1) >>> 0;
  return (mixed ^ (mixed >>> 15)) >>> 0;
}

/** What a FaultyTransport did to the datagrams it was given. */
export interface FaultCounts {
  offered: number;
  lost: number;
  duplicated: number;
  delayed: number;
}

interface Pending {
  readonly bytes: Uint8Array;
  readonly to: Address;
  readonly at: number;
}

/**
 * A Transport decorator that loses, duplicates, delays and reorders what is sent through it,
 * then hands the survivors to the real transport. Receiving is untouched: with every node of a
 * ring faulty, each datagram has crossed exactly one faulty sender.
 */
export class FaultyTransport implements Transport {
  readonly counts: FaultCounts = { offered: 0, lost: 0, duplicated: 0, delayed: 0 };
  private readonly rng: SeededRandom;
  private readonly delayMs: readonly [number, number];
  /** Without reorder: per destination, copies waiting in send order, and the timer for the head. */
  private readonly queues = new Map<string, { items: Pending[]; timer: NodeJS.Timeout | undefined }>();
  /** With reorder: one timer per delayed copy. */
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly inner: Transport,
    private readonly config: FaultConfig,
  ) {
    const problem = faultConfigProblem(config);
    if (problem) throw new RangeError(problem);
    this.rng = new SeededRandom(config.seed);
    this.delayMs = config.reorder && config.delayMs[1] === 0 ? DEFAULT_REORDER_DELAY_MS : config.delayMs;
  }

  get local(): Address {
    return this.inner.local;
  }

  send(bytes: Uint8Array, to: Address): void {
    if (this.closed) return;
    this.counts.offered += 1;
    if (this.rng.next() < this.config.loss) {
      this.counts.lost += 1;
      return;
    }
    const copies = this.rng.next() < this.config.duplicate ? 2 : 1;
    if (copies === 2) this.counts.duplicated += 1;
    for (let c = 0; c < copies; c++) this.schedule(bytes, to);
  }

  onDatagram(handler: DatagramHandler): void {
    this.inner.onDatagram(handler);
  }

  /** Drops whatever is still delayed, then closes the real transport. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const q of this.queues.values()) if (q.timer) clearTimeout(q.timer);
    this.queues.clear();
    await this.inner.close();
  }

  private schedule(bytes: Uint8Array, to: Address): void {
    const [lo, hi] = this.delayMs;
    const delay = lo + (hi - lo) * this.rng.next();
    if (delay > 0) this.counts.delayed += 1;
    if (this.config.reorder) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!this.closed) this.inner.send(bytes, to);
      }, delay);
      this.timers.add(timer);
      return;
    }
    const key = formatAddress(to);
    let q = this.queues.get(key);
    if (delay === 0 && (q === undefined || q.items.length === 0)) {
      this.inner.send(bytes, to);
      return;
    }
    if (!q) {
      q = { items: [], timer: undefined };
      this.queues.set(key, q);
    }
    // FIFO per destination: a copy never leaves before one sent earlier to the same address.
    const last = q.items[q.items.length - 1];
    const at = Math.max(performance.now() + delay, last ? last.at : 0);
    q.items.push({ bytes, to, at });
    if (!q.timer) this.armHead(q);
  }

  private armHead(q: { items: Pending[]; timer: NodeJS.Timeout | undefined }): void {
    const head = q.items[0];
    if (!head) {
      q.timer = undefined;
      return;
    }
    q.timer = setTimeout(() => {
      const now = performance.now();
      // Send everything due (timers fire late, never early by more than clock rounding).
      while (q.items.length > 0 && q.items[0]!.at <= now + 1) {
        const item = q.items.shift()!;
        if (!this.closed) this.inner.send(item.bytes, item.to);
      }
      this.armHead(q);
    }, Math.max(0, head.at - performance.now()));
  }
}
