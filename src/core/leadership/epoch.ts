/**
 * Epoch arithmetic: e = counter * N + rank, so each member's epochs are its own (the fencing
 * token names its leader) and a member can always pick one above any it has seen.
 */
import type { Epoch } from './types.js';

/** The epoch of attempt `counter` by the member of `rank` among `n`. */
export function epochOf(counter: number, rank: number, n: number): Epoch {
  return counter * n + rank;
}

/** The rank of the only member that can lead `epoch`. */
export function rankOfEpoch(epoch: Epoch, n: number): number {
  return epoch % n;
}

/** The smallest counter above `counter` whose epoch for `rank` of `n` exceeds `seen`. */
export function nextCounter(counter: number, seen: Epoch, rank: number, n: number): number {
  return Math.max(counter + 1, Math.floor((seen - rank) / n) + 1);
}

/** Majority of the configured members: floor(N / 2) + 1. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}
