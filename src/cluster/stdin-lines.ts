/** Reading stdin line by line: a node process's config and its "start" signal. */
import { InvalidConfigError } from '../errors.js';

/**
 * The lines of stdin, read one at a time. A launched node reads its config and then the "start"
 * signal this way; plain stream events instead of node:readline keep the child process small.
 */
export class StdinLines {
  private buffer = '';
  private readonly lines: string[] = [];
  private ended = false;
  private waiting: ((line: string | null) => void) | undefined;

  constructor(private readonly input: NodeJS.ReadableStream & { destroy(): void } = process.stdin) {
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, nl).replace(/\r$/, ''));
        this.buffer = this.buffer.slice(nl + 1);
      }
      this.wake();
    });
    const end = () => {
      if (this.buffer) this.lines.push(this.buffer);
      this.buffer = '';
      this.ended = true;
      this.wake();
    };
    input.on('end', end);
    input.on('close', end);
    input.on('error', end);
  }

  /** The next line, or null once stdin has ended. */
  next(): Promise<string | null> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Stops reading: an open pipe would keep the process alive after the election. */
  close(): void {
    this.input.destroy();
  }

  private wake(): void {
    const w = this.waiting;
    if (!w) return;
    const line = this.lines.shift();
    if (line !== undefined || this.ended) {
      this.waiting = undefined;
      w(line ?? null);
    }
  }
}

/**
 * Resolves on the first "start" line; a InvalidConfigError with the message `whenClosed` if stdin ends
 * first. Stdin stays open: tearing the stream down costs a node process as much CPU as relaying
 * several datagrams, at the moment every node starts at once. The caller closes it after the
 * election (runNodes does).
 */
export async function waitForStart(lines: StdinLines, whenClosed: string): Promise<void> {
  for (;;) {
    const line = await lines.next();
    if (line === null) throw new InvalidConfigError(whenClosed);
    if (line.trim() === 'start') return;
  }
}
