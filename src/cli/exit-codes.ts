/**
 * Exit codes of every hs-ring command, as documented in the README, and the one place that maps
 * the library's errors to them: the library throws named errors, only the CLI exits.
 */
import { HsRingError, InterruptedError } from '../errors.js';

export const EXIT = {
  ok: 0,
  /** A bug: an unexpected exception. */
  internal: 1,
  /** `launch --stay` saw two terms in office overlap, or a repeated or decreasing token: as bad as a bug. */
  unsafe: 1,
  /** Bad command line, ring file or address; port in use; an output that cannot be written. */
  config: 2,
  /** No decision, or unacknowledged messages, when --timeout expired; `launch --stay`: no leader took office. */
  stalled: 3,
  /** Nodes disagree, or the leader is not the maximum id. */
  wrongResult: 4,
} as const;

/** The exit code for `err`: 2 for every HsRingError, the shell's 128 + signal for an interrupt, 1 for a bug. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof InterruptedError) return err.signal === 'SIGINT' ? 130 : 143;
  if (err instanceof HsRingError) return EXIT.config;
  return EXIT.internal;
}
