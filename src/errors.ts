/**
 * The errors hs-ring throws on purpose, for library users and the CLI alike: each a class with a
 * stable `code` that programs test (`err.code === 'PortInUse'`, or `instanceof`), never the
 * message text, which may be reworded. Exit codes are a CLI concern: src/cli/exit-codes.ts maps
 * these classes to them.
 */

/** Every code an HsRingError may carry. */
export type HsRingErrorCode =
  | 'InvalidConfig'
  | 'PortInUse'
  | 'AddressUnavailable'
  | 'OutputUnwritable'
  | 'NodeStartFailed'
  | 'Interrupted'
  | 'NodeClosed'
  | 'MissingDependency'
  | 'DuplicateId'
  | 'CorruptState';

/** Base of every error hs-ring raises deliberately; anything else is a bug. */
export abstract class HsRingError extends Error {
  abstract readonly code: HsRingErrorCode;
}

/** A mistake in what was asked for: a bad id, address, ring file, link setting, key or flag. */
export class InvalidConfigError extends HsRingError {
  override readonly name: string = 'InvalidConfigError';
  readonly code: HsRingErrorCode = 'InvalidConfig';
}

/** The UDP port a node should listen on is taken (by another program, or another node). */
export class PortInUseError extends HsRingError {
  override readonly name = 'PortInUseError';
  readonly code = 'PortInUse';
}

/** The listen address is not one of this machine's, or binding it is not permitted. */
export class AddressUnavailableError extends HsRingError {
  override readonly name = 'AddressUnavailableError';
  readonly code = 'AddressUnavailable';
}

/** An output file (a trace, bench results) cannot be created or written. */
export class OutputUnwritableError extends HsRingError {
  override readonly name = 'OutputUnwritableError';
  readonly code = 'OutputUnwritable';
}

/** A node process of a launched ring exited before it was ready, for a reason it did not name with a code. */
export class NodeStartError extends HsRingError {
  override readonly name = 'NodeStartError';
  readonly code = 'NodeStartFailed';
}

/** A launched ring, or a command run while leading, was stopped by a signal (Ctrl-C, SIGTERM) before it finished. */
export class InterruptedError extends HsRingError {
  override readonly name = 'InterruptedError';
  readonly code = 'Interrupted';
  constructor(
    readonly signal: NodeJS.Signals,
    message = `interrupted by ${signal}: every node process was stopped`,
  ) {
    super(message);
  }
}

/** An optional package a command needs is not installed (the plotting library, for `bench` and `trace view`). */
export class MissingDependencyError extends HsRingError {
  override readonly name = 'MissingDependencyError';
  readonly code = 'MissingDependency';
}

/** A node was used after close(), or closed before its election ended. */
export class NodeClosedError extends HsRingError {
  override readonly name = 'NodeClosedError';
  readonly code = 'NodeClosed';
}

/**
 * Another node of the ring has this node's id: a message of the id arrived stamped with another
 * incarnation (spec/protocol.md §7). A configuration error, found only once the election runs;
 * the node stops without deciding. Also raised for a node restarted while the ring still carried
 * its earlier run's messages.
 */
export class DuplicateIdError extends HsRingError {
  override readonly name = 'DuplicateIdError';
  readonly code = 'DuplicateId';
  constructor(
    readonly id: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A leadership member's state file exists but cannot be read as its persisted state. Refused
 * rather than taken as fresh: a member that forgot its promises could grant an epoch twice.
 */
export class CorruptStateError extends HsRingError {
  override readonly name = 'CorruptStateError';
  readonly code = 'CorruptState';
}

/**
 * The name modules written before the library's error classes use; it is InvalidConfigError.
 * @deprecated import InvalidConfigError.
 */
export const ConfigError = InvalidConfigError;
export type ConfigError = InvalidConfigError;

/** The error of each code, to rebuild an error that crossed a process boundary as data (launch's children). */
export function errorFromCode(code: HsRingErrorCode | undefined, message: string): HsRingError {
  switch (code) {
    case 'PortInUse':
      return new PortInUseError(message);
    case 'AddressUnavailable':
      return new AddressUnavailableError(message);
    case 'OutputUnwritable':
      return new OutputUnwritableError(message);
    case 'InvalidConfig':
      return new InvalidConfigError(message);
    case 'CorruptState':
      return new CorruptStateError(message);
    case 'DuplicateId':
      return new DuplicateIdError(Number(/^id (\d+)/.exec(message)?.[1] ?? Number.NaN), message);
    default:
      return new NodeStartError(message);
  }
}

/**
 * An output file that could not be written, as one line: `--trace: cannot write t.jsonl (EACCES)`.
 * Here rather than in the CLI so the runtime's trace writer words it the same way.
 */
export function outputWriteError(path: string, flag: string, err: unknown): OutputUnwritableError {
  return new OutputUnwritableError(`${flag}: cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
}
