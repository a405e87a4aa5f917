/**
 * A leadership member's durable state (its promised epoch and attempt counter) in its state
 * directory, written as the core's contract asks: a temporary file, fsync, rename over the state
 * file, fsync the directory, all synchronous, so that nothing of the same step is carried out
 * before the state is on the disk. A crash at any point leaves the old state or the new one.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FRESH, type Persisted } from '../core/leadership/types.js';
import { CorruptStateError, InvalidConfigError, outputWriteError } from '../errors.js';

/** The state file's name in the directory; a crash may leave STATE_FILE + '.tmp' beside it, which is never read. */
export const STATE_FILE = 'leadership.json';
const TMP_FILE = `${STATE_FILE}.tmp`;

/** Creates the state directory if need be; InvalidConfigError if it cannot be (checked at start, not at the first grant). */
export function prepareStateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new InvalidConfigError(`stateDir: cannot create ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * What the member persisted in `dir`: FRESH when the directory or the file does not exist (a new
 * member, or a lost disk); CorruptStateError when the file exists but is not a state.
 */
export function loadState(dir: string): Persisted {
  const path = join(dir, STATE_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return FRESH;
    throw new CorruptStateError(`state file ${path}: cannot read (${code ?? (err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new CorruptStateError(`state file ${path}: not valid JSON; move it away only if this member's promises are known to be void`);
  }
  const { promised, counter } = (data ?? {}) as Record<string, unknown>;
  if (typeof promised !== 'number' || !Number.isSafeInteger(promised) || promised < -1) {
    throw new CorruptStateError(`state file ${path}: "promised" must be an integer >= -1, got ${JSON.stringify(promised)}`);
  }
  if (typeof counter !== 'number' || !Number.isSafeInteger(counter) || counter < 0) {
    throw new CorruptStateError(`state file ${path}: "counter" must be an integer >= 0, got ${JSON.stringify(counter)}`);
  }
  return { promised, counter };
}

/** Makes `state` durable in `dir` before returning; OutputUnwritableError if the disk refuses. */
export function saveState(dir: string, state: Persisted): void {
  const tmp = join(dir, TMP_FILE);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, `${JSON.stringify({ promised: state.promised, counter: state.counter })}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(dir, STATE_FILE));
    // The rename is durable only once the directory entry is: without this a crash could bring back the old state.
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch (err) {
    throw outputWriteError(join(dir, STATE_FILE), 'stateDir', err);
  }
}
