import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import type { TraceEvent } from '../core/trace.js';
import { ConfigError } from '../errors.js';

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
      throw new ConfigError(`--trace: cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const stream = createWriteStream('', { fd });
    stream.on('error', (err) => {
      process.stderr.write(`hs-ring: cannot write trace ${path}: ${err.message}\n`);
      process.exitCode = 2;
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
