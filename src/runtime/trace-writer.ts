import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import type { TraceEvent } from '../core/trace.js';
import { ConfigError, outputWriteError } from '../errors.js';

/** Appends trace events to a file as JSON lines. */
export class TraceWriter {
  private constructor(private readonly stream: WriteStream) {}

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
    const stream = createWriteStream('', { fd });
    // A write failing later (a full disk) must not crash the election: the run goes on, and the
    // process reports it as the one line any other unwritable output gets, and exits 2.
    stream.on('error', (err) => {
      const problem = outputWriteError(path, '--trace', err);
      process.stderr.write(`hs-ring: ${problem.message}\n`);
      process.exitCode = problem.exitCode;
    });
    return new TraceWriter(stream);
  }

  write(event: TraceEvent | object): void {
    this.stream.write(JSON.stringify(event) + '\n');
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
