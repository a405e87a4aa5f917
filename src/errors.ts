/**
 * A mistake in what the user asked for (bad id, address, ring file, busy port). The CLI prints
 * its message on one line and exits with `exitCode`; it never shows a stack trace.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.config,
  ) {
    super(message);
  }
}

/** Exit codes of every hs-ring command, as documented in the README. */
export const EXIT = {
  ok: 0,
  /** A bug: an unexpected exception. */
  internal: 1,
  /** Bad command line, ring file or address; port in use. */
  config: 2,
  /** No decision, or unacknowledged messages, when --timeout expired. */
  stalled: 3,
  /** Nodes disagree, or the leader is not the maximum id. */
  wrongResult: 4,
} as const;
