/**
 * Which flag gave the ring its size. A message about the size names that flag: `--ids` with too
 * many entries is the user's list, not an `-n` they never typed.
 */
export type SizeSource = '-n' | '--ids';

/** The subject of a sentence about ring size `n` ("-n 300 is", "--ids lists 300 ids,"); "more ... than" follows. */
export function sizeGiven(n: number, source: SizeSource): string {
  return source === '--ids' ? `--ids lists ${n} ids,` : `-n ${n} is`;
}
