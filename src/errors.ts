/**
 * Machine-readable causes a ConfigError may carry, stable across wording changes: programs that
 * act on a failure (launch retrying on fresh ports, say) test these, never the message text.
 */
export type ConfigErrorCode = 'port-in-use';

/**
 * A mistake in what the user asked for (bad id, address, ring file, busy port). The CLI prints
 * its message on one line and exits with `exitCode`; it never shows a stack trace. `code`, when
 * set, names the cause for programs (see ConfigErrorCode).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.config,
    readonly code?: ConfigErrorCode,
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

/**
 * An output file that could not be written, as one line: `--trace: cannot write t.jsonl (EACCES)`.
 * Here rather than in the CLI so the runtime's trace writer words it the same way.
 */
export function outputWriteError(path: string, flag: string, err: unknown): ConfigError {
  return new ConfigError(`${flag}: cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
}
