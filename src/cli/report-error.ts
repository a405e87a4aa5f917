import { ConfigError, EXIT } from '../errors.js';

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
