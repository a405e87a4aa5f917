/** The cluster key: how long it must be, and reading it from a file as `--key-file` and launched nodes do. */
import { readFileSync } from 'node:fs';
import { InvalidConfigError } from '../errors.js';

/** Shortest cluster key accepted, bytes: a short key is a guessable key. */
export const MIN_KEY_BYTES = 16;

/** Why `key` cannot be a cluster key, or undefined when it can. */
export function keyProblem(key: Uint8Array): string | undefined {
  if (key.length === 0) return 'empty';
  if (key.length < MIN_KEY_BYTES) return `${key.length} bytes is too short (at least ${MIN_KEY_BYTES})`;
  return undefined;
}

/**
 * Reads a cluster key: the file's bytes, less one trailing newline (so `echo secret > key` and
 * `printf secret > key` give the same key). InvalidConfigError if missing, unreadable, empty or short.
 */
export function loadKeyFile(path: string): Uint8Array {
  if (!path) throw new InvalidConfigError('--key-file needs a file name');
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new InvalidConfigError(`key file ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0a) end -= 1;
  if (end > 0 && bytes[end - 1] === 0x0d) end -= 1;
  const key = new Uint8Array(bytes.subarray(0, end));
  const problem = keyProblem(key);
  if (problem) throw new InvalidConfigError(`key file ${path}: ${problem}`);
  return key;
}
