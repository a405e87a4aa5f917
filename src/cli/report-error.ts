import { ConfigError, type ConfigErrorCode, EXIT } from '../errors.js';

/** Prints a user mistake as one line and sets the documented exit code; a bug keeps its stack. */
export function reportError(err: unknown): void {
  if (err instanceof ConfigError) {
    process.stderr.write(`hs-ring: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`hs-ring: internal error (please report): ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = EXIT.internal;
  }
}

/**
 * The failure of a node process as its last ndjson event (launch's children, `node --ndjson`):
 * the same message as the stderr line, the exit code, and the machine-readable cause if the
 * error has one. The launcher decides on `code`, never on the wording.
 */
export interface ErrorEvent {
  readonly event: 'error';
  readonly message: string;
  readonly exitCode: number;
  readonly code?: ConfigErrorCode;
}

export function errorEvent(err: unknown): ErrorEvent {
  if (err instanceof ConfigError) {
    return { event: 'error', message: err.message, exitCode: err.exitCode, ...(err.code ? { code: err.code } : {}) };
  }
  return { event: 'error', message: `internal error: ${(err as Error)?.message ?? String(err)}`, exitCode: EXIT.internal };
}

/** Writes errorEvent(err) as one JSON line on stdout. */
export function emitErrorEvent(err: unknown): void {
  process.stdout.write(JSON.stringify(errorEvent(err)) + '\n');
}
