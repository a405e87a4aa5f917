/**
 * A small seeded generator (SplitMix32-style mixing over a 32-bit state), so every run that
 * prints its seed can be replayed exactly. Not for cryptography.
 */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 2 ** 32;
  }

  /** Integer uniform in [0, bound). */
  below(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  /** A function view of `next`, for APIs taking `() => number`. */
  get fn(): () => number {
    return () => this.next();
  }
}
