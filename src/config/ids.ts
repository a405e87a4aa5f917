/** Node ids: parsing and checking them from flags and files, uniqueness, and random ids for launch. */
import { isValidId } from '../core/types.js';
import { ConfigError } from '../errors.js';
import { SeededRandom } from '../util/random.js';

/** Parses "5,3,9"; every id must be an integer in 0..2^53-1 and appear once. */
export function parseIdList(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw new ConfigError(`--ids: "${text}" has an empty entry`);
  const ids = parts.map((p) => parseId(p, '--ids'));
  checkUnique(ids, '--ids');
  return ids;
}

/** Parses one id; throws ConfigError naming `what`. */
export function parseId(text: string | number, what: string): number {
  const s = String(text).trim();
  if (!/^\d+$/.test(s)) throw new ConfigError(`${what}: "${s}" is not a non-negative integer id`);
  const id = Number(s);
  if (!isValidId(id)) throw new ConfigError(`${what}: id ${s} is out of range 0..2^53-1 (9007199254740991)`);
  return id;
}

/** Throws ConfigError naming the first duplicated id. */
export function checkUnique(ids: readonly number[], what: string): void {
  const seen = new Set<number>();
  for (const id of ids) {
    if (seen.has(id)) throw new ConfigError(`${what}: duplicate id ${id} (ids must be unique on the ring)`);
    seen.add(id);
  }
}

/**
 * n distinct ids drawn from 1..max(999, 100n) in ring order, from `seed`: small enough to read,
 * sparse enough that the order is a random permutation.
 */
export function randomIds(n: number, seed: number): number[] {
  const rng = new SeededRandom(seed);
  const range = Math.max(999, 100 * n);
  const ids = new Set<number>();
  while (ids.size < n) ids.add(1 + rng.below(range));
  return [...ids];
}
