/** How every hs-ring command ends on an error: one line for a user mistake, a stack for a bug. */
import { HsRingError } from '../errors.js';
import { exitCodeOf } from './exit-codes.js';

/** Prints a user mistake as one line and sets the documented exit code; a bug keeps its stack. */
export function reportError(err: unknown): void {
  if (err instanceof HsRingError) process.stderr.write(`hs-ring: ${err.message}\n`);
  else process.stderr.write(`hs-ring: internal error (please report): ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = exitCodeOf(err);
}
