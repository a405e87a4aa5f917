/** Writes a node's trace events to a file as JSON lines. */
import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import type { TraceEvent } from '../core/trace.js';
import { ConfigError, outputWriteError } from '../errors.js';

/** Appends trace events to a file as JSON lines. */
export class TraceWriter {
  /** The first write that failed; the election goes on, and close() hands it to the caller. */
  private failure: ConfigError | undefined;

  private constructor(
    private readonly stream: WriteStream,
    path: string,
  ) {
    // A write failing later (a full disk) must not crash the election.
    stream.on('error', (err) => (this.failure ??= outputWriteError(path, '--trace', err)));
  }

  /** Opens `path` for writing; ConfigError if it cannot be created. */
  static open(path: string): TraceWriter {
    if (!path) throw new ConfigError('--trace needs a file name');
    let fd: number;
    try {
      // Opened here, synchronously: a bad path is one error before the election, not a late one after it.
      fd = openSync(path, 'w');
    } catch (err) {
      throw outputWriteError(path, '--trace', err);
    }
    return new TraceWriter(createWriteStream('', { fd }), path);
  }

  write(event: TraceEvent | object): void {
    this.stream.write(JSON.stringify(event) + '\n');
  }

  /** Flushes and closes; resolves with the error of a write that failed, if one did. */
  close(): Promise<ConfigError | undefined> {
    return new Promise((resolve) => this.stream.end(() => resolve(this.failure)));
  }
}
